"""Fuzz tests of the readers: damaged CSV and oddly typed Parquet through the CLI.

- ``strategies.py``: a valid base table, then damage (``DAMAGE``), as bytes plus a
  description the oracle reads; Parquet tables with random column types.
- ``oracle.py``: the row count by Python's csv module and a brute-force peak.
- ``harness.py``: running ``ccc`` (in-process, or in a memory-capped child process for
  the commands whose work grows with the time span) and the checks every run must pass.
- ``test_fuzz_csv.py``, ``test_fuzz_parquet.py``: the contract, property-based, plus
  pinned reproducers.

Budgets (profiles in ``tests/conftest.py``): every ``python -m pytest`` runs these tests
derandomised with 40 examples each and no shrinking; ``python -m pytest -m fuzz`` runs
them alone with 500 random examples each and shrinking (``CCC_FUZZ_EXAMPLES=N`` sets the
number).

A package, not loose test modules, so that ``fuzz.oracle`` does not collide with the
``oracle`` module of ``tests/``.
"""
