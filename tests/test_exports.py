"""Real exports read right with no flags (issue 12, section 1): each defect found on an
export nobody here wrote a fixture for, as a test. Expected values worked out in
comments."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ccc_cli.api import LoadOptions, compute_peaks, load_calls
from ccc_cli.cli.app import app


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


def peak_json(runner: CliRunner, *args: str) -> dict[str, Any]:
    r = runner.invoke(app, ["peak", *args, "--format", "json", "-q"])
    assert r.exit_code == 0, r.output
    doc: dict[str, Any] = json.loads(r.stdout)
    return doc


# --- an id column that does not identify calls -----------------------------------------
def test_a_constant_id_column_is_not_the_call_id(tmp_path: Path, runner: CliRunner) -> None:
    # Two calls at the same second; `id` is 0 on both (a Yeastar table), `uniqueid` differs.
    path = write(
        tmp_path / "z.csv",
        "id,datetime,duration,uniqueid\n"
        "0,2020-01-15 11:43:41,2,1579081421.46\n"
        "0,2020-01-15 11:43:41,2,1579081421.43\n",
    )
    doc = peak_json(runner, path, "--start-col", "datetime")
    assert doc["peak"]["value"] == 2
    assert doc["rows"]["duplicates"] == 0
    assert any("told apart by 'uniqueid'" in n and "'id' holds '0'" in n for n in doc["notes"])
    r = runner.invoke(app, ["inspect", path, "--start-col", "datetime", "-f", "json", "-q"])
    column = json.loads(r.stdout)["files"][0]["fields"]["call_id"]
    assert column["column"] == "uniqueid"


def test_a_row_number_gives_way_to_the_vendor_id(tmp_path: Path) -> None:
    # `id` counts rows; `uuid` names calls: the two legs of u1 are duplicates (same times).
    path = write(
        tmp_path / "rn.csv",
        "id,start_time,end_time,uuid\n"
        "1,2026-11-20 10:00:00,2026-11-20 11:00:00,u1\n"
        "2,2026-11-20 10:00:00,2026-11-20 11:00:00,u1\n"
        "3,2026-11-20 10:30:00,2026-11-20 11:00:00,u2\n",
    )
    cs = load_calls([path])
    assert (cs.accounting.used, cs.accounting.duplicates) == (2, 1)


def test_an_id_named_by_flag_is_always_used(tmp_path: Path) -> None:
    path = write(
        tmp_path / "flag.csv",
        "id,start_time,end_time\n0,2026-11-20 10:00:00,2026-11-20 11:00:00\n"
        "0,2026-11-20 10:00:00,2026-11-20 11:00:00\n",
    )
    cs = load_calls([path], LoadOptions(columns={"call_id": "id"}))
    assert cs.accounting.duplicates == 1


# --- timestamps as databases print them -----------------------------------------------------
def test_offsets_of_every_form(tmp_path: Path) -> None:
    # PostgreSQL prints timestamptz with an hour-only offset: 11:36:51+08 is 03:36:51Z.
    path = write(
        tmp_path / "pg.csv",
        "call_id,start_time,end_time\n"
        "c1,2025-06-02 11:36:51+08,2025-06-02 11:40:00+08\n"
        "c2,2025-06-02 03:37:00.123456789Z,2025-06-02T11:41:00.5+08:00\n"
        "c3,2025-06-02 11:38:00+0800,2025-06-02 11:39:00 +08:00\n",
    )
    cs = load_calls([path])
    assert cs.calls.sort("call_id")["start"].to_list() == [
        datetime(2025, 6, 2, 3, 36, 51, tzinfo=UTC),
        datetime(2025, 6, 2, 3, 37, 0, 123456, tzinfo=UTC),
        datetime(2025, 6, 2, 3, 38, 0, tzinfo=UTC),
    ]
    assert compute_peaks(cs).total.value == 3  # all three active at 03:38:00Z


def test_a_time_format_with_percent_z_reads_hour_only_offsets(tmp_path: Path) -> None:
    path = write(
        tmp_path / "z.csv",
        "call_id,start_time,end_time\nc1,02/06/2025 11:36:51+08,02/06/2025 11:40:00+08\n",
    )
    cs = load_calls([path], LoadOptions(time_format="%d/%m/%Y %H:%M:%S%z"))
    assert cs.calls["start"].to_list() == [datetime(2025, 6, 2, 3, 36, 51, tzinfo=UTC)]


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("20/11/2026 10:32:05", "--time-format '%d/%m/%Y %H:%M:%S'"),
        ("11/20/2026 10:32", "--time-format '%m/%d/%Y %H:%M'"),
        ("20.11.2026 10:32:05", "--time-format '%d.%m.%Y %H:%M:%S'"),
    ],
)
def test_the_hint_proposes_a_format_that_fits(
    tmp_path: Path, runner: CliRunner, value: str, hint: str
) -> None:
    path = write(tmp_path / "t.csv", f"call_id,start_time,end_time\nc1,{value},{value}\n")
    r = runner.invoke(app, ["peak", path])
    assert r.exit_code == 3
    assert f"hint: pass {hint}, or pick another column" in r.stderr
    fmt = hint.split("'")[1]
    assert peak_json(runner, path, "--time-format", fmt)["rows"]["used"] == 1


def test_mysql_zero_dates_are_implausible(tmp_path: Path) -> None:
    path = write(
        tmp_path / "zero.csv",
        "call_id,start_time,end_time\nc1,0000-00-00 00:00:00,2026-11-20 11:00:00\n",
    )
    assert load_calls([path]).accounting.invalid_reasons["implausible_time"] == 1


# --- links that combine -----------------------------------------------------------------------
def test_group_and_parent_links_both_apply(tmp_path: Path) -> None:
    # a and b share session S; c names b as parent: one call a+b+c. d alone. Calls:
    # [10:00,10:10) [10:05,10:20) [10:15,10:30) joined = [10:00,10:30); d [10:20,10:40).
    # At 10:20 the joined call and d: 2; as four separate calls the peak would be 2 too,
    # so check the accounting: 2 calls, 2 merged legs.
    path = write(
        tmp_path / "links.csv",
        "call_id,session,parent,start_time,end_time\n"
        "a,S,,2026-11-20 10:00:00,2026-11-20 10:10:00\n"
        "b,S,,2026-11-20 10:05:00,2026-11-20 10:20:00\n"
        "c,,b,2026-11-20 10:15:00,2026-11-20 10:30:00\n"
        "d,,,2026-11-20 10:20:00,2026-11-20 10:40:00\n",
    )
    options = LoadOptions(columns={"group": "session", "parent": "parent"})
    cs = load_calls([path], options)
    assert (cs.accounting.used, cs.accounting.merged_legs) == (2, 2)


def test_a_group_of_several_columns(tmp_path: Path) -> None:
    # CUCM: globalCallID_callManagerId + globalCallID_callId identify a call together.
    # (1, 100) has two legs; (2, 100) is another call with the same callId.
    path = write(
        tmp_path / "cucm.csv",
        "mgr,cid,start_time,end_time\n"
        "1,100,2026-11-20 10:00:00,2026-11-20 10:10:00\n"
        "1,100,2026-11-20 10:02:00,2026-11-20 10:12:00\n"
        "2,100,2026-11-20 10:05:00,2026-11-20 10:15:00\n",
    )
    cs = load_calls([path], LoadOptions(columns={"group": "mgr,cid"}))
    assert (cs.accounting.used, cs.accounting.merged_legs) == (2, 1)
    assert compute_peaks(cs).total.value == 2


# --- end and duration --------------------------------------------------------------------------
def test_the_end_wins_over_the_duration_and_disagreements_are_noted(tmp_path: Path) -> None:
    # c1 agrees; c2's end is 4 minutes past start + duration; c3 ends before it starts
    # (invalid, although its duration is fine); c4 has no end: start + duration.
    path = write(
        tmp_path / "ed.csv",
        "call_id,start_time,end_time,duration\n"
        "c1,2026-11-20 10:00:00,2026-11-20 10:01:00,60\n"
        "c2,2026-11-20 10:00:00,2026-11-20 10:05:00,60\n"
        "c3,2026-11-20 10:00:00,2026-11-20 09:05:00,60\n"
        "c4,2026-11-20 10:00:00,,30\n",
    )
    cs = load_calls([path])
    ends = dict(zip(cs.calls["call_id"], cs.calls["end"], strict=True))
    assert ends["c2"] == datetime(2026, 11, 20, 10, 5, tzinfo=UTC)
    assert ends["c4"] == datetime(2026, 11, 20, 10, 0, 30, tzinfo=UTC)
    assert cs.accounting.invalid_reasons["end_before_start"] == 1
    (note,) = [n for n in cs.notes if "disagree" in n]
    assert "on 1 row(s)" in note and "(first: line 3)" in note


# --- a date column beside times of day ---------------------------------------------------
def test_a_date_column_with_times_of_day(tmp_path: Path, runner: CliRunner) -> None:
    # YYMMDD dates; c2 runs past midnight (23:59:30 to 0:01:00 the next day) and so
    # overlaps c3, which starts at 0:00:10 on the 2nd.
    path = write(
        tmp_path / "bank.tsv",
        "call_id\tdate\tstart\tend\n"
        "c1\t990201\t7:02:47\t7:05:41\n"
        "c2\t990201\t23:59:30\t0:01:00\n"
        "c3\t990202\t0:00:10\t0:02:00\n",
    )
    doc = peak_json(runner, path, "--date-col", "date", "--start-col", "start", "--end-col", "end")
    assert doc["rows"]["used"] == 3
    assert doc["peak"] == {
        "value": 2,
        "at": "1999-02-02T00:00:10+00:00",
        "mix": {
            "inbound": 0,
            "outbound": 0,
            "internal": 0,
            "app_to_app": 0,
            "otp": 0,
            "other": 2,
        },
    }
    doc = peak_json(
        runner,
        path,
        "--date-col",
        "date",
        "--date-format",
        "%y%m%d",
        "--start-col",
        "start",
        "--end-col",
        "end",
    )
    assert doc["peak"]["value"] == 2
