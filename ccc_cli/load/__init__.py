"""Loader: paths -> lazy frames (step 1 of files -> loader -> normaliser -> engine -> reports)."""
