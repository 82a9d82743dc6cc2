"""Property tests: ``capacity_intervals`` against a brute-force level oracle.

The oracle below is plain Python and shares nothing with ``ccc_cli``. A call is the union
of its non-empty legs (legs linked by parent id count once while any is active); the
log's level at an instant t is the number of calls with a leg ``s <= t < e`` (after every
event at t). It only changes at leg starts and ends, the *candidate instants*, so the set
``{t: level(t) >= limit}`` (``> limit`` for ``over``) is the union of the segments
``[t_i, t_{i+1})`` between consecutive candidates whose level qualifies; merging adjacent
ones gives the expected maximal intervals, and for each:

* ``max_level``: the highest level at a candidate inside; ``at_max``: the first of them;
* ``<type>_at_max``: the calls of each type (present in the data) active at ``at_max``;
* ``starts_inside``: calls (of the account, with per-account limits) whose first start is
  in ``[from, to)``, zero-length ones included;
* ``seconds``: ``to - from``; ``days_affected(tz)``: the distinct local dates (zoneinfo)
  from ``from`` to the last microsecond before ``to``, over all intervals.

Times are ``base + i * step`` (sometimes +-1 us) with a small ``i``, so ties and
back-to-back calls are frequent; the step is 1 s or several hours (intervals spanning
days), and the bases sit just before midnight UTC and midnight in Ho Chi Minh City
(17:00 UTC), so intervals that end exactly at or just after a local midnight occur.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import oracle
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import NO_ACCOUNT, TYPES

from ccc_cli.api import LoadOptions, load_frame
from ccc_cli.engine.capacity import Intervals, capacity_intervals
from ccc_cli.engine.limits import Limits

US = 1_000_000
N_INSTANTS = 12
LENGTHS = (0, 0, 1, 1, 2, 2, 3, 4, 6, 8)
EXTRA_LEGS = (0, 0, 0, 1, 1, 2)
STEPS_S = (1, 1, 1, 3 * 3600, 7 * 3600)
JITTER_US = (0,) * 8 + (-1, 1)
BASES = (
    datetime(2024, 3, 1, 16, 59, 55, tzinfo=UTC),  # 23:59:55 in Ho Chi Minh City (+07)
    datetime(2024, 3, 1, 23, 59, 55, tzinfo=UTC),
    datetime(2024, 3, 1, 12, 0, tzinfo=UTC),
)
ZONES = ("UTC", "Asia/Ho_Chi_Minh")
TYPE_VALUES = (*TYPES, "weird", None)
ACCOUNTS = ("A", "B", "C", None)
DT = pl.Datetime("us", "UTC")
SCHEMA: dict[str, Any] = {
    "call_id": pl.String,
    "start_time": DT,
    "end_time": DT,
    "call_type": pl.String,
    "account_id": pl.String,
    "parent_call_id": pl.String,
}

fast = settings(max_examples=60, deadline=None)


# --- strategies ------------------------------------------------------------------------


@dataclass(frozen=True)
class OCall:
    call_type: str
    account: str
    first_start: int  # us
    spans: tuple[tuple[int, int], ...]  # union of the non-empty legs, in us

    def active_at(self, t: int) -> bool:
        return any(s <= t < e for s, e in self.spans)


@dataclass(frozen=True)
class Scenario:
    rows: list[dict[str, Any]]
    calls: list[OCall]


def union(legs: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Union of half-open intervals; empty ones vanish, touching ones join."""
    out: list[list[int]] = []
    for s, e in sorted(leg for leg in legs if leg[1] > leg[0]):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


def canonical_type(raw: str | None) -> str:
    text = (raw or "").strip().lower()
    return text if text in TYPES else "other"


