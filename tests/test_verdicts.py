"""Verdicts on the log's own REACH_PLAN_LIMIT rows (issue 13, section 6) against an
oracle written here: the level at the row's start is the number of calls (of its
account, under per-account limits) with start <= t < end; ``justified`` when that level
is at or above the limit, ``unexpected`` below it, ``no_limit`` when the row's account
has no limit, ``no_time`` when the row has no readable start.

The bugs these catch: judging at level > limit instead of >=, using the total level
under per-account limits, reading the level 1 us early or late, dropping no_limit.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from ccc_cli.api import LoadOptions, compute_breaches, load_frame
from ccc_cli.engine.limits import Limits

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
ACCOUNTS = ("A", "B", "C")


def oracle(calls: list[dict[str, Any]], row: dict[str, Any], limits: Limits) -> str:
    if row["s"] is None:
        return "no_time"
    if limits.by_account:
        limit = limits.per_account.get(row["account"], limits.default)
        if limit is None:
            return "no_limit"
        mine = [c for c in calls if c["account"] == row["account"]]
    else:
        assert limits.total is not None
        limit = limits.total
        mine = calls
    level = sum(1 for c in mine if c["s"] <= row["s"] < c["e"])
    return "justified" if level >= limit else "unexpected"


def frame(calls: list[dict[str, Any]], rejected: list[dict[str, Any]]) -> pl.DataFrame:
    rows = [
        *({**c, "status": "completed"} for c in calls),
        *({**r, "e": r["s"], "status": "REACH_PLAN_LIMIT"} for r in rejected),
    ]

    def at(seconds: int | None) -> datetime | None:
        return None if seconds is None else T0 + timedelta(seconds=seconds)

    return pl.DataFrame(
        {
            "call_id": [f"r{i}" for i in range(len(rows))],
            "start_time": [at(r["s"]) for r in rows],
            "end_time": [at(r["e"]) for r in rows],
            "account_id": [r["account"] for r in rows],
            "status": [r["status"] for r in rows],
        },
        schema={
            "call_id": pl.String,
            "start_time": pl.Datetime("us", "UTC"),
            "end_time": pl.Datetime("us", "UTC"),
            "account_id": pl.String,
            "status": pl.String,
        },
    )


@st.composite
def logs(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Limits]:
    calls = []
    for _ in range(draw(st.integers(0, 15))):
        s = draw(st.integers(0, 40))
        calls.append(
            {"s": s, "e": s + draw(st.integers(0, 20)), "account": draw(st.sampled_from(ACCOUNTS))}
        )
    # Rejections often right on a call's start or end, where off-by-one bugs live.
    instants = sorted({c["s"] for c in calls} | {c["e"] for c in calls} | {0, 20})
    rejected = [
        {
            "s": draw(st.one_of(st.none(), st.sampled_from(instants), st.integers(0, 60))),
            "account": draw(st.sampled_from(ACCOUNTS)),
        }
        for _ in range(draw(st.integers(1, 8)))
    ]
    if draw(st.booleans()):
        limits = Limits(total=draw(st.integers(1, 4)))
    else:
        per = {a: draw(st.integers(1, 3)) for a in draw(st.sets(st.sampled_from(ACCOUNTS)))}
        default = draw(st.one_of(st.none(), st.integers(1, 3)))
        if not per and default is None:
            default = 1
        limits = Limits(per_account=per, default=default)
    return calls, rejected, limits


@settings(max_examples=300, deadline=None)
@given(logs())
def test_verdicts_equal_the_oracle(
    case: tuple[list[dict[str, Any]], list[dict[str, Any]], Limits],
) -> None:
    calls, rejected, limits = case
    callset = load_frame(frame(calls, rejected), LoadOptions(max_duration_s=None))
    observed = compute_breaches(callset, limits).observed.rows
    got = dict(zip(observed["call_id"], observed["verdict"], strict=True))
    for k, row in enumerate(rejected):
        assert got[f"r{len(calls) + k}"] == oracle(calls, row, limits), (row, limits)


def test_level_equal_to_the_limit_is_justified() -> None:
    # Two calls of account A active at 10:00:10; a rejection there under a limit of 2 is
    # justified (at capacity); a rejection at 10:00:20, when one of them has ended
    # (half-open), is unexpected; account B's rejection has no limit of its own.
    calls = [{"s": 0, "e": 20, "account": "A"}, {"s": 10, "e": 30, "account": "A"}]
    rejected = [
        {"s": 10, "account": "A"},
        {"s": 20, "account": "A"},
        {"s": 10, "account": "B"},
        {"s": None, "account": "A"},
    ]
    callset = load_frame(frame(calls, rejected), LoadOptions(max_duration_s=None))
    observed = compute_breaches(callset, Limits(per_account={"A": 2})).observed.rows
    assert observed.sort("call_id")["verdict"].to_list() == [
        "justified",
        "unexpected",
        "no_limit",
        "no_time",
    ]


def test_per_account_limits_on_a_log_without_rejections() -> None:
    # Once an internal error: mapping the (empty) rejections' accounts to their limits.
    callset = load_frame(frame([{"s": 0, "e": 20, "account": "A"}], []), LoadOptions())
    assert compute_breaches(callset, Limits(per_account={"A": 1})).observed.rows.height == 0
