"""``ccc size`` and the sizing hint of ``ccc analyze``: worked examples through the CLI,
JSON equal to the library, options and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from ccc_cli.api import LoadOptions, load_calls
from ccc_cli.cli.app import app
from ccc_cli.engine.sizing import size_plan
from ccc_cli.errors import ExitCode
from ccc_cli.report.size import size_document

ENV = {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}

# Four calls on one day. The level: 10:00 1, 10:01 2, 10:02 3, 10:02:30 4 (the peak),
# 10:03 3 (c ends), 10:04 2 (d ends), 10:05 1 (b ends), 10:10 0 (a ends).
# acc-1 holds a and b, acc-2 holds c and d.
EXAMPLE = """call_id,start_time,end_time,call_type,account_id
a,2026-11-20 10:00:00,2026-11-20 10:10:00,inbound,acc-1
b,2026-11-20 10:01:00,2026-11-20 10:05:00,outbound,acc-1
c,2026-11-20 10:02:00,2026-11-20 10:03:00,otp,acc-2
d,2026-11-20 10:02:30,2026-11-20 10:04:00,otp,acc-2
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env=ENV)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    path = tmp_path / "example.csv"
    path.write_text(EXAMPLE)
    return path


def _json(runner: CliRunner, *args: str) -> dict[str, object]:
    r = runner.invoke(app, ["size", *args, "--format", "json"])
    assert r.exit_code == 0, r.output
    doc: dict[str, object] = json.loads(r.stdout)
    return doc


def test_size_json_worked_example(runner: CliRunner, example: Path) -> None:
    doc = _json(runner, str(example))
    # The same peak object as every command's: value, first instant, mix (d joins a, b, c).
    assert doc["peak"] == {
        "value": 4,
        "at": "2026-11-20T10:02:30+00:00",
        "mix": {"inbound": 1, "outbound": 1, "internal": 0, "app_to_app": 0, "otp": 2, "other": 0},
    }
    assert doc["calls"] == 4
    assert doc["daily_peaks"] == {
        "method": "nearest rank",
        "days": 1,
        "percentiles": {"p50": 4, "p90": 4, "p95": 4, "max": 4},
        "by_weekday": {
            "Friday": {"days": 1, "percentiles": {"p50": 4, "p90": 4, "p95": 4, "max": 4}}
        },
    }
    # The curve starts at the median daily peak (4); 4 rejects nothing, within the
    # target, so it looks lower: at 3, d arrives (10:02:30) with a, b, c active and is
    # rejected: 1 of 4 calls, above the target, so the curve stops there.
    # At capacity: level >= 3 from 10:02 to 10:04 (120 s); level 4 from 10:02:30 to 10:03.
    assert doc["curve"] == [
        {
            "limit": 3,
            "rejected_calls": 1,
            "rejected_rate": 0.25,
            "seconds_at_capacity": 120.0,
            "days_with_rejections": 1,
            "worst_day_rejected": 1,
        },
        {
            "limit": 4,
            "rejected_calls": 0,
            "rejected_rate": 0.0,
            "seconds_at_capacity": 30.0,
            "days_with_rejections": 0,
            "worst_day_rejected": 0,
        },
    ]
    # 4 * 1.1 = 4.4, rounded up to 5.
    assert doc["recommendation"] == {
        "limit": 4,
        "with_headroom": 5,
        "rejected_rate_at_limit": 0.0,
        "target": 0.001,
        "headroom_fraction": 0.1,
    }
    assert doc["no_rejection_limit"] == 4
    # Busy hour 10:00-11:00 offers (600 + 240 + 60 + 90) s / 3600 s = 0.275 Erlangs.
    # B(1) = 0.2157, B(2) = 0.0288, B(3) = 0.00264 <= 1 %: 3 channels.
    erlang = doc["erlang_b"]
    assert isinstance(erlang, dict)
    assert erlang["busy_hour_start"] == "2026-11-20T10:00:00+00:00"
    assert erlang["offered_erlangs"] == pytest.approx(0.275)
    assert erlang["channels"] == 3
    assert erlang["e500"] == {"offered_erlangs": pytest.approx(0.275), "channels": 3, "days": 1}
    assert erlang["replay_at_channels"]["limit"] == 3
    assert erlang["replay_at_channels"]["rejected_calls"] == 1
    # Integral of the level squared: 60*1 + 60*4 + 30*9 + 30*16 + 60*9 + 60*4 + 300*1
    # = 2130 s; variance = 2130/3600 - 0.275^2; ratio = variance / 0.275.
    assert doc["burstiness"] == pytest.approx((2130 / 3600 - 0.275**2) / 0.275)
    assert doc["bursty"] is True
    assert doc["trend"] is None  # one day: no trend
    assert doc["rows"]["read"] == 4  # type: ignore[index]