@st.composite
def scenarios(draw: st.DrawFn, max_calls: int = 9) -> Scenario:
    """Up to ``max_calls`` calls with 0-2 extra legs (linked by parent id; overlapping,
    touching or after a gap), in a random row order."""
    base = oracle.to_us(draw(st.sampled_from(BASES)))
    step = draw(st.sampled_from(STEPS_S)) * US

    def instant() -> int:
        return base + draw(st.integers(0, N_INSTANTS)) * step + draw(st.sampled_from(JITTER_US))

    rows: list[tuple[dict[str, Any], int]] = []
    for k in range(draw(st.integers(0, max_calls))):
        ctype = draw(st.sampled_from(TYPE_VALUES))
        account = draw(st.sampled_from(ACCOUNTS))
        for j in range(1 + draw(st.sampled_from(EXTRA_LEGS))):
            s = instant()
            e = max(s, s + draw(st.sampled_from(LENGTHS)) * step + draw(st.sampled_from(JITTER_US)))
            same = j == 0 or draw(st.booleans())
            row = {
                "call_id": f"c{k}" if j == 0 else f"c{k}.{j}",
                "parent_call_id": None if j == 0 else f"c{k}",
                "start_time": oracle.from_us(s),
                "end_time": oracle.from_us(e),
                "call_type": ctype if same else draw(st.sampled_from(TYPE_VALUES)),
                "account_id": account if same else draw(st.sampled_from(ACCOUNTS)),
            }
            rows.append((row, k))
    rows = list(draw(st.permutations(rows)))
    members: dict[int, list[tuple[int, int, dict[str, Any]]]] = {}
    for pos, (row, k) in enumerate(rows):
        members.setdefault(k, []).append((oracle.to_us(row["start_time"]), pos, row))
    calls = []
    for legs in members.values():
        start, _, first = min(legs, key=lambda m: (m[0], m[1]))
        calls.append(
            OCall(
                call_type=canonical_type(first["call_type"]),
                account=first["account_id"] or NO_ACCOUNT,
                first_start=start,
                spans=union(
                    [(oracle.to_us(r["start_time"]), oracle.to_us(r["end_time"])) for *_, r in legs]
                ),
            )
        )
    return Scenario([r for r, _ in rows], calls)


@st.composite
def limits_strategy(draw: st.DrawFn) -> Limits:
    """A total limit 1..5, or per-account limits (a subset, with or without default)."""
    if draw(st.booleans()):
        return Limits(total=draw(st.integers(1, 5)))
    named = draw(st.lists(st.sampled_from(("A", "B", "C")), unique=True))
    return Limits(
        per_account={a: draw(st.integers(1, 5)) for a in named},
        default=draw(st.none() | st.integers(1, 5)),
    )


# --- the oracle ------------------------------------------------------------------------


def in_scope(call: OCall, account: str | None) -> bool:
    return account is None or call.account == account


def level(calls: list[OCall], t: int, account: str | None = None) -> int:
    return sum(1 for c in calls if in_scope(c, account) and c.active_at(t))


def candidates(calls: list[OCall], account: str | None = None) -> list[int]:
    return sorted({t for c in calls if in_scope(c, account) for span in c.spans for t in span})


def scopes(calls: list[OCall], limits: Limits) -> list[tuple[str | None, int]]:
    """(account or None for all calls, limit) of every limited scope."""
    if limits.total is not None:
        return [(None, limits.total)]
    out = []
    for account in sorted({c.account for c in calls}):
        limit = limits.for_account(account)
        if limit is not None:
            out.append((account, limit))
    return out


def hit(value: int, limit: int, over: bool) -> bool:
    return value > limit if over else value >= limit


def present_types(calls: list[OCall]) -> list[str]:
    return [t for t in TYPES if any(c.call_type == t for c in calls)]


def oracle_intervals(calls: list[OCall], limits: Limits, over: bool) -> list[dict[str, Any]]:
    """The expected frame, as rows sorted by (account, from)."""
    types = present_types(calls)
    out: list[dict[str, Any]] = []
    for account, limit in scopes(calls, limits):
        current: dict[str, Any] | None = None
        for t in candidates(calls, account):
            value = level(calls, t, account)
            if hit(value, limit, over):
                if current is None:
                    current = {"from": t, "max_level": value, "at_max": t}
                elif value > current["max_level"]:
                    current.update(max_level=value, at_max=t)
            elif current is not None:
                current["to"] = t
                out.append(finish(calls, current, account, limit, types))
                current = None
        # The level is 0 after the last candidate, so every interval is closed.
        assert current is None
    return out


