"""ccc: concurrent calls from call detail records.

The package is a typed core (``ccc_cli.api``) with a thin command-line shell
(``ccc_cli.cli``). Data flows one way: ``load`` (paths -> lazy frames) ->
``normalize`` (the canonical call table and row accounting) -> ``engine`` (sweep-line
results) -> ``report`` (tables, JSON, files).
"""

from __future__ import annotations

__version__ = "0.1.0"
# The distribution name (pip install ...); the command is `ccc`, the package `ccc_cli`.
DISTRIBUTION = "ccc-concurrent-calls"
