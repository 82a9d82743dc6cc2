"""Seeded generator of realistic synthetic call detail records (``ccc generate``)."""
