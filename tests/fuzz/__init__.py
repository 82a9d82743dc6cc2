"""Fuzz tests of the readers: damaged CSV and oddly typed Parquet through the CLI.

A package (not loose test modules) so that ``fuzz.oracle`` does not collide with the
``oracle`` module of ``tests/``.
"""