def finish(
    calls: list[OCall], found: dict[str, Any], account: str | None, limit: int, types: list[str]
) -> dict[str, Any]:
    lo, hi, peak_at = found["from"], found["to"], found["at_max"]
    row: dict[str, Any] = {} if account is None else {"account": account}
    row |= {
        "from": oracle.from_us(lo),
        "to": oracle.from_us(hi),
        "seconds": seconds(hi - lo),
        "limit": limit,
        "max_level": found["max_level"],
        "at_max": oracle.from_us(peak_at),
    }
    for t in types:
        row[f"{t}_at_max"] = sum(
            1 for c in calls if in_scope(c, account) and c.call_type == t and c.active_at(peak_at)
        )
    row["starts_inside"] = sum(
        1 for c in calls if in_scope(c, account) and lo <= c.first_start < hi
    )
    return row


def seconds(span_us: int) -> Any:
    """``to - from`` in seconds. Within a unit in the last place: Polars may divide by
    1e6 as a multiplication by 1e-6 (1_999_999 us gives 1.9999989999999999)."""
    return pytest.approx(span_us / US, rel=1e-15, abs=0)


def measure_us(calls: list[OCall], limit: int, over: bool, account: str | None) -> int:
    """Microseconds with the level at (over) the limit."""
    ts = candidates(calls, account)
    return sum(b - a for a, b in pairwise(ts) if hit(level(calls, a, account), limit, over))


def local_days(rows: list[dict[str, Any]], tz: str) -> int:
    zone = ZoneInfo(tz)
    days: set[date] = set()
    for row in rows:
        first = row["from"].astimezone(zone).date()
        last = (row["to"] - timedelta(microseconds=1)).astimezone(zone).date()
        days |= {first + timedelta(days=n) for n in range((last - first).days + 1)}
    return len(days)


# --- running ccc -----------------------------------------------------------------------


def load(scenario: Scenario) -> Any:
    frame = pl.DataFrame({c: [r.get(c) for r in scenario.rows] for c in SCHEMA}, schema=SCHEMA)
    return load_frame(frame, LoadOptions(max_duration_s=None))


def frame_rows(intervals: Intervals) -> list[dict[str, Any]]:
    sort = ["account", "from"] if "account" in intervals.frame.columns else ["from"]
    return intervals.frame.sort(sort).to_dicts()


def by_scope(rows: list[dict[str, Any]]) -> dict[str | None, list[dict[str, Any]]]:
    out: dict[str | None, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row.get("account"), []).append(row)
    return out


def us(t: datetime) -> int:
    return oracle.to_us(t)


# --- properties ------------------------------------------------------------------------


@fast
@given(scenarios(), limits_strategy(), st.booleans())
def test_intervals_equal_oracle(scenario: Scenario, limits: Limits, over: bool) -> None:
    """Every row and column: bounds, seconds, limit, ``max_level``, ``at_max``, the mix of
    types at ``at_max`` and ``starts_inside``; the columns in their documented order."""
    result = capacity_intervals(load(scenario), limits, over=over)
    expected = oracle_intervals(scenario.calls, limits, over)
    types = present_types(scenario.calls)
    account = [] if limits.total is not None else ["account"]
    assert result.frame.columns == [
        *account,
        "from",
        "to",
        "seconds",
        "limit",
        "max_level",
        "at_max",
        *(f"{t}_at_max" for t in types),
        "starts_inside",
    ]
    for column in ("from", "to", "at_max"):
        assert result.frame.schema[column] == DT
    assert frame_rows(result) == expected
    assert result.count == len(expected)
    assert result.over is over


