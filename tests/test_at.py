"""``ccc at`` (one instant: the calls active then, the minutes around it) and the optional
answer-time column it uses to tell ringing calls from talking ones."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ccc_cli.api import load_calls, load_frame
from ccc_cli.cli.app import app
from ccc_cli.engine.at import snapshot
from ccc_cli.engine.series import compute_series, parse_every
from ccc_cli.errors import ExitCode, InputError, UsageError
from ccc_cli.normalize.callset import CallSet
from ccc_cli.options import LoadOptions
from ccc_cli.report.at import snapshot_document, snapshot_sentence

ENV = {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}
TZ = "Asia/Ho_Chi_Minh"
T = "2026-11-20 10:32:05"
T_LOCAL = datetime(2026, 11, 20, 10, 32, 5, tzinfo=ZoneInfo(TZ))

# The definition's worked example at 10:32:05 (naive local times in Ho Chi Minh City):
# 2 inbound (in-1 talking, forwarded to an agent's phone as a second leg; in-2 ringing,
# answered only at 10:32:30) + 1 outbound + 1 internal + 3 OTP = 7. "ended" ends exactly
# at 10:32:05 and otp-3 starts then (half-open: only otp-3 is active). "late" has no
# account and runs at 10:50. Three REACH_PLAN_LIMIT rows: 1 s after T, exactly at
# T + 10 min (the window is closed at both ends for them) and at 10:50 (outside it).
EXAMPLE = """call_id,start_time,end_time,answer_time,call_type,account_id,parent_call_id,status
in-1,2026-11-20 10:30:00,2026-11-20 10:40:00,,inbound,acc-1,,
in-1-fwd,2026-11-20 10:30:15,2026-11-20 10:40:00,2026-11-20 10:30:20,outbound,acc-1,in-1,
in-2,2026-11-20 10:32:00,2026-11-20 10:33:00,2026-11-20 10:32:30,inbound,acc-1,,
out-1,2026-11-20 10:31:00,2026-11-20 10:35:00,2026-11-20 10:31:10,outbound,acc-1,,
int-1,2026-11-20 10:25:00,2026-11-20 10:45:00,2026-11-20 10:25:05,internal,acc-1,,
otp-1,2026-11-20 10:32:00,2026-11-20 10:32:40,2026-11-20 10:32:03,otp,acc-2,,
otp-2,2026-11-20 10:31:50,2026-11-20 10:32:10,2026-11-20 10:31:55,otp,acc-2,,
otp-3,2026-11-20 10:32:05,2026-11-20 10:32:30,2026-11-20 10:32:05,otp,acc-2,,
ended,2026-11-20 10:20:00,2026-11-20 10:32:05,2026-11-20 10:20:10,inbound,acc-1,,
late,2026-11-20 10:50:00,2026-11-20 10:51:00,,otp,,,
rej-1,2026-11-20 10:32:06,2026-11-20 10:32:06,,otp,acc-2,,REACH_PLAN_LIMIT
rej-2,2026-11-20 10:42:05,,,inbound,acc-1,,REACH_PLAN_LIMIT
rej-3,2026-11-20 10:50:00,,,inbound,acc-1,,REACH_PLAN_LIMIT
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env=ENV)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    path = tmp_path / "example.csv"
    path.write_text(EXAMPLE)
    return path


@pytest.fixture
def callset(example: Path) -> CallSet:
    return load_calls([example], LoadOptions(tz=TZ))


def local(hms: str) -> datetime:
    return datetime.fromisoformat(f"2026-11-20T{hms}").replace(tzinfo=ZoneInfo(TZ))


# --- the answer column ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "why"),
    [
        ("answer_time", "canonical name"),
        ("answered_at", "alias of answer_time"),
        ("Answer-Stamp", "alias of answer_time"),
        ("ANSWER_TIMESTAMP", "alias of answer_time"),
        ("connect_time", "alias of answer_time"),
        ("AnswerTime", "canonical name"),  # the same key as answer_time once normalised
    ],
)
def test_answer_column_found_by_alias(tmp_path: Path, header: str, why: str) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        f"start_time,end_time,{header}\n2026-01-01 10:00:00,2026-01-01 10:05:00,2026-01-01 10:00:30\n"
    )
    cs = load_calls([path])
    source = cs.files[0].mapping.fields["answer"]
    assert (source.column, source.why) == (header, why)
    assert cs.calls["answer"].to_list() == [datetime(2026, 1, 1, 10, 0, 30, tzinfo=UTC)]


