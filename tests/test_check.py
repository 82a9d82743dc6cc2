"""``ccc check`` as a CI gate (issue 13, section 4): no pass on an empty export, one
verdict per file with ``--each``, JUnit XML, and the allowed rate exact at equality."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from ccc_cli.cli.app import app

HEADER = "call_id,start_time,end_time\n"


def calls(n: int, *, minute: int = 0) -> str:
    """``n`` calls all active from 10:00+minute to 11:00: a limit of k rejects n - k."""
    return HEADER + "".join(
        f"c{minute}-{i},2026-11-20 10:{minute + i // 60:02d}:{i % 60:02d},2026-11-20 11:00:00\n"
        for i in range(n)
    )


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_no_calls_is_bad_input_not_a_pass(tmp_path: Path, runner: CliRunner) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text(HEADER)
    r = runner.invoke(app, ["check", str(empty), "--limit", "5"])
    assert r.exit_code == 3, r.output
    assert r.stderr.startswith(f"ccc: error: no calls to check in {empty} (0 rows read)")


def test_each_file_gets_its_verdict_and_junit_xml(tmp_path: Path, runner: CliRunner) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text(calls(3))  # limit 2 rejects 1
    (data / "b.csv").write_text(calls(2, minute=1))  # limit 2 rejects none
    report = tmp_path / "check.xml"
    r = runner.invoke(
        app, ["check", str(data), "--limit", "2", "--each", "--junit-xml", str(report)]
    )
    assert r.exit_code == 1, r.output
    lines = r.stdout.splitlines()
    assert lines[0].startswith(f"ccc check: {data / 'a.csv'}: FAIL: 1 of 3 calls rejected")
    assert lines[1].startswith(f"ccc check: {data / 'b.csv'}: PASS: 0 of 2 calls rejected")
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    cases = {c.get("name"): c.find("failure") is not None for c in suite.iter("testcase")}
    assert cases == {str(data / "a.csv"): True, str(data / "b.csv"): False}
    # Together, as one dataset (the default), the five calls at limit 2 reject 3.
    r = runner.invoke(app, ["check", str(data), "--limit", "2", "--format", "json"])
    assert r.exit_code == 1
    assert json.loads(r.stdout)["replay"]["rejected_calls"] == 3


def test_each_in_json(tmp_path: Path, runner: CliRunner) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(calls(3))
    b.write_text(calls(2))
    r = runner.invoke(app, ["check", str(a), str(b), "--limit", "3", "--each", "-f", "json", "-q"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["passed"] is True and doc["replay"] is None
    assert {k: v["passed"] for k, v in doc["by_file"].items()} == {str(a): True, str(b): True}
    assert doc["rows"]["read"] == 5


@pytest.mark.parametrize(("rate", "code"), [("0.001", 0), ("0.000999", 1)])
def test_the_allowed_rate_is_exact_at_equality(
    tmp_path: Path, runner: CliRunner, rate: str, code: int
) -> None:
    # 1,000 calls: 2 at 10:00 and 998 in another hour; limit 1 rejects exactly 1 of
    # 1,000, a rate of 0.001: allowed at 0.001, not at 0.000999.
    path = tmp_path / "k.csv"
    quiet = "".join(
        f"q{i},2026-11-20 12:{i // 60 % 60:02d}:{i % 60:02d},2026-11-20 12:{i // 60 % 60:02d}:{i % 60:02d}.5\n"
        for i in range(998)
    )
    path.write_text(calls(2) + quiet)
    r = runner.invoke(app, ["check", str(path), "--limit", "1", "--max-reject-rate", rate])
    assert r.exit_code == code, r.output
    assert "1 of 1,000 calls rejected" in r.stdout
