"""Plan limits on the command line: breaches, check, analyze --limit, limits files."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from ccc_cli.api import load_calls
from ccc_cli.cli.app import app
from ccc_cli.engine.breaches import compute_breaches
from ccc_cli.engine.limits import Limits, read_limits
from ccc_cli.errors import ExitCode, InputError
from ccc_cli.options import LoadOptions
from ccc_cli.report.breaches import breaches_document

ENV = {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}

# Seconds after 10:00:00 (naive UTC). Worked at limit 2:
#   a [0,10) admitted (1); b [1,4) admitted (2); c at 2: 2 active -> rejected;
#   d at 3 -> rejected; e (zero-length) at 3 -> rejected; b ends at 4 (1);
#   f at 5 admitted (2); f ends at 9 (1); a ends at 10 as g starts: ends first -> g admitted.
# Log level: 1 [0,1), 2 [1,2), 3 [2,3), 4 [3,4), 3 [4,5), 4 [5,7), 3 [7,8), 2 [8,9),
#   1 [9,10), 1 [10,12). At capacity (>= 2): [1,9), 8 s. Over (> 2): [2,8), 6 s.
# Observed REACH_PLAN_LIMIT rows: r1 at 6 (level 4 >= 2: justified), r2 at 11 (level 1:
#   unexpected).
CALLS = """call_id,start_time,end_time,call_type,account_id,status
a,2026-11-20 10:00:00,2026-11-20 10:00:10,inbound,acc-1,completed
b,2026-11-20 10:00:01,2026-11-20 10:00:04,otp,acc-1,completed
c,2026-11-20 10:00:02,2026-11-20 10:00:08,otp,acc-2,completed
d,2026-11-20 10:00:03,2026-11-20 10:00:07,inbound,acc-2,completed
e,2026-11-20 10:00:03,2026-11-20 10:00:03,otp,acc-2,completed
f,2026-11-20 10:00:05,2026-11-20 10:00:09,outbound,acc-1,completed
g,2026-11-20 10:00:10,2026-11-20 10:00:12,inbound,acc-2,completed
r1,2026-11-20 10:00:06,,otp,acc-1,REACH_PLAN_LIMIT
r2,2026-11-20 10:00:11,,inbound,acc-2,reach_plan_limit
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env=ENV)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "calls.csv"
    path.write_text(CALLS)
    return path


def test_breaches_worked_example(data: Path) -> None:
    result = compute_breaches(load_calls([data]), Limits(total=2))
    assert result.replay.rejected["call_id"].to_list() == ["c", "d", "e"]
    assert result.replay.rejected["level_at_arrival"].to_list() == [2, 2, 2]
    assert result.replay.by_type() == {"inbound": 1, "otp": 2}
    assert result.replay.rejected_rate == pytest.approx(3 / 7)
    cap = result.capacity.frame
    # Arrivals in [1, 9): b, c, d, e (zero-length), f.
    assert cap.select("seconds", "max_level", "starts_inside").rows() == [(8.0, 4, 5)]
    # The first instant of level 4 is 10:00:03 (a, b, c, d), types 1 inbound... worked:
    # a inbound, b otp, c otp, d inbound -> 2 inbound + 2 otp.
    assert cap.select("inbound_at_max", "otp_at_max", "outbound_at_max").row(0) == (2, 2, 0)
    assert result.over.frame.select("seconds").item() == 6.0
    assert result.capacity.days_affected("UTC") == 1
    verdicts = dict(result.observed.rows.select("call_id", "verdict").iter_rows())
    assert verdicts == {"r1": "justified", "r2": "unexpected"}
    assert result.breached