@fast
@given(scenarios(), limits_strategy(), st.booleans())
def test_interval_structure(scenario: Scenario, limits: Limits, over: bool) -> None:
    """Checked on ``ccc``'s own output with the oracle's level function: intervals of one
    account do not overlap or touch (they are maximal); ``from`` and ``to`` are instants
    where the level changes; the level qualifies at ``from`` and at every candidate
    instant inside, not just before ``from`` nor at ``to``; the mix sums to ``max_level``;
    and a candidate instant qualifies iff it lies in an interval (so the union of the
    intervals is exactly ``{t: level(t) >= limit}``)."""
    calls = scenario.calls
    result = capacity_intervals(load(scenario), limits, over=over)
    rows = by_scope(frame_rows(result))
    limit_of = dict(scopes(calls, limits))
    assert set(rows) <= set(limit_of)
    for account, limit in limit_of.items():
        mine = rows.get(account, [])
        bounds = [(us(r["from"]), us(r["to"])) for r in mine]
        for (_, a_to), (b_from, _) in pairwise(bounds):
            assert a_to < b_from
        ts = candidates(calls, account)
        for row, (lo, hi) in zip(mine, bounds, strict=True):
            assert lo < hi
            assert lo in ts and hi in ts
            assert row["limit"] == limit
            assert hit(level(calls, lo, account), limit, over)
            assert not hit(level(calls, lo - 1, account), limit, over)
            assert not hit(level(calls, hi, account), limit, over)
            inside = [level(calls, t, account) for t in ts if lo <= t < hi]
            assert all(hit(v, limit, over) for v in inside)
            assert row["max_level"] == max(inside)
            assert sum(v for k, v in row.items() if k.endswith("_at_max")) == row["max_level"]
            assert row["seconds"] == seconds(hi - lo)
        for t in ts:
            covered = any(lo <= t < hi for lo, hi in bounds)
            assert covered == hit(level(calls, t, account), limit, over), oracle.from_us(t)


@fast
@given(scenarios(), limits_strategy(), st.booleans())
def test_total_seconds_is_the_measure_at_capacity(
    scenario: Scenario, limits: Limits, over: bool
) -> None:
    """``total_seconds`` is the time (summed over accounts) with the level at (over) the
    limit, measured on the oracle's step function."""
    result = capacity_intervals(load(scenario), limits, over=over)
    expected = sum(
        measure_us(scenario.calls, limit, over, account)
        for account, limit in scopes(scenario.calls, limits)
    )
    assert result.total_seconds == pytest.approx(expected / US, rel=1e-12, abs=0)


@fast
@given(scenarios(), limits_strategy(), st.booleans(), st.sampled_from(ZONES))
def test_days_affected(scenario: Scenario, limits: Limits, over: bool, tz: str) -> None:
    """Distinct local days (in ``tz``) touched by the intervals; an interval ending
    exactly at local midnight does not touch the next day."""
    result = capacity_intervals(load(scenario), limits, over=over)
    expected = oracle_intervals(scenario.calls, limits, over)
    assert result.days_affected(tz) == local_days(expected, tz)


@fast
@given(scenarios(), limits_strategy())
def test_over_limit_intervals_lie_inside_at_capacity_ones(
    scenario: Scenario, limits: Limits
) -> None:
    """Each over-limit interval lies inside an at-capacity interval of its account, with
    the same ``max_level`` when it holds that interval's highest level; the over-limit
    time is at most the at-capacity time."""
    callset = load(scenario)
    at_capacity = capacity_intervals(callset, limits)
    at_cap = by_scope(frame_rows(at_capacity))
    over = capacity_intervals(callset, limits, over=True)
    for account, rows in by_scope(frame_rows(over)).items():
        for row in rows:
            outer = [
                r
                for r in at_cap.get(account, [])
                if r["from"] <= row["from"] and row["to"] <= r["to"]
            ]
            assert len(outer) == 1, (account, row)
            assert row["max_level"] > row["limit"]
            assert row["max_level"] <= outer[0]["max_level"]
    assert over.total_seconds <= at_capacity.total_seconds


# --- hand-worked examples --------------------------------------------------------------

H0 = datetime(2024, 3, 1, 10, 30, tzinfo=UTC)


def h(seconds: float) -> datetime:
    return H0 + timedelta(seconds=seconds)


def hand(spec: list[tuple[str, float, float, str, str | None, str | None]]) -> Any:
    """(id, start s, end s, type, account, parent id) per row."""
    rows = [
        {
            "call_id": cid,
            "start_time": h(s),
            "end_time": h(e),
            "call_type": ctype,
            "account_id": account,
            "parent_call_id": parent,
        }
        for cid, s, e, ctype, account, parent in spec
    ]
    return load(Scenario(rows, []))


