"""Which column identifies calls: an id column is used only if its values tell calls
apart.

A table may carry an ``id`` that is the same on every row (a Yeastar export writes 0)
or an autoincrement row number beside the vendor's own call id (``uniqueid``, ``uuid``).
Taken as the call id, the first merges distinct calls as duplicates; the second hides
the vendor's id. Judged from a sample of the first rows: a constant column or a row
number gives way to another id column that tells calls apart; with none, a constant
column seen on 20 rows or more is not used at all (fewer rows with one id may be true
duplicates). An id named
with ``--id-col``, or a column called ``call_id``, is always used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

from ccc_cli.load.reader import Scan
from ccc_cli.normalize.mapping import ColumnMapping, FieldSource
from ccc_cli.schema import ALIASES, FIELD_CALL_ID, normalize_header

_SAMPLE: Final = 1000
# With no other id column, a constant id is dropped only when this many rows show it.
_CONSTANT_ROWS: Final = 20
_INTEGER: Final = r"^\s*\d+\s*$"


@dataclass(frozen=True, slots=True)
class IdChoice:
    """The id column kept (None: no column identifies calls) and a note, if it changed."""

    mapping: ColumnMapping
    note: str | None


def _verdict(values: pl.Series) -> str | None:
    """Why a sample of an id column does not identify calls, or None if it does."""
    text = values.cast(pl.String).str.strip_chars().drop_nulls()
    text = text.filter(text.str.len_bytes() > 0)
    if text.len() < 2:
        return None
    if text.n_unique() == 1:
        return f"holds {text[0]!r} on every row"
    if text.str.contains(_INTEGER).all():
        numbers = text.cast(pl.Int64, strict=False)
        if numbers.null_count() == 0 and bool((numbers.diff().drop_nulls() == 1).all()):
            return "is a row number (1 more on every row)"
    return None


def _candidates(columns: Sequence[str], taken: set[str], chosen: str) -> list[str]:
    keys = {normalize_header(a) for a in ALIASES[FIELD_CALL_ID]}
    others = [c for c in columns if normalize_header(c) in keys and c not in taken]
    return [chosen, *(c for c in others if c != chosen)]


def choose_id_column(scan: Scan, mapping: ColumnMapping, explicit: bool) -> IdChoice:
    """Keep the mapped call id if it identifies calls, else the next id column that does."""
    source = mapping.fields.get(FIELD_CALL_ID)
    # A column named by --id-col, or called call_id, is the call id as the file says.
    if source is None or explicit or source.why == "canonical name":
        return IdChoice(mapping, None)
    taken = {s.column for name, s in mapping.fields.items() if name != FIELD_CALL_ID}
    candidates = _candidates(scan.columns, taken, source.column)
    sample = scan.frame.select(candidates).head(_SAMPLE).collect()
    verdicts = {c: _verdict(sample[c]) for c in candidates}
    fault = verdicts[source.column]
    if fault is None:
        return IdChoice(mapping, None)
    fields = dict(mapping.fields)
    good = [c for c in candidates[1:] if verdicts[c] is None]
    why = f"{source.column!r} {fault}"
    if good:
        fields[FIELD_CALL_ID] = FieldSource(FIELD_CALL_ID, good[0], f"id column; {why}")
        note = f"{scan.source.label}: calls are told apart by {good[0]!r}: {why}"
    elif fault.startswith("is a row number") or sample.height < _CONSTANT_ROWS:
        # A row number is unique anyway; a few rows with one id may be true duplicates.
        return IdChoice(mapping, None)
    else:
        del fields[FIELD_CALL_ID]
        note = (
            f"{scan.source.label}: no call id is used: {why} (pass --id-col to name one); "
            "rows are not checked for duplicates"
        )
    return IdChoice(ColumnMapping(fields), note)
