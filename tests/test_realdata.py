"""Real CDR files from ``../shared/realdata``: ``ccc peak`` and ``ccc inspect`` with flags.

Here every file is read with ``--preset generic`` and explicit column flags; the
built-in presets (no flags at all) are tested in ``tests/test_realdata_presets.py``.

Every file the generic loader can map with explicit flags has one :class:`Case` below
(vendor presets come later; here every column is named on the command line). Each case
is checked three ways:

* against an independent reading of the file with the ``csv``/``datetime`` modules
  (row count, row accounting, and a count of the calls covering every start instant,
  half-open ``[start, end)``, legs sharing the group value counted once);
* against the value verified by hand when the case was written (``peak``/``peak_at``),
  so that a silent change in either reading is caught;
* ``ccc inspect`` must report the columns that were passed.

Files the generic loader cannot map are listed in :data:`SKIPPED` with the reason.
The whole module is skipped when the folder is absent (it is never copied into the project).
"""

from __future__ import annotations

import bisect
import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from ccc_cli.api import LoadOptions, compute_peaks, load_calls
from ccc_cli.cli.app import app

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not REALDATA.is_dir(), reason=f"{REALDATA} is absent"),
]

ENV = {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}
TYPES = ("inbound", "outbound", "internal", "app_to_app", "otp", "other")
MAX_DURATION = timedelta(hours=24)  # ccc's default --max-duration

# Field -> flag naming its column (as in `ccc peak --help`).
FLAGS = {
    "call_id": "--id-col",
    "start": "--start-col",
    "end": "--end-col",
    "duration": "--duration-col",
    "call_type": "--type-col",
    "account": "--account-col",
    "parent": "--parent-col",
    "group": "--group-col",
    "status": "--status-col",
}

# Files under ../shared/realdata that the generic loader cannot map with flags.
SKIPPED: dict[str, str] = {
    "anonymous_bank_feb1999/data_anonymous_bank_february.txt": (
        "times are time of day only (vru_entry, q_start, ser_exit, ... as H:MM:SS) with the "
        "date in a separate YYMMDD `date` column; the loader takes one column per instant, "
        "and a call ends at max(vru_exit, q_exit, ser_exit) with midnight wraps"
    ),
    "anonymous_bank_oneday_bokeh/calls_one_day.csv": (
        "time of day only (H:MM:SS) and no date column at all (SOURCE.md lists one, the file "
        "has none); a call ends at max(vru_exit, q_exit, ser_exit), not one column"
    ),
}


# --- independent reading ------------------------------------------------------------------
TimeParser = Callable[[str, tzinfo], datetime]


def text_time(fmt: str) -> TimeParser:
    """Naive local text in ``fmt``, read in the case's zone."""

    def parse(value: str, zone: tzinfo) -> datetime:
        return datetime.strptime(value, fmt).replace(tzinfo=zone)

    return parse


def epoch_seconds(value: str, zone: tzinfo) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=int(value))


def iso_time(value: str, zone: tzinfo) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


@dataclass(frozen=True)
class Case:
    """One real file, the flags that map it, and what it must give."""

    path: str  # relative to REALDATA
    columns: dict[str, str]  # field -> column, each passed with its FLAGS entry
    parse_time: TimeParser  # how this test reads start/end on its own
    peak: int  # verified peak (legs grouped)
    peak_at: str  # first instant of the peak, ISO 8601
    rows: int  # data rows, as SOURCE.md / README.md state them
    header: bool = True
    tz: str = "UTC"
    time_format: str | None = None
    epoch_unit: str | None = None
    encoding: str = "utf-8"
    type_values: dict[str, str] = field(default_factory=dict)  # raw (lower) -> type
    ungrouped_peak: int | None = None  # verified peak with --group-col left out
    uniqueid_epoch: bool = False  # call id is an Asterisk uniqueid: epoch of the start
    why: str = ""

    @property
    def id(self) -> str:
        return self.path.rsplit(".", 1)[0]

    def flags(self, *, grouped: bool = True) -> list[str]:
        # Every column named by hand: no preset (tests/test_realdata_presets.py has them).
        out = ["--preset", "generic"] + ([] if self.header else ["--no-header"])
        for name, column in self.columns.items():
            if name != "group" or grouped:
                out += [FLAGS[name], column]
        if self.tz != "UTC":
            out += ["--tz", self.tz]
        if self.time_format:
            out += ["--time-format", self.time_format]
        if self.epoch_unit:
            out += ["--epoch-unit", self.epoch_unit]
        return out

    def options(self, *, grouped: bool = True) -> LoadOptions:
        columns = {k: v for k, v in self.columns.items() if k != "group" or grouped}
        return LoadOptions(
            columns=columns,
            tz=self.tz,
            time_format=self.time_format,
            epoch_unit=self.epoch_unit or "auto",  # type: ignore[arg-type]
            has_header=self.header,
            preset="generic",
        )