# a [0,10) in, b [1,4) out, c [2,8) in, d [3,7) otp, e [3,3) otp, f [5,9) internal,
# g [10,12) in. Level after each instant:
#   0:1  1:2  2:3  3:4 (a b c d; e is zero-length)  4:3  5:4 (a c d f)  7:3  8:2
#   9:1  10:1 (a ends, g starts)  12:0
SEVEN = [
    ("a", 0, 10, "inbound", "A", None),
    ("b", 1, 4, "outbound", "A", None),
    ("c", 2, 8, "inbound", "A", None),
    ("d", 3, 7, "otp", "A", None),
    ("e", 3, 3, "otp", "A", None),
    ("f", 5, 9, "internal", "A", None),
    ("g", 10, 12, "inbound", "A", None),
]
MIX = ("inbound_at_max", "outbound_at_max", "internal_at_max", "otp_at_max")


def summary(intervals: Intervals) -> list[tuple[Any, ...]]:
    return intervals.frame.select(
        "from", "to", "seconds", "max_level", "at_max", *MIX, "starts_inside"
    ).rows()


def test_hand_worked_seven_calls() -> None:
    callset = hand(SEVEN)
    # Limit 2, at capacity: level >= 2 from 1 until 9 (f ends, level 1): [1,9), 8 s.
    # Highest level 4, first at 3 with a, b, c, d active: 2 inbound, 1 outbound, 1 otp.
    # Calls starting in [1,9): b, c, d, e (zero-length), f = 5.
    two = capacity_intervals(callset, Limits(total=2))
    assert summary(two) == [(h(1), h(9), 8.0, 4, h(3), 2, 1, 0, 1, 5)]
    assert (two.count, two.total_seconds, two.days_affected("UTC")) == (1, 8.0, 1)
    # Limit 2, over: level > 2 from 2 until 8 (c ends, level 2): [2,8); starts c, d, e, f.
    over = capacity_intervals(callset, Limits(total=2), over=True)
    assert summary(over) == [(h(2), h(8), 6.0, 4, h(3), 2, 1, 0, 1, 4)]
    # Limit 4, at capacity: [3,4) (d, e start inside) and [5,7) (a c d f at 5: 2 inbound,
    # 1 internal, 1 otp; f starts inside); nothing is over 4.
    four = capacity_intervals(callset, Limits(total=4))
    assert summary(four) == [
        (h(3), h(4), 1.0, 4, h(3), 2, 1, 0, 1, 2),
        (h(5), h(7), 2.0, 4, h(5), 2, 0, 1, 1, 1),
    ]
    assert four.total_seconds == 3.0
    assert capacity_intervals(callset, Limits(total=4), over=True).count == 0
    # Per account: A=2 gives the same interval, with the account first.
    per_account = capacity_intervals(callset, Limits(per_account={"A": 2}))
    assert per_account.frame["account"].to_list() == ["A"]
    assert summary(per_account) == summary(two)


