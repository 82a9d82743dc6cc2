"""A brute-force oracle for row accounting and peak concurrency.

Deliberately naive and independent of ``ccc_cli``: it re-applies the business rules
(``docs/ccc-definition.md`` and the bucket rules of ``ccc_cli.normalize.callset``) to plain
Python dicts, one rule at a time, and counts the calls covering every candidate instant
directly (O(calls * instants)). Use it on small inputs only.

An input row is a dict with any of the keys ``call_id``, ``start_time``, ``end_time``,
``duration`` (seconds), ``call_type``, ``account_id``, ``parent_call_id``, ``leg_group``
and ``status``; times are tz-aware ``datetime`` objects or None.

Linking is applied to the rows left after the buckets above it (rejected, invalid and
duplicate rows link nothing): a parent chain is followed through those rows only. The
tests using this oracle generate no parent cycles and link by one kind only; cycles and
combined links (one call each, connected components) are checked against the union-find
oracle of ``tests/test_legs.py``. Here a chain stops at the first id seen twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

TYPES = ("inbound", "outbound", "internal", "app_to_app", "otp", "other")
NO_ACCOUNT = "(none)"
REASONS = (
    "malformed_row",
    "not_a_call",
    "missing_start",
    "bad_start",
    "missing_end",
    "bad_end",
    "implausible_time",
    "end_before_start",
    "too_long",
)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PLAUSIBLE_UNTIL_US = 4_102_444_800_000_000  # 2100-01-01T00:00:00Z
US = timedelta(microseconds=1)

Link = Literal["none", "parent", "group"]


def to_us(t: datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    return (t - EPOCH) // US


def from_us(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def _text(value: Any) -> str | None:
    """Strip text; empty means missing (as in a CSV export)."""
    if value is None:
        return None
    value = str(value).strip()
    return value or None


@dataclass
class Call:
    """One call: its legs as (start_us, end_us) and the type/account of its first leg."""

    legs: list[tuple[int, int]]
    call_type: str
    account: str

    def active_at(self, t: int) -> bool:
        # Half-open legs: a leg ending at t is over, a zero-length leg is never active.
        return any(s <= t < e for s, e in self.legs)


@dataclass(frozen=True)
class OraclePeak:
    value: int
    at: datetime | None


@dataclass
class OracleResult:
    accounting: dict[str, Any]
    calls: list[Call]
    reused_call_ids: int
    linked: bool
    total: OraclePeak = field(init=False)
    by_type: dict[str, OraclePeak] = field(init=False)
    by_account: dict[str, tuple[OraclePeak, dict[str, OraclePeak]]] = field(init=False)

    def __post_init__(self) -> None:
        self.total = self.peak(lambda c: True)
        self.by_type = {t: self.peak(lambda c, t=t: c.call_type == t) for t in TYPES}
        self.by_account = {}
        for acc in sorted({c.account for c in self.calls}):
            acc_total = self.peak(lambda c, a=acc: c.account == a)
            acc_types = {
                t: self.peak(lambda c, a=acc, t=t: c.account == a and c.call_type == t)
                for t in TYPES
            }
            self.by_account[acc] = (acc_total, acc_types)

    def instants(self) -> list[int]:
        """Candidate instants: every start of a non-empty leg (the level only rises there)."""
        return sorted({s for c in self.calls for s, e in c.legs if e > s})

    def level(self, t: int, keep: Callable[[Call], bool] = lambda c: True) -> int:
        """Number of calls (passing ``keep``) with at least one leg active at ``t``."""
        return sum(1 for c in self.calls if keep(c) and c.active_at(t))

    def peak(self, keep: Callable[[Call], bool]) -> OraclePeak:
        best, at = 0, None
        for t in self.instants():  # ascending, so the first maximum is the first instant
            n = self.level(t, keep)
            if n > best:
                best, at = n, t
        return OraclePeak(best, None if at is None else from_us(at))

    def mix_at(self, at: datetime | None, account: str | None = None) -> dict[str, int]:
        """Active calls per type at ``at`` (of ``account`` when given)."""
        if at is None:
            return dict.fromkeys(TYPES, 0)
        t = to_us(at)
        return {
            ct: self.level(t, lambda c, ct=ct: c.call_type == ct and account in (None, c.account))
            for ct in TYPES
        }


def _call_type(raw: Any) -> str:
    text = _text(raw)
    if text is None:
        return "other"
    text = text.lower()
    return text if text in TYPES else "other"


def run(
    rows: Sequence[dict[str, Any]],
    *,
    link: Link = "none",
    max_duration_s: float | None = 86400.0,
) -> OracleResult:
    """Bucket ``rows``, link legs into calls (by ``link``) and return the peaks."""
    buckets = {"used": 0, "duplicates": 0, "merged_legs": 0, "plan_limit_rejected": 0}
    reasons = dict.fromkeys(REASONS, 0)

    # 1-2. Rejections first, then invalid rows with their first reason.
    valid: list[tuple[int, dict[str, Any], int, int]] = []  # (input index, row, start, end)
    for i, row in enumerate(rows):
        status = _text(row.get("status"))
        if status is not None and "reach_plan_limit" in status.lower():
            buckets["plan_limit_rejected"] += 1
            continue
        start = row.get("start_time")
        end = row.get("end_time")
        duration = row.get("duration")
        if start is None:
            reasons["missing_start"] += 1
            continue
        if end is None and duration is not None:
            end = start + timedelta(seconds=duration)
        if end is None:
            reasons["missing_end"] += 1
            continue
        s, e = to_us(start), to_us(end)
        # Plausible times lie after the epoch and before 2100 (the default window).
        if not 0 < s < PLAUSIBLE_UNTIL_US or not 0 < e < PLAUSIBLE_UNTIL_US:
            reasons["implausible_time"] += 1
            continue
        if e < s:
            reasons["end_before_start"] += 1
            continue
        if max_duration_s is not None and (e - s) > max_duration_s * 1_000_000:
            reasons["too_long"] += 1
            continue
        valid.append((i, row, s, e))

    # 3. Duplicates: same non-null call id and same times as an earlier valid row.
    seen: set[tuple[str, int, int]] = set()
    kept: list[tuple[int, dict[str, Any], int, int]] = []
    for item in valid:
        cid = _text(item[1].get("call_id"))
        if cid is not None:
            if (cid, item[2], item[3]) in seen:
                buckets["duplicates"] += 1
                continue
            seen.add((cid, item[2], item[3]))
        kept.append(item)

    # 4. Linking: a key per row; rows with the same key are one call, None = alone.
    keys: list[Any] = []
    if link == "group":
        keys = [_text(row.get("leg_group")) for _, row, _, _ in kept]
    elif link == "parent":
        parent_of: dict[str, str] = {}
        for _, row, _, _ in kept:
            cid, parent = _text(row.get("call_id")), _text(row.get("parent_call_id"))
            if cid is not None and parent is not None and cid not in parent_of:
                parent_of[cid] = parent

        def root(parent: str) -> str:
            chain = [parent]
            while chain[-1] in parent_of and parent_of[chain[-1]] not in chain:
                chain.append(parent_of[chain[-1]])
            return chain[-1]

        roots = [
            None if (p := _text(row.get("parent_call_id"))) is None else root(p)
            for _, row, _, _ in kept
        ]
        root_ids = {r for r in roots if r is not None}
        for (_, row, _, _), r in zip(kept, roots, strict=True):
            cid = _text(row.get("call_id"))
            if r is not None:
                keys.append(("call", r))
            elif cid is not None and cid in root_ids:
                keys.append(("call", cid))
            else:
                keys.append(None)
    else:
        keys = [None] * len(kept)

    members: dict[Any, list[tuple[int, dict[str, Any], int, int]]] = {}
    for n, (item, key) in enumerate(zip(kept, keys, strict=True)):
        members.setdefault(("alone", n) if key is None else key, []).append(item)

    # Reused ids: ids carried by rows of different calls (not linked as legs of one).
    calls_of_id: dict[str, set[Any]] = {}
    for key, legs in members.items():
        for _, row, _, _ in legs:
            if (cid := _text(row.get("call_id"))) is not None:
                calls_of_id.setdefault(cid, set()).add(key)
    reused = sum(1 for keys_ in calls_of_id.values() if len(keys_) > 1)

    calls: list[Call] = []
    for legs in members.values():
        first = min(legs, key=lambda item: (item[2], item[0]))
        account = _text(first[1].get("account_id"))
        calls.append(
            Call(
                legs=[(s, e) for _, _, s, e in legs],
                call_type=_call_type(first[1].get("call_type")),
                account=NO_ACCOUNT if account is None else account,
            )
        )

    buckets["used"] = len(calls)
    buckets["merged_legs"] = len(kept) - len(calls)
    invalid = sum(reasons.values())
    accounting = {
        "read": len(rows),
        **buckets,
        "invalid": invalid,
        "invalid_reasons": reasons,
    }
    return OracleResult(
        accounting=accounting,
        calls=calls,
        reused_call_ids=reused,
        linked=any(len(c.legs) > 1 for c in calls),
    )
