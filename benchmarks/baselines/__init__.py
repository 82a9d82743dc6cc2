"""Baselines: what a user would write instead of ccc, each run as its own process.

Every script reads the same files as ccc, computes the answer with one tool only (it
never imports ccc), and prints one JSON object on stdout: the answer and the time spent
inside the tool (``engine_s``), the whole process being timed by ``benchmarks/run.py``.
They count every row as one call ``[start, end)``: the benchmark runs them on files
written by ``ccc generate --clean``, where that is exactly ccc's rule.
"""
