"""Every real file under ``../shared/realdata``, read with no flags at all.

For each file whose format has a preset: the preset detected, ``ccc inspect`` and
``ccc analyze`` run, and the row accounting and peak equal an independent count written
here: the file read with the ``csv`` and ``datetime`` modules, the vendor's columns
picked by position or name as its documentation says (``shared/docs/cdr-formats.md``),
legs grouped by their vendor link (linkedid, global call id, parent sid, ...), and the
calls covering every start instant counted (half-open ``[start, end)``). The peak found
that way when the case was written is also pinned (``peak``/``peak_at``).

Files with no preset must fail with the one-line error that lists the presets.
The module is skipped when the folder is absent (it is never copied into the project).
"""

from __future__ import annotations

import bisect
import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ccc_cli.cli.app import app
from ccc_cli.errors import ExitCode
from ccc_cli.normalize.presets import PRESET_NAMES

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not REALDATA.is_dir(), reason=f"{REALDATA} is absent"),
]

ENV = {"NO_COLOR": "1", "COLUMNS": "160", "TERM": "dumb"}
MAX_DURATION = timedelta(hours=24)


@dataclass(frozen=True)
class Leg:
    """One row as this test reads it: None times mean unparseable."""

    call_id: str | None
    start: datetime | None
    end: datetime | None
    group: str | None = None  # rows sharing it are one call
    parent: str | None = None  # the call id of the leg that created this one
    keep: bool = True  # False: not a call record (preset row filter)


Reader = Callable[[list[str], dict[str, int]], Leg]


def naive(fmt: str) -> Callable[[str], datetime | None]:
    def parse(text: str) -> datetime | None:
        text = text.strip()
        if not text or text == "NULL":
            return None
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            return None

    return parse


def plus_seconds(start: datetime | None, seconds: str) -> datetime | None:
    text = seconds.strip()
    if start is None or not text or text == "NULL":
        return None
    return start + timedelta(seconds=float(text))


def epoch_s(text: str) -> datetime | None:
    text = text.strip()
    return datetime.fromtimestamp(int(text), UTC) if text else None


def iso(text: str) -> datetime | None:
    text = text.strip()
    return datetime.fromisoformat(text) if text else None


def or_none(text: str) -> str | None:
    text = text.strip()
    return None if text in ("", "NULL") else text


YMD = naive("%Y-%m-%d %H:%M:%S")


# --- the vendors' columns, read independently ---------------------------------------------
def cdr_csv_21(r: list[str], _: dict[str, int]) -> Leg:
    # accountcode..amaflags (16), uniqueid, userfield, peeraccount, linkedid, sequence
    return Leg(f"{r[16]}/{r[20]}", YMD(r[9]), YMD(r[11]), group=or_none(r[19]))


def cdr_custom(r: list[str], _: dict[str, int]) -> Leg:
    # clid, src, dst, dcontext, channel, dstchannel, lastapp, lastdata, start, answer, end,
    # duration, billsec, disposition, amaflags, accountcode, uniqueid, userfield, sequence
    return Leg(f"{r[16]}/{r[18]}", YMD(r[8]), YMD(r[10]), group=or_none(r[16]))


def cdr_db(r: list[str], h: dict[str, int]) -> Leg:
    start = YMD(r[h["calldate"]])
    call_id = or_none(r[h["uniqueid"]])
    if call_id is not None and "sequence" in h:
        call_id = f"{call_id}/{r[h['sequence']]}"
    link = "linkedid" if "linkedid" in h else "uniqueid"
    return Leg(call_id, start, plus_seconds(start, r[h["duration"]]), group=or_none(r[h[link]]))


def freepbx_dump(r: list[str], _: dict[str, int]) -> Leg:
    # calldate (D/M/YYYY), clid, src, dst, dcontext, channel, dstchannel, lastapp,
    # lastdata, duration, billsec, disposition, amaflags, accountcode, uniqueid, ...
    start = naive("%d/%m/%Y %H:%M:%S")(r[0])
    return Leg(or_none(r[14]), start, plus_seconds(start, r[9]), group=or_none(r[14]))


