"""The command line: outputs, JSON equal to the library, every exit code."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from ccc_cli.api import compute_peaks, load_calls
from ccc_cli.cli.app import app
from ccc_cli.errors import ExitCode
from ccc_cli.report.peak import peak_document

ENV = {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}

# The definition's worked example at 10:32:05 (2 inbound + 1 outbound + 1 internal + 3 OTP
# = 7), one REACH_PLAN_LIMIT row and one unparseable start.
EXAMPLE = """call_id,start_time,end_time,call_type,account_id,status
a,2026-11-20 10:30:00,2026-11-20 10:35:00,inbound,acc-1,completed
b,2026-11-20 10:31:00,2026-11-20 10:35:00,inbound,acc-1,completed
c,2026-11-20 10:32:05,2026-11-20 10:35:00,outbound,acc-2,completed
d,2026-11-20 10:32:05,2026-11-20 10:33:00,internal,acc-2,completed
e,2026-11-20 10:32:00,2026-11-20 10:34:00,otp,acc-1,completed
f,2026-11-20 10:32:00,2026-11-20 10:34:00,otp,acc-1,completed
g,2026-11-20 10:32:00,2026-11-20 10:34:00,otp,acc-2,completed
h,2026-11-20 10:32:06,,otp,acc-2,REACH_PLAN_LIMIT
i,garbage,2026-11-20 10:34:00,otp,acc-2,completed
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env=ENV)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    path = tmp_path / "example.csv"
    path.write_text(EXAMPLE)
    return path


def test_peak_table(runner: CliRunner, example: Path) -> None:
    r = runner.invoke(app, ["peak", str(example)])
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "Peak concurrent calls (times in UTC)" in out
    assert "│ total     │    7 │ 2026-11-20 10:32:05 │" in out
    assert "│ otp       │    3 │ 2026-11-20 10:32:00 │" in out
    assert (
        "peak: 7 calls at 2026-11-20 10:32:05 UTC (2 inbound, 1 outbound, 1 internal, 3 otp)" in out
    )
    assert (
        "rows: 9 read = 7 used + 0 duplicates + 0 merged legs + 1 REACH_PLAN_LIMIT + 1 invalid "
        "(bad_start 1)" in out
    )
    # Types that never occur are not listed.
    assert "app_to_app" not in out