def test_answer_column_set_by_flag_and_config(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "start_time,end_time,picked_up\n2026-01-01 10:00:00,2026-01-01 10:05:00,2026-01-01 10:00:30\n"
    )
    assert "answer" not in load_calls([path]).files[0].mapping.fields
    cs = load_calls([path], LoadOptions(columns={"answer": "picked_up"}))
    assert cs.files[0].mapping.fields["answer"].why == "set by --answer-col"
    assert cs.calls["answer"].to_list() == [datetime(2026, 1, 1, 10, 0, 30, tzinfo=UTC)]
    config = tmp_path / "ccc.toml"
    config.write_text('[ccc]\nanswer-col = "picked_up"\n')
    for extra in (["--answer-col", "picked_up"], ["--config", str(config)]):
        r = runner.invoke(app, ["inspect", str(path), "--format", "json", *extra])
        assert r.exit_code == 0, r.output
        column = json.loads(r.stdout)["files"][0]["fields"]["answer"]
        assert column["column"] == "picked_up"
        assert column["encoding"] == "text '%Y-%m-%d %H:%M:%S%.f' (naive local time)"


def test_answer_epoch_zero_and_empty_mean_not_answered() -> None:
    # Stringee-style epoch milliseconds where 0 = never answered. Most calls here were
    # not answered: the unit is still detected from the answered ones (ms, not s).
    start = 1_763_600_000_000
    frame = pl.DataFrame(
        {
            "call_id": ["a", "b", "c", "d", "e"],
            "start_time": [start] * 5,
            "end_time": [start + 60_000] * 5,
            "answer_time": [0, 0, 0, None, start + 5_000],
        }
    )
    cs = load_frame(frame)
    assert cs.files[0].encodings["answer"].epoch_unit == "ms"
    assert cs.accounting.used == 5
    expected = datetime(2025, 11, 20, 0, 53, 25, tzinfo=UTC)  # start + 5 s
    assert cs.calls["answer"].to_list() == [None, None, None, None, expected]


def test_answer_text_zero_empty_and_garbage_are_null_and_never_invalid(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "call_id,start_time,end_time,answer_time\n"
        "a,2026-01-01 10:00:00,2026-01-01 10:05:00,2026-01-01 10:01:00\n"
        "b,2026-01-01 10:00:00,2026-01-01 10:05:00,\n"
        "c,2026-01-01 10:00:00,2026-01-01 10:05:00,0\n"
        "d,2026-01-01 10:00:00,2026-01-01 10:05:00,not yet\n"
        "e,2026-01-01 10:00:00,2026-01-01 10:05:00,NULL\n"
    )
    cs = load_calls([path])
    assert (cs.accounting.used, cs.accounting.invalid) == (5, 0)
    assert cs.calls["answer"].null_count() == 4
    assert cs.calls["answer"][0] == datetime(2026, 1, 1, 10, 1, tzinfo=UTC)


def test_answer_outside_the_call_is_ignored(tmp_path: Path) -> None:
    # Kept: at the start, inside, at the end (closed at both ends). Ignored: before the
    # start, after the end; and, read with a duration column, after start + duration.
    path = tmp_path / "a.csv"
    path.write_text(
        "call_id,start_time,end_time,duration,answer_time\n"
        "at-start,2026-01-01 10:00:00,2026-01-01 10:05:00,,2026-01-01 10:00:00\n"
        "inside,2026-01-01 10:00:00,2026-01-01 10:05:00,,2026-01-01 10:02:00\n"
        "at-end,2026-01-01 10:00:00,2026-01-01 10:05:00,,2026-01-01 10:05:00\n"
        "before,2026-01-01 10:00:00,2026-01-01 10:05:00,,2026-01-01 09:59:59\n"
        "after,2026-01-01 10:00:00,2026-01-01 10:05:00,,2026-01-01 10:05:01\n"
        "by-duration,2026-01-01 10:00:00,,60,2026-01-01 10:01:01\n"
    )
    cs = load_calls([path])
    answers = dict(zip(cs.calls["call_id"], cs.calls["answer"], strict=True))
    assert {k for k, v in answers.items() if v is not None} == {"at-start", "inside", "at-end"}
    assert cs.accounting.used == 6


