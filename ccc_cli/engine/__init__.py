"""Engine: exact sweep-line computations on the canonical call table."""
