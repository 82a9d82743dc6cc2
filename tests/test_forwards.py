"""Forwarded hotline calls count once (issue 18): the matching rule of
``ccc_cli.normalize.forwards`` against a brute-force oracle, and its properties.

Rows here carry the roles a preset derives (``__fwd_role``: 1 an inbound record to a
hotline, 2 a server-originated record; ``__caller``, ``__callee``), so the rule is tested
apart from any export format.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ccc_cli.api import LoadOptions, compute_peaks, load_frame
from ccc_cli.cli.app import app
from ccc_cli.normalize.forwards import CALLEE, CALLER, ROLE, link_forwards

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "call_id": [r["id"] for r in rows],
            "start_time": [T0 + timedelta(minutes=r["s"]) for r in rows],
            "end_time": [T0 + timedelta(minutes=r["e"]) for r in rows],
            "call_type": [r.get("type", "outbound" if r["role"] == 2 else "inbound") for r in rows],
            "account_id": [r.get("account", "A") for r in rows],
            ROLE: pl.Series([r["role"] for r in rows], dtype=pl.Int8),
            CALLER: [r.get("caller") for r in rows],
            CALLEE: [r.get("callee") for r in rows],
        }
    )


def oracle(rows: list[dict[str, Any]], otp_from: tuple[str, ...] = ()) -> set[tuple[int, int]]:
    """Pairs (forward row, inbound row) by the written rule, by brute force: forward legs
    in order of start then input; each takes, among the inbound records to its caller's
    number in its account that are active at its start and not yet taken, the most
    recent start, then the first in input order."""
    taken: set[int] = set()
    pairs: set[tuple[int, int]] = set()
    forwards = sorted(
        (i for i, r in enumerate(rows) if r["role"] == 2 and r.get("caller") not in otp_from),
        key=lambda i: (rows[i]["s"], i),
    )
    for f in forwards:
        fr = rows[f]
        options = [
            i
            for i, r in enumerate(rows)
            if r["role"] == 1
            and i not in taken
            and r.get("callee") is not None
            and r.get("callee") == fr.get("caller")
            and r.get("account", "A") == fr.get("account", "A")
            and r["s"] <= fr["s"] < r["e"]
        ]
        if options:
            best = max(options, key=lambda i: (rows[i]["s"], -i))
            taken.add(best)
            pairs.add((f, best))
    return pairs


def pairs_of(rows: list[dict[str, Any]], otp_from: tuple[str, ...] = ()) -> set[tuple[int, int]]:
    found = link_forwards(frame_to_valid(rows), otp_from)
    return set(zip(found.forward_rows.tolist(), found.inbound_rows.tolist(), strict=True))


def frame_to_valid(rows: list[dict[str, Any]]) -> pl.DataFrame:
    f = frame(rows)
    return f.select(
        pl.col("start_time").alias("start"),
        pl.col("end_time").alias("end"),
        pl.col("account_id").cast(pl.Categorical).alias("account"),
        ROLE,
        CALLER,
        CALLEE,
    )


HOT = "842473030658"


def test_the_definition_example_plus_one_forward_is_8() -> None:
    # At 10:05: 2 inbound (one talking, one ringing), 1 outbound, 1 internal, 3 OTP = 7;
    # plus one inbound call forwarded to an agent's phone: its inbound record and its
    # forward leg are one call, so 8, not 9.
    rows = [
        {"id": "in1", "role": 1, "s": 0, "e": 10, "callee": HOT, "caller": "8490"},
        {"id": "in2", "role": 1, "s": 1, "e": 10, "callee": HOT, "caller": "8491"},
        {"id": "out", "role": 0, "s": 2, "e": 10, "type": "outbound"},
        {"id": "int", "role": 0, "s": 3, "e": 10, "type": "internal"},
        *(
            {"id": f"otp{k}", "role": 2, "s": 4, "e": 10, "caller": "OTP", "type": "otp"}
            for k in range(3)
        ),
        {"id": "in3", "role": 1, "s": 0, "e": 10, "callee": HOT, "caller": "8492"},
        {"id": "fwd3", "role": 2, "s": 1, "e": 10, "caller": HOT, "callee": "0912"},
    ]
    linked = load_frame(frame(rows), LoadOptions(otp_from=("OTP",)))
    assert compute_peaks(linked).total.value == 8
    assert linked.accounting.merged_legs == 1
    by_type = compute_peaks(linked).mix
    assert by_type["inbound"] == 3 and by_type["otp"] == 3
    apart = load_frame(frame(rows), LoadOptions(otp_from=("OTP",), link_forwards="off"))
    assert compute_peaks(apart).total.value == 9


def test_overlapping_forwards_take_the_most_recent_inbound() -> None:
    # Two customers call the hotline at 10:00 and 10:02; forwards at 10:03 and 10:04:
    # the first forward takes the most recent (10:02), the second the 10:00 one.
    rows = [
        {"id": "a", "role": 1, "s": 0, "e": 20, "callee": HOT},
        {"id": "b", "role": 1, "s": 2, "e": 20, "callee": HOT},
        {"id": "f1", "role": 2, "s": 3, "e": 15, "caller": HOT},
        {"id": "f2", "role": 2, "s": 4, "e": 15, "caller": HOT},
    ]
    assert pairs_of(rows) == {(2, 1), (3, 0)} == oracle(rows)


def test_ties_go_to_input_order_and_ended_calls_are_skipped() -> None:
    # a and b start together: the first forward takes a (first in input order). c ended
    # at 10:05, when the second forward starts: it is over (half-open) and not taken.
    rows = [
        {"id": "a", "role": 1, "s": 0, "e": 20, "callee": HOT},
        {"id": "b", "role": 1, "s": 0, "e": 20, "callee": HOT},
        {"id": "c", "role": 1, "s": 1, "e": 5, "callee": HOT},
        {"id": "f1", "role": 2, "s": 0, "e": 9, "caller": HOT},
        {"id": "f2", "role": 2, "s": 5, "e": 9, "caller": HOT},
    ]
    assert pairs_of(rows) == {(3, 0), (4, 1)} == oracle(rows)


def test_a_forward_outliving_its_inbound_keeps_the_call_active() -> None:
    # The inbound record ends at 10:05 but the agent's phone leg runs to 10:30: the call
    # counts until 10:30; another call at 10:20 makes 2.
    rows = [
        {"id": "in", "role": 1, "s": 0, "e": 5, "callee": HOT},
        {"id": "fwd", "role": 2, "s": 1, "e": 30, "caller": HOT},
        {"id": "other", "role": 0, "s": 20, "e": 25},
    ]
    calls = load_frame(frame(rows))
    peak = compute_peaks(calls).total
    assert (peak.value, peak.at) == (2, T0 + timedelta(minutes=20))


def test_otp_and_unmatched_server_calls_stay_apart() -> None:
    # An OTP call from its own caller id during an inbound call; a click-to-call from the
    # hotline number with no inbound call active: neither is linked.
    rows = [
        {"id": "in", "role": 1, "s": 0, "e": 10, "callee": HOT},
        {"id": "otp", "role": 2, "s": 1, "e": 2, "caller": "OTPNUM"},
        {"id": "c2c", "role": 2, "s": 20, "e": 30, "caller": HOT},
    ]
    calls = load_frame(frame(rows), LoadOptions(otp_from=("OTPNUM",)))
    assert calls.accounting.merged_legs == 0
    assert calls.calls.filter(pl.col("call_id") == "otp")["call_type"].to_list() == ["otp"]
    (note,) = [n for n in calls.notes if "forwarded calls" in n]
    assert "0 server leg(s)" in note and "1 such leg(s) matched no active inbound" in note


def test_other_accounts_and_numbers_are_never_joined() -> None:
    rows = [
        {"id": "in", "role": 1, "s": 0, "e": 10, "callee": HOT, "account": "A"},
        {"id": "f_acc", "role": 2, "s": 1, "e": 5, "caller": HOT, "account": "B"},
        {"id": "f_num", "role": 2, "s": 1, "e": 5, "caller": "999", "account": "A"},
    ]
    assert pairs_of(rows) == set() == oracle(rows)


@st.composite
def scenarios(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for k in range(draw(st.integers(1, 25))):
        role = draw(st.sampled_from((0, 1, 1, 2, 2)))
        s = draw(st.integers(0, 30))
        e = s + draw(st.integers(0, 15))
        number = draw(st.sampled_from(("H1", "H2", "OTP", None)))
        row: dict[str, Any] = {
            "id": f"r{k}",
            "role": role,
            "s": s,
            "e": e,
            "account": draw(st.sampled_from(("A", "B"))),
        }
        if role == 1:
            row["callee"] = number
        elif role == 2:
            row["caller"] = number
        rows.append(row)
    return rows


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_the_kernel_matches_the_brute_force_rule(rows: list[dict[str, Any]]) -> None:
    assert pairs_of(rows, ("OTP",)) == oracle(rows, ("OTP",))


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_linking_never_raises_the_peak_and_off_is_today(rows: list[dict[str, Any]]) -> None:
    linked = load_frame(frame(rows), LoadOptions(otp_from=("OTP",)))
    apart = load_frame(frame(rows), LoadOptions(otp_from=("OTP",), link_forwards="off"))
    pairs = oracle(rows, ("OTP",))
    assert compute_peaks(linked).total.value <= compute_peaks(apart).total.value
    # One-to-one, never across accounts or numbers (the oracle's pairs obey that), and
    # every pair is one call.
    assert len({f for f, _ in pairs}) == len({i for _, i in pairs}) == len(pairs)
    assert linked.accounting.merged_legs - apart.accounting.merged_legs == len(pairs)
    groups = dict(zip(linked.calls["call_id"], linked.calls["leg_group"], strict=True))
    for f, i in pairs:
        assert groups[rows[f]["id"]] == groups[rows[i]["id"]]
    assert apart.accounting.merged_legs == 0


# --- the stringee preset, end to end -------------------------------------------------------
STRINGEE_FIXTURE = Path(__file__).parent / "data" / "stringee" / "forwards.csv"


def test_stringee_forwards_count_once_by_default() -> None:
    """``tests/data/stringee/forwards.csv``, minutes after 17:00 (Asia/Ho_Chi_Minh):

    in1 0-10 (customer to the hotline), f1 1-12 (the hotline to an agent's phone: the
    forward of in1, outliving it), in2 2-8 (answered in the app), in3 3-9 and f3 4-9 (f3
    joins the most recent active inbound call, in3), otp1 5-6 and otp2 5-7 (from the OTP
    caller id), c2c 20-25 (from the hotline, no inbound call active: unmatched).

    At 5: in1+f1, in2, in3+f3, otp1, otp2 = 5 calls (7 counted apart).
    """
    runner = CliRunner()
    args = ["peak", str(STRINGEE_FIXTURE), "--otp-from", "84199999999", "-f", "json", "-q"]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    total = doc["peak"]
    assert total["value"] == 5
    assert total["at"] == "2025-11-20T17:05:00+07:00"
    mix = {t: n for t, n in total["mix"].items() if n}
    assert mix == {"inbound": 3, "otp": 2}
    assert doc["rows"]["merged_legs"] == 2
    (note,) = [n for n in doc["notes"] if "forwarded calls" in n]
    assert "2 server leg(s)" in note and "1 such leg(s) matched no active inbound call" in note
    r = runner.invoke(app, [*args, "--link-forwards", "off"])
    assert json.loads(r.stdout)["peak"]["value"] == 7