def test_answer_in_a_time_zone_and_kept_per_leg(tmp_path: Path) -> None:
    # Naive answers are read in --tz like the other times; legs of one call keep their own.
    cs = load_calls([_write_example(tmp_path)], LoadOptions(tz=TZ))
    legs = cs.calls.filter(pl.col("call_id").is_in(["in-1", "in-1-fwd"])).sort("start")
    assert legs["leg_group"].n_unique() == 1
    assert legs["answer"].to_list() == [None, local("10:30:20").astimezone(UTC)]
    assert cs.rejected.schema["answer"] == pl.Datetime("us", "UTC")


def _write_example(tmp_path: Path) -> Path:
    path = tmp_path / "example.csv"
    path.write_text(EXAMPLE)
    return path


def test_no_answer_column_gives_a_null_column() -> None:
    frame = pl.DataFrame({"start_time": [1, 10], "end_time": [5, 20]})
    cs = load_frame(frame, LoadOptions(epoch_unit="s"))
    assert cs.calls.schema["answer"] == pl.Datetime("us", "UTC")
    assert cs.calls["answer"].null_count() == 2
    assert "answer" not in cs.files[0].mapping.fields


def test_an_alias_column_holding_no_times_reads_as_unanswered(tmp_path: Path) -> None:
    # Found by name but not times at all: the file still loads (nothing answered); named
    # with --answer-col it is an error, as for the other time columns.
    path = tmp_path / "a.csv"
    path.write_text(
        "start_time,end_time,connect_time\n2026-01-01 10:00:00,2026-01-01 10:05:00,fast\n"
    )
    cs = load_calls([path])
    assert cs.calls["answer"].to_list() == [None]
    with pytest.raises(InputError, match="no value parses as a time"):
        load_calls([path], LoadOptions(columns={"answer": "connect_time"}))


def test_batched_reading_keeps_the_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ccc_cli.normalize import build as table

    path = _write_example(tmp_path)
    monkeypatch.setattr(table, "BATCH_BYTES", 0)
    monkeypatch.setattr(table, "_BATCH_ROWS", 3)
    batched = load_calls([path], LoadOptions(tz=TZ), progress=table.ProgressSink())
    plain = load_calls([path], LoadOptions(tz=TZ))
    assert batched.calls.equals(plain.calls)
    assert batched.rejected.equals(plain.rejected)


# --- the snapshot ----------------------------------------------------------------------------
def test_worked_example(callset: CallSet) -> None:
    snap = snapshot(callset, at=T_LOCAL)
    assert snap.level == 7
    assert dict(snap.by_type) == {
        "inbound": 2,
        "outbound": 1,
        "internal": 1,
        "app_to_app": 0,
        "otp": 3,
        "other": 0,
    }
    assert (snap.limit, snap.headroom, snap.would_reject) == (None, None, None)
    rows = {r["call_id"]: r for r in snap.calls.to_dicts()}
    # By start, then call id: in-2 and otp-1 both start at 10:32:00.
    assert snap.calls["call_id"].to_list() == [
        "int-1",
        "in-1",
        "out-1",
        "otp-2",
        "in-2",
        "otp-1",
        "otp-3",
    ]
    # Half-open: "ended" ends at T (over), otp-3 starts at T (active).
    assert "ended" not in rows
    assert rows["otp-3"]["start"] == local("10:32:05")
    # The forwarded call counts once: its first leg's id and type, both legs.
    assert (rows["in-1"]["call_type"], rows["in-1"]["legs"]) == ("inbound", 2)
    assert rows["in-1"]["end"] == local("10:40:00")
    # One inbound call talking (its forwarded leg was answered at 10:30:20), one ringing.
    assert rows["in-1"]["state"] == "talking"
    assert rows["in-2"]["state"] == "ringing"
    # otp-3 was answered at T itself: talking.
    assert rows["otp-3"]["state"] == "talking"
    assert snap.has_answer


@pytest.mark.parametrize(
    ("limit", "headroom", "would_reject", "tail"),
    [
        (7, 0, True, "on a plan of 7: a new call would have been rejected (REACH_PLAN_LIMIT)"),
        (8, 1, False, "on a plan of 8: room for 1 more call"),
        (10, 3, False, "on a plan of 10: room for 3 more calls"),
        (5, -2, True, "a new call would have been rejected (REACH_PLAN_LIMIT); 2 over the plan"),
    ],
)
def test_limit(callset: CallSet, limit: int, headroom: int, would_reject: bool, tail: str) -> None:
    snap = snapshot(callset, at=T_LOCAL, limit=limit)
    assert (snap.limit, snap.headroom, snap.would_reject) == (limit, headroom, would_reject)
    sentence = snapshot_sentence(snap)
    assert sentence.startswith(
        "at 2026-11-20 10:32:05 Asia/Ho_Chi_Minh: 7 calls "
        "(2 inbound, 1 outbound, 1 internal, 3 otp)"
    )
    assert sentence.endswith(tail)


