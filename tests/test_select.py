"""The selection (``--from``/``--to``, ``--account``; issue 13, section 5): which calls are
looked at, their legs clipped to the window, and every row still accounted for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from ccc_cli.api import LoadOptions, compute_peaks, load_frame

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "call_id": [r["id"] for r in rows],
            "start_time": [at(r["s"]) for r in rows],
            "end_time": [at(r["e"]) for r in rows],
            "account_id": [r.get("account", "A") for r in rows],
            "parent_call_id": [r.get("parent") for r in rows],
            "status": [r.get("status", "completed") for r in rows],
        },
        schema_overrides={"parent_call_id": pl.String},
    )


ROWS = [
    {"id": "early", "s": 0, "e": 5},  # ends before the window: left out
    {"id": "carried", "s": 5, "e": 25},  # began before 10:10, active in it: carried in
    {"id": "inside", "s": 12, "e": 18, "account": "B"},
    {"id": "leg", "s": 15, "e": 40, "parent": "inside", "account": "B"},  # runs past 10:30
    {"id": "late", "s": 30, "e": 35},  # starts at the window's end: left out
    {"id": "rej-in", "s": 14, "e": 14, "status": "REACH_PLAN_LIMIT"},
    {"id": "rej-out", "s": 2, "e": 2, "status": "REACH_PLAN_LIMIT"},
]


def test_a_window_keeps_overlapping_calls_clipped_and_accounts_for_every_row() -> None:
    options = LoadOptions(window_from=at(10), window_to=at(30))
    cs = load_frame(frame(ROWS), options)
    spans = {r["call_id"]: (r["start"], r["end"]) for r in cs.calls.iter_rows(named=True)}
    assert spans == {
        "carried": (at(10), at(25)),
        "inside": (at(12), at(18)),
        "leg": (at(15), at(30)),
    }
    acc = cs.accounting.as_dict()
    # 7 rows: 2 calls (carried; inside + its leg) used, 1 merged leg, rej-in rejected,
    # early, late and rej-out not selected.
    assert acc == {**acc, "read": 7, "used": 2, "merged_legs": 1, "plan_limit_rejected": 1}
    assert acc["not_selected"] == 3
    assert (
        sum(
            acc[k]
            for k in (
                "used",
                "duplicates",
                "merged_legs",
                "plan_limit_rejected",
                "invalid",
                "not_selected",
            )
        )
        == 7
    )
    assert cs.carried is not None and cs.carried.len() == 1
    assert any(n.startswith("selection: from 2026-11-20T10:10:00+00:00") for n in cs.notes)


def test_an_account_selection() -> None:
    cs = load_frame(frame(ROWS), LoadOptions(accounts=("B",)))
    assert sorted(cs.calls["call_id"].to_list()) == ["inside", "leg"]
    assert cs.accounting.used == 1
    assert cs.accounting.not_selected == 5  # 3 calls of A and both A rejections


def test_naive_window_instants_are_wall_times_in_the_display_zone() -> None:
    # Times shown in Asia/Ho_Chi_Minh (UTC+7): a naive 17:10 is 10:10 UTC.
    options = LoadOptions(tz="Asia/Ho_Chi_Minh", window_from=datetime(2026, 11, 20, 17, 10))
    cs = load_frame(frame(ROWS), options)
    assert "early" not in cs.calls["call_id"].to_list()
    assert cs.calls.filter(pl.col("call_id") == "carried")["start"].item() == at(10)


def test_no_selection_changes_nothing() -> None:
    cs = load_frame(frame(ROWS))
    assert "not_selected" not in cs.accounting.as_dict()
    assert cs.selection is None


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 30)), min_size=1, max_size=20),
    st.integers(0, 60),
    st.integers(1, 60),
)
def test_the_level_inside_the_window_is_the_full_log_level(
    spans: list[tuple[int, int]], lo: int, width: int
) -> None:
    """Oracle: the peak inside [lo, hi) is the highest count of calls s <= t < e over the
    instants t in the window (the window's start and the starts inside it)."""
    hi = lo + width
    rows = [{"id": f"c{i}", "s": s, "e": s + d} for i, (s, d) in enumerate(spans)]
    windowed = load_frame(frame(rows), LoadOptions(window_from=at(lo), window_to=at(hi)))
    instants = [lo] + [s for s, _ in spans if lo <= s < hi]
    best = max(sum(1 for s, d in spans if s <= t < s + d) for t in instants)
    assert compute_peaks(windowed).total.value == best


def replay_oracle(
    spans: list[tuple[int, int]], lo: int, hi: int, limit: int
) -> tuple[set[int], int]:
    """Rejected calls (indexes) and calls judged, replaying [lo, hi): calls begun before
    lo and still active are admitted already; the others are judged at their start, in
    time then input order, ends before starts, against the admitted calls active then."""
    active: list[tuple[int, int]] = []  # (end, index) of admitted calls
    rejected: set[int] = set()
    judged = 0
    for i, (s, e) in enumerate(spans):
        if s < lo < e:
            active.append((min(e, hi), i))
    arrivals = sorted((s, i) for i, (s, _) in enumerate(spans) if lo <= s < hi)
    for s, i in arrivals:
        judged += 1
        active = [(e, j) for e, j in active if e > s]
        if len(active) >= limit:
            rejected.add(i)
        elif spans[i][1] > s:
            active.append((min(spans[i][1], hi), i))
    return rejected, judged


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 30)), min_size=1, max_size=20),
    st.integers(0, 50),
    st.integers(1, 60),
    st.integers(1, 4),
)
def test_the_replay_in_a_window_never_rejects_calls_carried_in(
    spans: list[tuple[int, int]], lo: int, width: int, limit: int
) -> None:
    from ccc_cli.api import replay
    from ccc_cli.engine.limits import Limits

    hi = lo + width
    rows = [{"id": f"c{i}", "s": s, "e": s + d} for i, (s, d) in enumerate(spans)]
    windowed = load_frame(frame(rows), LoadOptions(window_from=at(lo), window_to=at(hi)))
    result = replay(windowed, Limits(total=limit))
    expected, judged = replay_oracle([(s, s + d) for s, d in spans], lo, hi, limit)
    assert set(result.rejected["call_id"].to_list()) == {f"c{i}" for i in expected}
    assert result.calls == judged