def freepbx_reduced(r: list[str], h: dict[str, int]) -> Leg:
    start = naive("%d/%m/%y %H:%M")(r[h["calldate"]])
    return Leg(None, start, plus_seconds(start, r[h["duration"]]))


def freeswitch(r: list[str], _: dict[str, int]) -> Leg:
    # caller_id_name, caller_id_number, destination_number, context, start_stamp,
    # answer_stamp, end_stamp, duration, billsec, hangup_cause, uuid, bleg_uuid, ...
    # The stamps were re-saved at minute resolution: start + duration (seconds) is the end.
    start = naive("%Y/%m/%d %H:%M")(r[4])
    return Leg(or_none(r[10]), start, plus_seconds(start, r[7]), parent=or_none(r[11]))


def twilio(r: list[str], h: dict[str, int]) -> Leg:
    start = iso(r[h["start_time"]] or r[h["date_created"]])
    end = iso(r[h["end_time"]] or r[h["date_updated"]])
    return Leg(or_none(r[h["sid"]]), start, end, parent=or_none(r[h["parent_call_sid"]]))


def cucm(r: list[str], h: dict[str, int]) -> Leg:
    group = f"{r[h['globalCallID_callManagerId']]}-{r[h['globalCallID_callId']]}"
    return Leg(
        or_none(r[h["pkid"]]),
        epoch_s(r[h["dateTimeOrigination"]]),
        epoch_s(r[h["dateTimeDisconnect"]]),
        group=group,
        keep=r[h["cdrRecordType"]].strip() == "1",
    )


def copenhagen(r: list[str], h: dict[str, int]) -> Leg:
    start = epoch_s(r[h["timestamp"]])
    return Leg(None, start, plus_seconds(start, r[h["duration"]]))


@dataclass(frozen=True)
class Case:
    path: str
    preset: str
    layout: str  # part of the layout name reported
    reader: Reader
    peak: int  # found by this test's own count when the case was written
    peak_at: str
    header: bool = True
    encoding: str = "utf-8"

    @property
    def id(self) -> str:
        return self.path.rsplit(".", 1)[0]


CASES = [
    Case(
        "asterisk_cdr_csv_mineevburyat/Master.csv",
        "asterisk",
        "cdr_csv Master.csv, 21 columns",
        cdr_csv_21,
        2,
        "2024-01-28T03:34:53+00:00",
        header=False,
        encoding="latin-1",
    ),
    Case(
        "asterisk_cdr_custom_kelysaina/Master.csv",
        "asterisk",
        "cdr_custom",
        cdr_custom,
        1,
        "2023-07-26T01:51:32+00:00",
        header=False,
    ),
    Case(
        "asterisk_cdrdb_srinimonster/cdr.csv",
        "asterisk",
        "database export",
        cdr_db,
        16,
        "2018-12-01T07:16:17+00:00",
    ),
    Case(
        "freepbx_cdr_apspoliveira/cdr.csv",
        "asterisk",
        "FreePBX cdr table dump",
        freepbx_dump,
        46,
        "2017-09-09T18:15:35+00:00",
        header=False,
    ),
    Case(
        "freepbx_cdr_apspoliveira/cdr__1504542198ucoip.g9telecom.pt.csv",
        "asterisk",
        "database export",
        cdr_db,
        6,
        "2017-09-04T12:39:26+00:00",
    ),
    Case(
        "freepbx_cdr_apspoliveira/cdr_new.csv",
        "asterisk",
        "database export",
        freepbx_reduced,
        5,
        "2017-08-24T11:57:00+00:00",
    ),
    Case(
        "freeswitch_cdr_csv_kxingyunliushui/Master.csv",
        "freeswitch",
        "default template",
        freeswitch,
        4,
        "2020-02-10T22:41:00+00:00",
        header=False,
    ),
    Case(
        "twilio_calls_synthetic_yuriybabenko/calls.csv",
        "twilio",
        "Call resource",
        twilio,
        3,
        "2023-07-29T17:57:28.658000+00:00",
    ),
    Case(
        "cucm_cdr_synthetic_hleguern/cdr.csv",
        "cucm",
        "CDR flat file",
        cucm,
        1,
        "2020-04-19T19:22:35+00:00",
    ),
    Case(
        "copenhagen_calls/calls.csv",
        "generic",
        "canonical names",
        copenhagen,
        4,
        "1970-01-12T17:03:11+00:00",
    ),
]
NO_PRESET = (
    "anonymous_bank_feb1999/data_anonymous_bank_february.txt",
    "anonymous_bank_oneday_bokeh/calls_one_day.csv",
    "vn_callbot_outbound_hieung1707/Master.csv",
)


