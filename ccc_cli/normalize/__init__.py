"""Normaliser: lazy frames -> the canonical call table with row accounting."""
