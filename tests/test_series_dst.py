"""Hand-worked bucket alignment cases: local midnight, daylight-saving days, ``parse_every``.

New York in 2026: clocks jump from 02:00 EST (-05) to 03:00 EDT (-04) on 8 March (07:00
UTC), so that local day has 23 hours; they go back from 02:00 EDT to 01:00 EST on
1 November (06:00 UTC), so 01:00-02:00 happens twice and the day has 25 hours.
Ho Chi Minh City is UTC+07 all year: its local midnight is 17:00 UTC the day before.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from ccc_cli.api import LoadOptions, load_frame
from ccc_cli.engine.series import compute_series, parse_every
from ccc_cli.errors import UsageError

NY = ZoneInfo("America/New_York")
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
H = timedelta(hours=1)
SCHEMA: dict[str, Any] = {
    "call_id": pl.String,
    "start_time": pl.Datetime("us", "UTC"),
    "end_time": pl.Datetime("us", "UTC"),
    "call_type": pl.String,
}


def series(
    tz: str, calls: list[tuple[datetime, datetime]], every: str, **kwargs: Any
) -> list[dict[str, Any]]:
    """Rows of the series of inbound calls given as (start, end) aware datetimes (no
    maximum duration: some calls here last the whole 25-hour day)."""
    frame = pl.DataFrame(
        {
            "call_id": [f"c{i}" for i in range(len(calls))],
            "start_time": [s for s, _ in calls],
            "end_time": [e for _, e in calls],
            "call_type": ["inbound"] * len(calls),
        },
        schema=SCHEMA,
    )
    callset = load_frame(frame, LoadOptions(tz=tz, max_duration_s=None))
    assert callset.accounting.used == len(calls)
    result = compute_series(callset, every=parse_every(every), **kwargs)
    assert result.frame.schema["bucket_start"] == pl.Datetime("us", tz)
    return result.frame.to_dicts()


def utc(row: dict[str, Any]) -> datetime:
    return row["bucket_start"].astimezone(UTC)


def local_day(rows: list[dict[str, Any]], day: date) -> list[dict[str, Any]]:
    return [r for r in rows if r["bucket_start"].date() == day]


# --- hourly buckets across the changes -------------------------------------------------


def test_spring_forward_day_has_23_hourly_buckets() -> None:
    # One call from Sat 7 Mar 23:30 EST (04:30 UTC) to Mon 9 Mar 00:30 EDT (04:30 UTC).
    # Buckets: Sat 23:00, the 23 hours of Sunday (no 02:00), Mon 00:00 (holds the end).
    start = datetime(2026, 3, 7, 23, 30, tzinfo=NY)
    end = datetime(2026, 3, 9, 0, 30, tzinfo=NY)
    rows = series("America/New_York", [(start, end)], "1h")
    assert len(rows) == 1 + 23 + 1
    sunday = local_day(rows, date(2026, 3, 8))
    assert len(sunday) == 23
    assert [r["bucket_start"].hour for r in sunday] == [0, 1, *range(3, 24)]
    # Every bucket is one real hour: 01:00 EST (06:00 UTC) -> 03:00 EDT (07:00 UTC).
    starts = [utc(r) for r in rows]
    assert starts[0] == datetime(2026, 3, 8, 4, tzinfo=UTC)
    assert all(b - a == H for a, b in pairwise(starts))
    assert [r["bucket_start"].utcoffset() for r in sunday[:3]] == [-5 * H, -5 * H, -4 * H]
    assert [r["total_max"] for r in rows] == [1] * 25
    assert [r["total_mean"] for r in rows] == [0.5] + [1.0] * 23 + [0.5]
    assert [r["total_starts"] for r in rows] == [1] + [0] * 24


def test_fall_back_day_has_25_hourly_buckets_with_01_twice() -> None:
    # A long call from Sat 31 Oct 23:30 EDT (03:30 UTC) to Mon 2 Nov 00:30 EST (05:30 UTC),
    # and a short one 01:10-01:20 EST (06:10-06:20 UTC), in the second 01:00 hour.
    long_call = (datetime(2026, 10, 31, 23, 30, tzinfo=NY), datetime(2026, 11, 2, 0, 30, tzinfo=NY))
    short = (datetime(2026, 11, 1, 6, 10, tzinfo=UTC), datetime(2026, 11, 1, 6, 20, tzinfo=UTC))
    rows = series("America/New_York", [long_call, short], "1h")
    assert len(rows) == 1 + 25 + 1
    sunday = local_day(rows, date(2026, 11, 1))
    assert len(sunday) == 25
    assert [r["bucket_start"].hour for r in sunday] == [0, 1, 1, *range(2, 24)]
    first_one, second_one = sunday[1], sunday[2]
    assert first_one["bucket_start"].utcoffset() == -4 * H  # 01:00 EDT = 05:00 UTC
    assert second_one["bucket_start"].utcoffset() == -5 * H  # 01:00 EST = 06:00 UTC
    assert utc(first_one) == datetime(2026, 11, 1, 5, tzinfo=UTC)
    assert utc(second_one) == datetime(2026, 11, 1, 6, tzinfo=UTC)
    starts = [utc(r) for r in rows]
    assert all(b - a == H for a, b in pairwise(starts))
    # The short call only shows in the second 01:00 bucket: 2 at most, 1 + 10/60 on average.
    assert (first_one["total_max"], first_one["total_mean"], first_one["total_starts"]) == (
        1,
        1.0,
        0,
    )
    assert (second_one["total_max"], second_one["total_starts"]) == (2, 1)
    assert second_one["total_mean"] == pytest.approx(1 + 10 / 60, rel=1e-12)
    assert [r["total_max"] for r in rows] == [1, 1, 1, 2, *[1] * 23]


def test_fall_back_window_starting_in_the_second_0130() -> None:
    # start = 01:30 EST (06:30 UTC): the first bucket is the second 01:00 (06:00 UTC), the
    # long call begun earlier still counts there; end = 03:00 EST (08:00 UTC) excludes 03:00.
    long_call = (datetime(2026, 11, 1, 0, 0, tzinfo=NY), datetime(2026, 11, 1, 12, 0, tzinfo=NY))
    rows = series(
        "America/New_York",
        [long_call],
        "1h",
        start=datetime(2026, 11, 1, 6, 30, tzinfo=UTC),
        end=datetime(2026, 11, 1, 3, 0, tzinfo=NY),
    )
    assert [utc(r) for r in rows] == [
        datetime(2026, 11, 1, 6, tzinfo=UTC),
        datetime(2026, 11, 1, 7, tzinfo=UTC),
    ]
    assert [(r["total_max"], r["total_mean"], r["total_starts"]) for r in rows] == [(1, 1.0, 0)] * 2


def test_spring_forward_two_hour_buckets() -> None:
    # Labels 00:00, 02:00, 04:00, ...: 02:00 does not exist and is read as 03:00 EDT, so
    # Sunday has 12 buckets; 00:00 EST -> 03:00 EDT is 2 real hours, 03:00 -> 04:00 is one.
    day = (datetime(2026, 3, 8, 0, 0, tzinfo=NY), datetime(2026, 3, 9, 0, 0, tzinfo=NY))
    rows = series("America/New_York", [day], "2h")
    sunday = local_day(rows, date(2026, 3, 8))
    assert [r["bucket_start"].hour for r in sunday] == [0, 3, *range(4, 24, 2)]
    starts = [utc(r) for r in rows]
    assert [b - a for a, b in pairwise(starts)] == [2 * H, H] + [2 * H] * 10
    assert [r["total_mean"] for r in rows] == [1.0] * 12 + [0.0]


# --- daily buckets ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2026, 3, 8), 23), (date(2026, 11, 1), 25), (date(2026, 6, 15), 24)],
)
def test_daily_bucket_spans_the_local_day(day: date, hours: int) -> None:
    # A call from local midnight to the next local midnight fills its 1d bucket exactly:
    # mean 1.0 whatever the day's length; the next day's bucket holds the end (level 0).
    midnight = datetime(day.year, day.month, day.day, tzinfo=NY)
    next_midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=NY)
    rows = series("America/New_York", [(midnight, next_midnight)], "1d")
    assert [r["bucket_start"] for r in rows] == [midnight, next_midnight]
    assert utc(rows[1]) - utc(rows[0]) == hours * H
    assert [(r["total_max"], r["total_mean"], r["total_starts"]) for r in rows] == [
        (1, 1.0, 1),
        (0, 0.0, 0),
    ]
    # One hour of one call (12:00-13:00 local) in a day of 23, 24 or 25 hours.
    noon = midnight.replace(hour=12)
    (row,) = series("America/New_York", [(noon, noon + H)], "1d")
    assert row["bucket_start"] == midnight
    assert row["total_mean"] == pytest.approx(1 / hours, rel=1e-12)
    assert (row["total_max"], row["total_starts"]) == (1, 1)


def test_daily_buckets_start_at_local_midnight_in_ho_chi_minh_city() -> None:
    # 16:59:59-17:00:01 UTC on 1 Mar 2024 is 23:59:59-00:00:01 local: two local days, whose
    # buckets start at 17:00 UTC on 29 Feb and on 1 Mar. One second in each (of 86,400).
    call = (
        datetime(2024, 3, 1, 16, 59, 59, tzinfo=UTC),
        datetime(2024, 3, 1, 17, 0, 1, tzinfo=UTC),
    )
    rows = series("Asia/Ho_Chi_Minh", [call], "1d", with_peak_instant=True)
    assert [utc(r) for r in rows] == [
        datetime(2024, 2, 29, 17, tzinfo=UTC),
        datetime(2024, 3, 1, 17, tzinfo=UTC),
    ]
    assert [r["bucket_start"] for r in rows] == [
        datetime(2024, 3, 1, tzinfo=HCM),
        datetime(2024, 3, 2, tzinfo=HCM),
    ]
    assert [(r["total_max"], r["total_starts"]) for r in rows] == [(1, 1), (1, 0)]
    assert [r["total_mean"] for r in rows] == pytest.approx([1 / 86400] * 2, rel=1e-12)
    # The peak of the first day is at the call's start, of the second at its midnight.
    assert [r["peak_at"] for r in rows] == [call[0], datetime(2024, 3, 1, 17, tzinfo=UTC)]
    assert [r["inbound_at_peak"] for r in rows] == [1, 1]


def test_hourly_buckets_follow_a_quarter_hour_offset() -> None:
    # Asia/Kathmandu is UTC+05:45: local hours start at :15 past the UTC hour.
    call = (datetime(2024, 3, 1, 10, 10, tzinfo=UTC), datetime(2024, 3, 1, 10, 20, tzinfo=UTC))
    rows = series("Asia/Kathmandu", [call], "1h")
    assert [utc(r) for r in rows] == [
        datetime(2024, 3, 1, 9, 15, tzinfo=UTC),
        datetime(2024, 3, 1, 10, 15, tzinfo=UTC),
    ]
    assert [r["total_mean"] for r in rows] == pytest.approx([5 / 60, 5 / 60], rel=1e-12)


def test_daily_bucket_of_a_day_without_midnight() -> None:
    # America/Santiago moves from 00:00 (-04) to 01:00 (-03) on 6 Sep 2026: that day's
    # bucket starts at 01:00 local (04:00 UTC) and lasts 23 hours; 5 Sep lasts 24.
    tz = ZoneInfo("America/Santiago")
    call = (datetime(2026, 9, 5, 12, tzinfo=tz), datetime(2026, 9, 6, 12, tzinfo=tz))
    rows = series("America/Santiago", [call], "1d")
    assert [utc(r) for r in rows] == [
        datetime(2026, 9, 5, 4, tzinfo=UTC),
        datetime(2026, 9, 6, 4, tzinfo=UTC),
    ]
    assert rows[1]["bucket_start"].hour == 1
    # 12 of 24 hours, then 01:00 -> 12:00 = 11 of 23 hours.
    assert [r["total_mean"] for r in rows] == pytest.approx([12 / 24, 11 / 23], rel=1e-12)


# --- parse_every -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1s", 1),
        ("30s", 30),
        ("1m", 60),
        ("15m", 900),
        ("1h", 3600),
        ("6h", 21600),
        ("1d", 86400),
        (" 5m ", 300),
    ],
)
def test_parse_every_accepts_widths_dividing_a_day(text: str, seconds: int) -> None:
    every = parse_every(text)
    assert every.seconds == seconds
    assert every.micros == seconds * 1_000_000
    assert every.text == text.strip()


@pytest.mark.parametrize("text", ["7m", "25h", "0s", "2d", "abc", "", "1.5h", "-1m", "1w", "7s"])
def test_parse_every_rejects_other_widths(text: str) -> None:
    with pytest.raises(UsageError):
        parse_every(text)
