"""Files and CSV (issue 13, section 3): CSV safe to open in a spreadsheet through every
CSV writer, ``--raw-csv``, ``-`` for standard output, ``--format csv``, and the one-line
confirmation of every file written."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from ccc_cli.cli.app import app
from ccc_cli.errors import ExitCode
from ccc_cli.report.files import neutralise

ENV = {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}

# Call ids and accounts a spreadsheet would run as formulas. Five calls from 10:00 to
# 10:10, one starting every minute; with a limit of 2 the replay rejects the last three
# ("-2+3", "@SUM(A1)", "-5"). "-5" and "-7" are plain numbers: never changed. The last
# REACH_PLAN_LIMIT row never occupies capacity; the last row is invalid (bad_start): it
# goes to --rejects with its hostile id.
HOSTILE = """call_id,start_time,end_time,call_type,account_id,status
"=HYPERLINK(""http://evil.example"",""x"")",2026-11-20 10:00:00,2026-11-20 10:10:00,inbound,=cmd|' /C calc'!A0,completed
+1-555,2026-11-20 10:01:00,2026-11-20 10:10:00,inbound,@SUM(A1),completed
-2+3,2026-11-20 10:02:00,2026-11-20 10:10:00,outbound,+acc,completed
@SUM(A1),2026-11-20 10:03:00,2026-11-20 10:10:00,otp,-acc,completed
-5,2026-11-20 10:04:00,2026-11-20 10:10:00,otp,-7,completed
@rejected,2026-11-20 10:05:00,,otp,+acc,REACH_PLAN_LIMIT
=bad,garbage,2026-11-20 10:10:00,otp,=cmd|' /C calc'!A0,completed
"""
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBERS = {"-5", "-7"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env=ENV)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.csv"
    path.write_text(HOSTILE)
    return path


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_safe(text: str) -> None:
    """No cell a spreadsheet would run; the hostile values are there, quoted."""
    for cell in cells(text):
        assert not cell.startswith(DANGEROUS) or cell in PLAIN_NUMBERS, repr(cell)


def writers(hostile: Path, out: Path) -> list[tuple[str, list[str], Path | None]]:
    """Every CSV writer: (name, argv, file it writes or None for stdout)."""
    p = str(hostile)
    limits = out / "limits.csv"
    limits.write_text("account_id,limit\ndefault,1\n")
    return [
        ("series -o", ["series", p, "--by", "account", "-o", str(out / "s.csv")], out / "s.csv"),
        (
            "--rejected-out",
            ["breaches", p, "--limit", "2", "--rejected-out", str(out / "r.csv")],
            out / "r.csv",
        ),
        ("--rejects", ["peak", p, "--rejects", str(out / "bad.csv")], out / "bad.csv"),
        (
            "--curve-out",
            ["size", p, "--by", "account", "--curve-out", str(out / "c.csv")],
            out / "c.csv",
        ),
        ("peak csv", ["peak", p, "--by", "account", "--format", "csv"], None),
        ("series csv", ["series", p, "--by", "account", "--format", "csv"], None),
        ("breaches csv", ["breaches", p, "--limits", str(limits), "--format", "csv"], None),
        ("at csv", ["at", p, "--time", "2026-11-20 10:05", "--format", "csv"], None),
        ("size csv", ["size", p, "--by", "account", "--format", "csv"], None),
        ("series -o -", ["series", p, "--by", "account", "-o", "-"], None),
        ("--rejected-out -", ["breaches", p, "--limit", "2", "--rejected-out", "-"], None),
        ("--rejects -", ["peak", p, "--rejects", "-"], None),
    ]


WRITERS = [
    "series -o",
    "--rejected-out",
    "--rejects",
    "--curve-out",
    "peak csv",
    "series csv",
    "breaches csv",
    "at csv",
    "size csv",
    "series -o -",
    "--rejected-out -",
    "--rejects -",
]


@pytest.mark.parametrize("writer", WRITERS)
def test_every_csv_writer_neutralises_formulas(
    runner: CliRunner, hostile: Path, tmp_path: Path, writer: str
) -> None:
    _, argv, path = next(w for w in writers(hostile, tmp_path) if w[0] == writer)
    r = runner.invoke(app, [*argv, "-q"])
    assert r.exit_code == 0, r.output
    text = r.stdout if path is None else path.read_text()
    assert_safe(text)
    found = set(cells(text))
    # The hostile values are all there, as text.
    hostile_ids = {'\'=HYPERLINK("http://evil.example","x")', "'+1-555", "'-2+3", "'@SUM(A1)"}
    hostile_accounts = {"'=cmd|' /C calc'!A0", "'@SUM(A1)", "'+acc", "'-acc"}
    assert found & (hostile_ids | hostile_accounts | {"'=bad"}), sorted(found)[:20]
    # --raw-csv writes them as they are.
    r = runner.invoke(app, [*argv, "-q", "--raw-csv"])
    assert r.exit_code == 0, r.output
    raw = set(cells(r.stdout if path is None else path.read_text()))
    assert {c.lstrip("'") for c in found} == raw


def test_what_each_writer_holds(runner: CliRunner, hostile: Path, tmp_path: Path) -> None:
    r = runner.invoke(app, ["breaches", str(hostile), "--limit", "2", "--rejected-out", "-", "-q"])
    assert r.exit_code == 0, r.output
    rejected = pl.read_csv(io.StringIO(r.stdout), infer_schema=False)
    assert rejected["call_id"].to_list() == ["'-2+3", "'@SUM(A1)", "-5"]
    r = runner.invoke(app, ["peak", str(hostile), "--rejects", "-", "-q"])
    bad = pl.read_csv(io.StringIO(r.stdout), infer_schema=False)
    assert bad["call_id"].to_list() == ["'=bad"]
    assert bad["raw_start"].to_list() == ["garbage"]
    r = runner.invoke(
        app, ["at", str(hostile), "--time", "2026-11-20 10:05", "--format", "csv", "-q"]
    )
    calls = pl.read_csv(io.StringIO(r.stdout), infer_schema=False)
    assert calls.columns[:5] == ["call_id", "call_type", "account", "start", "end"]
    assert calls.height == 5
    assert calls["start"][0] == "2026-11-20T10:00:00+00:00"  # ISO 8601 with offset


def test_neutralise_rule() -> None:
    frame = pl.DataFrame(
        {
            "text": [
                "=1+1",
                "+1-555",
                "-2+3",
                "@SUM(A1)",
                "\tx",
                "\rx",
                "-5",
                "+3.5",
                "1e3",
                "a=b",
                " =x",
                None,
            ],
            "number": [-1, -2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
        }
    )
    out = neutralise(frame)
    assert out["text"].to_list() == [
        "'=1+1",
        "'+1-555",
        "'-2+3",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "-5",
        "+3.5",
        "1e3",
        "a=b",
        " =x",
        None,
    ]
    assert out["number"].to_list() == frame["number"].to_list()  # numbers never touched


def test_dash_writes_to_stdout_and_nothing_else(
    runner: CliRunner, hostile: Path, tmp_path: Path
) -> None:
    r = runner.invoke(app, ["series", str(hostile), "--every", "5m", "-o", "-"])
    assert r.exit_code == 0, r.output
    frame = pl.read_csv(io.StringIO(r.stdout))
    assert frame.columns[:2] == ["bucket_start", "total_max"]
    assert frame.height == 3  # 10:00, 10:05, 10:10 (the ends)
    assert "wrote" not in r.stderr
    assert not list(tmp_path.glob("-*"))  # no file named '-'


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["series", "-o", "-", "--format", "json"], "--output - and --format json both write"),
        (["series", "-o", "-", "--rejects", "-"], "--output and --rejects cannot both write"),
        (["peak", "--rejects", "-", "-f", "csv"], "--rejects - and --format csv both write"),
    ],
)
def test_stdout_has_one_writer(
    runner: CliRunner, hostile: Path, argv: list[str], message: str
) -> None:
    r = runner.invoke(app, [argv[0], str(hostile), *argv[1:]])
    assert r.exit_code == ExitCode.USAGE, r.output
    assert r.stderr.startswith(f"ccc: error: {message}")
    assert r.stdout == ""


def test_a_written_file_is_confirmed_in_one_line(
    runner: CliRunner, hostile: Path, tmp_path: Path
) -> None:
    out = tmp_path / "series.csv"
    r = runner.invoke(app, ["series", str(hostile), "--every", "5m", "-o", str(out)])
    assert r.exit_code == 0, r.output
    size = out.stat().st_size
    lines = [line for line in r.stderr.splitlines() if not line.startswith("note:")]
    assert lines == [f"wrote {out}: 3 rows, {size} B"]
    r = runner.invoke(app, ["series", str(hostile), "--every", "5m", "-o", str(out), "-q"])
    assert r.stderr == ""
    parquet = tmp_path / "series.parquet"
    r = runner.invoke(app, ["series", str(hostile), "-o", str(parquet), "-q"])
    assert pl.read_parquet(parquet).height > 0


def test_format_csv_only_where_there_is_one_table(runner: CliRunner, hostile: Path) -> None:
    for command in ("analyze", "check", "inspect"):
        extra = ["--limit", "2"] if command == "check" else []
        r = runner.invoke(app, [command, str(hostile), *extra, "--format", "csv"])
        assert r.exit_code == ExitCode.USAGE, (command, r.output)
        assert r.stderr.startswith("ccc: error: invalid value for '--format'")
    r = runner.invoke(app, ["size", str(hostile), "--format", "csv", "-q"])
    assert r.exit_code == 0, r.output
    curve = pl.read_csv(io.StringIO(r.stdout))
    assert curve.columns == [
        "account",
        "limit",
        "rejected_calls",
        "rejected_rate",
        "seconds_at_capacity",
        "days_with_rejections",
        "worst_day_rejected",
    ]
    r = runner.invoke(app, ["peak", str(hostile), "--format", "csv", "-q"])
    peaks = pl.read_csv(io.StringIO(r.stdout))
    assert peaks.columns == ["call_type", "peak", "peak_at"]
    assert peaks.row(0) == ("total", 5, "2026-11-20T10:04:00+00:00")