def test_naive_time_is_read_in_the_callset_zone(callset: CallSet) -> None:
    naive = snapshot(callset, at=datetime(2026, 11, 20, 10, 32, 5))
    assert naive.at == T_LOCAL
    assert naive.level == 7
    # The same instant given in UTC.
    assert snapshot(callset, at=datetime(2026, 11, 20, 3, 32, 5, tzinfo=UTC)).level == 7


def test_account_narrows_everything(callset: CallSet) -> None:
    snap = snapshot(callset, at=T_LOCAL, account="acc-2", limit=3)
    assert snap.level == 3
    assert snap.by_type["otp"] == 3 and sum(snap.by_type.values()) == 3
    assert set(snap.calls["account"]) == {"acc-2"}
    assert (snap.headroom, snap.would_reject) == (0, True)
    # The series is the account's own (equal to the per-account series of all the data).
    full = compute_series(
        callset,
        every=parse_every("1m"),
        start=T_LOCAL - timedelta(minutes=10),
        end=T_LOCAL + timedelta(minutes=10),
        by_account=True,
    ).frame.filter(pl.col("account_id") == "acc-2")
    assert snap.around.equals(full.select(snap.around.columns))
    # Rejections of that account only, with that account's level at their start.
    assert snap.observed_rejections.to_dicts() == [
        {
            "call_id": "rej-1",
            "start": local("10:32:06").astimezone(UTC),
            "call_type": "otp",
            "account": "acc-2",
            "level": 3,
        }
    ]
    acc1 = snapshot(callset, at=T_LOCAL, account="acc-1")
    assert (acc1.level, acc1.by_type["inbound"], acc1.by_type["outbound"]) == (4, 2, 1)
    none = snapshot(callset, at=local("10:50:30"), account="(none)")
    assert none.level == 1
    assert none.calls["account"].to_list() == [None]


def test_unknown_account_names_the_known_ones(callset: CallSet) -> None:
    with pytest.raises(UsageError) as info:
        snapshot(callset, at=T_LOCAL, account="acc-3")
    assert info.value.hint == "known accounts: (none), acc-1, acc-2"


def test_around_is_the_one_minute_series(callset: CallSet) -> None:
    snap = snapshot(callset, at=T_LOCAL)
    full = compute_series(
        callset,
        every=parse_every("1m"),
        start=T_LOCAL - timedelta(minutes=10),
        end=T_LOCAL + timedelta(minutes=10),
    ).frame
    assert snap.around.columns == ["bucket_start", "total_max", "total_mean", "total_starts"]
    assert snap.around.equals(full.select(snap.around.columns))
    # [10:22:05, 10:42:05) touches the minutes 10:22 .. 10:42.
    minutes = [b.strftime("%H:%M") for b in snap.around["bucket_start"]]
    assert (minutes[0], minutes[-1], len(minutes)) == ("10:22", "10:42", 21)
    peak = snap.around.filter(pl.col("bucket_start") == local("10:32:00"))
    # 10:32 bucket: 7 at T; starts in it: in-2, otp-1, otp-3.
    assert (peak["total_max"].item(), peak["total_starts"].item()) == (7, 3)


def test_observed_rejections_near_the_time(callset: CallSet) -> None:
    snap = snapshot(callset, at=T_LOCAL)
    rows = snap.observed_rejections.to_dicts()
    # rej-3 (10:50) is outside [T - 10 min, T + 10 min]; rej-2 at exactly T + 10 min is in.
    assert [r["call_id"] for r in rows] == ["rej-1", "rej-2"]
    # At 10:32:06 the 7 calls of T are all still active; at 10:42:05 only int-1 is.
    assert [r["level"] for r in rows] == [7, 1]
    assert rows[1]["start"] == local("10:42:05")
    assert rows[1]["call_type"] == "inbound"
    narrow = snapshot(callset, at=T_LOCAL, window_s=60)
    assert narrow.observed_rejections["call_id"].to_list() == ["rej-1"]


