"""What a preset is made of, and the helpers its rules are built from.

A preset is data: the layouts it recognises (header names, or the column count and
value shapes of a headerless file), a rule per canonical field (a column, or a
vectorised Polars expression over several columns), the time encoding and zone of its
naive times, the raw call-type values it produces and a row filter.

Rules never loop over rows: each is one expression applied to the whole column. Derived
fields become columns named after their rule (``coalesce(end_time, date_updated)``), so
``ccc inspect`` shows exactly what was read.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import polars as pl

from ccc_cli.schema import normalize_header

AUTO: Final = "auto"
GENERIC: Final = "generic"
VIETNAM_TZ: Final = "Asia/Ho_Chi_Minh"


def header_key(name: str) -> str:
    """Header matching key: NFC (Vietnamese exports may be decomposed), lower case,
    letters and digits only."""
    return normalize_header(unicodedata.normalize("NFC", name))


class Columns:
    """The columns of one file, looked up by vendor name case- and separator-blind."""

    def __init__(self, names: Sequence[str], dtypes: Mapping[str, pl.DataType]) -> None:
        self.names = tuple(names)
        self.dtypes = dict(dtypes)
        self._by_key: dict[str, str] = {}
        for name in names:
            self._by_key.setdefault(header_key(name), name)

    def find(self, *candidates: str) -> str | None:
        """The first of ``candidates`` present in the file (its spelling in the file)."""
        for cand in candidates:
            found = self._by_key.get(header_key(cand))
            if found is not None:
                return found
        return None

    def text(self, name: str) -> pl.Expr:
        """A column as trimmed text; empty and ``NULL``-like values are null."""
        raw = pl.col(name)
        text = raw if self.dtypes.get(name) == pl.String else raw.cast(pl.String)
        stripped = text.str.strip_chars()
        empty = stripped.str.len_bytes() == 0
        return (
            pl.when(empty | stripped.str.to_lowercase().is_in(["null", "\\n"]))
            .then(None)
            .otherwise(stripped)
        )


@dataclass(frozen=True, slots=True)
class Derivation:
    """How one field is fed: an input column as is (``expr`` is None), or an expression
    added to the frame under the name ``column`` (which describes it)."""

    column: str
    expr: pl.Expr | None = None
    note: str | None = None


# (role: 1 inbound record to a number, 2 server-originated record, else null; caller;
# callee), each an expression over the file's columns.
ForwardRule = Callable[[Columns], tuple[pl.Expr, pl.Expr, pl.Expr] | None]
FieldRule = Callable[[Columns], Derivation | None]
RowFilter = Callable[[Columns], tuple[pl.Expr, str] | None]


def pick(*candidates: str) -> FieldRule:
    """The first candidate column the file has."""

    def rule(cols: Columns) -> Derivation | None:
        found = cols.find(*candidates)
        return None if found is None else Derivation(found)

    return rule


def coalesce(*candidates: str) -> FieldRule:
    """The first non-empty value among the candidate columns the file has."""

    def rule(cols: Columns) -> Derivation | None:
        present = [c for c in (cols.find(x) for x in candidates) if c is not None]
        if len(present) <= 1:
            return Derivation(present[0]) if present else None
        expr = pl.coalesce([cols.text(c) for c in present])
        return Derivation(f"coalesce({', '.join(present)})", expr)

    return rule


def digits(expr: pl.Expr, low: int, high: int | None = None) -> pl.Expr:
    """A number of ``low`` to ``high`` digits (an optional leading ``+``)."""
    top = "" if high is None else str(high)
    return expr.str.contains(rf"^\+?\d{{{low},{top}}}$").fill_null(False)


def seconds(*candidates: str) -> FieldRule:
    """A duration column written as seconds or as ``H:MM:SS`` (PBX web exports), read
    as whole seconds; the first candidate the file has."""

    def rule(cols: Columns) -> Derivation | None:
        found = cols.find(*candidates)
        if found is None:
            return None
        return Derivation(f"{found} (H:MM:SS or seconds)", hms_seconds(cols.text(found)))

    return rule


def unless_column(name: str, rule: FieldRule) -> FieldRule:
    """``rule``, only in files without the column ``name`` (a fallback field)."""

    def fallback(cols: Columns) -> Derivation | None:
        return None if cols.find(name) is not None else rule(cols)

    return fallback


def hms_seconds(text: pl.Expr) -> pl.Expr:
    """``H:MM:SS`` (or ``MM:SS``) as a number of seconds; any other text is kept as is
    (already seconds, or unreadable: the engine says which)."""
    parts = text.str.extract_groups(r"^(?:(\d+):)?(\d{1,2}):(\d{2})$")
    hours = parts.struct.field("1").cast(pl.Int64, strict=False).fill_null(0)
    minutes = parts.struct.field("2").cast(pl.Int64, strict=False)
    secs = parts.struct.field("3").cast(pl.Int64, strict=False)
    clock = (hours * 3600 + minutes * 60 + secs).cast(pl.String)
    return pl.when(minutes.is_not_null()).then(clock).otherwise(text)


def group_of(*candidates: str, note: str | None = None) -> FieldRule:
    """Legs linked by the first candidate column the file has; ``note`` (said once per
    file) when the link found is a weaker one than the first candidate."""

    def rule(cols: Columns) -> Derivation | None:
        found = cols.find(*candidates)
        if found is None:
            return None
        weaker = note if cols.find(candidates[0]) is None else None
        return Derivation(found, note=weaker)

    return rule


def labelled(rules: Sequence[tuple[pl.Expr, str]], default: str = "unknown") -> pl.Expr:
    """The label of the first rule whose condition holds (nulls count as false)."""
    expr: pl.Expr = pl.lit(default)
    for cond, key in reversed(rules):
        expr = pl.when(cond.fill_null(False)).then(pl.lit(key)).otherwise(expr)
    return expr


@dataclass(frozen=True, slots=True)
class Layout:
    """One column layout a preset reads.

    With a header: ``required`` lists groups of names, one of each group must be present
    (names compared with :func:`header_key`); ``optional`` names add evidence. Headerless:
    ``positions`` names the columns by position and ``shapes`` gives the value shape
    expected under some of those names (see ``ccc_cli.normalize.detect``).
    """

    name: str
    required: tuple[tuple[str, ...], ...] = ()
    optional: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()
    shapes: Mapping[str, str] = field(default_factory=dict)
    # Headerless: the column count must equal len(positions); when False, extra (or
    # fewer, down to the last shaped column) columns are accepted.
    exact_width: bool = True

    @property
    def headerless(self) -> bool:
        return bool(self.positions)


@dataclass(frozen=True, slots=True)
class Preset:
    """A vendor format: layouts, a rule per field, time encoding and call-type values."""

    name: str
    title: str
    layouts: tuple[Layout, ...]
    fields: Mapping[str, FieldRule]
    # Zone of naive times when --tz is not given (None: UTC).
    tz: str | None = None
    epoch_unit: str | None = None
    # Tried before the built-in formats (day-first dates, vendor-specific shapes).
    time_formats: tuple[str, ...] = ()
    # Raw call-type value (lower case) per canonical type; --type-map wins over these.
    type_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    keep: RowFilter | None = None
    # Given the canonical calls of a file read with naive times as UTC (no --tz): a note
    # when the data itself shows the times are local (Asterisk's uniqueid epoch).
    zone_check: Callable[[pl.DataFrame], str | None] | None = None
    # What the format cannot tell (for the README and ``ccc inspect``).
    limits: str = ""
    # Which records are inbound calls to a number and which are server legs from one,
    # with their numbers: forward legs then join their inbound call (see
    # ccc_cli.normalize.forwards).
    forwards: ForwardRule | None = None