# --- the independent count ---------------------------------------------------------------------
def read_legs(case: Case) -> list[Leg]:
    text = (REALDATA / case.path).read_bytes().decode(case.encoding)
    records = [r for r in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")) if r]
    names: dict[str, int] = {}
    if case.header:
        names = {n: i for i, n in enumerate(records[0])}
        records = records[1:]
    return [case.reader(r, names) for r in records]


def merge(legs: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    out: list[tuple[datetime, datetime]] = []
    for s, e in sorted(leg for leg in legs if leg[1] > leg[0]):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def peak_of(calls: list[list[tuple[datetime, datetime]]]) -> tuple[int, datetime | None]:
    intervals = [iv for legs in calls for iv in merge(legs)]
    starts = sorted(s for s, _ in intervals)
    ends = sorted(e for _, e in intervals)
    best, at = 0, None
    for t in starts:
        level = bisect.bisect_right(starts, t) - bisect.bisect_right(ends, t)
        if level > best:
            best, at = level, t
    return best, at


def count(legs: list[Leg]) -> tuple[dict[str, int], int, datetime | None]:
    acc = dict.fromkeys(("used", "duplicates", "merged_legs", "plan_limit_rejected"), 0)
    invalid = 0
    seen: set[tuple[str, datetime, datetime]] = set()
    kept: list[tuple[int, Leg]] = []
    for n, leg in enumerate(legs):
        if not leg.keep or leg.start is None or leg.end is None:
            invalid += 1
            continue
        if leg.end < leg.start or leg.end - leg.start > MAX_DURATION:
            invalid += 1
            continue
        if leg.call_id is not None:
            key = (leg.call_id, leg.start, leg.end)
            if key in seen:
                acc["duplicates"] += 1
                continue
            seen.add(key)
        kept.append((n, leg))
    parent_of = {leg.call_id: leg.parent for _, leg in kept if leg.call_id and leg.parent}
    named = set(parent_of.values())

    def root(call_id: str) -> str:
        hops = 0
        while call_id in parent_of and hops < 100:
            call_id, hops = parent_of[call_id], hops + 1
        return call_id

    calls: dict[Any, list[tuple[datetime, datetime]]] = {}
    for n, leg in kept:
        if leg.group is not None:
            key: Any = ("g", leg.group)
        elif leg.parent is not None:
            key = ("p", root(leg.parent))
        elif leg.call_id is not None and leg.call_id in named:
            key = ("p", leg.call_id)
        else:
            key = ("row", n)
        assert leg.start is not None and leg.end is not None
        calls.setdefault(key, []).append((leg.start, leg.end))
    acc["used"] = len(calls)
    acc["merged_legs"] = len(kept) - len(calls)
    peak, at = peak_of(list(calls.values()))
    return {"read": len(legs), **acc, "invalid": invalid}, peak, at


# --- running ccc with no flags -----------------------------------------------------------------
@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner(env=ENV)


def run_json(runner: CliRunner, command: str, path: str) -> Any:
    r = runner.invoke(app, [command, str(REALDATA / path), "-q", "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_every_realdata_file_is_covered() -> None:
    files = {
        p.relative_to(REALDATA).as_posix()
        for p in REALDATA.rglob("*")
        if p.is_file() and p.name not in ("SOURCE.md", "README.md")
    }
    assert files == {c.path for c in CASES} | set(NO_PRESET)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_preset_detected_and_peak_matches_independent_count(runner: CliRunner, case: Case) -> None:
    doc = run_json(runner, "inspect", case.path)
    (report,) = doc["files"]
    assert report["preset"] == case.preset
    assert case.layout in report["preset_match"]["layout"]

    expected, peak, at = count(read_legs(case))
    doc = run_json(runner, "peak", case.path)
    rows = doc["rows"]
    assert {k: rows[k] for k in expected} == expected
    assert sum(rows[k] for k in expected if k != "read") == rows["read"]
    total = doc["peak"]
    assert total["value"] == peak
    assert total["at"] is None or datetime.fromisoformat(total["at"]) == at
    # Pinned when the case was written (found by count() above, not by ccc).
    assert peak == case.peak
    if case.peak_at:
        assert at == datetime.fromisoformat(case.peak_at)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_analyze_runs_with_no_flags(runner: CliRunner, case: Case) -> None:
    r = runner.invoke(app, ["analyze", str(REALDATA / case.path), "-q"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["inspect", str(REALDATA / case.path), "-q"])
    assert r.exit_code == 0, r.output
    assert f"preset: {case.preset} (" in r.stdout


def test_conference_legs_are_grouped(runner: CliRunner) -> None:
    """The ConfBridge meeting of 2018-12-01: 107 overlapping rows, 16 calls."""
    doc = run_json(runner, "peak", "asterisk_cdrdb_srinimonster/cdr.csv")
    assert doc["peak"]["value"] == 16
    rows = [leg for leg in read_legs(CASES[2]) if leg.start is not None and leg.end is not None]
    t = datetime.fromisoformat("2018-12-01T07:16:17+00:00")
    assert sum(1 for leg in rows if leg.start <= t < leg.end) == 107  # type: ignore[operator]


@pytest.mark.parametrize("path", NO_PRESET)
def test_files_without_preset_get_the_listing_error(runner: CliRunner, path: str) -> None:
    r = runner.invoke(app, ["peak", str(REALDATA / path)])
    assert r.exit_code == ExitCode.BAD_INPUT, r.output
    error, hint = r.stderr.splitlines()
    assert error.startswith("ccc: error: ") and "no preset matched" in error
    assert all(name in hint for name in PRESET_NAMES)


@pytest.mark.parametrize(
    ("path", "offset"),
    [
        ("asterisk_cdrdb_srinimonster/cdr.csv", "-05:00"),  # SOURCE.md: local UTC-5
        ("asterisk_cdr_custom_kelysaina/Master.csv", "+03:00"),  # SOURCE.md: UTC+3
        ("freepbx_cdr_apspoliveira/cdr.csv", "+01:00"),  # SOURCE.md: UTC+1
    ],
)
def test_uniqueid_epoch_reveals_local_times(runner: CliRunner, path: str, offset: str) -> None:
    doc = run_json(runner, "peak", path)
    (note,) = [n for n in doc["notes"] if "epoch in the Asterisk uniqueid" in n]
    assert f"(UTC{offset})" in note and "pass --tz" in note
    r = runner.invoke(app, ["peak", str(REALDATA / path), "--tz", "Europe/Paris", "-f", "json"])
    assert r.exit_code == 0, r.output
    assert not [n for n in json.loads(r.stdout)["notes"] if "epoch in the Asterisk uniqueid" in n]


def test_utc_asterisk_file_gets_no_zone_note(runner: CliRunner) -> None:
    # SOURCE.md: usegmtime=yes, start equals the uniqueid epoch.
    doc = run_json(runner, "peak", "asterisk_cdr_csv_mineevburyat/Master.csv")
    assert not [n for n in doc["notes"] if "epoch in the Asterisk uniqueid" in n]