def test_without_an_answer_column_state_is_null(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("call_id,start_time,end_time\na,2026-01-01 10:00:00,2026-01-01 10:05:00\n")
    cs = load_calls([path])
    snap = snapshot(cs, at=datetime(2026, 1, 1, 10, 1, tzinfo=UTC))
    assert snap.level == 1
    assert snap.calls["state"].to_list() == [None]
    assert not snap.has_answer


def test_nothing_near_the_time(callset: CallSet) -> None:
    snap = snapshot(callset, at=datetime(2027, 1, 1, tzinfo=UTC), window_s=120, limit=1)
    assert (snap.level, snap.calls.height, snap.observed_rejections.height) == (0, 0, 0)
    # [23:58, 00:02) UTC: four minutes.
    assert snap.around["total_max"].to_list() == [0] * 4
    assert (snap.headroom, snap.would_reject) == (1, False)


@pytest.mark.parametrize("window_s", [0, 86_401])
def test_bad_window(callset: CallSet, window_s: int) -> None:
    with pytest.raises(UsageError, match="bad --window"):
        snapshot(callset, at=T_LOCAL, window_s=window_s)


# Brute force: calls as lists of leg intervals (seconds); a call is active at t when one
# of its legs covers t.
legs_strategy = st.lists(
    st.tuples(st.integers(0, 600), st.integers(0, 120)), min_size=1, max_size=3
)


@settings(max_examples=60)
@given(
    calls=st.lists(legs_strategy, min_size=0, max_size=12),
    t=st.integers(0, 720),
    window=st.integers(1, 300),
)
def test_level_matches_brute_force(calls: list[list[tuple[int, int]]], t: int, window: int) -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for i, legs in enumerate(calls):
        for j, (start, length) in enumerate(legs):
            rows.append(
                {
                    "call_id": f"c{i}-{j}",
                    "start_time": base + timedelta(seconds=start),
                    "end_time": base + timedelta(seconds=start + length),
                    "leg_group": f"g{i}",
                }
            )
    schema = {
        "call_id": pl.String,
        "start_time": pl.Datetime("us", "UTC"),
        "end_time": pl.Datetime("us", "UTC"),
        "leg_group": pl.String,
    }
    cs = load_frame(pl.DataFrame(rows, schema=schema), LoadOptions(columns={"group": "leg_group"}))
    at = base + timedelta(seconds=t)
    snap = snapshot(cs, at=at, window_s=window)
    active = [legs for legs in calls if any(s <= t < s + n for s, n in legs)]
    assert snap.level == len(active)
    assert sorted(snap.calls["legs"].to_list()) == sorted(len(legs) for legs in active)
    full = compute_series(
        cs,
        every=parse_every("1m"),
        start=at - timedelta(seconds=window),
        end=at + timedelta(seconds=window),
    ).frame
    assert snap.around.equals(full.select(snap.around.columns))


# --- the command -----------------------------------------------------------------------------
def at_args(path: Path, *more: str) -> list[str]:
    return ["at", str(path), "--time", T, "--tz", TZ, *more]


def test_cli_table(runner: CliRunner, example: Path) -> None:
    r = runner.invoke(app, at_args(example, "--limit", "7"))
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert out.splitlines()[0] == (
        "at 2026-11-20 10:32:05 Asia/Ho_Chi_Minh: 7 calls (2 inbound, 1 outbound, 1 internal, "
        "3 otp) on a plan of 7: a new call would have been rejected (REACH_PLAN_LIMIT)"
    )
    assert "Calls active at 2026-11-20 10:32:05 (times in Asia/Ho_Chi_Minh)" in out
    assert "ringing" in out and "talking" in out
    assert "<- time, at the plan limit" in out
    assert "rej-1" in out and "rej-3" not in out
    assert "rows: 13 read" in out
    assert r.stderr == ""


def test_cli_json_equals_library(runner: CliRunner, example: Path, callset: CallSet) -> None:
    r = runner.invoke(app, [*at_args(example, "--limit", "8", "--window", "90s"), "-f", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    expected = snapshot_document(snapshot(callset, at=T_LOCAL, window_s=90, limit=8), callset)
    assert doc == expected
    assert list(doc) == [
        "schema_version",
        "command",
        "timezone",
        "files",
        "rows",
        "notes",
        "reused_call_ids",
        "at",
        "account",
        "window_seconds",
        "level",
        "mix",
        "limit",
        "headroom",
        "would_reject",
        "active_calls",
        "around",
        "observed_rejections",
    ]
    assert (doc["at"], doc["timezone"]) == ("2026-11-20T10:32:05+07:00", TZ)
    assert (doc["level"], doc["limit"], doc["headroom"], doc["would_reject"]) == (7, 8, 1, False)
    assert doc["mix"] == {
        "inbound": 2,
        "outbound": 1,
        "internal": 1,
        "app_to_app": 0,
        "otp": 3,
        "other": 0,
    }
    assert doc["active_calls"][1] == {
        "call_id": "in-1",
        "call_type": "inbound",
        "account": "acc-1",
        "start": "2026-11-20T10:30:00+07:00",
        "end": "2026-11-20T10:40:00+07:00",
        "legs": 2,
        "leg_ids": ["in-1", "in-1-fwd"],
        "state": "talking",
    }
    assert doc["around"]["every"] == "1m"
    assert doc["around"]["buckets"][0] == {
        "bucket_start": "2026-11-20T10:30:00+07:00",
        # int-1, "ended" and in-1 (its forwarded leg is the same call) all minute long.
        "total_max": 3,
        "total_mean": 3.0,
        "total_starts": 1,
    }
    # Level 7 at its start on a plan of 8: the platform had room, so the rejection is
    # unexpected (a support case worth escalating).
    assert doc["observed_rejections"] == {
        "count": 1,
        "justified": 0,
        "unexpected": 1,
        "no_limit": 0,
        "rows": [
            {
                "call_id": "rej-1",
                "start": "2026-11-20T10:32:06+07:00",
                "call_type": "otp",
                "account": "acc-2",
                "level": 7,
                "limit": 8,
                "verdict": "unexpected",
            }
        ],
    }


def test_cli_json_without_limit_has_null_plan_keys(runner: CliRunner, example: Path) -> None:
    r = runner.invoke(app, [*at_args(example, "--account", "acc-2"), "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert (doc["limit"], doc["headroom"], doc["would_reject"]) == (None, None, None)
    assert doc["account"] == "acc-2"
    assert doc["level"] == 3


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--time", "soon"], "bad --time 'soon'"),
        (["--time", T, "--window", "forever"], "bad --window value 'forever'"),
        (["--time", T, "--window", "0"], "bad --window value '0'"),
        (["--time", T, "--window", "2d"], "bad --window value '2d'"),
        (["--time", T, "--account", "acc-9"], "unknown account 'acc-9'"),
        (["--time", T, "--limit", "0"], "--limit"),
        ([], "--time"),
    ],
)
def test_cli_usage_errors(runner: CliRunner, example: Path, extra: list[str], message: str) -> None:
    r = runner.invoke(app, ["at", str(example), "--tz", TZ, *extra])
    assert r.exit_code == ExitCode.USAGE, r.output
    assert message in r.stderr
    assert "Traceback" not in r.output


def test_cli_unknown_account_hint(runner: CliRunner, example: Path) -> None:
    r = runner.invoke(app, at_args(example, "--account", "acc-9"))
    assert r.exit_code == ExitCode.USAGE
    assert r.stderr == (
        "ccc: error: unknown account 'acc-9'\nhint: known accounts: (none), acc-1, acc-2\n"
    )


def test_cli_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(app, ["at", str(tmp_path / "missing.csv"), "--time", T])
    assert r.exit_code == ExitCode.BAD_INPUT, r.output
    assert "not found" in r.stderr


def test_cli_time_outside_the_data_is_bad_input(runner: CliRunner, example: Path) -> None:
    # A year after the log ends: "0 calls, room for 8 more" would be a wrong answer.
    r = runner.invoke(app, ["at", str(example), "--time", "2027-11-20 10:32", "--tz", TZ])
    assert r.exit_code == 3, r.output
    assert r.stderr.startswith("ccc: error: --time 2027-11-20 10:32:00 is outside the data")


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-20 10:32:05",
        "2026-11-20T10:32:05+07",
        "2026/11/20 10:32:05",
        "2026-11-20T03:32:05Z",
    ],
)
def test_cli_time_as_the_reader_reads_times(runner: CliRunner, example: Path, text: str) -> None:
    r = runner.invoke(app, ["at", str(example), "--time", text, "--tz", TZ, "-f", "json", "-q"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["at"] == "2026-11-20T10:32:05+07:00"
