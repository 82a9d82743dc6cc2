"""Property tests: ``replay`` (admission against a plan limit) against a plain-Python oracle.

The oracle below shares nothing with ``ccc_cli``. It rebuilds the calls from the rows the
strategy drew (every row of a logical call is one of its legs; ``tests/oracle.py`` checks
that partition), then walks the events sorted by (time, ends before starts, input order of
the call, arrival before the call's own first start), keeping the set of admitted calls:

* a call *arrives* once, at its first start (zero-length calls too); it is rejected when
  ``limit`` admitted calls of its scope (all calls, or its account) are active, else
  admitted;
* an admitted call is active on the union of its non-empty legs (touching legs are one
  interval, a gap frees capacity and the later leg comes back whatever the level);
* the call's id, type and account are its first leg's (earliest start, then input order).

Times are whole seconds 0..12 after ``BASE`` so that ties, calls ending exactly when
others start and zero-length calls are frequent; legs are linked by parent id (chains,
sometimes with the root row missing) or by group; some rows are ``REACH_PLAN_LIMIT``
rejections or invalid and must take no part; rows come in a random order (the input
order breaks ties between arrivals).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import oracle
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import NO_ACCOUNT, TYPES

from ccc_cli.api import LoadOptions, compute_peaks, load_frame
from ccc_cli.engine.limits import Limits
from ccc_cli.engine.replay import ReplayResult, replay

BASE = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
US = 1_000_000
N_INSTANTS = 12
LENGTHS = (0, 0, 1, 1, 2, 2, 3, 4, 5, 8)
EXTRA_LEGS = (0, 0, 0, 1, 1, 2, 3)
TYPE_VALUES = (*TYPES, "OTP", "weird", None)
ACCOUNTS = ("A", "B", "C", None)
DT = pl.Datetime("us", "UTC")
SCHEMA: dict[str, Any] = {
    "call_id": pl.String,
    "start_time": DT,
    "end_time": DT,
    "call_type": pl.String,
    "account_id": pl.String,
    "parent_call_id": pl.String,
    "leg_group": pl.String,
    "status": pl.String,
}
# Internal key of a drawn row: the number of its logical call (None: a row to be dropped).
CALL = "_call"

fast = settings(max_examples=60, deadline=None)


def at(seconds: float) -> datetime:
    return BASE + timedelta(seconds=seconds)


# --- strategies ------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    link: str  # "parent" or "group"
    rows: list[dict[str, Any]]  # in input order


@st.composite
def scenarios(draw: st.DrawFn, *, gaps: bool = True, max_calls: int = 9) -> Scenario:
    """Rows of up to ``max_calls`` calls with 0-3 extra legs each, plus noise rows.

    ``gaps``: extra legs start anywhere (before the first row, overlapping, or after a
    gap). Without, each extra leg starts inside or right at the end of what the call
    covers so far, so the union of a call's legs is one interval from its arrival.
    """
    link = draw(st.sampled_from(("parent", "group")))
    rows: list[dict[str, Any]] = []
    for k in range(draw(st.integers(0, max_calls))):
        cid = f"c{k}"
        ctype = draw(st.sampled_from(TYPE_VALUES))
        account = draw(st.sampled_from(ACCOUNTS))
        start = draw(st.integers(0, N_INSTANTS))
        end = start + draw(st.sampled_from(LENGTHS))
        n_legs = draw(st.sampled_from(EXTRA_LEGS))
        group = f"g{k}" if n_legs or draw(st.booleans()) else None
        call_rows = [
            {
                "call_id": cid,
                "start_time": at(start),
                "end_time": at(end),
                "call_type": ctype,
                "account_id": account,
                "leg_group": group if link == "group" else None,
                CALL: k,
            }
        ]
        ids, covered = [cid], end
        for j in range(n_legs):
            s = draw(st.integers(0, N_INSTANTS) if gaps else st.integers(start, covered))
            e = s + draw(st.sampled_from(LENGTHS))
            covered = max(covered, e)
            same = draw(st.booleans())
            leg = {
                "call_id": f"c{k}.{j}",
                "start_time": at(s),
                "end_time": at(e),
                "call_type": ctype if same else draw(st.sampled_from(TYPE_VALUES)),
                "account_id": account if same else draw(st.sampled_from(ACCOUNTS)),
                CALL: k,
            }
            if link == "parent":
                # Chains: a leg may name an earlier leg of its call instead of the root.
                leg["parent_call_id"] = draw(st.sampled_from(ids))
                ids.append(leg["call_id"])
            else:
                leg["leg_group"] = group
            call_rows.append(leg)
        if gaps and link == "parent" and n_legs and draw(st.integers(0, 7)) == 0:
            # The root row is missing: the legs naming it are still one call.
            call_rows = call_rows[1:]
        rows.extend(call_rows)
    # Rows that must take no part: rejections already in the log, and invalid rows.
    for i in range(draw(st.integers(0, 2))):
        s = draw(st.integers(0, N_INSTANTS))
        rows.append(
            {
                "call_id": f"r{i}",
                "start_time": at(s),
                "end_time": at(s + draw(st.sampled_from(LENGTHS))),
                "account_id": draw(st.sampled_from(ACCOUNTS)),
                "status": "REACH_PLAN_LIMIT",
                CALL: None,
            }
        )
    for i in range(draw(st.integers(0, 1))):
        s = draw(st.integers(1, N_INSTANTS))
        rows.append({"call_id": f"x{i}", "start_time": at(s), "end_time": at(s - 1), CALL: None})
    return Scenario(link, list(draw(st.permutations(rows))))


@st.composite
def account_limits(draw: st.DrawFn) -> Limits:
    """Per-account limits for a subset of the accounts, with or without a default."""
    named = draw(st.lists(st.sampled_from(("A", "B", "C")), unique=True))
    return Limits(
        per_account={a: draw(st.integers(1, 5)) for a in named},
        default=draw(st.none() | st.integers(1, 5)),
    )


# --- the oracle ------------------------------------------------------------------------


@dataclass(frozen=True)
class OCall:
    call_id: str
    order: int  # input position of the first leg
    call_type: str
    account: str
    arrival: int  # us
    spans: tuple[tuple[int, int], ...]  # union of the non-empty legs, in us

    @property
    def occupies_at_arrival(self) -> bool:
        return bool(self.spans) and self.spans[0][0] == self.arrival

    def active_at(self, t: int) -> bool:
        return any(s <= t < e for s, e in self.spans)


def canonical_type(raw: str | None) -> str:
    text = (raw or "").strip().lower()
    return text if text in TYPES else "other"


def union(legs: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Union of half-open intervals; empty ones vanish, touching ones join."""
    out: list[list[int]] = []
    for s, e in sorted(leg for leg in legs if leg[1] > leg[0]):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


