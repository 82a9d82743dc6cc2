"""Hand-built examples for ``load_frame`` + ``compute_peaks``, worked out in comments.

Times are written as seconds after ``BASE`` (2024-03-01 10:30:00 UTC); an interval
``[s, e)`` is a call active from s up to, not including, e.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from ccc_cli.api import LoadOptions, compute_peaks, load_frame

BASE = datetime(2024, 3, 1, 10, 30, tzinfo=UTC)
DT = pl.Datetime("us", "UTC")
TYPES = ("inbound", "outbound", "internal", "app_to_app", "otp", "other")
DTYPES: dict[str, Any] = {
    "call_id": pl.String,
    "start_time": DT,
    "end_time": DT,
    "call_type": pl.String,
    "account_id": pl.String,
    "parent_call_id": pl.String,
    "leg_group": pl.String,
    "status": pl.String,
}


def at(seconds: float) -> datetime:
    return BASE + timedelta(seconds=seconds)


def row(
    call_id: str | None,
    start: float | None,
    end: float | None,
    call_type: str = "inbound",
    *,
    account: str | None = "acc",
    parent: str | None = None,
    group: str | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    return {
        "call_id": call_id,
        "start_time": None if start is None else at(start),
        "end_time": None if end is None else at(end),
        "call_type": call_type,
        "account_id": account,
        "parent_call_id": parent,
        "leg_group": group,
        "status": status,
    }


def frame(rows: list[dict[str, Any]], *, link: str = "parent") -> pl.DataFrame:
    """Rows as an input frame; ``link`` keeps the parent or the group column."""
    drop = "leg_group" if link == "parent" else "parent_call_id"
    cols = [c for c in DTYPES if c != drop]
    return pl.DataFrame(
        {c: [r[c] for r in rows] for c in cols}, schema={c: DTYPES[c] for c in cols}
    )


def peaks(rows: list[dict[str, Any]], *, link: str = "parent", **options: Any) -> Any:
    columns = {"group": "leg_group"} if link == "group" else {}
    callset = load_frame(frame(rows, link=link), LoadOptions(columns=columns, **options))
    return callset, compute_peaks(callset, by_account=True)


def by_type(result: Any) -> dict[str, tuple[int, datetime | None]]:
    return {t: (p.value, p.at) for t, p in result.by_type.items()}


def no_type_peaks() -> dict[str, tuple[int, datetime | None]]:
    return dict.fromkeys(TYPES, (0, None))


def test_definition_worked_example() -> None:
    # The vendor's example at 10:32:05 (t = 125): 2 inbound (one talking to an agent,
    # one ringing while waiting for an agent), 1 outbound, 1 internal, 3 OTP => 7.
    #   in-talk   [0, 300)      in-ring  [120, 150)
    #   out       [60, 180)     int A-B  [125, 600)
    #   otp1 [124, 130)   otp2 [125, 126)   otp3 [119, 140)
    # Level at 124: in 2 + out 1 + otp1 + otp3 = 5; at 125 int and otp2 start: 7, the
    # first instant of the peak. At 126 otp2 has ended (6). Per type: inbound 2 from
    # 120, outbound 1 from 60, internal 1 from 125, otp 3 at 125 (2 from 124, 3 from 125).
    rows = [
        row("in-talk", 0, 300, "inbound"),
        row("in-ring", 120, 150, "inbound"),
        row("out", 60, 180, "outbound"),
        row("int", 125, 600, "internal"),
        row("otp1", 124, 130, "otp"),
        row("otp2", 125, 126, "otp"),
        row("otp3", 119, 140, "otp"),
    ]
    _, result = peaks(rows)
    assert (result.total.value, result.total.at) == (7, at(125))
    assert result.total.at == datetime(2024, 3, 1, 10, 32, 5, tzinfo=UTC)
    assert by_type(result) == {
        **no_type_peaks(),
        "inbound": (2, at(120)),
        "outbound": (1, at(60)),
        "internal": (1, at(125)),
        "otp": (3, at(125)),
    }
    assert dict(result.mix) == {
        **dict.fromkeys(TYPES, 0),
        "inbound": 2,
        "outbound": 1,
        "internal": 1,
        "otp": 3,
    }


def test_back_to_back_calls_do_not_overlap() -> None:
    # [0, 10) then [10, 20): half-open, so at 10 only the second is active => 1, not 2.
    callset, result = peaks([row("a", 0, 10), row("b", 10, 20)])
    assert callset.accounting.used == 2
    assert (result.total.value, result.total.at) == (1, at(0))


def test_forwarded_call_counts_once() -> None:
    # The hotline call [0, 60) is forwarded to the agent's phone [5, 60) (a second leg
    # naming it as parent): one call, active [0, 60) => peak 1 at 0. Its type is the
    # first leg's (inbound), so outbound stays 0.
    callset, result = peaks(
        [row("in1", 0, 60, "inbound"), row("fw1", 5, 60, "outbound", parent="in1")]
    )
    assert callset.linked
    assert (callset.accounting.used, callset.accounting.merged_legs) == (1, 1)
    assert (result.total.value, result.total.at) == (1, at(0))
    assert by_type(result) == {**no_type_peaks(), "inbound": (1, at(0))}


def test_forwarded_call_with_grandchild_leg_counts_once() -> None:
    # in1 [0, 30) -> fw1 [10, 40) -> fw2 [35, 50) (fw2's parent is fw1, whose parent is
    # in1): one call active [0, 50). Another call x [20, 45) => peak 2, first at 20.
    callset, result = peaks(
        [
            row("fw2", 35, 50, parent="fw1"),
            row("x", 20, 45),
            row("fw1", 10, 40, parent="in1"),
            row("in1", 0, 30),
        ]
    )
    assert (callset.accounting.used, callset.accounting.merged_legs) == (2, 2)
    assert (result.total.value, result.total.at) == (2, at(20))


def test_legs_with_a_gap_by_parent() -> None:
    # Call c has legs [0, 10) and [20, 30), inactive in the gap [10, 20). Call x [12, 18)
    # sits in the gap: never two at once => peak 1, first reached at 0.
    _, result = peaks([row("c", 0, 10), row("c-2", 20, 30, parent="c"), row("x", 12, 18)])
    assert (result.total.value, result.total.at) == (1, at(0))
    # Call y [5, 25) overlaps both legs => 2, first at 5 (c's first leg and y).
    _, result = peaks([row("c", 0, 10), row("c-2", 20, 30, parent="c"), row("y", 5, 25)])
    assert (result.total.value, result.total.at) == (2, at(5))


def test_legs_with_a_gap_by_group() -> None:
    # Same as above with a group column: rows sharing g1 are one call; the row with a
    # null group ([12, 18), in the gap) is its own call => peak 1 at 0, 2 calls.
    rows = [
        row("leg-a", 0, 10, group="g1"),
        row("leg-b", 20, 30, group="g1"),
        row("x", 12, 18, group=None),
    ]
    callset, result = peaks(rows, link="group")
    assert (callset.accounting.used, callset.accounting.merged_legs) == (2, 1)
    assert (result.total.value, result.total.at) == (1, at(0))


def test_plan_limit_rejections_never_count() -> None:
    # Only a [0, 10) occupied capacity; b and c were rejected with REACH_PLAN_LIMIT (any
    # case, inside a longer status), c even without an end: both are rejections, not
    # invalid rows => peak 1 at 0.
    rows = [
        row("a", 0, 10, status="ANSWERED"),
        row("b", 2, 8, status="REACH_PLAN_LIMIT"),
        row("c", 3, None, status="failed: reach_plan_limit"),
    ]
    callset, result = peaks(rows)
    acc = callset.accounting
    assert (acc.read, acc.used, acc.plan_limit_rejected, acc.invalid) == (3, 1, 2, 0)
    assert callset.rejected["call_id"].to_list() == ["b", "c"]
    assert (result.total.value, result.total.at) == (1, at(0))


def test_zero_length_calls_never_count() -> None:
    # [5, 5) and [7, 7) are calls (used) but never active => peak 0 with no instant.
    callset, result = peaks([row("a", 5, 5), row("b", 7, 7, "otp")])
    assert callset.accounting.used == 2
    assert (result.total.value, result.total.at) == (0, None)
    assert by_type(result) == no_type_peaks()
    # A zero-length call inside another call adds nothing: peak 1 at 0.
    _, result = peaks([row("a", 5, 5), row("c", 0, 10)])
    assert (result.total.value, result.total.at) == (1, at(0))


def test_all_rows_invalid_gives_peak_zero() -> None:
    # end before start, missing end, missing start: nothing is left to count.
    rows = [row("a", 10, 5), row("b", 3, None), row("c", None, 8)]
    callset, result = peaks(rows)
    acc = callset.accounting
    assert (acc.read, acc.used, acc.invalid) == (3, 0, 3)
    assert acc.invalid_reasons["end_before_start"] == 1
    assert acc.invalid_reasons["missing_end"] == 1
    assert acc.invalid_reasons["missing_start"] == 1
    assert callset.calls.height == 0
    assert (result.total.value, result.total.at) == (0, None)
    assert by_type(result) == no_type_peaks()
    assert result.by_account == {}


def test_exactly_24h_is_valid_and_longer_is_too_long() -> None:
    # max_duration_s defaults to 86400: [0, 86400) is valid, [0, 86401) is too long.
    callset, result = peaks([row("a", 0, 86400), row("b", 0, 86401)])
    assert callset.accounting.used == 1
    assert callset.accounting.invalid_reasons["too_long"] == 1
    assert result.total.value == 1
    # A lower limit applies the same way: with 10 s, [0, 10) stays and [0, 11) goes.
    callset, _ = peaks([row("a", 0, 10), row("b", 0, 11)], max_duration_s=10)
    assert (callset.accounting.used, callset.accounting.invalid) == (1, 1)


def test_many_calls_starting_at_the_same_instant() -> None:
    # 50 calls start at 100 (ending at 101..150); 3 calls [90, 100) end exactly at 100,
    # which does not overlap (ends before starts) => peak 50 at 100, not 53.
    rows = [row(f"s{i}", 100, 101 + i, TYPES[i % 6]) for i in range(50)]
    rows += [row(f"e{i}", 90, 100) for i in range(3)]
    _, result = peaks(rows)
    assert (result.total.value, result.total.at) == (50, at(100))
    # 50 calls over 6 types: inbound and outbound get 9, the other four 8.
    assert {t: p.value for t, p in result.by_type.items()} == {
        "inbound": 9,
        "outbound": 9,
        "internal": 8,
        "app_to_app": 8,
        "otp": 8,
        "other": 8,
    }
    assert sum(result.mix.values()) == 50


def test_peak_reached_twice_reports_the_first_instant() -> None:
    # a [0, 10) + b [5, 10) => 2 from 5 to 10; c [20, 30) + d [25, 40) => 2 again from 25.
    # The first instant of the peak is 5, whatever the input order.
    rows = [row("c", 20, 30), row("d", 25, 40), row("a", 0, 10), row("b", 5, 10)]
    _, result = peaks(rows)
    assert (result.total.value, result.total.at) == (2, at(5))
    # Per account: acc-2 holds c and d only, so its first peak instant is 25.
    rows = [
        row("a", 0, 10, account="acc-1"),
        row("b", 5, 10, account="acc-1"),
        row("c", 20, 30, account="acc-2"),
        row("d", 25, 40, account="acc-2"),
    ]
    _, result = peaks(rows)
    assert {a: (ps.total.value, ps.total.at) for a, ps in result.by_account.items()} == {
        "acc-1": (2, at(5)),
        "acc-2": (2, at(25)),
    }


def test_duplicates_and_reused_call_ids() -> None:
    # a twice with the same times: the second is a duplicate. b twice with other times:
    # two calls ([0, 10) and [5, 15)) sharing an id => reused 1, peak 3 at 5.
    rows = [row("a", 0, 10), row("a", 0, 10), row("b", 0, 10), row("b", 5, 15)]
    callset, result = peaks(rows)
    acc = callset.accounting
    assert (acc.read, acc.used, acc.duplicates, acc.merged_legs) == (4, 3, 1, 0)
    assert callset.reused_call_ids == 1
    assert (result.total.value, result.total.at) == (3, at(5))


def test_first_leg_type_ties_break_by_input_order() -> None:
    # Two legs of one call start together at 0: the first in input order (the child,
    # outbound) gives the call its type.
    _, result = peaks([row("fw", 0, 5, "outbound", parent="in"), row("in", 0, 10, "inbound")])
    assert by_type(result) == {**no_type_peaks(), "outbound": (1, at(0))}


def test_call_with_null_account_on_first_leg_belongs_to_none() -> None:
    # Call g has legs [0, 5) (first leg, no account) and [10, 15) (account A); call c
    # [10, 15) is account A's. The call's account is its first leg's, "(none)", for all
    # of its legs => "(none)" peaks at 1 (at 0), A at 1 (at 10, only c), not 2.
    rows = [
        row("a", 0, 5, account=None, group="g"),
        row("b", 10, 15, account="A", group="g"),
        row("c", 10, 15, "outbound", account="A"),
    ]
    callset, result = peaks(rows, link="group")
    legs = callset.calls.filter(pl.col("call_id").is_in(["a", "b"]))
    assert legs["account"].to_list() == [None, None]
    assert {a: (ps.total.value, ps.total.at) for a, ps in result.by_account.items()} == {
        "(none)": (1, at(0)),
        "A": (1, at(10)),
    }


def test_long_parent_chain_is_one_call() -> None:
    # A chain of 40 legs, each naming the previous one as parent, legs [2i, 2i + 1):
    # every leg's root is l0, so they are one call => used 1, merged 39, peak 1.
    rows = [row("l0", 0, 1)]
    rows += [row(f"l{i}", 2 * i, 2 * i + 1, parent=f"l{i - 1}") for i in range(1, 40)]
    callset, result = peaks(rows)
    assert (callset.accounting.used, callset.accounting.merged_legs) == (1, 39)
    assert result.total.value == 1


def test_iso_text_and_epoch_numbers_give_the_same_peaks() -> None:
    # a [0, 10), b [5, 15), c [5, 6): peak 3 at 5 whatever the time encoding.
    spans = {"a": (0, 10), "b": (5, 15), "c": (5, 6)}
    iso = pl.DataFrame(
        {
            "call_id": list(spans),
            "start_time": [at(s).isoformat() for s, _ in spans.values()],
            "end_time": [at(e).isoformat().replace("+00:00", "Z") for _, e in spans.values()],
        }
    )
    epoch = pl.DataFrame(
        {
            "call_id": list(spans),
            "start_time": [int(at(s).timestamp()) for s, _ in spans.values()],
            "end_time": [int(at(e).timestamp()) for _, e in spans.values()],
        }
    )
    for data in (iso, epoch):
        result = compute_peaks(load_frame(data))
        assert (result.total.value, result.total.at) == (3, at(5))
        assert result.by_type["other"].value == 3
