"""The result of normalising: the canonical call table and how every row was accounted.

Each input row lands in exactly one bucket, checked in this order:

1. ``plan_limit_rejected``: its status contains ``REACH_PLAN_LIMIT`` (any case), whatever
   its times; such a call never occupied capacity;
2. ``invalid``: with the first reason that applies, in the order of
   ``ccc_cli.schema.INVALID_REASONS``;
3. ``duplicates``: same call id and same start and end as an earlier row (input order:
   files in the order given, rows in file order);
4. ``merged_legs``: a further leg of a call already counted (a call is the rows connected
   by shared group values and by parent ids naming call ids; see
   ``ccc_cli.normalize.legs``);
5. ``used``: one per call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from ccc_cli.normalize.detect import PresetMatch
from ccc_cli.normalize.mapping import ColumnMapping
from ccc_cli.normalize.times import TimeEncoding
from ccc_cli.options import LoadOptions

if TYPE_CHECKING:
    from ccc_cli.normalize.select import Selection
from ccc_cli.schema import (
    DUPLICATES,
    INVALID,
    MERGED_LEGS,
    NOT_SELECTED,
    PLAN_LIMIT_REJECTED,
    REASON,
    SOURCE_FILE,
    SOURCE_ROW,
    USED,
)


@dataclass(frozen=True, slots=True)
class RowAccounting:
    """Where every input row went; ``read`` is always the sum of the buckets."""

    read: int
    used: int
    duplicates: int
    merged_legs: int
    plan_limit_rejected: int
    invalid: int
    invalid_reasons: Mapping[str, int]
    # Rows of calls outside --from/--to or --account (None: no selection was made).
    not_selected: int | None = None

    def as_dict(self) -> dict[str, Any]:
        doc = {
            "read": self.read,
            USED: self.used,
            DUPLICATES: self.duplicates,
            MERGED_LEGS: self.merged_legs,
            PLAN_LIMIT_REJECTED: self.plan_limit_rejected,
            INVALID: self.invalid,
            "invalid_reasons": dict(self.invalid_reasons),
        }
        if self.not_selected is not None:
            doc[NOT_SELECTED] = self.not_selected
        return doc


@dataclass(frozen=True, slots=True)
class FileReport:
    """What was read from one file and how (for ``ccc inspect``)."""

    label: str
    kind: str
    separator: str | None
    rows: int
    mapping: ColumnMapping
    encodings: Mapping[str, TimeEncoding]
    duration_unit: str | None
    unmapped_types: Mapping[str, int]
    preset: PresetMatch | None = None
    encoding: str | None = None
    encoding_why: str | None = None
    row_filter: str | None = None
    tz: str | None = None
    # How rows are numbered: "line" (a text file: the line a record starts on) or
    # "row" (Parquet, frames: 1-based row number).
    row_unit: str = "row"
    notes: tuple[str, ...] = ()
    # The SQL that read a database input (``ccc_cli.load.database``); None for files.
    query: str | None = None


@dataclass(frozen=True)
class CallSet:
    """The canonical call table and everything known about how it was built.

    Attributes
    ----------
    calls
        One row per leg that occupied capacity (schema: ``ccc_cli.schema.canonical_schema``).
    rejected
        Rows with status ``REACH_PLAN_LIMIT`` (same columns as ``calls``; ``end`` may be
        null; ``leg_group`` is null).
    invalid
        Invalid rows: ``reason``, the ``column`` at fault, ``source_file``, ``source_row``,
        ``call_id`` and the raw start, end and duration text.
    linked
        Whether any legs were linked into multi-leg calls.
    linked_groups
        Calls with several legs all have a ``leg_group`` below this number (calls at or
        above it have exactly one leg), so the engine merges legs only where needed.
    reused_call_ids
        Call ids carried by rows of different calls (different times and not linked as
        legs of one call); such rows are kept as separate calls.
    """

    calls: pl.DataFrame
    rejected: pl.DataFrame
    invalid: pl.DataFrame
    accounting: RowAccounting
    files: tuple[FileReport, ...]
    tz: str
    linked: bool
    reused_call_ids: int
    linked_groups: int = 0
    notes: tuple[str, ...] = field(default=())
    # Forward legs joined to their inbound call and those that matched none (None: no
    # forward rule applied; see ccc_cli.normalize.forwards).
    forwards: tuple[int, int] | None = None
    # The --from/--to/--account selection, and the leg groups of the calls it carries in
    # (begun before --from: admitted already; see ccc_cli.normalize.select).
    selection: Selection | None = None
    carried: pl.Series | None = None

    def first_invalid_message(self) -> str | None:
        """One line naming the first invalid row (file, row, column, reason, value)."""
        if self.invalid.height == 0:
            return None
        row = self.invalid.row(0, named=True)
        return (
            f"{invalid_row_text(row, self.files)}; {self.accounting.invalid} invalid row(s) in all"
        )


def where(file: str, row: int, files: Sequence[FileReport]) -> str:
    """``calls.csv, line 7`` (a text file) or ``calls.parquet, row 7``."""
    unit = next((f.row_unit for f in files if f.label == file), "row")
    return f"{file}, {unit} {row}"


def invalid_row_text(row: Mapping[str, Any], files: Sequence[FileReport]) -> str:
    """One invalid row as a phrase: where it is, the column at fault, the reason and
    the value at fault."""
    at = where(row[SOURCE_FILE], row[SOURCE_ROW], files)
    column = f", column {row['column']!r}" if row["column"] is not None else ""
    value = f" (value {row['value']!r})" if row["value"] is not None else ""
    return f"{at}{column}: {row[REASON]}{value}"


def display_tz(options: LoadOptions, files: Sequence[FileReport]) -> str:
    """The zone times are shown in: --tz, else the zone every file was read in (a
    preset's, such as Stringee's Asia/Ho_Chi_Minh), else UTC."""
    if options.tz is not None:
        return options.tz
    zones = {f.tz for f in files}
    if len(zones) == 1:
        (zone,) = zones
        return zone or "UTC"
    return "UTC"
