"""Parquet files with random column types through the CLI.

Times as timestamp[s|ms|us|ns] with or without a zone, string, dictionary-encoded
string, int64 epoch seconds or milliseconds, or date32; durations as duration[s|ms|us],
int64, float64 or string seconds; nulls, junk strings and extreme values. Every file:
no traceback, exit 0 or 3, and with exit 0 the accounting adds up with ``rows.read`` the
number of Parquet rows. A clean file (no null, junk or extreme value, no date32) is
every row one valid call: exit 0, all rows used, and the brute-force peak.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, note

from .harness import Run, check_accounting, check_process, fuzz_settings, invoke
from .strategies import DURATION_TYPES, TIME_TYPES, ParquetCase, _duration_array, _time_array
from .strategies import parquet_cases as parquet_cases_strategy

pytestmark = pytest.mark.fuzz
FUZZ = fuzz_settings()


def run_parquet(table: pa.Table, *args: str) -> Run:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cdr.parquet"
        pq.write_table(table, path)
        return invoke(["peak", str(path), "--format", "json", *args])


def check_parquet(case: ParquetCase) -> None:
    note(case.describe())
    tz = ["--tz", case.tz] if case.tz else []
    run = run_parquet(case.table, *tz)
    check_process(run)
    # Supported types and mostly valid rows: a usable file, its bad rows invalid.
    usable = "date32" not in (case.start_type, case.end_type) and case.untouched >= 1
    if case.clean or (usable and 2 * case.untouched >= case.rows):
        assert run.exit_code == 0, f"usable file rejected: {run.where()}"
    if run.exit_code != 0:
        return
    doc = run.doc()
    rows = doc["rows"]
    check_accounting(rows)
    assert rows["read"] == case.rows, f"read {rows['read']} of {case.rows} Parquet rows"
    peak = doc["peak"]["value"]
    assert peak <= rows["used"], f"peak {peak} > used {rows['used']}"
    if case.clean:
        assert rows["invalid"] == 0 and rows["used"] == case.rows, rows
        assert peak == case.peak, f"peak {peak}, oracle {case.peak}"


@FUZZ
@given(case=parquet_cases_strategy())
def test_parquet_types_keep_the_contract(case: ParquetCase) -> None:
    check_parquet(case)


# --- every type on its own, clean: the peak must be right --------------------------------
BASE = datetime(2026, 6, 1, 9, tzinfo=UTC)
STARTS = [BASE, BASE + timedelta(minutes=10), BASE + timedelta(minutes=30)]
ENDS = [BASE + timedelta(hours=1), BASE + timedelta(minutes=30), BASE + timedelta(hours=2)]
# [9:00, 10:00), [9:10, 9:30), [9:30, 11:00): two at once at most (half-open at 9:30).
PEAK = 2


def table(
    start: pa.Array, end: pa.Array | None = None, duration: pa.Array | None = None
) -> pa.Table:
    cols = {"call_id": pa.array([f"c{i}" for i in range(len(start))]), "start_time": start}
    if end is not None:
        cols["end_time"] = end
    if duration is not None:
        cols["duration"] = duration
    return pa.table(cols)


@pytest.mark.parametrize("kind", [k for k in TIME_TYPES if k != "date32"])
def test_each_time_type(kind: str) -> None:
    run = run_parquet(table(_time_array(STARTS, kind, None), _time_array(ENDS, kind, None)))
    check_process(run)
    assert run.exit_code == 0, run.where()
    doc = run.doc()
    check_accounting(doc["rows"])
    assert doc["rows"]["used"] == 3, doc["rows"]
    assert doc["peak"]["value"] == PEAK


@pytest.mark.parametrize("kind", DURATION_TYPES)
def test_each_duration_type(kind: str) -> None:
    durations = [e - s for s, e in zip(STARTS, ENDS, strict=True)]
    run = run_parquet(
        table(
            _time_array(STARTS, "timestamp[us, UTC]", None), None, _duration_array(durations, kind)
        )
    )
    check_process(run)
    assert run.exit_code == 0, run.where()
    doc = run.doc()
    check_accounting(doc["rows"])
    assert doc["rows"]["used"] == 3, doc["rows"]
    assert doc["peak"]["value"] == PEAK


@pytest.mark.parametrize(
    "start",
    [
        pa.array([datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59), None], pa.timestamp("s")),
        pa.array([0, 9_999_999_999_999_999, -(2**63)], pa.int64()),
        pa.array([0, 569_000_000_000, None], pa.int64()),
        pa.array(["0000-00-00 00:00:00", "9999-12-31 23:50:00", "junk"]),
        pa.array([datetime(1677, 9, 22), datetime(2262, 4, 11), None], pa.timestamp("ns")),
        pa.array([None, None, None], pa.timestamp("us", tz="UTC")),
        pa.array([0, 0, 0], pa.date32()),
    ],
    ids=[
        "ts-s-extremes",
        "int-ms-extremes",
        "int-s-year-20000",
        "text-sentinels",
        "ts-ns-edges",
        "all-null",
        "date32-epoch",
    ],
)
@pytest.mark.parametrize("tz", [None, "Asia/Ho_Chi_Minh", "America/New_York"])
def test_extreme_parquet_times_never_crash(start: pa.Array, tz: str | None) -> None:
    end = pa.array([datetime(2026, 6, 1, 10)] * 3, pa.timestamp("s"))
    run = run_parquet(table(start, end), *(["--tz", tz] if tz else []))
    check_process(run)
    if run.exit_code == 0:
        doc = run.doc()
        check_accounting(doc["rows"])
        assert doc["rows"]["read"] == 3, doc["rows"]
        assert doc["rows"]["used"] == 0, f"no row of this file is a valid call: {doc['rows']}"


@pytest.mark.parametrize(
    "duration",
    [
        pa.array([timedelta(days=-1), timedelta(days=900_000), None], pa.duration("s")),
        pa.array([-5, 2**62, 10**15], pa.int64()),
        pa.array([float("nan"), float("inf"), 1e300]),
        pa.array(["-5", "1e400", "nan"]),
    ],
    ids=["duration-s", "int", "float", "string"],
)
def test_extreme_durations_never_crash(duration: pa.Array) -> None:
    start = pa.array([datetime(2026, 6, 1, 9)] * 3, pa.timestamp("s"))
    run = run_parquet(table(start, None, duration))
    check_process(run)
    if run.exit_code == 0:
        doc = run.doc()
        check_accounting(doc["rows"])
        assert doc["rows"]["read"] == 3, doc["rows"]
        assert doc["rows"]["used"] == 0, f"no row of this file is a valid call: {doc['rows']}"


# One good call (09:00-10:00, UTC) and one row at an implausible or unrepresentable time:
# the good call is used, the other row is invalid, and nothing crashes.
GOOD_START, GOOD_END = datetime(2026, 6, 1, 9), datetime(2026, 6, 1, 10)
ONE_BAD_ROW = {
    "ts-ms-year-1-duration": table(
        pa.array([GOOD_START, datetime(1, 1, 1)], pa.timestamp("ms")),
        None,
        pa.array([3600, 60]),
    ),
    "ts-ms-year-9999-duration": table(
        pa.array([GOOD_START, datetime(9999, 12, 31, 23, 59, 59)], pa.timestamp("ms")),
        None,
        pa.array([3600, 60]),
    ),
    "ts-s-year-9999-call": table(
        pa.array([GOOD_START, datetime(9999, 12, 31, 23)], pa.timestamp("s")),
        pa.array([GOOD_END, datetime(9999, 12, 31, 23, 30)], pa.timestamp("s")),
    ),
    "int-duration-2**62": table(
        pa.array([GOOD_START, GOOD_START], pa.timestamp("s")), None, pa.array([3600, 2**62])
    ),
    "int-ms-epoch-9999999999999999": table(
        pa.array([1_780_304_400_000, 9_999_999_999_990_000]),
        pa.array([1_780_308_000_000, 9_999_999_999_999_999]),
    ),
    "int-ms-epoch-min": table(
        pa.array([1_780_304_400_000, -(2**63)]), pa.array([1_780_308_000_000, 0])
    ),
}


@pytest.mark.parametrize("name", list(ONE_BAD_ROW))
@pytest.mark.parametrize("tz", [None, "Asia/Ho_Chi_Minh", "America/New_York"])
def test_one_implausible_row_is_invalid_and_the_rest_counts(name: str, tz: str | None) -> None:
    t = ONE_BAD_ROW[name].set_column(0, "call_id", pa.array(["good", "bad"]))
    run = run_parquet(t, *(["--tz", tz] if tz else []))
    check_process(run)
    assert run.exit_code == 0, run.where()
    rows = run.doc()["rows"]
    check_accounting(rows)
    assert rows["read"] == 2, rows
    assert rows["used"] == 1 and rows["invalid"] == 1, f"the year-2026 call only: {rows}"
    assert run.doc()["peak"]["value"] == 1