CASES = [
    Case(
        path="asterisk_cdr_csv_mineevburyat/Master.csv",
        uniqueid_epoch=True,
        why="cdr_csv, 21 columns, headerless, UTC; legs share linkedid (column 20)",
        header=False,
        encoding="latin-1",
        columns={
            "start": "column_10",
            "end": "column_12",
            "call_id": "column_17",
            "group": "column_20",
            "status": "column_15",
        },
        parse_time=text_time("%Y-%m-%d %H:%M:%S"),
        rows=84,
        peak=2,
        peak_at="2024-01-28T03:34:53+00:00",
        ungrouped_peak=5,  # 6 without --id-col: 10 Dial-fork rows repeat uniqueid and times
    ),
    Case(
        path="asterisk_cdr_custom_kelysaina/Master.csv",
        uniqueid_epoch=True,
        why="cdr_custom order (19 columns), headerless, local UTC+3, no linkedid",
        header=False,
        tz="Indian/Antananarivo",
        columns={
            "start": "column_9",
            "end": "column_11",
            "call_id": "column_17",
            "status": "column_14",
        },
        parse_time=text_time("%Y-%m-%d %H:%M:%S"),
        rows=14,
        peak=1,
        peak_at="2023-07-26T01:51:32+03:00",
    ),
    Case(
        path="asterisk_cdrdb_srinimonster/cdr.csv",
        uniqueid_epoch=True,
        why="calldate + duration (no end column), local UTC-5, legs share linkedid",
        tz="America/New_York",
        columns={
            "start": "calldate",
            "duration": "duration",
            "call_id": "uniqueid",
            "group": "linkedid",
            "status": "disposition",
        },
        parse_time=text_time("%Y-%m-%d %H:%M:%S"),
        rows=1000,
        peak=16,
        peak_at="2018-12-01T07:16:17-05:00",
        ungrouped_peak=107,
    ),
    Case(
        path="copenhagen_calls/calls.csv",
        why="relative seconds since the study start (read as epoch s); duration -1 = missed",
        columns={"start": "timestamp", "duration": "duration"},
        epoch_unit="s",
        parse_time=epoch_seconds,
        rows=3600,
        peak=4,
        peak_at="1970-01-12T17:03:11+00:00",  # t = 1,011,791 s, as SOURCE.md states
    ),
    Case(
        path="cucm_cdr_synthetic_hleguern/cdr.csv",
        why="synthetic; epoch seconds UTC; legs share globalCallID_callId",
        columns={
            "start": "dateTimeOrigination",
            "end": "dateTimeDisconnect",
            "call_id": "pkid",
            "group": "globalCallID_callId",
        },
        epoch_unit="s",
        parse_time=epoch_seconds,
        rows=3,
        peak=1,
        peak_at="2020-04-19T19:22:35+00:00",
    ),
    Case(
        path="freepbx_cdr_apspoliveira/cdr.csv",
        uniqueid_epoch=True,
        why="headerless cdr table dump, calldate D/M/YYYY H:MM:SS local UTC+1, duration",
        header=False,
        tz="Europe/Lisbon",
        time_format="%d/%m/%Y %H:%M:%S",
        columns={
            "start": "column_1",
            "duration": "column_10",
            "call_id": "column_15",
            "status": "column_12",
        },
        parse_time=text_time("%d/%m/%Y %H:%M:%S"),
        rows=856,
        peak=46,
        peak_at="2017-09-09T18:15:35+01:00",
    ),
    Case(
        path="freepbx_cdr_apspoliveira/cdr__1504542198ucoip.g9telecom.pt.csv",
        uniqueid_epoch=True,
        why="FreePBX report export, calldate + duration, local UTC+1",
        tz="Europe/Lisbon",
        columns={
            "start": "calldate",
            "duration": "duration",
            "call_id": "uniqueid",
            "status": "disposition",
        },
        parse_time=text_time("%Y-%m-%d %H:%M:%S"),
        rows=100,
        peak=6,
        peak_at="2017-09-04T12:39:26+01:00",
    ),
    Case(
        path="freepbx_cdr_apspoliveira/cdr_new.csv",
        why="CR-only line ends; DD/MM/YY HH:MM (minute resolution) + duration",
        tz="Europe/Lisbon",
        time_format="%d/%m/%y %H:%M",
        columns={"start": "calldate", "duration": "duration"},
        parse_time=text_time("%d/%m/%y %H:%M"),
        rows=25,  # SOURCE.md says 24, but there are 25 CRs and a last unterminated row
        peak=5,
        peak_at="2017-08-24T11:57:00+01:00",
    ),
    Case(
        path="freeswitch_cdr_csv_kxingyunliushui/Master.csv",
        why=(
            "headerless mod_cdr_csv; start_stamp re-written to minute resolution, so "
            "start + duration (seconds) rather than end_stamp; zone unknown (UTC)"
        ),
        header=False,
        columns={
            "start": "column_5",
            "duration": "column_8",
            "call_id": "column_11",
            "status": "column_10",
        },
        parse_time=text_time("%Y/%m/%d %H:%M"),
        rows=10,
        peak=4,
        peak_at="2020-02-10T22:41:00+00:00",
    ),
    Case(
        path="twilio_calls_synthetic_yuriybabenko/calls.csv",
        why="synthetic Twilio Call fields, ISO 8601 UTC with Z; no child legs",
        columns={
            "start": "start_time",
            "end": "end_time",
            "call_id": "sid",
            "call_type": "direction",
            "account": "account_sid",
            "parent": "parent_call_sid",
            "status": "status",
        },
        parse_time=iso_time,
        type_values={"inbound": "inbound", "outbound": "outbound"},
        rows=5000,
        peak=3,
        peak_at="2023-07-29T17:57:28.658000+00:00",
    ),
    Case(
        path="vn_callbot_outbound_hieung1707/Master.csv",
        why="headerless callbot report, call_start/end_time, presumably local UTC+7",
        header=False,
        tz="Asia/Ho_Chi_Minh",
        columns={"start": "column_8", "end": "column_11", "status": "column_9"},
        parse_time=text_time("%Y-%m-%d %H:%M:%S"),
        rows=56,
        peak=11,
        peak_at="2019-07-22T17:00:34+07:00",
    ),
]