def test_size_json_equals_library(runner: CliRunner, example: Path) -> None:
    doc = _json(runner, str(example), "--current", "2", "--by", "account")
    callset = load_calls([example])
    expected = size_document(size_plan(callset, current=2, by_account=True), callset)
    assert doc == json.loads(json.dumps(expected, default=str))


def test_size_current_plan(runner: CliRunner, example: Path) -> None:
    # At 2: a and b are admitted; c (10:02) and d (10:02:30) find 2 active calls.
    doc = _json(runner, str(example), "--current", "2")
    assert doc["current"] == {
        "limit": 2,
        "rejected_calls": 2,
        "rejected_rate": 0.5,
        "days_with_rejections": 1,
        "days": 1,
    }
    # Off the curve (3..4), so the curve itself is unchanged.
    assert [p["limit"] for p in doc["curve"]] == [3, 4]  # type: ignore[attr-defined]


def test_size_by_account(runner: CliRunner, example: Path) -> None:
    doc = _json(runner, str(example), "--by", "account")
    accounts = doc["by_account"]
    assert isinstance(accounts, dict)
    assert sorted(accounts) == ["acc-1", "acc-2"]
    # acc-1: a and b overlap (peak 2); at 1, b is rejected (1 of 2 calls).
    one = accounts["acc-1"]
    assert one["peak"]["value"] == 2
    assert one["peak"]["at"] == "2026-11-20T10:01:00+00:00"
    assert "by_weekday" not in one["daily_peaks"]
    assert [(p["limit"], p["rejected_calls"]) for p in one["curve"]] == [(1, 1), (2, 0)]
    assert one["recommendation"]["limit"] == 2
    assert one["recommendation"]["with_headroom"] == 3  # 2.2 rounded up
    # acc-2: c and d overlap from 10:02:30 to 10:03.
    two = accounts["acc-2"]
    assert two["peak"]["value"] == 2
    assert two["curve"][-1] == {
        "limit": 2,
        "rejected_calls": 0,
        "rejected_rate": 0.0,
        "seconds_at_capacity": 30.0,
        "days_with_rejections": 0,
        "worst_day_rejected": 0,
    }


def test_size_options_change_the_answer(runner: CliRunner, example: Path) -> None:
    # A target of 30 % accepts limit 3 (25 % rejected); no headroom sells it as is.
    doc = _json(runner, str(example), "--max-reject-rate", "0.3", "--headroom", "0")
    assert doc["recommendation"]["limit"] == 3  # type: ignore[index]
    assert doc["recommendation"]["with_headroom"] == 3  # type: ignore[index]
    # --lowest-limit sets the curve's lowest limit and stops the search lower.
    doc = _json(runner, str(example), "--lowest-limit", "1")
    assert [p["limit"] for p in doc["curve"]] == [1, 2, 3, 4]  # type: ignore[attr-defined]
    # At 1 only a is admitted: b, c and d are rejected.
    assert doc["curve"][0]["rejected_calls"] == 3  # type: ignore[index]


