"""The fuzz suite's oracle: an independent row counter and a brute-force peak.

Independent of ``ccc_cli`` on purpose. Rows are counted by Python's ``csv`` module over
the same bytes, decoded with the codec the file was built with, read with ``newline=''``
semantics: a record ends at CR, LF or CRLF in any mix outside quotes, a newline inside
quotes is data, and a quote that does not open a field is data. Blank lines (records
``[]``) are not rows, and the first non-blank record is the header.

Every time value the generator wrote is known to it (``TimeValue``: a valid instant, or
junk / a sentinel / out of range); the oracle looks up each parsed time field, so after
any damage it knows which rows are valid, which are invalid with which possible reasons,
and, when every time field parsed back to a known value, the exact calls and peak. A
value it does not know (text swallowed by an unterminated quote, say) makes the case
inexact: then only the row count and the invariants are checked.

Legs (``parent_call_id``): rows linked through parent ids are one call, active while any
of its legs is. Acyclic links give the same calls under any reading of the rules
(follow the chain to the root, or connected components). A parent cycle (A -> B -> A)
is not defined by the rules; the oracle then brackets the answer between the coarsest
grouping (connected components) and the finest (every row its own call): any sane
grouping lies between, and a coarser grouping can only lower the peak.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

TimeKind = Literal["ok", "missing", "nullish", "junk", "sentinel", "range"]
NO_ACCOUNT = "(none)"
MALFORMED = "malformed_row"
IMPLAUSIBLE = "implausible_time"


@dataclass(frozen=True)
class TimeValue:
    """What a raw time text written by the generator means.

    ``ok``: a valid instant (``at``, aware); ``missing``: empty or a null literal;
    ``nullish``: ``n/a``-like (missing or bad); ``junk``: not a time; ``sentinel``: a
    placeholder or implausible time (``1970-01-01``, year 9999, ...); ``range``: out of
    the representable range (bad or implausible).
    """

    kind: TimeKind
    at: datetime | None = None


def reasons_for(kind: TimeKind, side: Literal["start", "end"]) -> frozenset[str]:
    """The invalid reasons a row may get for a bad time on ``side``."""
    if kind == "missing":
        return frozenset({f"missing_{side}"})
    if kind == "nullish":
        return frozenset({f"missing_{side}", f"bad_{side}"})
    if kind == "junk":
        return frozenset({f"bad_{side}", IMPLAUSIBLE})
    if kind == "sentinel":
        return frozenset({IMPLAUSIBLE})
    if kind == "range":
        return frozenset({f"bad_{side}", IMPLAUSIBLE})
    raise ValueError(kind)


# --- counting rows --------------------------------------------------------------------
@dataclass(frozen=True)
class CsvRead:
    """A file as Python's csv module reads it."""

    header: list[str]
    rows: list[list[str]]
    blank_lines: int

    @property
    def read(self) -> int:
        return len(self.rows)


def read_csv_bytes(data: bytes, codec: str) -> CsvRead:
    """Records of ``data`` decoded with ``codec``: header, rows and blank lines."""
    text = data.decode(codec)
    limit = csv.field_size_limit()
    csv.field_size_limit(sys.maxsize)  # huge fields are part of the fuzzing
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    finally:
        csv.field_size_limit(limit)
    non_blank = [r for r in records if r != []]
    blank = len(records) - len(non_blank)
    if not non_blank:
        return CsvRead(header=[], rows=[], blank_lines=blank)
    return CsvRead(header=non_blank[0], rows=non_blank[1:], blank_lines=blank)


# --- peaks ----------------------------------------------------------------------------
Interval = tuple[datetime, datetime]


def brute_peak(calls: Sequence[Sequence[Interval]]) -> int:
    """Most calls active at once; a call is active at ``t`` when one of its legs
    ``[start, end)`` holds ``t``. The level only rises at a start, so only starts are
    candidate instants; a zero-length leg is never active."""
    instants = {s for legs in calls for s, e in legs if e > s}
    return max(
        (sum(1 for legs in calls if any(s <= t < e for s, e in legs)) for t in instants),
        default=0,
    )


# --- expectations for one CSV case ----------------------------------------------------
@dataclass(frozen=True)
class Columns:
    """Positions of the fields in a record (``None``: no such column)."""

    width: int
    call_id: int
    start: int
    end: int
    call_type: int
    account: int
    parent: int | None = None
    memo: int | None = None


@dataclass
class Leg:
    index: int
    call_id: str
    parent: str
    start: datetime
    end: datetime
    account: str


@dataclass
class Expectation:
    """What ccc must report for one file (see the module docstring)."""

    read: int
    blank_lines: int
    exact: bool
    invalid_allowed: list[frozenset[str]] = field(default_factory=list)
    unknown_rows: int = 0
    duplicates: int = 0
    kept: int = 0
    cyclic: bool = False
    calls_min: int = 0
    calls_max: int = 0
    peak_min: int = 0
    peak_max: int = 0
    # Per account of a call (its first leg's account): the peak; exact cases only.
    by_account: dict[str, int] | None = None

    @property
    def invalid(self) -> int:
        return len(self.invalid_allowed)

    @property
    def valid(self) -> int:
        return self.kept + self.duplicates


