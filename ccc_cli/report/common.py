"""Pieces shared by every report: the JSON envelope and the shapes every command shares
(docs/vocabulary.md), the row-accounting line, notes, consoles."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from rich.console import Console

from ccc_cli.report.timefmt import iso
from ccc_cli.schema import CALL_TYPES

if TYPE_CHECKING:
    from ccc_cli.normalize.callset import CallSet, FileReport, RowAccounting

# The version of the JSON vocabulary (docs/vocabulary.md, docs/schema/): raised when a key
# changes its meaning or shape or disappears; adding a key does not raise it.
SCHEMA_VERSION: Final = 1


# Piped or redirected output is as wide as its widest line: a cell (a call id, a mix) is
# never cut to "c…" or wrapped over several lines, whatever COLUMNS says.
PIPE_WIDTH: Final = 100_000
# The width of a chart when piped: COLUMNS if set, else this.
PIPE_CHART_WIDTH: Final = 100


def stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def stdout_console() -> Console:
    """Console for results; honours ``NO_COLOR``. On a terminal, its width (or
    ``COLUMNS``); piped or redirected, unbounded: tables at their natural width."""
    if stdout_is_terminal():
        return Console(file=sys.stdout, highlight=False, soft_wrap=True)
    return Console(file=sys.stdout, highlight=False, soft_wrap=True, width=PIPE_WIDTH)


def chart_width(console: Console) -> int:
    """Columns a chart may fill: the console's on a terminal; piped, ``COLUMNS`` or
    :data:`PIPE_CHART_WIDTH`."""
    if console.width < PIPE_WIDTH:
        return console.width
    try:
        return max(int(os.environ.get("COLUMNS", "")), 20)
    except ValueError:
        return PIPE_CHART_WIDTH


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


def envelope(
    command: str,
    *,
    timezone: str,
    files: list[dict[str, Any]],
    rows: dict[str, Any] | None,
    notes: list[str],
) -> dict[str, Any]:
    """The keys every ``--format json`` document starts with (docs/vocabulary.md)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "command": command,
        "timezone": timezone,
        "files": files,
        "rows": rows,
        "notes": notes,
    }


def file_document(report: FileReport) -> dict[str, Any]:
    """One input file: ``{path, format, preset, rows_read}`` (``ccc inspect`` adds more)."""
    return {
        "path": report.label,
        "format": report.kind,
        "preset": None if report.preset is None else report.preset.preset,
        "rows_read": report.rows,
    }


def inputs_document(callset: CallSet, command: str) -> dict[str, Any]:
    """The envelope of a command that read ``callset``: time zone, inputs, row
    accounting, notes (and ``reused_call_ids``)."""
    doc = envelope(
        command,
        timezone=callset.tz,
        files=[file_document(f) for f in callset.files],
        rows=callset.accounting.as_dict(),
        notes=list(callset.notes),
    )
    doc["reused_call_ids"] = callset.reused_call_ids
    if callset.selection is not None:
        doc["selection"] = {
            "from": iso(callset.selection.start, callset.tz),
            "to": iso(callset.selection.end, callset.tz),
            "accounts": list(callset.selection.accounts),
        }
    return doc


def mix_document(mix: Mapping[str, int]) -> dict[str, int]:
    """``mix``: the calls active at one instant by type, every type named (0 included),
    in the canonical order."""
    return {t: int(mix.get(t, 0)) for t in CALL_TYPES}


def value_at(value: int, at: datetime | None, tz: str) -> dict[str, Any]:
    """``{value, at}``: a maximum and the first instant it was reached (``at`` null
    when it never was: nothing active)."""
    return {"value": value, "at": iso(at, tz)}


def peak_object(value: int, at: datetime | None, mix: Mapping[str, int], tz: str) -> dict[str, Any]:
    """``peak``: ``{value, at, mix}``, the highest number of calls active at once, the
    first instant it was reached, and the calls active then by type."""
    return {**value_at(value, at, tz), "mix": mix_document(mix)}


def header(key: str) -> str:
    """A table header for a vocabulary key: the key with spaces (``call_id`` -> ``call
    id``), so a column on screen and in JSON or CSV carry the same name."""
    return key.replace("_", " ")


def daily_peaks_document(
    *,
    days: int,
    percentiles: Mapping[str, int | None],
    by_weekday: list[tuple[str, int, Mapping[str, int | None]]] | None = None,
    by_day: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``daily_peaks``: the peak of every local day summed up (``ccc analyze``, ``ccc
    size``): ``{method, days, percentiles, by_weekday?, by_day?}``."""
    doc: dict[str, Any] = {
        "method": "nearest rank",
        "days": days,
        "percentiles": dict(percentiles),
    }
    if by_weekday is not None:
        doc["by_weekday"] = {
            name: {"days": n, "percentiles": dict(stats)} for name, n, stats in by_weekday
        }
    if by_day is not None:
        doc["by_day"] = by_day
    return doc