def test_peak_json_equals_library(runner: CliRunner, example: Path) -> None:
    r = runner.invoke(app, ["peak", str(example), "--by", "account", "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)  # exactly one JSON object, nothing else on stdout
    callset = load_calls([example])
    assert doc == peak_document(compute_peaks(callset, by_account=True), callset)
    assert doc["peak"] == {
        "value": 7,
        "at": "2026-11-20T10:32:05+00:00",
        "mix": {
            "inbound": 2,
            "outbound": 1,
            "internal": 1,
            "app_to_app": 0,
            "otp": 3,
            "other": 0,
        },
    }
    assert doc["by_account"]["acc-1"]["peak"]["value"] == 4
    assert doc["by_account"]["acc-2"]["peak"]["value"] == 3
    assert doc["rows"]["read"] == 9


def test_peak_json_in_tz_and_nothing_active(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "z.csv"
    path.write_text("start_time,end_time\n2026-01-01T00:00:00Z,2026-01-01T00:00:00Z\n")
    r = runner.invoke(app, ["peak", str(path), "--format", "json", "--tz", "Asia/Ho_Chi_Minh"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["timezone"] == "Asia/Ho_Chi_Minh"
    assert doc["peak"]["value"] == 0
    assert doc["peak"]["at"] is None


def test_peak_times_shown_in_tz(runner: CliRunner, example: Path) -> None:
    r = runner.invoke(app, ["peak", str(example), "--format", "json", "--tz", "Asia/Ho_Chi_Minh"])
    assert r.exit_code == 0, r.output
    # Naive input read in +07:00 and shown in it: the wall time is unchanged.
    assert json.loads(r.stdout)["peak"]["at"] == "2026-11-20T10:32:05+07:00"


def test_inspect_table_and_json(runner: CliRunner, example: Path) -> None:
    r = runner.invoke(app, ["inspect", str(example)])
    assert r.exit_code == 0, r.output
    assert "start_time" in r.stdout
    assert "canonical name" in r.stdout
    assert "bad_start" in r.stdout
    r = runner.invoke(app, ["inspect", str(example), "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    columns = doc["files"][0]["fields"]
    assert columns["start"] == {
        "column": "start_time",
        "why": "canonical name",
        "encoding": "text '%Y-%m-%d %H:%M:%S%.f' (naive local time)",
    }
    assert doc["calls_by_type"]["otp"] == 3
    assert doc["time_range"] == {
        "first_start": "2026-11-20T10:30:00+00:00",
        "last_end": "2026-11-20T10:35:00+00:00",
    }
    assert doc["invalid_sample"][0]["reason"] == "bad_start"
    assert len(doc["sample"]) == 5


def test_rejects_file_and_strict(runner: CliRunner, example: Path, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    r = runner.invoke(app, ["peak", str(example), "--rejects", str(rejects), "--strict"])
    assert r.exit_code == ExitCode.BAD_INPUT, r.output
    # The rejects file is written (and confirmed) before --strict stops the run.
    confirmed, error = r.stderr.split("\n", 1)
    assert confirmed.startswith(f"wrote {rejects}: 1 row, ")
    assert error.startswith(
        # Line 10 of the file: the header is line 1.
        f"ccc: error: invalid row: {example}, line 10, column 'start_time': bad_start "
        "(value 'garbage')"
    )
    assert "Traceback" not in r.output
    table = pl.read_csv(rejects)
    assert table["reason"].to_list() == ["bad_start"]
    assert table["source_row"].to_list() == [10]
    assert not list(tmp_path.glob(".rejects*"))  # no temporary file left behind


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["peak", "missing.csv"], ExitCode.BAD_INPUT, "ccc: error: file missing.csv not found"),
        (["peak", "{ex}", "--tz", "Nowhere/City"], ExitCode.USAGE, "unknown time zone"),
        (["peak", "{ex}", "--type-map", "inbound"], ExitCode.USAGE, "bad --type-map entry"),
        (
            ["peak", "{ex}", "--start-col", "nope"],
            ExitCode.BAD_INPUT,
            "column 'nope' (--start-col) not found",
        ),
        (["peak", "{ex}", "--max-duration", "soon"], ExitCode.USAGE, "bad --max-duration value"),
        (["peak", "{ex}", "--epoch-unit", "days"], ExitCode.USAGE, "bad epoch unit"),
        (
            ["peak", "{ex}", "--config", "missing.toml"],
            ExitCode.BAD_INPUT,
            "config file missing.toml not found",
        ),
        (["peak", "{ex}", "--rejects", "out.xlsx"], ExitCode.USAGE, "unsupported extension"),
        (
            # Both links may apply (issue 12); a column that is not there is bad input.
            ["peak", "{ex}", "--group-col", "a", "--parent-col", "b"],
            ExitCode.BAD_INPUT,
            "column 'a' (--group-col) not found",
        ),
        (["generate", "-o", "x.xlsx"], ExitCode.USAGE, "unsupported"),
        (["generate", "-o", "x.csv", "--start", "tomorrow"], ExitCode.USAGE, "bad --start"),
    ],
)
def test_errors_are_one_line_with_exit_code(
    runner: CliRunner,
    example: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    code: int,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, [a.replace("{ex}", str(example)) for a in args])
    assert r.exit_code == code, r.output
    assert message in r.stderr
    assert r.stderr.startswith("ccc: error: ")
    assert "Traceback" not in r.output
    assert r.stdout == ""


def test_no_start_column_names_columns_and_flag(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.csv"
    path.write_text("when,until\n1,2\n")
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["peak", "x.csv"])
    assert r.exit_code == ExitCode.BAD_INPUT
    assert r.stderr == (
        "ccc: error: x.csv: no start-time column found and no preset matched; "
        "columns: when, until\n"
        "hint: pass --preset stringee|stringeex|stringeex_vi|twilio|asterisk|freeswitch|"
        "freeswitch_db|cucm|connect|grandstream|yeastar|3cx|kamailio|teams|zoom|generic, "
        "or name the columns with --start-col and --end-col (or --duration-col); "
        "'ccc inspect x.csv' shows its columns and the closest presets\n"
    )


def test_unknown_option_is_usage_error(runner: CliRunner, example: Path) -> None:
    r = runner.invoke(app, ["peak", str(example), "--colour"])
    assert r.exit_code == ExitCode.USAGE


def test_internal_error_exit_70_and_debug(
    runner: CliRunner, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr("ccc_cli.engine.sweep.compute_peaks", boom)
    r = runner.invoke(app, ["peak", str(example)])
    assert r.exit_code == ExitCode.INTERNAL
    assert "ccc: internal error: RuntimeError: kaboom" in r.stderr
    assert "Traceback" not in r.stderr
    r = runner.invoke(app, ["peak", str(example), "--debug"])
    assert r.exit_code == ExitCode.INTERNAL
    assert "Traceback" in r.stderr


def test_interrupt_exit_130(
    runner: CliRunner, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stop(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("ccc_cli.engine.sweep.compute_peaks", stop)
    r = runner.invoke(app, ["peak", str(example)])
    assert r.exit_code == ExitCode.INTERRUPTED


def test_config_file_options(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("setup,hangup,kind\n2026-01-01 10:00:00,2026-01-01 10:01:00,IN\n")
    cfg = tmp_path / "ccc.toml"
    cfg.write_text(
        'start-col = "setup"\nend-col = "hangup"\ntype-col = "kind"\ntype-map = "inbound=IN"\n'
    )
    r = runner.invoke(app, ["peak", str(data), "--config", str(cfg), "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["peak_by_type"]["inbound"]["value"] == 1
    # A flag wins over the config file.
    r = runner.invoke(
        app, ["peak", str(data), "--config", str(cfg), "--type-map", "otp=IN", "--format", "json"]
    )
    assert json.loads(r.stdout)["peak_by_type"]["otp"]["value"] == 1


def test_generate_round_trip(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "calls.parquet"
    r = runner.invoke(
        app, ["generate", "-o", str(out), "--rows", "3000", "--days", "3", "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["rows"]["read"] == 3000
    assert summary["files"][0]["path"] == str(out)
    r = runner.invoke(app, ["peak", str(out), "--format", "json"])
    assert r.exit_code == 0, r.output
    # `rows` of generate is the accounting ccc gives the file it wrote, key for key.
    assert json.loads(r.stdout)["rows"] == summary["rows"]


def test_generate_clean_rows_are_all_used(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "clean.parquet"
    r = runner.invoke(app, ["generate", "-o", str(out), "--rows", "2000", "--clean"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["peak", str(out), "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["rows"]
    assert (rows["read"], rows["used"]) == (2000, 2000)


@pytest.mark.parametrize("command", ["peak", "inspect", "generate"])
def test_every_command_has_help_with_an_example(runner: CliRunner, command: str) -> None:
    r = runner.invoke(app, [command, "--help"])
    assert r.exit_code == 0, r.output
    assert "Example: ccc " in r.stdout


def test_version(runner: CliRunner) -> None:
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0
    assert r.stdout.startswith("ccc ")