class _Components:
    def __init__(self) -> None:
        self.up: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.up.setdefault(x, x)
        while self.up[x] != x:
            self.up[x] = self.up[self.up[x]]
            x = self.up[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.up[ra] = rb


def _has_cycle(parent_of: Mapping[str, str]) -> bool:
    for start in parent_of:
        seen = {start}
        node = start
        while node in parent_of:
            node = parent_of[node]
            if node in seen:
                return True
            seen.add(node)
    return False


def _calls(legs: Sequence[Leg], key: Iterable[object]) -> list[list[Leg]]:
    groups: dict[object, list[Leg]] = {}
    for leg, k in zip(legs, key, strict=True):
        groups.setdefault(k, []).append(leg)
    return list(groups.values())


def expect(parsed: CsvRead, columns: Columns, times: Mapping[str, TimeValue]) -> Expectation:
    """Expected accounting, peak and accounts for ``parsed`` (see the module docstring)."""
    exp = Expectation(read=parsed.read, blank_lines=parsed.blank_lines, exact=True)
    valid: list[Leg] = []
    for i, row in enumerate(parsed.rows):
        if len(row) != columns.width:
            exp.invalid_allowed.append(frozenset({MALFORMED}))
            continue
        start, end = times.get(row[columns.start]), times.get(row[columns.end])
        if start is None or end is None:
            # A time field the generator never wrote (damage merged records): valid or
            # not, the oracle cannot say.
            exp.exact = False
            exp.unknown_rows += 1
            continue
        if start.kind == "ok" and end.kind == "ok":
            assert start.at is not None and end.at is not None
            if end.at < start.at:
                exp.invalid_allowed.append(frozenset({"end_before_start"}))
                continue
            parent = row[columns.parent].strip() if columns.parent is not None else ""
            account = row[columns.account].strip() or NO_ACCOUNT
            valid.append(Leg(i, row[columns.call_id].strip(), parent, start.at, end.at, account))
            continue
        allowed: frozenset[str] = frozenset()
        if start.kind != "ok":
            allowed |= reasons_for(start.kind, "start")
        if end.kind != "ok":
            allowed |= reasons_for(end.kind, "end")
        exp.invalid_allowed.append(allowed)

    # Duplicates: same call id and same times as an earlier valid row.
    seen: set[tuple[str, datetime, datetime]] = set()
    kept: list[Leg] = []
    for leg in valid:
        k = (leg.call_id, leg.start, leg.end)
        if leg.call_id and k in seen:
            exp.duplicates += 1
            continue
        seen.add(k)
        kept.append(leg)
    exp.kept = len(kept)

    ids = [leg.call_id for leg in kept if leg.call_id]
    if len(ids) != len(set(ids)):
        # Reused call ids (same id, different times): linking through them is
        # ambiguous; keep the invariants only.
        exp.exact = False

    parent_of = {leg.call_id: leg.parent for leg in kept if leg.parent and leg.call_id}
    exp.cyclic = _has_cycle(parent_of)
    comp = _Components()
    for leg in kept:
        comp.find(f"row:{leg.index}")
        if leg.call_id:
            comp.union(f"row:{leg.index}", f"id:{leg.call_id}")
        if leg.parent:
            comp.union(f"row:{leg.index}", f"id:{leg.parent}")
    merged = _calls(kept, (comp.find(f"row:{leg.index}") for leg in kept))
    alone = [[leg] for leg in kept]
    exp.calls_min, exp.calls_max = len(merged), len(alone)
    if not exp.cyclic:
        exp.calls_max = exp.calls_min
    exp.peak_min = brute_peak([[(leg.start, leg.end) for leg in call] for call in merged])
    exp.peak_max = (
        brute_peak([[(leg.start, leg.end) for leg in call] for call in alone])
        if exp.cyclic
        else exp.peak_min
    )
    if exp.exact and not exp.cyclic:
        by_account: dict[str, list[list[Interval]]] = {}
        for call in merged:
            first = min(call, key=lambda leg: (leg.start, leg.index))
            by_account.setdefault(first.account, []).append([(leg.start, leg.end) for leg in call])
        exp.by_account = {acc: brute_peak(calls) for acc, calls in by_account.items()}
    return exp


def reasons_feasible(allowed: Sequence[frozenset[str]], counts: Mapping[str, int]) -> bool:
    """Whether the reported reason counts can be an assignment of one allowed reason to
    every invalid row (Hall's condition for a transportation problem: for every set S of
    reasons, the rows that must take a reason in S fit in the counts of S)."""
    if sum(counts.values()) != len(allowed):
        return False
    universe = sorted(set(counts) | {r for a in allowed for r in a})
    if any(not a for a in allowed):
        return False
    # Only the reasons some row allows matter; the others must be zero.
    if any(counts.get(r, 0) for r in universe if not any(r in a for a in allowed)):
        return False
    relevant = sorted({r for a in allowed for r in a})
    for mask in range(1, 1 << len(relevant)):
        subset = {r for i, r in enumerate(relevant) if mask >> i & 1}
        need = sum(1 for a in allowed if a <= subset)
        if need > sum(counts.get(r, 0) for r in subset):
            return False
    return True
