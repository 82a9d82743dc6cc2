"""``--from``/``--to`` and ``--account`` on every command, and a config file that holds
them with ``limit``/``limits`` (issue 13, section 5)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ccc_cli.api import LoadOptions, compute_peaks, load_calls
from ccc_cli.cli.app import app

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
TZ = "Asia/Ho_Chi_Minh"
WINDOW = ["--from", "2026-11-17 09:00", "--to", "2026-11-17 12:00"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str) -> dict[str, Any]:
    r = runner.invoke(app, [*args, "--tz", TZ, "-q", "--format", "json"])
    assert r.exit_code in (0, 1), r.output
    doc: dict[str, Any] = json.loads(r.stdout)
    return doc


@pytest.mark.parametrize(
    "command",
    [
        ["peak"],
        ["series", "--every", "1h"],
        ["analyze"],
        ["breaches", "--limit", "5"],
        ["check", "--limit", "50"],
        ["size"],
        ["inspect"],
    ],
)
def test_every_command_takes_the_window_and_says_so(runner: CliRunner, command: list[str]) -> None:
    doc = run(runner, command[0], str(SAMPLE), *command[1:], *WINDOW, "--account", "acc-01")
    assert doc["selection"] == {
        "from": "2026-11-17T09:00:00+07:00",
        "to": "2026-11-17T12:00:00+07:00",
        "accounts": ["acc-01"],
    }
    rows = doc["rows"]
    assert rows["not_selected"] > 0
    assert rows["read"] == sum(
        rows[k]
        for k in (
            "used",
            "duplicates",
            "merged_legs",
            "plan_limit_rejected",
            "invalid",
            "not_selected",
        )
    )


def test_peak_in_a_window_equals_the_library(runner: CliRunner) -> None:
    doc = run(runner, "peak", str(SAMPLE), *WINDOW)
    options = LoadOptions(
        tz=TZ,
        window_from=datetime(2026, 11, 17, 9, 0),
        window_to=datetime(2026, 11, 17, 12, 0),
    )
    result = compute_peaks(load_calls([SAMPLE], options))
    assert doc["peak"]["value"] == result.total.value
    # The morning peak of the sample week's Tuesday, no higher than the week's.
    assert doc["peak"]["value"] <= run(runner, "peak", str(SAMPLE))["peak"]["value"]


def test_several_accounts(runner: CliRunner) -> None:
    one = run(runner, "peak", str(SAMPLE), "--account", "acc-05")
    two = run(runner, "peak", str(SAMPLE), "--account", "acc-05", "--account", "acc-06")
    assert one["rows"]["used"] < two["rows"]["used"]
    assert two["selection"]["accounts"] == ["acc-05", "acc-06"]


def test_a_config_file_holds_the_window_account_and_limit(
    runner: CliRunner, tmp_path: Path
) -> None:
    config = tmp_path / "ccc.toml"
    config.write_text(
        '[ccc]\ntz = "Asia/Ho_Chi_Minh"\nfrom = "2026-11-17 09:00"\nto = "2026-11-17 12:00"\n'
        'account = ["acc-01"]\nlimit = 5\n'
    )
    r = runner.invoke(app, ["breaches", str(SAMPLE), "--config", str(config), "-q", "-f", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["limit"] == 5
    assert doc["selection"]["accounts"] == ["acc-01"]
    flags = run(runner, "breaches", str(SAMPLE), *WINDOW, "--account", "acc-01", "--limit", "5")
    assert doc["replay"] == flags["replay"]
    # A flag wins over the file.
    r = runner.invoke(
        app, ["breaches", str(SAMPLE), "--config", str(config), "--limit", "7", "-q", "-f", "json"]
    )
    assert json.loads(r.stdout)["limit"] == 7


def test_a_limits_file_from_the_config(runner: CliRunner, tmp_path: Path) -> None:
    limits = tmp_path / "limits.csv"
    limits.write_text("account_id,limit\ndefault,4\nacc-01,6\n")
    config = tmp_path / "ccc.toml"
    config.write_text(f'limits = "{limits}"\n')
    r = runner.invoke(app, ["check", str(SAMPLE), "--config", str(config), "-q", "-f", "json"])
    assert r.exit_code in (0, 1), r.output
    assert json.loads(r.stdout)["limits"]["default"] == 4


def test_bad_window_values_are_usage_errors(runner: CliRunner) -> None:
    r = runner.invoke(app, ["peak", str(SAMPLE), "--from", "soon"])
    assert r.exit_code == 2
    assert r.stderr.startswith("ccc: error: bad --from 'soon'")
    r = runner.invoke(app, ["peak", str(SAMPLE), "--from", "2026-11-18", "--to", "2026-11-17"])
    assert r.exit_code == 2
    assert "--to must be after --from" in r.stderr
    r = runner.invoke(app, ["peak", str(SAMPLE), "--account", "nobody"])
    assert r.exit_code == 2
    assert r.stderr.startswith("ccc: error: unknown account 'nobody'")