def oracle_calls(scenario: Scenario) -> list[OCall]:
    legs: dict[int, list[tuple[int, int, dict[str, Any]]]] = {}
    for pos, row in enumerate(scenario.rows):
        if row[CALL] is not None:
            legs.setdefault(row[CALL], []).append((oracle.to_us(row["start_time"]), pos, row))
    calls = []
    for members in legs.values():
        start, pos, first = min(members, key=lambda m: (m[0], m[1]))
        calls.append(
            OCall(
                call_id=first["call_id"],
                order=pos,
                call_type=canonical_type(first.get("call_type")),
                account=first.get("account_id") or NO_ACCOUNT,
                arrival=start,
                spans=union(
                    [
                        (oracle.to_us(r["start_time"]), oracle.to_us(r["end_time"]))
                        for *_, r in members
                    ]
                ),
            )
        )
    return calls


def oracle_replay(
    calls: list[OCall], limit_of: Callable[[str], int | None], *, by_account: bool
) -> list[tuple[OCall, int, int]]:
    """The rejected calls, in the order the replay meets them, with the level at arrival
    and the limit applied."""
    events = []
    for c in calls:
        # (time, 0 = end / 1 = start, input order, 0 = arrival / 1 = span start or end)
        events.append((c.arrival, 1, c.order, 0, c))
        for s, e in c.spans:
            events.append((s, 1, c.order, 1, c))
            events.append((e, 0, c.order, 1, c))
    events.sort(key=lambda ev: ev[:4])
    admitted: set[str] = set()
    active: set[OCall] = set()
    rejected: list[tuple[OCall, int, int]] = []
    for _, is_start, _, kind, c in events:
        if kind == 0:
            limit = limit_of(c.account)
            level = sum(1 for a in active if not by_account or a.account == c.account)
            if limit is not None and level >= limit:
                rejected.append((c, level, limit))
            else:
                admitted.add(c.call_id)
        elif c.call_id in admitted:
            if is_start:
                active.add(c)
            else:
                active.discard(c)
    return rejected


