"""`ccc series` and `ccc analyze` on the command line: every output, files, errors."""

from __future__ import annotations

import builtins
import json
import os
import shlex
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from ccc_cli.api import load_calls
from ccc_cli.cli.app import app
from ccc_cli.engine.analysis import analyze
from ccc_cli.engine.series import compute_series, parse_every
from ccc_cli.errors import ExitCode
from ccc_cli.options import LoadOptions
from ccc_cli.report.analyze import analysis_document
from ccc_cli.report.series import series_document

GOLDEN = Path(__file__).parent / "golden"
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "TERM": "dumb"}

# Ten calls over one morning in Ho Chi Minh City (naive local times).
DATA = """call_id,start_time,end_time,call_type,account_id
a,2026-11-20 08:00:10,2026-11-20 08:20:00,inbound,acc-1
b,2026-11-20 08:05:00,2026-11-20 08:07:00,outbound,acc-1
c,2026-11-20 08:05:00,2026-11-20 08:06:00,otp,acc-2
d,2026-11-20 08:06:00,2026-11-20 08:16:00,inbound,acc-2
e,2026-11-20 08:15:00,2026-11-20 08:15:00,otp,acc-2
f,2026-11-20 08:29:59,2026-11-20 08:31:00,internal,acc-1
g,2026-11-20 08:30:00,2026-11-20 08:45:00,inbound,acc-1
h,2026-11-20 08:30:00,2026-11-20 08:30:30,otp,acc-2
i,2026-11-20 08:44:00,2026-11-20 09:01:00,outbound,acc-2
j,2026-11-20 08:59:00,2026-11-20 09:00:00,app_to_app,acc-1
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env=ENV)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "morning.csv"
    path.write_text(DATA)
    return path


def args(data: Path, *more: str) -> list[str]:
    return ["series", str(data), "--tz", "Asia/Ho_Chi_Minh", "--every", "15m", *more]


def test_series_table_golden(runner: CliRunner, data: Path) -> None:
    r = runner.invoke(app, args(data, "--limit", "3"))
    assert r.exit_code == 0, r.output
    golden = GOLDEN / "series_table.txt"
    text = r.stdout.replace(str(data), "<data>")
    if os.environ.get("CCC_UPDATE_GOLDEN"):  # CCC_UPDATE_GOLDEN=1 pytest ...; then review
        golden.write_text(text)
    assert text == golden.read_text()


def test_series_json_equals_library(runner: CliRunner, data: Path) -> None:
    r = runner.invoke(app, [*args(data), "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    callset = load_calls([data], LoadOptions(tz="Asia/Ho_Chi_Minh"))
    expected = series_document(compute_series(callset, every=parse_every("15m")), callset)
    assert doc == expected
    assert doc["every"] == "15m"
    assert doc["timezone"] == "Asia/Ho_Chi_Minh"
    # 08:00-09:15 local: five 15-minute buckets (09:00 holds the last end, 09:01).
    starts = [b["bucket_start"] for b in doc["buckets"]]
    assert starts == [
        "2026-11-20T08:00:00+07:00",
        "2026-11-20T08:15:00+07:00",
        "2026-11-20T08:30:00+07:00",
        "2026-11-20T08:45:00+07:00",
        "2026-11-20T09:00:00+07:00",
    ]
    first = doc["buckets"][0]
    # 08:00-08:15: a (08:00:10-), b and c at 08:05 -> 3; at 08:06 c ends as d starts
    # (half-open) -> still 3. Starts: a, b, c, d.
    assert (first["total_max"], first["total_starts"]) == (3, 4)
    # Call-seconds: a 890 + b 120 + c 60 + d 540 = 1610 over 900 s.
    assert first["total_mean"] == pytest.approx(1610 / 900)
    # 08:30 bucket: f (ends 08:31) + g + h at 08:30:00 -> 3; e (zero-length) is a start at 08:15.
    assert doc["buckets"][2]["total_max"] == 3
    assert doc["buckets"][1]["otp_starts"] == 1


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".json"])
def test_series_output_files(runner: CliRunner, data: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"series{suffix}"
    r = runner.invoke(app, [*args(data, "--by", "account"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    if suffix == ".json":
        buckets = json.loads(out.read_text())["buckets"]
        frame = pl.DataFrame(buckets)
    elif suffix == ".csv":
        frame = pl.read_csv(out)
        assert frame["bucket_start"][0] == "2026-11-20T08:00:00+07:00"
    else:
        frame = pl.read_parquet(out)
        assert frame.schema["bucket_start"] == pl.Datetime("us", "Asia/Ho_Chi_Minh")
    assert frame.columns[:5] == [
        "bucket_start",
        "account",
        "total_max",
        "total_mean",
        "total_starts",
    ]
    assert "app_to_app_max" in frame.columns
    assert frame.height == 10  # 5 buckets x 2 accounts
    assert sorted(set(frame["account"])) == ["acc-1", "acc-2"]
    assert not list(tmp_path.glob(".series*"))


def test_series_window(runner: CliRunner, data: Path) -> None:
    r = runner.invoke(
        app,
        [*args(data, "--from", "2026-11-20T08:15", "--to", "2026-11-20T08:45"), "--format", "json"],
    )
    assert r.exit_code == 0, r.output
    buckets = json.loads(r.stdout)["buckets"]
    assert [b["bucket_start"][11:16] for b in buckets] == ["08:15", "08:30"]
    # a and d began before 08:15 and still count.
    assert buckets[0]["total_max"] == 2


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--every", "7m"], "buckets must divide a day"),
        (["--from", "soon"], "bad --from"),
        (["--from", "2026-11-21", "--to", "2026-11-20"], "--to must be after --from"),
        (["-o", "out.xlsx"], "use .csv, .parquet or .json"),
        (["--plot", "chart.gif"], "use a .png or .svg"),
    ],
)
def test_series_usage_errors(
    runner: CliRunner,
    data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    extra: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["series", str(data), *extra])
    assert r.exit_code == ExitCode.USAGE, r.output
    assert message in r.stderr
    assert "Traceback" not in r.output


@pytest.mark.parametrize(("command", "suffix"), [("series", ".png"), ("analyze", ".svg")])
def test_plot_writes_a_picture(
    runner: CliRunner, data: Path, tmp_path: Path, command: str, suffix: str
) -> None:
    out = tmp_path / f"chart{suffix}"
    r = runner.invoke(
        app, [command, str(data), "--tz", "Asia/Ho_Chi_Minh", "--limit", "3", "--plot", str(out)]
    )
    assert r.exit_code == 0, r.output
    content = out.read_bytes()
    assert len(content) > 10_000
    if suffix == ".png":
        assert content.startswith(b"\x89PNG\r\n\x1a\n")
    else:
        assert b"<svg" in content[:1000]
        assert b"Asia/Ho_Chi_Minh" in content or b"Asia" in content


def test_plot_without_matplotlib_is_a_one_line_hint(
    runner: CliRunner, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_matplotlib(name: str, *a: object, **k: object) -> object:
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    r = runner.invoke(app, ["series", str(data), "--plot", str(tmp_path / "x.png")])
    assert r.exit_code == ExitCode.USAGE
    # The exact command for this project: the running Python's pip and the extra's
    # requirement as pyproject.toml states it (never the unrelated `ccc-cli` on PyPI).
    python = shlex.quote(sys.executable)
    assert r.stderr == (
        "ccc: error: --plot needs matplotlib, which is not installed\n"
        f"hint: {python} -m pip install 'matplotlib>=3.8' (or, in a clone of ccc: "
        "pip install '.[plot]')\n"
    )


def test_analyze_table_and_json(runner: CliRunner, data: Path) -> None:
    r = runner.invoke(app, ["analyze", str(data), "--tz", "Asia/Ho_Chi_Minh", "--limit", "3"])
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "rows: 10 read = 10 used" in out
    assert "max starts in 1s" in out
    assert "busiest day: 2026-11-20 (Friday), peak 3 at 2026-11-20 08:05:00, mostly inbound" in out
    assert "limit 3: peak 3 leaves a headroom of 0" in out
    assert " limit 3" in out  # the limit line on the chart
    r = runner.invoke(app, ["analyze", str(data), "--tz", "Asia/Ho_Chi_Minh", "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    callset = load_calls([data], LoadOptions(tz="Asia/Ho_Chi_Minh"))
    assert doc == analysis_document(analyze(callset), callset)
    assert doc["peak"]["value"] == 3
    # b, c at 08:05:00 and g, h at 08:30:00: two starts in one second, at most.
    assert doc["cps"]["window_1s"] == {"value": 2, "at": "2026-11-20T08:05:00+07:00"}
    assert doc["daily_peaks"]["percentiles"] == {"p50": 3, "p90": 3, "p95": 3, "max": 3}
    assert doc["busiest_hour_of_week"]["weekday"] == "Friday"
    assert doc["busiest_hour_of_week"]["hour"] == 8