def test_breaches_json_and_rejected_out(runner: CliRunner, data: Path, tmp_path: Path) -> None:
    out = tmp_path / "rejected.csv"
    r = runner.invoke(
        app, ["breaches", str(data), "--limit", "2", "--rejected-out", str(out), "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    callset = load_calls([data])
    assert doc == breaches_document(compute_breaches(callset, Limits(total=2)), callset)
    assert doc["limit"] == 2
    assert doc["replay"]["rejected_calls"] == 3
    assert doc["replay"]["first_rejection"] == "2026-11-20T10:00:02+00:00"
    assert doc["capacity_intervals"][0]["from"] == "2026-11-20T10:00:01+00:00"
    assert doc["capacity_intervals"][0]["to"] == "2026-11-20T10:00:09+00:00"
    assert doc["capacity_intervals"][0]["peak"]["mix"] == {
        "inbound": 2,
        "outbound": 0,
        "internal": 0,
        "app_to_app": 0,
        "otp": 2,
        "other": 0,
    }
    assert doc["observed_rejections"]["justified"] == 1
    assert doc["observed_rejections"]["unexpected"] == 1
    rejected = pl.read_csv(out)
    assert rejected["call_id"].to_list() == ["c", "d", "e"]
    assert rejected["level_at_arrival"].to_list() == [2, 2, 2]


def test_breaches_table_and_fail_on_breach(runner: CliRunner, data: Path) -> None:
    r = runner.invoke(app, ["breaches", str(data), "--limit", "2"])
    assert r.exit_code == 0, r.output
    assert "the plan would have rejected 3 of 7 calls" in r.stdout
    assert "1 justified, 1 unexpected" in r.stdout
    r = runner.invoke(app, ["breaches", str(data), "--limit", "2", "--fail-on-breach"])
    assert r.exit_code == ExitCode.CHECK_FAILED
    assert "ccc: error: the limit would have rejected 3 call(s)" in r.stderr
    # At limit 4 the zero-length e still arrives at capacity (a, b, c, d active at 3).
    r = runner.invoke(app, ["breaches", str(data), "--limit", "4", "--fail-on-breach"])
    assert r.exit_code == ExitCode.CHECK_FAILED
    r = runner.invoke(app, ["breaches", str(data), "--limit", "5", "--fail-on-breach"])
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize(
    ("extra", "code", "line"),
    [
        (["--limit", "5"], 0, "ccc check: PASS: 0 of 7 calls rejected at limit 5"),
        (["--limit", "4"], 1, "ccc check: FAIL: 1 of 7 calls rejected at limit 4"),
        (["--limit", "2"], 1, "ccc check: FAIL: 3 of 7 calls rejected at limit 2"),
        (["--limit", "2", "--max-rejected", "3"], 0, "ccc check: PASS: 3 of 7"),
        (["--limit", "2", "--max-reject-rate", "0.4"], 1, "ccc check: FAIL: 3 of 7"),
        (["--limit", "2", "--max-reject-rate", "0.5"], 0, "ccc check: PASS: 3 of 7"),
    ],
)
def test_check_exit_codes(
    runner: CliRunner, data: Path, extra: list[str], code: int, line: str
) -> None:
    r = runner.invoke(app, ["check", str(data), *extra])
    assert r.exit_code == code, r.output
    assert r.stdout.startswith(line)
    assert len(r.stdout.splitlines()) == 1


def test_check_json_bad_input_and_usage(runner: CliRunner, data: Path, tmp_path: Path) -> None:
    r = runner.invoke(app, ["check", str(data), "--limit", "2", "--format", "json"])
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert (doc["passed"], doc["replay"]["rejected_calls"], doc["limit"]) == (False, 3, 2)
    r = runner.invoke(app, ["check", str(tmp_path / "missing.csv"), "--limit", "2"])
    assert r.exit_code == ExitCode.BAD_INPUT
    r = runner.invoke(app, ["check", str(data)])
    assert r.exit_code == ExitCode.USAGE
    assert "a limit is needed" in r.stderr
    r = runner.invoke(app, ["check", str(data), "--limit", "2", "--limits", str(data)])
    assert r.exit_code == ExitCode.USAGE


def test_per_account_limits(runner: CliRunner, data: Path, tmp_path: Path) -> None:
    # acc-1: a [0,10), b [1,4), f [5,9), limit 1: b rejected (a active), f rejected.
    # acc-2: c [2,8), d [3,7), e zero at 3, g [10,12); no limit listed, default 2:
    #   c (1), d (2), e at 3 -> 2 active -> rejected.
    limits = tmp_path / "limits.csv"
    limits.write_text("account_id,limit\nacc-1,1\ndefault,2\n")
    r = runner.invoke(app, ["breaches", str(data), "--limits", str(limits), "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["limit"] is None
    assert doc["limits"] == {"accounts": {"acc-1": 1}, "default": 2}
    assert doc["replay"]["rejected_calls_by_account"] == {"acc-1": 2, "acc-2": 1}
    assert {i["account"] for i in doc["capacity_intervals"]} == {"acc-1", "acc-2"}
    # r1 (acc-1 at 6: a and f active = 2 >= 1) justified; r2 (acc-2 at 11: g = 1 < 2).
    assert doc["observed_rejections"]["justified"] == 1
    assert doc["observed_rejections"]["unexpected"] == 1


def test_analyze_with_limit(runner: CliRunner, data: Path) -> None:
    r = runner.invoke(app, ["analyze", str(data), "--limit", "2"])
    assert r.exit_code == 0, r.output
    assert "at capacity: 1 interval(s), 0m08s in all, on 1 day(s)" in r.stdout
    assert "the plan would have rejected 3 of 7 calls" in r.stdout
    r = runner.invoke(
        app, ["analyze", str(data), "--limit", "2", "--format", "json", "--fail-on-breach"]
    )
    assert r.exit_code == ExitCode.CHECK_FAILED
    doc = json.loads(r.stdout)
    assert doc["breaches"]["replay"]["rejected_calls"] == 3
    assert doc["breaches"]["capacity"] == {"intervals": 1, "seconds": 8.0, "days_affected": 1}


def test_limits_files(tmp_path: Path) -> None:
    toml = tmp_path / "l.toml"
    toml.write_text('default = 5\n[accounts]\n"acc-1" = 20\n')
    assert read_limits(toml) == Limits(per_account={"acc-1": 20}, default=5)
    bare = tmp_path / "l.csv"
    bare.write_text("acc-1,3\nacc-2,4\n")
    assert read_limits(bare) == Limits(per_account={"acc-1": 3, "acc-2": 4})
    for text, message in [
        ("account_id,limit\nacc-1,zero\n", "row 2: limit 'zero' is not a whole number"),
        ("acc-1,0\n", "must be a positive whole number"),
        ("acc-1,3\nacc-1,4\n", "listed twice"),
        ("", "is empty"),
    ]:
        bad = tmp_path / "bad.csv"
        bad.write_text(text)
        with pytest.raises(InputError, match=message):
            read_limits(bad)
    with pytest.raises(InputError, match="not found"):
        read_limits(tmp_path / "none.csv")


def test_limits_apply_to_sample_data(runner: CliRunner) -> None:
    sample = Path(__file__).resolve().parents[1] / "sample_data"
    r = runner.invoke(app, ["check", str(sample), "--limit", "21", "--tz", "Asia/Ho_Chi_Minh"])
    assert r.exit_code == 0, r.output  # the peak is 21: nothing is ever rejected
    r = runner.invoke(app, ["check", str(sample), "--limit", "20"])
    assert r.exit_code == 1, r.output  # peak - 1 rejects at least one call
    callset = load_calls([sample], LoadOptions(tz="Asia/Ho_Chi_Minh"))
    assert compute_breaches(callset, Limits(total=21)).over.count == 0