def instants(calls: list[OCall]) -> list[int]:
    return sorted({t for c in calls for span in c.spans for t in span})


def level(calls: list[OCall], t: int, account: str | None = None) -> int:
    return sum(1 for c in calls if c.active_at(t) and account in (None, c.account))


def oracle_peak(calls: list[OCall]) -> int:
    return max((level(calls, t) for t in instants(calls)), default=0)


# --- running ccc -----------------------------------------------------------------------


def make_frame(scenario: Scenario) -> pl.DataFrame:
    drop = "leg_group" if scenario.link == "parent" else "parent_call_id"
    cols = [c for c in SCHEMA if c != drop]
    return pl.DataFrame(
        {c: [r.get(c) for r in scenario.rows] for c in cols}, schema={c: SCHEMA[c] for c in cols}
    )


def load(scenario: Scenario) -> Any:
    columns = {"group": "leg_group"} if scenario.link == "group" else {}
    return load_frame(make_frame(scenario), LoadOptions(columns=columns))


def limit_function(limits: Limits) -> Callable[[str], int | None]:
    if limits.total is not None:
        return lambda _account: limits.total
    return lambda account: limits.per_account.get(account, limits.default)


def expected_result(calls: list[OCall], limits: Limits) -> dict[str, Any]:
    """What ``replay`` must report, from the oracle (plain values, readable diffs)."""
    hits = oracle_replay(calls, limit_function(limits), by_account=limits.total is None)
    return {
        "calls": len(calls),
        "rejected": {c.call_id: (level_, limit) for c, level_, limit in hits},
        "rows": sorted(
            (c.call_id, oracle.from_us(c.arrival), c.call_type, c.account) for c, _, _ in hits
        ),
        "count": len(hits),
        "rate": len(hits) / len(calls) if calls else 0.0,
        "by_type": dict(Counter(c.call_type for c, _, _ in hits)),
        "by_account": dict(Counter(c.account for c, _, _ in hits)),
        "first": min((oracle.from_us(c.arrival) for c, _, _ in hits), default=None),
    }


def package_result(result: ReplayResult) -> dict[str, Any]:
    frame = result.rejected
    return {
        "calls": result.calls,
        "rejected": {
            cid: (lv, lim)
            for cid, lv, lim in frame.select("call_id", "level_at_arrival", "limit").iter_rows()
        },
        "rows": sorted(
            (cid, start, str(ctype), account)
            for cid, start, ctype, account in frame.select(
                "call_id", "start", "call_type", "account"
            ).iter_rows()
        ),
        "count": result.rejected_calls,
        "rate": result.rejected_rate,
        "by_type": result.by_type(),
        "by_account": result.by_account(),
        "first": result.first_rejection,
    }


def check_frame(result: ReplayResult) -> None:
    frame = result.rejected
    assert frame.columns == [
        "call_id",
        "start",
        "call_type",
        "account",
        "level_at_arrival",
        "limit",
    ]
    assert frame.schema["start"] == DT
    assert frame["start"].is_sorted(), "rejected calls are listed in time order"
    assert frame["call_id"].n_unique() == frame.height, "a call is rejected at most once"