def read_rows(case: Case) -> list[dict[str, str]]:
    """The data rows of the file as dicts (``column_N`` names when headerless)."""
    text = (REALDATA / case.path).read_bytes().decode(case.encoding)
    # newline="" keeps CR-only, LF and CRLF line ends for the csv module to split on.
    records = list(csv.reader(io.StringIO(text, newline="")))
    if case.header:
        names, records = records[0], records[1:]
    else:
        names = [f"column_{i}" for i in range(1, len(records[0]) + 1)]
    assert all(len(r) == len(names) for r in records), "ragged rows"
    return [dict(zip(names, r, strict=True)) for r in records]


def value(row: dict[str, str], case: Case, name: str) -> str | None:
    column = case.columns.get(name)
    if column is None:
        return None
    text = row[column].strip()
    return None if text in ("", "NULL") else text


@dataclass
class Expected:
    accounting: dict[str, int]
    peak: int
    at: datetime | None
    by_type: dict[str, int]


def merge(legs: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Union of half-open legs, without empty ones: disjoint intervals of one call."""
    out: list[tuple[datetime, datetime]] = []
    for s, e in sorted(leg for leg in legs if leg[1] > leg[0]):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def peak_of(calls: list[list[tuple[datetime, datetime]]]) -> tuple[int, datetime | None]:
    """Highest number of calls covering a start instant, and the first such instant.

    A call's intervals are disjoint, so the calls covering t are the intervals with
    start <= t minus those with end <= t (both counted by bisection over sorted lists).
    """
    intervals = [iv for legs in calls for iv in merge(legs)]
    starts = sorted(s for s, _ in intervals)
    ends = sorted(e for _, e in intervals)
    best, at = 0, None
    for t in starts:
        level = bisect.bisect_right(starts, t) - bisect.bisect_right(ends, t)
        if level > best:
            best, at = level, t
    return best, at


def brute_force(case: Case, rows: list[dict[str, str]], *, grouped: bool = True) -> Expected:
    zone = ZoneInfo(case.tz)
    acc = dict.fromkeys(("used", "duplicates", "merged_legs", "plan_limit_rejected"), 0)
    invalid = 0
    seen: set[tuple[str, datetime, datetime]] = set()
    calls: dict[Any, list[tuple[datetime, datetime]]] = {}
    call_type: dict[Any, tuple[datetime, int, str]] = {}  # first leg's (start, row, type)
    for n, row in enumerate(rows):
        status = value(row, case, "status")
        if status is not None and "reach_plan_limit" in status.lower():
            acc["plan_limit_rejected"] += 1
            continue
        raw_start, raw_end = value(row, case, "start"), value(row, case, "end")
        raw_duration = value(row, case, "duration")
        try:
            start = case.parse_time(raw_start or "", zone)
            if raw_end is not None:
                end = case.parse_time(raw_end, zone)
            else:
                end = start + timedelta(seconds=float(raw_duration or ""))
        except ValueError:
            invalid += 1
            continue
        if end < start or end - start > MAX_DURATION:
            invalid += 1
            continue
        call_id = value(row, case, "call_id")
        if call_id is not None:
            if (call_id, start, end) in seen:
                acc["duplicates"] += 1
                continue
            seen.add((call_id, start, end))
        group = value(row, case, "group") if grouped else None
        key: Any = ("group", group) if group is not None else ("row", n)
        calls.setdefault(key, []).append((start, end))
        raw_type = (value(row, case, "call_type") or "").lower()
        first = (start, n, case.type_values.get(raw_type, "other"))
        call_type[key] = min(call_type.get(key, first), first)
    acc["used"] = len(calls)
    acc["merged_legs"] = sum(len(legs) for legs in calls.values()) - len(calls)
    total, at = peak_of(list(calls.values()))
    by_type = {
        t: peak_of([legs for k, legs in calls.items() if call_type[k][2] == t])[0] for t in TYPES
    }
    accounting = {"read": len(rows), **acc, "invalid": invalid}
    return Expected(accounting=accounting, peak=total, at=at, by_type=by_type)


# --- running ccc -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner(env=ENV)


def run_json(runner: CliRunner, command: str, case: Case, *, grouped: bool = True) -> Any:
    path = str(REALDATA / case.path)
    r = runner.invoke(app, [command, path, *case.flags(grouped=grouped), "-q", "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def at_of(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


BUCKETS = ("used", "duplicates", "merged_legs", "plan_limit_rejected", "invalid")


def test_every_realdata_file_is_a_case_or_skipped() -> None:
    files = {
        p.relative_to(REALDATA).as_posix()
        for p in REALDATA.rglob("*")
        if p.is_file() and p.name not in ("SOURCE.md", "README.md")
    }
    covered = {c.path for c in CASES} | set(SKIPPED)
    assert files == covered
    assert not {c.path for c in CASES} & set(SKIPPED)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_peak_matches_independent_count(runner: CliRunner, case: Case) -> None:
    rows = read_rows(case)
    assert len(rows) == case.rows
    expected = brute_force(case, rows)
    doc = run_json(runner, "peak", case)

    accounting = doc["rows"]
    assert accounting["read"] == len(rows)
    assert sum(accounting[b] for b in BUCKETS) == accounting["read"]
    assert sum(accounting["invalid_reasons"].values()) == accounting["invalid"]
    assert {k: accounting[k] for k in expected.accounting} == expected.accounting

    total = doc["peak"]
    assert total["value"] == expected.peak
    assert at_of(total["at"]) == expected.at
    assert sum(total["mix"].values()) == total["value"]
    assert {t: p["value"] for t, p in doc["peak_by_type"].items()} == expected.by_type

    # The values verified when this case was written: a change on either side shows here.
    assert (expected.peak, expected.at) == (case.peak, at_of(case.peak_at))


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.ungrouped_peak is not None],
    ids=lambda c: c.id,
)
def test_grouping_legs_counts_each_call_once(runner: CliRunner, case: Case) -> None:
    rows = read_rows(case)
    expected = brute_force(case, rows, grouped=False)
    doc = run_json(runner, "peak", case, grouped=False)
    assert doc["peak"]["value"] == expected.peak == case.ungrouped_peak
    assert doc["rows"]["merged_legs"] == 0
    assert case.ungrouped_peak is not None and case.ungrouped_peak > case.peak


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_inspect_reports_the_columns_passed(runner: CliRunner, case: Case) -> None:
    doc = run_json(runner, "inspect", case)
    (report,) = doc["files"]
    assert report["rows_read"] == case.rows
    assert doc["rows"]["read"] == case.rows
    mapped = report["fields"]
    for name, column in case.columns.items():
        assert mapped[name]["column"] == column, name
        assert mapped[name]["why"] == f"set by {FLAGS[name]}", name
    if case.time_format:
        assert case.time_format in mapped["start"]["encoding"]
    if case.epoch_unit:
        assert mapped["start"]["encoding"].startswith(f"epoch {case.epoch_unit}")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_library_api_gives_the_same_peak(case: Case) -> None:
    calls = load_calls([REALDATA / case.path], case.options())
    assert calls.accounting.read == case.rows
    assert compute_peaks(calls).total.value == case.peak


@pytest.mark.parametrize("case", [c for c in CASES if c.uniqueid_epoch], ids=lambda c: c.id)
def test_zone_of_the_case_agrees_with_uniqueid(case: Case) -> None:
    """An Asterisk uniqueid starts with the epoch second the channel was created: reading
    the start in the case's zone must give that second for most rows (other rows are legs
    created later in the same call). This checks the zones (and so ``peak_at``) above."""
    zone = ZoneInfo(case.tz)
    rows = read_rows(case)
    same = 0
    for row in rows:
        epoch = int(row[case.columns["call_id"]].rsplit("-", 1)[-1].split(".")[0])
        start = case.parse_time(row[case.columns["start"]], zone)
        same += int(start.timestamp()) == epoch
    assert same >= 2 * len(rows) / 3


def test_peak_table_output(runner: CliRunner) -> None:
    case = CASES[0]
    r = runner.invoke(app, ["peak", str(REALDATA / case.path), *case.flags()])
    assert r.exit_code == 0, r.output
    assert "total" in r.stdout
    assert f"peak: {case.peak} calls at" in r.stdout


def test_bank_call_centre_reads_with_a_date_column() -> None:
    """Anonymous Bank, February 1999: a YYMMDD ``date`` column and service times of day.

    The flags its SOURCE.md calls for: the service interval runs from ``ser_start`` for
    ``ser_time`` seconds (a time past midnight wraps: ``ser_start 23:59:43`` plus 105 s
    ends the next day). Checked against a count written here with the csv module: every
    interval [date + ser_start, + ser_time), ends before starts at equal instants.
    """
    path = REALDATA / "anonymous_bank_feb1999" / "data_anonymous_bank_february.txt"
    options = LoadOptions(columns={"date": "date", "start": "ser_start", "duration": "ser_time"})
    calls = load_calls([path], options)
    result = compute_peaks(calls)

    events: list[tuple[datetime, int]] = []
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            day = datetime.strptime(row["date"], "%y%m%d").replace(tzinfo=UTC)
            h, m, s = (int(x) for x in row["ser_start"].split(":"))
            start = day + timedelta(hours=h, minutes=m, seconds=s)
            end = start + timedelta(seconds=int(row["ser_time"]))
            if end > start:
                events += [(start, 1), (end, -1)]
    events.sort(key=lambda e: (e[0], e[1]))
    level = best = 0
    best_at = None
    for at, delta in events:
        level += delta
        if level > best:
            best, best_at = level, at
    assert (result.total.value, result.total.at) == (best, best_at)
    assert best == 11  # SOURCE.md: 11 agents busy at once, first at 1999-02-08 13:53:20
    assert best_at == datetime(1999, 2, 8, 13, 53, 20, tzinfo=UTC)
