"""CPS, daily peaks, percentiles and the busy hour, against brute force."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from ccc_cli.api import compute_peaks, load_frame
from ccc_cli.engine.traffic import (
    busiest_hour_of_week,
    compute_cps,
    daily_peaks,
    nearest_rank,
    peak_percentiles,
)
from ccc_cli.options import LoadOptions

BASE = datetime(2026, 11, 16, tzinfo=UTC)  # a Monday
TYPES = ("inbound", "outbound", "otp")


def frame(calls: list[tuple[float, float, str]]) -> pl.DataFrame:
    """(start seconds from BASE, length seconds, type) -> input frame."""
    return pl.DataFrame(
        {
            "start_time": [BASE + timedelta(seconds=s) for s, _, _ in calls],
            "end_time": [BASE + timedelta(seconds=s + n) for s, n, _ in calls],
            "call_type": [t for _, _, t in calls],
        },
        schema={
            "start_time": pl.Datetime("us", "UTC"),
            "end_time": pl.Datetime("us", "UTC"),
            "call_type": pl.String,
        },
    )


def brute_window(starts: list[float], width: float) -> tuple[int, float | None]:
    """Most starts in any [t, t + width): try every t (a window can slide to a start)."""
    best, at = 0, None
    for t in sorted(starts):
        n = sum(1 for s in starts if t <= s < t + width)
        if n > best:
            best, at = n, t
    return best, at


calls_strategy = st.lists(
    st.tuples(
        st.integers(0, 40).map(lambda q: q / 4),  # quarter seconds: many ties and edges
        st.sampled_from([0, 0.25, 1, 5, 30]),
        st.sampled_from(TYPES),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(calls_strategy)
def test_cps_equals_brute_force(calls: list[tuple[float, float, str]]) -> None:
    result = compute_cps(load_frame(frame(calls)))
    for width in (1, 10):
        value, at = brute_window([s for s, _, _ in calls], width)
        rate = result.windows[width]
        assert rate.value == value
        assert rate.at == (None if at is None else BASE + timedelta(seconds=at))
        for t in {t for _, _, t in calls}:
            assert (
                result.by_type[width][t].value
                == brute_window([s for s, _, ct in calls if ct == t], width)[0]
            )


def test_cps_window_is_half_open() -> None:
    # Starts at 0.0, 0.5 and 1.0 s: a 1 s window holds at most 2 (1.0 is outside [0, 1)).
    result = compute_cps(load_frame(frame([(0, 5, "otp"), (0.5, 5, "otp"), (1, 5, "otp")])))
    assert result.windows[1].value == 2
    assert result.windows[10].value == 3


def test_nearest_rank_percentiles() -> None:
    values = [15, 20, 35, 40, 50]
    # Worked: p30 -> ceil(1.5) = 2nd -> 20; p40 -> 2nd -> 20; p50 -> ceil(2.5) = 3rd -> 35.
    assert nearest_rank(values, 30) == 20
    assert nearest_rank(values, 40) == 20
    assert nearest_rank(values, 50) == 35
    assert nearest_rank(values, 100) == 50
    assert nearest_rank([], 50) is None


def test_daily_peaks_local_days_empty_days_and_dominant_type() -> None:
    # In Asia/Ho_Chi_Minh (UTC+7): day 1 (Mon) has 2 inbound + 1 otp overlapping at
    # 10:00 local; Tuesday has nothing; Wednesday has one otp call.
    monday_10 = 3 * 3600  # 10:00 local = 03:00 UTC
    calls = [
        (monday_10, 600, "inbound"),
        (monday_10 + 60, 600, "inbound"),
        (monday_10 + 120, 60, "otp"),
        (2 * 86400 + monday_10, 60, "otp"),
    ]
    cs = load_frame(frame(calls), LoadOptions(tz="Asia/Ho_Chi_Minh"))
    days = daily_peaks(cs)
    assert [(d.day.isoformat(), d.value) for d in days] == [
        ("2026-11-16", 3),
        ("2026-11-17", 0),
        ("2026-11-18", 1),
    ]
    assert days[0].at == BASE + timedelta(seconds=monday_10 + 120)
    assert days[0].dominant_type == "inbound"
    assert dict(days[0].mix) == {"inbound": 2, "otp": 1}
    assert days[1].dominant_type is None
    assert days[2].dominant_type == "otp"
    assert peak_percentiles(days) == {"p50": 1, "p90": 3, "p95": 3, "max": 3}
    assert max(d.value for d in days) == compute_peaks(cs).total.value


def test_busiest_hour_of_week_averages_over_weeks() -> None:
    # Monday 09:00-10:00 UTC holds one call all hour in both weeks (mean 1.0 over 2
    # weeks); Tuesday 14:00 holds two calls for half the hour (mean 1.0, one week); on the
    # tie the earlier slot of the week wins: Monday 09:00. Tuesday 15:00 has mean 1/3.
    monday_9 = 9 * 3600
    calls = [
        (monday_9, 3600, "inbound"),
        (7 * 86400 + monday_9, 3600, "inbound"),
        (86400 + 14 * 3600, 1800, "otp"),
        (86400 + 14 * 3600, 1800, "otp"),
        (86400 + 15 * 3600, 1200, "otp"),
    ]
    hour = busiest_hour_of_week(load_frame(frame(calls)))
    assert hour is not None
    assert (hour.weekday, hour.hour, hour.mean_erlangs) == ("Monday", 9, 1.0)
    assert hour.weeks == 2
    assert hour.max_level == 1