# --- properties ------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(scenarios())
def test_strategy_partition_matches_shared_oracle(scenario: Scenario) -> None:
    """Sanity check of the test's own call model: ``tests/oracle.py`` buckets and links
    the same rows into the same calls (type, account, union of legs)."""
    rows = [{k: v for k, v in r.items() if k != CALL} for r in scenario.rows]
    shared = oracle.run(rows, link=scenario.link, max_duration_s=None)
    expected = sorted((c.call_type, c.account, union(list(c.legs))) for c in shared.calls)
    assert sorted((c.call_type, c.account, c.spans) for c in oracle_calls(scenario)) == expected


@fast
@given(scenarios(), st.integers(1, 5))
def test_replay_with_a_total_limit_equals_oracle(scenario: Scenario, limit: int) -> None:
    """One limit on all calls: the rejected calls (id, start, type, account), the level at
    each arrival and the limit, the counts by type and account, the first rejection and
    the rate; with one scope, also the order of the list (time, then input order)."""
    calls = oracle_calls(scenario)
    result = replay(load(scenario), Limits(total=limit))
    check_frame(result)
    assert package_result(result) == expected_result(calls, Limits(total=limit))
    hits = oracle_replay(calls, lambda _a: limit, by_account=False)
    assert result.rejected["call_id"].to_list() == [c.call_id for c, _, _ in hits]


@fast
@given(scenarios(), account_limits())
def test_replay_with_per_account_limits_equals_oracle(scenario: Scenario, limits: Limits) -> None:
    """Each account against its own limit (or the default); accounts without either are
    never rejected, and the null account is ``(none)``."""
    calls = oracle_calls(scenario)
    result = replay(load(scenario), limits)
    check_frame(result)
    assert package_result(result) == expected_result(calls, limits)
    for account in result.by_account():
        assert limits.for_account(account) is not None


@fast
@given(scenarios(), st.integers(0, 2))
def test_a_limit_at_or_above_the_peak(scenario: Scenario, extra: int) -> None:
    """Above the log's peak nothing is rejected. At the peak, only calls that do not
    occupy capacity when they arrive can be: zero-length calls, and calls whose first leg
    is zero-length with a later leg after a gap. They arrive while ``peak`` calls are
    active, and an attempt at capacity is rejected even though it would not have raised
    the level."""
    calls = oracle_calls(scenario)
    callset = load(scenario)
    peak = compute_peaks(callset).total.value
    assert peak == oracle_peak(calls)
    above = replay(callset, Limits(total=peak + 1 + extra))
    assert above.rejected_calls == 0
    assert above.first_rejection is None
    if peak:
        at_peak = replay(callset, Limits(total=peak))
        idle = {c.call_id for c in calls if not c.occupies_at_arrival}
        assert set(at_peak.rejected["call_id"]) <= idle
        assert set(at_peak.rejected["level_at_arrival"]) <= {peak}


@fast
@given(scenarios(gaps=False))
def test_a_limit_below_the_peak_rejects(scenario: Scenario) -> None:
    """Without gaps between legs the level only rises at arrivals, so a limit one below
    the peak must reject the call that made the peak (or an earlier one)."""
    callset = load(scenario)
    peak = compute_peaks(callset).total.value
    if peak >= 2:
        result = replay(callset, Limits(total=peak - 1))
        assert result.rejected_calls >= 1
        assert result.episodes >= 1


@fast
@given(scenarios(gaps=False), st.integers(1, 5) | account_limits())
def test_the_replayed_level_never_exceeds_the_limit(
    scenario: Scenario, limit: int | Limits
) -> None:
    """Without gaps between legs an admitted call only occupies capacity from its
    arrival on, so the calls ``replay`` admits (all but the rejected) never exceed the
    limit of their scope at any instant."""
    limits = limit if isinstance(limit, Limits) else Limits(total=limit)
    calls = oracle_calls(scenario)
    result = replay(load(scenario), limits)
    rejected = set(result.rejected["call_id"])
    admitted = [c for c in calls if c.call_id not in rejected]
    for t in instants(admitted):
        if limits.total is not None:
            assert level(admitted, t) <= limits.total, oracle.from_us(t)
        else:
            for account in {c.account for c in admitted}:
                cap = limits.for_account(account)
                if cap is not None:
                    assert level(admitted, t, account) <= cap, (account, oracle.from_us(t))


