"""Output read by people (issue 13, section 7): piped or redirected tables never cut an
id or wrap a cell, shell completion works, the size chart's axes, and analyze's note
on the time zone it used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ccc_cli.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "sample_data")
LONG = "a-call-id-that-support-must-read-out-whole-" + "x" * 30

# Four calls of four types at once (the level reaches 4 at 10:03), with long ids.
DATA = f"""call_id,start_time,end_time,call_type,account_id
{LONG}-1,2026-11-20 10:00:00,2026-11-20 10:10:00,inbound,customer-account-with-a-long-name
{LONG}-2,2026-11-20 10:01:00,2026-11-20 10:10:00,outbound,customer-account-with-a-long-name
{LONG}-3,2026-11-20 10:02:00,2026-11-20 10:10:00,internal,customer-account-with-a-long-name
{LONG}-4,2026-11-20 10:03:00,2026-11-20 10:10:00,otp,customer-account-with-a-long-name
"""


@pytest.fixture
def data(tmp_path: Path) -> str:
    path = tmp_path / "long.csv"
    path.write_text(DATA)
    return str(path)


def narrow() -> CliRunner:
    # CliRunner's stdout is not a terminal: the piped layout, whatever COLUMNS says.
    return CliRunner(env={"NO_COLOR": "1", "COLUMNS": "40", "TERM": "dumb"})


def test_piped_tables_keep_ids_whole(data: str) -> None:
    r = narrow().invoke(app, ["at", data, "--time", "2026-11-20 10:05", "-q"])
    assert r.exit_code == 0, r.output
    assert "…" not in r.stdout
    for i in range(1, 5):
        row = next(line for line in r.stdout.splitlines() if f"{LONG}-{i}" in line)
        # One call, one line: id, type, account and times side by side.
        assert "customer-account-with-a-long-name" in row
        assert "2026-11-20 10:10:00" in row


def test_piped_cells_never_wrap(data: str) -> None:
    r = narrow().invoke(app, ["breaches", data, "--limit", "4", "-q"])
    assert r.exit_code == 0, r.output
    # The calls by type at the peak stay one cell on one line (not "1 in / 1 / out").
    assert any("1 in 1 out 1 int 1 otp" in line for line in r.stdout.splitlines())
    r = narrow().invoke(app, ["peak", data, "-q"])
    assert "│ total     │    4 │ 2026-11-20 10:03:00 │" in r.stdout


def test_piped_chart_fits_columns(data: str) -> None:
    r = narrow().invoke(app, ["series", data, "-q"])
    assert r.exit_code == 0, r.output
    axis = next(line for line in r.stdout.splitlines() if "└" in line)
    assert len(axis) <= 40


def test_shell_completion() -> None:
    r = CliRunner().invoke(app, ["--show-completion", "bash"], prog_name="ccc")
    assert r.exit_code == 0, r.output
    assert "_ccc_completion" in r.stdout
    env = {"_CCC_COMPLETE": "complete_bash", "COMP_WORDS": "ccc pe", "COMP_CWORD": "1"}
    r = CliRunner().invoke(app, [], env=env, prog_name="ccc")
    assert r.stdout.split() == ["peak"]
    env = {"_CCC_COMPLETE": "complete_bash", "COMP_WORDS": "ccc peak --format ", "COMP_CWORD": "3"}
    r = CliRunner().invoke(app, [], env=env, prog_name="ccc")
    assert r.stdout.split() == ["table", "json", "csv"]
    assert "--install-completion" in CliRunner().invoke(app, ["--help"]).stdout


def test_size_plot_axes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    figures: list[Any] = []
    monkeypatch.setattr(plt, "close", figures.append)
    out = tmp_path / "curve.png"
    r = CliRunner().invoke(app, ["size", SAMPLE, "--plot", str(out), "-q"])
    assert r.exit_code == 0, r.output
    assert out.stat().st_size > 0
    (ax,) = figures[0].axes
    assert ax.get_ylim()[0] == 0  # no negative share of calls
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)  # whole limits
    assert "reject" in ax.get_title() and "plan limit" in ax.get_title()
    assert ax.get_ylabel() == "calls rejected (% of all calls)"


def test_analyze_says_which_zone_it_used_when_the_data_looks_local() -> None:
    # The sample's calls are business hours in Asia/Ho_Chi_Minh (UTC+7), stored in UTC.
    r = CliRunner().invoke(app, ["analyze", SAMPLE, "--format", "json"])
    assert r.exit_code == 0, r.output
    note = (
        "no --tz given, so times, days and hours are in UTC; but the calls look local to "
        "about UTC+07:00 (their quietest hours are 16:00-22:00 UTC): pass --tz with the "
        "data's zone"
    )
    assert json.loads(r.stdout)["notes"] == [note]
    assert f"note: {note}" in r.stderr
    for zone in ("UTC", "Asia/Ho_Chi_Minh"):
        r = CliRunner().invoke(app, ["analyze", SAMPLE, "--tz", zone, "--format", "json"])
        assert json.loads(r.stdout)["notes"] == []
        assert "--tz" not in r.stderr
