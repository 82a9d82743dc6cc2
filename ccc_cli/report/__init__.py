"""Rendering and writing of results (tables, JSON, CSV, Parquet, charts)."""