@fast
@given(scenarios(), st.integers(1, 5) | account_limits())
def test_episode_counters(scenario: Scenario, limit: int | Limits) -> None:
    """``sequential_events <= events``; no episode iff nothing rejected; every episode
    starts with a rejection; ``calls`` counts every call (zero-length ones too)."""
    limits = limit if isinstance(limit, Limits) else Limits(total=limit)
    result = replay(load(scenario), limits)
    assert 0 <= result.sequential_events <= result.events
    assert (result.episodes == 0) == (result.rejected_calls == 0)
    assert result.episodes <= result.rejected_calls
    assert result.calls == len(oracle_calls(scenario))
    assert 0.0 <= result.rejected_rate <= 1.0


@fast
@given(scenarios(gaps=False))
def test_rejections_never_grow_with_the_limit(scenario: Scenario) -> None:
    """Without gaps between legs, the number of rejected calls is non-increasing in the
    limit (1..6), and equals the oracle's at every limit. (With gaps it need not be: see
    ``test_hand_worked_more_capacity_can_reject_more``.)"""
    calls = oracle_calls(scenario)
    callset = load(scenario)
    counts = [replay(callset, Limits(total=n)).rejected_calls for n in range(1, 7)]
    assert counts == sorted(counts, reverse=True)
    assert counts == [
        len(oracle_replay(calls, lambda _a, n=n: n, by_account=False)) for n in range(1, 7)
    ]


# --- hand-worked examples --------------------------------------------------------------


def hand_rows(
    spec: list[tuple[str, float, float, str, str | None, str | None]],
) -> Scenario:
    """(id, start s, end s, type, account, parent id) per row, in input order."""
    rows = [
        {
            "call_id": cid,
            "start_time": at(s),
            "end_time": at(e),
            "call_type": ctype,
            "account_id": account,
            "parent_call_id": parent,
            CALL: parent or cid,
        }
        for cid, s, e, ctype, account, parent in spec
    ]
    return Scenario("parent", rows)


# Limit 2 on a [0,10) b [1,4) c [2,8) d [3,7) e [3,3) f [5,9) g [10,12), all of account A:
#   t=0  a arrives, level 0 -> admitted (level 1)
#   t=1  b arrives, level 1 -> admitted (2)
#   t=2  c arrives, level 2 -> rejected (level_at_arrival 2)
#   t=3  d arrives, level 2 -> rejected; e (zero-length) arrives, level 2 -> rejected
#   t=4  b ends (1)
#   t=5  f arrives, level 1 -> admitted (2): c and d would still be active in the log
#        (level 4 there), the replay frees their capacity
#   t=9  f ends (1); t=10 a ends before g arrives (level 0) -> g admitted
# Rejected: c, d, e, each at level 2; 3 of 7 calls; first rejection at 2 s.
# One episode: it starts at c's arrival and lasts until c (the longest rejected call)
# would have ended at 8; events: 6 non-empty calls x 2 + e's arrival = 13.
SEVEN = [
    ("a", 0, 10, "inbound", "A", None),
    ("b", 1, 4, "outbound", "A", None),
    ("c", 2, 8, "inbound", "A", None),
    ("d", 3, 7, "otp", "A", None),
    ("e", 3, 3, "otp", "A", None),
    ("f", 5, 9, "internal", "A", None),
    ("g", 10, 12, "inbound", "A", None),
]