def test_size_table(runner: CliRunner, example: Path) -> None:
    r = runner.invoke(app, ["size", str(example), "--current", "2"])
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "sell a plan of 5 (4 + 10% headroom): a limit of 4 would have rejected 0.000%" in out
    assert "on the current plan of 2, 2 calls (50.000%) would have been rejected, on 1 of 1" in out
    assert "│     3 │              1 │  25.000% │       2m00s │      1/1 │         1 │" in out
    assert "recommended, rejects none, peak" in out
    assert "current plan" in out
    assert "offered 0.28 Erlangs -> 3 channels" in out
    assert "burstier than Poisson: Erlang B will under-size" in out
    # One day: no whole day at all (the first and last day are partial).
    assert "trend of daily peaks: needs 14 whole days, this log has 0" in out


def test_size_curve_out_and_plot(runner: CliRunner, example: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    curve = tmp_path / "curve.csv"
    picture = tmp_path / "curve.png"
    r = runner.invoke(
        app,
        [
            "size",
            str(example),
            "--by",
            "account",
            "--curve-out",
            str(curve),
            "--plot",
            str(picture),
        ],
    )
    assert r.exit_code == 0, r.output
    rows = pl.read_csv(curve)
    assert rows.columns == [
        "account",
        "limit",
        "rejected_calls",
        "rejected_rate",
        "seconds_at_capacity",
        "days_with_rejections",
        "worst_day_rejected",
    ]
    # Two total rows (3, 4), two per account (1, 2).
    assert rows.height == 6
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "args",
    [
        ["--gos", "0"],
        ["--gos", "1"],
        ["--max-reject-rate", "1.5"],
        ["--headroom", "-0.1"],
        ["--current", "0"],
        ["--lowest-limit", "0"],
        ["--curve-out", "curve.txt"],
        ["--by", "type"],
    ],
)
def test_size_usage_errors(runner: CliRunner, example: Path, args: list[str]) -> None:
    r = runner.invoke(app, ["size", str(example), *args])
    assert r.exit_code == ExitCode.USAGE, r.output


def test_size_missing_file_is_bad_input(runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(app, ["size", str(tmp_path / "nope.csv")])
    assert r.exit_code == ExitCode.BAD_INPUT, r.output


def test_analyze_gives_a_sizing_hint_without_a_limit(runner: CliRunner, example: Path) -> None:
    r = runner.invoke(app, ["analyze", str(example)])
    assert r.exit_code == 0, r.output
    assert "sizing: sell a plan of 5 (4 + 10% headroom)" in r.stdout
    r = runner.invoke(app, ["analyze", str(example), "--format", "json"])
    doc = json.loads(r.stdout)
    assert doc["sizing"]["recommendation"]["limit"] == 4
    assert doc["sizing"]["no_rejection_limit"] == 4
    # With a limit the breach summary replaces the hint.
    r = runner.invoke(app, ["analyze", str(example), "--limit", "3"])
    assert r.exit_code == 0, r.output
    assert "sizing:" not in r.stdout


def test_size_on_sample_data(runner: CliRunner) -> None:
    sample = Path(__file__).parent.parent / "sample_data"
    doc = _json(runner, str(sample), "--tz", "Asia/Ho_Chi_Minh")
    rec = doc["recommendation"]
    assert isinstance(rec, dict)
    peak = doc["peak"]["value"]  # type: ignore[index]
    assert isinstance(peak, int)
    # The peak object agrees with the replay's own peak (the curve ends there).
    assert peak == size_plan(load_calls([sample], LoadOptions(tz="Asia/Ho_Chi_Minh"))).total.peak
    assert 1 <= rec["limit"] <= peak
    assert rec["rejected_rate_at_limit"] <= 0.001
    # Every limit from the recommendation up meets the target; the one below does not.
    curve = {p["limit"]: p for p in doc["curve"]}  # type: ignore[attr-defined]
    assert all(curve[x]["rejected_rate"] <= 0.001 for x in curve if x >= rec["limit"])
    assert curve[rec["limit"] - 1]["rejected_rate"] > 0.001
