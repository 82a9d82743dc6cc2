"""Unsure means loud (issue 12 section 3): what ccc says when no preset fits a file.

- A file read with the canonical names and aliases (``generic``) that has a column
  looking like a call link (while no legs are linked), or a duration beside an end that
  is often empty, gets one note per finding naming the flag to pass; the notes go to
  stderr and to JSON ``notes``.
- ``ccc inspect`` never fails on a file it cannot map: it shows the columns with sample
  values and the closest presets with what each lacks, and exits 0. Other commands exit
  3 with one line whose hint names ``ccc inspect FILE``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ccc_cli.api import load_calls
from ccc_cli.cli.app import app
from ccc_cli.errors import ExitCode
from ccc_cli.normalize.presets import PRESET_NAMES

DATA = Path(__file__).resolve().parent / "data"
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
ENV = {"NO_COLOR": "1", "COLUMNS": "200", "TERM": "dumb"}


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner(env=ENV)


def run(runner: CliRunner, *args: str) -> Any:
    r = runner.invoke(app, [*args, "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def link_notes(notes: list[str]) -> list[str]:
    return [n for n in notes if "looks like a call link" in n]


def duration_notes(notes: list[str]) -> list[str]:
    return [n for n in notes if "looks like a duration" in n]


# --- notes -------------------------------------------------------------------------------------
def test_generic_grandstream_export_names_session_and_call_time(runner: CliRunner) -> None:
    path = str(DATA / "grandstream/cdr_export.csv")
    r = runner.invoke(app, ["peak", path, "--preset", "generic", "--format", "json"])
    assert r.exit_code == 0, r.output
    notes = json.loads(r.stdout)["notes"]
    (link,) = link_notes(notes)
    assert link.endswith("pass --group-col Session")
    # 2 of the 8 rows (r3, S4) have no End Time.
    (duration,) = duration_notes(notes)
    assert "25% of the sampled rows have no 'End Time'" in duration
    assert duration.endswith("pass --duration-col 'Call Time'")
    # The same sentences on stderr.
    assert f"note: {link}" in r.stderr
    assert f"note: {duration}" in r.stderr


def test_a_detected_preset_adds_no_such_note(runner: CliRunner) -> None:
    doc = run(runner, "peak", str(DATA / "grandstream/cdr_export.csv"), "-q")
    assert not link_notes(doc["notes"]) and not duration_notes(doc["notes"])


def test_shared_uniqueid_and_bleg_uuid_are_links(runner: CliRunner, tmp_path: Path) -> None:
    # Yeastar-like: id (0 on every row) is the call id by alias; uniqueid repeats.
    shared = tmp_path / "shared.csv"
    shared.write_text(
        "id,start_time,end_time,uniqueid\n"
        "0,2024-01-01 10:00:00,2024-01-01 10:05:00,1704103200.1\n"
        "0,2024-01-01 10:00:20,2024-01-01 10:05:00,1704103200.1\n"
        "0,2024-01-01 10:01:00,2024-01-01 10:02:00,1704103260.2\n"
    )
    (note,) = link_notes(run(runner, "peak", str(shared), "-q")["notes"])
    assert "column 'uniqueid'" in note and note.endswith("--group-col uniqueid")
    unique = tmp_path / "unique.csv"
    unique.write_text(
        "id,start_time,end_time,uniqueid\n"
        "1,2024-01-01 10:00:00,2024-01-01 10:05:00,1704103200.1\n"
        "2,2024-01-01 10:01:00,2024-01-01 10:02:00,1704103260.2\n"
    )
    assert not link_notes(run(runner, "peak", str(unique), "-q")["notes"])
    # A repeated call id is the engine's "reused ids" note, not a link note.
    reused = tmp_path / "reused.csv"
    reused.write_text(
        "uniqueid,start_time,end_time\n"
        "1704103200.1,2024-01-01 10:00:00,2024-01-01 10:05:00\n"
        "1704103200.1,2024-01-01 11:00:00,2024-01-01 11:05:00\n"
    )
    notes = run(runner, "peak", str(reused), "-q")["notes"]
    assert not link_notes(notes)
    assert any("call id(s) appear on several calls" in n for n in notes)
    bleg = tmp_path / "bleg.csv"
    bleg.write_text(
        "start_time,end_time,id,bleg_uuid\n2024-01-01 10:00:00,2024-01-01 10:05:00,a,b\n"
    )
    (note,) = link_notes(run(runner, "peak", str(bleg), "-q")["notes"])
    assert note.endswith("--parent-col bleg_uuid")


def test_no_link_note_once_legs_are_linked(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "linked.csv"
    path.write_text(
        "start_time,end_time,session,group_id\n2024-01-01 10:00:00,2024-01-01 10:05:00,s,g\n"
    )
    assert not link_notes(run(runner, "peak", str(path), "-q")["notes"])
    doc = run(
        runner,
        "peak",
        str(DATA / "grandstream/cdr_export.csv"),
        "-q",
        "--preset",
        "generic",
        "--group-col",
        "Session",
    )
    assert not link_notes(doc["notes"])
    # Session links r1 + r2 and S5a + S5b (r3 and S4 have no end when read as generic).
    assert doc["rows"]["merged_legs"] == 2


def test_no_duration_note_when_ends_are_there_or_a_duration_is_used(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "ends.csv"
    path.write_text(
        "start_time,end_time,call_time\n"
        "2024-01-01 10:00:00,2024-01-01 10:05:00,300\n"
        "2024-01-01 10:01:00,,60\n"
    )
    (note,) = duration_notes(run(runner, "peak", str(path), "-q")["notes"])
    assert note.endswith("pass --duration-col call_time")
    doc = run(runner, "peak", str(path), "-q", "--duration-col", "call_time")
    assert not duration_notes(doc["notes"])
    assert doc["rows"]["used"] == 2


def test_canonical_sample_files_get_no_note() -> None:
    for path in sorted(SAMPLE.glob("*.csv")):
        notes = load_calls([path]).notes
        assert not link_notes(list(notes)) and not duration_notes(list(notes)), path


# --- inspect on a file it cannot map -------------------------------------------------------------
def test_inspect_shows_columns_samples_and_closest_presets(
    runner: CliRunner, tmp_path: Path
) -> None:
    # A Grandstream export without its Start Time and Answer Time columns.
    src = (DATA / "grandstream/cdr_export.csv").read_text().splitlines()
    header = src[0].split(",")
    drop = {header.index("Start Time"), header.index("Answer Time")}
    lines = [",".join(v for i, v in enumerate(line.split(",")) if i not in drop) for line in src]
    path = tmp_path / "no_start.csv"
    path.write_text("\n".join(lines) + "\n")

    doc = run(runner, "inspect", str(path))
    (report,) = doc["files"]
    assert report["mapped"] is False
    assert "no start-time column found" in report["problem"]
    columns = {c["name"]: c["samples"] for c in report["columns"]}
    assert list(columns) == [h for h in header if h not in ("Start Time", "Answer Time")]
    assert columns["Session"] == ["1717405200.1", "1717405260.4", "1717405320.5"]
    closest = report["closest_presets"][0]
    assert (closest["name"], closest["missing"]) == ("grandstream", ["Start Time"])
    assert "ccc inspect" not in report["hint"]

    r = runner.invoke(app, ["inspect", str(path)])
    assert r.exit_code == 0, r.output
    assert "cannot be mapped" in r.stdout
    assert "grandstream (UCM CDR export): not found: Start Time" in r.stdout

    r = runner.invoke(app, ["peak", str(path)])
    assert r.exit_code == ExitCode.BAD_INPUT, r.output
    error, hint = r.stderr.splitlines()
    assert error.startswith(f"ccc: error: {path}: no start-time column found")
    assert all(name in hint for name in PRESET_NAMES)


def test_inspect_headerless_unknown_file_names_the_shapes(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "m.csv"
    path.write_text("990000001,Khach hang 01,2019-07-22 16:44:37,ANSWERED,2019-07-22 16:46:02\n")
    doc = run(runner, "inspect", str(path))
    (report,) = doc["files"]
    assert [c["name"] for c in report["columns"]] == [f"column_{i}" for i in range(1, 6)]
    assert report["columns"][2]["samples"] == ["2019-07-22 16:44:37"]
    assert report["closest_presets"]
    for close in report["closest_presets"]:
        assert any("columns (the file has 5)" in m for m in close["missing"])


def test_other_commands_name_ccc_inspect_in_the_hint(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("only_end.csv").write_text("start_time,status\n2024-01-01 10:00:00,ok\n")
    for command in ("peak", "analyze"):
        r = runner.invoke(app, [command, "only_end.csv"])
        assert r.exit_code == ExitCode.BAD_INPUT, r.output
        error, hint = r.stderr.splitlines()
        assert error.startswith("ccc: error: only_end.csv: no end-time or duration column")
        assert hint.endswith("'ccc inspect only_end.csv' shows its columns and the closest presets")
    r = runner.invoke(app, ["inspect", "only_end.csv"])
    assert r.exit_code == 0, r.output