def test_hand_worked_seven_calls_limit_two() -> None:
    result = replay(load(hand_rows(SEVEN)), Limits(total=2))
    assert result.rejected.select("call_id", "level_at_arrival", "limit").rows() == [
        ("c", 2, 2),
        ("d", 2, 2),
        ("e", 2, 2),
    ]
    assert result.rejected["start"].to_list() == [at(2), at(3), at(3)]
    assert result.calls == 7
    assert result.rejected_rate == pytest.approx(3 / 7)
    assert result.by_type() == {"inbound": 1, "otp": 2}
    assert result.by_account() == {"A": 3}
    assert result.first_rejection == at(2)
    assert (result.episodes, result.events) == (1, 13)
    # The same, as per-account limits: A=2, and the null account without a limit.
    per_account = replay(load(hand_rows(SEVEN)), Limits(per_account={"A": 2}))
    assert per_account.rejected.rows() == result.rejected.rows()


def test_hand_worked_seven_calls_other_limits() -> None:
    # Log levels: 0:1 1:2 2:3 3:4 4:3 5:4 7:3 8:2 9:1 10:1 12:0 (peak 4).
    # Limit 3: a, b, c admitted (3); d at 3 (level 3) and e at 3 rejected; b ends at 4
    # (2); f at 5 admitted (3). Rejected d, e at level 3.
    # Limit 4: nothing but e, which arrives at 3 after d raised the level to 4.
    # Limit 5: nothing.
    callset = load(hand_rows(SEVEN))
    got = {n: replay(callset, Limits(total=n)).rejected["call_id"].to_list() for n in (1, 3, 4, 5)}
    # Limit 1: a admitted; b, c, d, e, f rejected (a is active until 10); g at 10 admitted.
    assert got == {1: ["b", "c", "d", "e", "f"], 3: ["d", "e"], 4: ["e"], 5: []}


def test_hand_worked_gap_between_legs() -> None:
    # Limit 1. X has legs [0,2) and [4,8) (x2 names x as its parent); Y [3,6);
    # W [5,5) zero-length; Z [6,7); V [8,9).
    #   t=0  X arrives, admitted (1); t=2 its first leg ends (0)
    #   t=3  Y arrives, level 0 -> admitted (1)
    #   t=4  X's second leg comes back although the level is at the limit (2)
    #   t=5  W arrives, level 2 -> rejected at level 2
    #   t=6  Y ends first (1), then Z arrives, level 1 -> rejected at level 1
    #   t=8  X ends (0), V arrives -> admitted
    rows = [
        ("x", 0, 2, "inbound", "A", None),
        ("y", 3, 6, "outbound", "A", None),
        ("x2", 4, 8, "inbound", "A", "x"),
        ("w", 5, 5, "otp", "A", None),
        ("z", 6, 7, "inbound", None, None),
        ("v", 8, 9, "inbound", "A", None),
    ]
    result = replay(load(hand_rows(rows)), Limits(total=1))
    assert result.rejected.select("call_id", "level_at_arrival").rows() == [("w", 2), ("z", 1)]
    assert result.calls == 5
    assert result.by_account() == {"(none)": 1, "A": 1}
    # Per account, A=1: z (no account, no default) is never rejected; w still is.
    per_account = replay(load(hand_rows(rows)), Limits(per_account={"A": 1}))
    assert per_account.rejected.select("call_id", "level_at_arrival").rows() == [("w", 2)]


