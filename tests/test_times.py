"""Time parsing: encodings, zones, epoch units, DST rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from ccc_cli.api import compute_peaks, load_calls, load_frame
from ccc_cli.errors import InputError, UsageError
from ccc_cli.options import LoadOptions


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def starts_ends(frame: pl.DataFrame, **opts: object) -> list[tuple[datetime, datetime]]:
    calls = load_frame(frame, LoadOptions(**opts)).calls  # type: ignore[arg-type]
    return list(zip(calls["start"].to_list(), calls["end"].to_list(), strict=True))


def one(start: object, end: object, **opts: object) -> tuple[datetime, datetime]:
    frame = pl.DataFrame({"start_time": [start], "end_time": [end]})
    (pair,) = starts_ends(frame, **opts)
    return pair


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2026-11-20T10:32:05Z", utc(2026, 11, 20, 10, 32, 5)),
        ("2026-11-20T17:32:05+07:00", utc(2026, 11, 20, 10, 32, 5)),
        ("2026-11-20 17:32:05+0700", utc(2026, 11, 20, 10, 32, 5)),
        ("2026-11-20T05:32:05.250-05:00", utc(2026, 11, 20, 10, 32, 5, 250000)),
        ("2026-11-20 10:32:05", utc(2026, 11, 20, 10, 32, 5)),
        ("2026-11-20T10:32:05", utc(2026, 11, 20, 10, 32, 5)),
        ("2026/11/20 10:32:05", utc(2026, 11, 20, 10, 32, 5)),
        ("2026-11-20 10:32:05.123456", utc(2026, 11, 20, 10, 32, 5, 123456)),
        ("2026-11-20 10:32", utc(2026, 11, 20, 10, 32)),
        ("Fri, 20 Nov 2026 10:32:05 +0000", utc(2026, 11, 20, 10, 32, 5)),
        ("2026-11-20 10:32:05 UTC", utc(2026, 11, 20, 10, 32, 5)),
        ("  2026-11-20 10:32:05  ", utc(2026, 11, 20, 10, 32, 5)),
    ],
)
def test_text_formats(start: str, expected: datetime) -> None:
    got_start, _ = one(start, "2026-11-20T23:00:00Z")
    assert got_start == expected


def test_mixed_offsets_in_one_column_are_each_respected() -> None:
    frame = pl.DataFrame(
        {
            "start_time": ["2026-01-01T10:00:00+07:00", "2026-01-01T10:00:00Z"],
            "end_time": ["2026-01-01T10:00:01+07:00", "2026-01-01T10:00:01Z"],
        }
    )
    pairs = starts_ends(frame)
    assert [p[0] for p in pairs] == [utc(2026, 1, 1, 3), utc(2026, 1, 1, 10)]


def test_naive_times_read_in_tz() -> None:
    # 10:00 in Ho Chi Minh City (UTC+7) is 03:00 UTC.
    start, end = one("2026-01-01 10:00:00", "2026-01-01 10:05:00", tz="Asia/Ho_Chi_Minh")
    assert start == utc(2026, 1, 1, 3)
    assert end - start == timedelta(minutes=5)


def test_offset_times_ignore_tz() -> None:
    start, _ = one("2026-01-01T10:00:00Z", "2026-01-01T10:05:00Z", tz="Asia/Ho_Chi_Minh")
    assert start == utc(2026, 1, 1, 10)


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        (1_763_634_725, "s"),
        (1_763_634_725_000, "ms"),
        (1_763_634_725_000_000, "us"),
        (1_763_634_725_000_000_000, "ns"),
    ],
)
def test_epoch_unit_detected_by_magnitude(value: int, unit: str) -> None:
    factor = {"s": 1, "ms": 1000, "us": 1_000_000, "ns": 1_000_000_000}[unit]
    start, end = one(value, value + 30 * factor)
    assert start == datetime.fromtimestamp(1_763_634_725, UTC)
    assert end - start == timedelta(seconds=30)
    # The same numbers as text parse the same way.
    assert one(str(value), str(value + 30 * factor)) == (start, end)


def test_epoch_fractional_seconds_and_override() -> None:
    start, end = one("1763634725.5", "1763634726.75")
    assert end - start == timedelta(seconds=1.25)
    # --epoch-unit wins over the magnitude: 1,000 read as milliseconds is one second.
    start, end = one(1000, 2000, epoch_unit="ms")
    assert end - start == timedelta(seconds=1)


def test_epoch_ms_exact_for_large_integers() -> None:
    ms = 1_763_634_725_123
    start, _ = one(ms, ms + 1)
    assert start == datetime.fromtimestamp(ms // 1000, UTC) + timedelta(milliseconds=123)


def test_typed_datetimes_naive_and_aware() -> None:
    aware = pl.DataFrame(
        {
            "start_time": [datetime(2026, 1, 1, 10, tzinfo=UTC)],
            "end_time": [datetime(2026, 1, 1, 11, tzinfo=UTC)],
        }
    ).with_columns(pl.col("start_time", "end_time").dt.convert_time_zone("Europe/Paris"))
    assert starts_ends(aware, tz="Asia/Tokyo")[0][0] == utc(2026, 1, 1, 10)
    naive = pl.DataFrame(
        {"start_time": [datetime(2026, 1, 1, 10)], "end_time": [datetime(2026, 1, 1, 11)]}
    )
    # Naive typed values are wall times in --tz: 10:00 in Tokyo (UTC+9) = 01:00 UTC.
    assert starts_ends(naive, tz="Asia/Tokyo")[0][0] == utc(2026, 1, 1, 1)


def test_time_format_flag_for_day_first_dates() -> None:
    start, _ = one("01/09/2017 16:33:01", "01/09/2017 16:34:01", time_format="%d/%m/%Y %H:%M:%S")
    assert start == utc(2017, 9, 1, 16, 33, 1)


def test_unparseable_column_is_a_clear_error() -> None:
    frame = pl.DataFrame({"start_time": ["soon", "later"], "end_time": ["x", "y"]})
    with pytest.raises(InputError, match=r"column 'start_time'.*no value parses as a time"):
        load_frame(frame)


class TestDaylightSaving:
    """America/New_York: 2026-03-08 02:00 -> 03:00 (gap); 2026-11-01 02:00 -> 01:00 (repeat)."""

    tz = "America/New_York"

    def test_time_in_gap_shifts_forward_by_the_gap(self) -> None:
        # 02:30 does not exist; read with the offset before the gap (EST, -5): 07:30 UTC,
        # which is 03:30 EDT.
        start, end = one("2026-03-08 02:30:00", "2026-03-08 03:45:00", tz=self.tz)
        assert start == utc(2026, 3, 8, 7, 30)
        assert end == utc(2026, 3, 8, 7, 45)

    def test_call_across_the_gap_keeps_its_true_length(self) -> None:
        # 01:50 EST (06:50 UTC) to 03:10 EDT (07:10 UTC): 20 minutes.
        start, end = one("2026-03-08 01:50:00", "2026-03-08 03:10:00", tz=self.tz)
        assert end - start == timedelta(minutes=20)

    def test_repeated_hour_reads_the_first(self) -> None:
        # 01:30 occurs twice; the first (EDT, -4) is 05:30 UTC.
        start, _ = one("2026-11-01 01:30:00", "2026-11-01 01:40:00", tz=self.tz)
        assert start == utc(2026, 11, 1, 5, 30)

    def test_end_in_repeated_hour_takes_the_second_when_the_first_is_too_early(self) -> None:
        # Starts 01:50 EDT (05:50 UTC), ends at wall time 01:10: only the second 01:10
        # (EST, 06:10 UTC) comes after the start, so the call lasts 20 minutes.
        start, end = one("2026-11-01 01:50:00", "2026-11-01 01:10:00", tz=self.tz)
        assert (start, end) == (utc(2026, 11, 1, 5, 50), utc(2026, 11, 1, 6, 10))


def test_unknown_time_zone_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown time zone 'Mars/Base'"):
        LoadOptions(tz="Mars/Base")
    with pytest.raises(UsageError, match="did you mean Europe/Paris"):
        LoadOptions(tz="europe/paris")


def test_naive_vs_offset_vs_epoch_ms_give_the_same_peak(tmp_path: Path) -> None:
    # The same three calls, written three ways; naive times are read in Asia/Ho_Chi_Minh.
    rows = [
        (datetime(2026, 1, 1, 10, 0), datetime(2026, 1, 1, 10, 5)),
        (datetime(2026, 1, 1, 10, 1), datetime(2026, 1, 1, 10, 2)),
        (datetime(2026, 1, 1, 10, 2), datetime(2026, 1, 1, 10, 3)),
    ]
    offset = timedelta(hours=7)
    naive = tmp_path / "naive.csv"
    naive.write_text(
        "start_time,end_time\n"
        + "".join(f"{s:%Y-%m-%d %H:%M:%S},{e:%Y-%m-%d %H:%M:%S}\n" for s, e in rows)
    )
    aware = tmp_path / "aware.csv"
    aware.write_text(
        "start_time,end_time\n"
        + "".join(f"{s:%Y-%m-%dT%H:%M:%S}+07:00,{e:%Y-%m-%dT%H:%M:%S}+07:00\n" for s, e in rows)
    )
    epoch = tmp_path / "epoch.csv"
    epoch.write_text(
        "start_time,end_time\n"
        + "".join(
            f"{int((s - offset).replace(tzinfo=UTC).timestamp() * 1000)},"
            f"{int((e - offset).replace(tzinfo=UTC).timestamp() * 1000)}\n"
            for s, e in rows
        )
    )
    opts = LoadOptions(tz="Asia/Ho_Chi_Minh")
    results = [compute_peaks(load_calls([p], opts)) for p in (naive, aware, epoch)]
    # 10:01-10:02 overlaps 10:00-10:05; 10:02 starts as 10:01's call ends (half-open): peak 2.
    assert {r.total.value for r in results} == {2}
    assert {r.total.at for r in results} == {utc(2026, 1, 1, 3, 1)}