def test_hand_worked_merged_legs_and_accounts() -> None:
    # Account A: x has legs [0,4) and x1 [2,6) (overlapping: one call, counted once while
    # either is active) and x2 [8,10) (after a gap); y [1,9). Account B: z [0,10).
    # A's level: 0:1 1:2 2:2 (x once) 6:1 8:2 9:1 10:0.
    # A=2, B unlimited: A at capacity on [1,6) (max 2 at 1; y starts inside) and [8,9)
    # (max 2 at 8; x's later leg is not a call start: 0 starts inside).
    rows = [
        ("x", 0, 4, "inbound", "A", None),
        ("x1", 2, 6, "outbound", "B", "x"),
        ("x2", 8, 10, "otp", None, "x"),
        ("y", 1, 9, "outbound", "A", None),
        ("z", 0, 10, "inbound", "B", None),
    ]
    callset = hand(rows)
    per_account = capacity_intervals(callset, Limits(per_account={"A": 2}))
    assert per_account.frame.select(
        "account",
        "from",
        "to",
        "max_level",
        "at_max",
        "inbound_at_max",
        "outbound_at_max",
        "starts_inside",
    ).rows() == [
        ("A", h(1), h(6), 2, h(1), 1, 1, 1),
        ("A", h(8), h(9), 2, h(8), 1, 1, 0),
    ]
    # Legs take their call's type and account: x counts as A/inbound throughout.
    # Total level: 0:2 1:3 6:2 8:3 9:2 10:0; limit 3: [1,6) and [8,9), 6 s, one UTC day.
    total = capacity_intervals(callset, Limits(total=3))
    assert total.frame.select("from", "to", "max_level", "starts_inside").rows() == [
        (h(1), h(6), 3, 1),
        (h(8), h(9), 3, 0),
    ]
    assert total.total_seconds == 6.0
    # Default 1 also limits B: z alone is at capacity on [0,10).
    with_default = capacity_intervals(callset, Limits(per_account={"A": 2}, default=1))
    assert with_default.frame.select("account", "from", "to", "starts_inside").rows() == [
        ("A", h(1), h(6), 1),
        ("A", h(8), h(9), 0),
        ("B", h(0), h(10), 1),
    ]


def test_hand_worked_days_affected() -> None:
    # Limit 1, one call per interval. p [16:59:00, 17:00:00) UTC ends exactly at
    # midnight in Ho Chi Minh City (+07), so it touches local Mar 1 only; q [23:30, 00:30)
    # UTC crosses UTC midnight and is 06:30-07:30 on local Mar 2.
    # UTC days: Mar 1 (p, q), Mar 2 (q) = 2. Local days: Mar 1 (p), Mar 2 (q) = 2.
    day = datetime(2024, 3, 1, tzinfo=UTC)

    def days(spans: list[tuple[timedelta, timedelta]]) -> tuple[int, int]:
        rows = [
            {
                "call_id": f"k{i}",
                "start_time": day + s,
                "end_time": day + e,
                "call_type": "inbound",
                "account_id": "A",
                "parent_call_id": None,
            }
            for i, (s, e) in enumerate(spans)
        ]
        result = capacity_intervals(load(Scenario(rows, [])), Limits(total=1))
        assert result.count == len(spans)
        return result.days_affected("UTC"), result.days_affected("Asia/Ho_Chi_Minh")

    p = (timedelta(hours=16, minutes=59), timedelta(hours=17))
    q = (timedelta(hours=23, minutes=30), timedelta(hours=24, minutes=30))
    assert days([p, q]) == (2, 2)
    # q at 12:00-13:00 UTC (19:00-20:00 local, Mar 1): one day either way.
    noon = (timedelta(hours=12), timedelta(hours=13))
    assert days([noon, p]) == (1, 1)
    # p one microsecond longer reaches local Mar 2.
    longer = (p[0], p[1] + timedelta(microseconds=1))
    assert days([noon, longer]) == (1, 2)
    # An interval of three days (max duration off): 16:00 Mar 1 to 16:00 Mar 4 UTC
    # touches UTC Mar 1-4 (4 days) and local Mar 1 23:00 to Mar 4 23:00 (4 days).
    assert days([(timedelta(hours=16), timedelta(days=3, hours=16))]) == (4, 4)


@pytest.mark.parametrize("limits", [Limits(total=1), Limits(per_account={"A": 1}, default=2)])
@pytest.mark.parametrize("over", [False, True])
def test_no_calls_or_only_zero_length_calls(limits: Limits, over: bool) -> None:
    """No interval when nothing is ever active (no rows, or only zero-length calls)."""
    empty = capacity_intervals(load(Scenario([], [])), limits, over=over)
    assert (empty.count, empty.total_seconds, empty.days_affected("UTC")) == (0, 0.0, 0)
    zero = [
        {
            "call_id": f"z{i}",
            "start_time": h(i),
            "end_time": h(i),
            "call_type": "otp",
            "account_id": "A",
            "parent_call_id": None,
        }
        for i in range(3)
    ]
    only_zero = capacity_intervals(load(Scenario(zero, [])), limits, over=over)
    assert only_zero.count == 0