def test_hand_worked_more_capacity_can_reject_more() -> None:
    # A [0,5); x1 legs [1,2) and [20,30); x2 legs [3,4) and [20,30); y1 [20,21),
    # y2 [21,22), y3 [22,23), in that input order.
    # Limit 1: x1 (at 1) and x2 (at 3) arrive while A is active -> rejected; at 20-22
    #   nothing else is active, so y1, y2, y3 are admitted. 2 rejected.
    # Limit 2: x1 and x2 are admitted (level 1 at each arrival: x1's first leg ended at
    #   2); at 20 both come back (a later leg re-occupies whatever the level), so y1, y2
    #   and y3 arrive at level 2 -> rejected. 3 rejected.
    # So the rejected count is not monotone in the limit when legs have gaps; that is
    # what the rules say, not a fault of the replay.
    rows = [
        ("A", 0, 5, "inbound", "A", None),
        ("x1", 1, 2, "inbound", "A", None),
        ("x1b", 20, 30, "inbound", "A", "x1"),
        ("x2", 3, 4, "inbound", "A", None),
        ("x2b", 20, 30, "inbound", "A", "x2"),
        ("y1", 20, 21, "inbound", "A", None),
        ("y2", 21, 22, "inbound", "A", None),
        ("y3", 22, 23, "inbound", "A", None),
    ]
    callset = load(hand_rows(rows))
    one = replay(callset, Limits(total=1))
    two = replay(callset, Limits(total=2))
    assert one.rejected.select("call_id", "level_at_arrival").rows() == [("x1", 1), ("x2", 1)]
    assert two.rejected.select("call_id", "level_at_arrival").rows() == [
        ("y1", 2),
        ("y2", 2),
        ("y3", 2),
    ]
    assert replay(callset, Limits(total=3)).rejected_calls == 0


def test_hand_worked_ties_and_input_order() -> None:
    # Limit 1. Input order q, p, r: q [0,3) and p [0,5) both arrive at 0, q first by
    # input order -> q admitted, p rejected at level 1. r [3,4) arrives at 3, when q
    # ends (ends before starts) -> admitted. s [3,3) zero-length arrives after r in input
    # order, at level 1 -> rejected; t [4,4) arrives when r ends -> admitted.
    rows = [
        ("q", 0, 3, "inbound", "B", None),
        ("p", 0, 5, "inbound", "B", None),
        ("r", 3, 4, "inbound", "B", None),
        ("s", 3, 3, "inbound", "B", None),
        ("t", 4, 4, "inbound", "B", None),
    ]
    result = replay(load(hand_rows(rows)), Limits(total=1))
    assert result.rejected.select("call_id", "level_at_arrival").rows() == [("p", 1), ("s", 1)]
    swapped = replay(load(hand_rows([rows[1], rows[0], *rows[2:]])), Limits(total=1))
    # Now p is admitted first and q rejected; r arrives at 3 while p is active -> rejected,
    # s too; t at 4 while p is active -> rejected.
    assert swapped.rejected["call_id"].to_list() == ["q", "r", "s", "t"]


def test_hand_worked_per_account_default() -> None:
    # A [0,4) A [1,4) B [0,4) B [1,4) B [2,4) (none) [0,4) (none) [1,4).
    # Limits A=1, default 2: A rejects its 2nd call (level 1); B rejects its 3rd (level 2);
    # the null account falls under the default and keeps both.
    rows = [
        ("a1", 0, 4, "inbound", "A", None),
        ("a2", 1, 4, "outbound", "A", None),
        ("b1", 0, 4, "inbound", "B", None),
        ("b2", 1, 4, "inbound", "B", None),
        ("b3", 2, 4, "app_to_app", "B", None),
        ("n1", 0, 4, "inbound", None, None),
        ("n2", 1, 4, "inbound", None, None),
    ]
    result = replay(load(hand_rows(rows)), Limits(per_account={"A": 1}, default=2))
    assert sorted(result.rejected.select("call_id", "level_at_arrival", "limit").rows()) == [
        ("a2", 1, 1),
        ("b3", 2, 2),
    ]
    assert result.by_type() == {"outbound": 1, "app_to_app": 1}
    # Without the default only A is limited.
    only_a = replay(load(hand_rows(rows)), Limits(per_account={"A": 1}))
    assert only_a.rejected["call_id"].to_list() == ["a2"]


def test_no_calls_at_all() -> None:
    for limits in (Limits(total=1), Limits(per_account={"A": 1}, default=1)):
        result = replay(load(Scenario("parent", [])), limits)
        assert (result.calls, result.rejected_calls, result.rejected_rate) == (0, 0, 0.0)
        assert result.first_rejection is None
        assert (result.episodes, result.by_type(), result.by_account()) == (0, {}, {})
