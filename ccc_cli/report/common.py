"""Pieces shared by every report: the row-accounting line, notes, consoles."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

from rich.console import Console

if TYPE_CHECKING:
    from ccc_cli.normalize.callset import CallSet, RowAccounting


def stdout_console() -> Console:
    """Console for results; honours ``NO_COLOR`` and ``COLUMNS`` (Rich reads both)."""
    return Console(file=sys.stdout, highlight=False, soft_wrap=True)


def stderr_console() -> Console:
    """Console for diagnostics and progress."""
    return Console(file=sys.stderr, highlight=False, no_color="NO_COLOR" in os.environ)


def accounting_line(acc: RowAccounting) -> str:
    """``rows: 1,000 read = 950 used + ...`` with the invalid reasons that occurred."""
    parts = [
        f"{acc.used:,} used",
        f"{acc.duplicates:,} duplicates",
        f"{acc.merged_legs:,} merged legs",
        f"{acc.plan_limit_rejected:,} REACH_PLAN_LIMIT",
        f"{acc.invalid:,} invalid",
    ]
    line = f"rows: {acc.read:,} read = " + " + ".join(parts)
    reasons = [f"{name} {count:,}" for name, count in acc.invalid_reasons.items() if count]
    if reasons:
        line += f" ({', '.join(reasons)})"
    return line


def inputs_document(callset: CallSet) -> dict[str, Any]:
    """JSON keys every command shares: time zone, inputs, row accounting, notes."""
    return {
        "timezone": callset.tz,
        "files": [f.label for f in callset.files],
        "rows": callset.accounting.as_dict(),
        "reused_call_ids": callset.reused_call_ids,
        "notes": list(callset.notes),
    }
