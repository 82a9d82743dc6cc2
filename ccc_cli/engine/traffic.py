"""Traffic figures built on the sweep and the series: call starts per second (CPS), daily
peaks and their percentiles, the busiest day and the busiest hour of the week."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

import polars as pl

from ccc_cli.engine.series import (
    BUCKET_START,
    DAY_S,
    TOTAL,
    Every,
    compute_series,
    parse_every,
    present_types,
)
from ccc_cli.engine.sweep import Events, call_starts, micros_to_datetime
from ccc_cli.normalize.callset import CallSet
from ccc_cli.schema import CALL_TYPE, CALL_TYPES, START

CPS_WINDOWS_S: Final = (1, 10)
WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PERCENTILES: Final = (50, 90, 95)


@dataclass(frozen=True, slots=True)
class Rate:
    """The most call starts in any window of the given length, and the first window's start."""

    value: int
    at: datetime | None


@dataclass(frozen=True, slots=True)
class CpsResult:
    """Peak call starts per window length (seconds), overall and per call type."""

    windows: Mapping[int, Rate]
    by_type: Mapping[int, Mapping[str, Rate]]


def _window_peak(starts_us: pl.Series, window_us: int) -> Rate:
    """Most starts in any half-open window ``[t, t + w)``, exactly: such a window can always
    slide right until it begins at a start, so trying every start as ``t`` is enough."""
    if starts_us.len() == 0:
        return Rate(0, None)
    s = pl.col("s")
    frame = (
        starts_us.sort()
        .to_frame("s")
        .with_columns(
            (
                s.search_sorted(s + window_us, side="left").cast(pl.Int64)
                - s.search_sorted(s, side="left").cast(pl.Int64)
            ).alias("n")
        )
    )
    best = frame.select(pl.col("n").max(), s.filter(pl.col("n") == pl.col("n").max()).min()).row(0)
    return Rate(int(best[0]), micros_to_datetime(int(best[1])))


def compute_cps(callset: CallSet, windows_s: Sequence[int] = CPS_WINDOWS_S) -> CpsResult:
    """Peak number of call starts in any sliding window of each length, exactly."""
    starts = call_starts(callset)
    types = present_types(callset)
    per_type = {t: starts.filter(pl.col(CALL_TYPE) == t)[START] for t in types}
    windows: dict[int, Rate] = {}
    by_type: dict[int, dict[str, Rate]] = {}
    for w in windows_s:
        windows[w] = _window_peak(starts[START], w * 1_000_000)
        by_type[w] = {t: _window_peak(per_type[t], w * 1_000_000) for t in types}
    return CpsResult(windows=windows, by_type=by_type)


@dataclass(frozen=True, slots=True)
class DailyPeak:
    """One local day: its peak, the first instant of it, and the call types at that instant."""

    day: date
    value: int
    at: datetime | None
    mix: Mapping[str, int]

    @property
    def dominant_type(self) -> str | None:
        """The type with the most calls at the peak (first in canonical order on a tie)."""
        if not self.value:
            return None
        return max(self.mix, key=lambda t: (self.mix[t], -CALL_TYPES.index(t)))


def daily_peaks(callset: CallSet, *, events: Events | None = None) -> list[DailyPeak]:
    """Every local day from the first call's to the last end's, empty days included."""
    series = compute_series(callset, every=parse_every("1d"), with_peak_instant=True, events=events)
    types = series.types
    days: list[DailyPeak] = []
    for row in series.frame.iter_rows(named=True):
        value = int(row[f"{TOTAL}_max"])
        days.append(
            DailyPeak(
                day=row[BUCKET_START].date(),
                value=value,
                at=row["peak_at"] if value else None,
                mix={t: int(row[f"{t}_at_peak"] or 0) for t in types},
            )
        )
    return days


def nearest_rank(values: Sequence[int], percent: float) -> int | None:
    """The nearest-rank percentile: the smallest value with at least ``percent`` % of the
    values at or below it (always one of the values; no interpolation)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(percent / 100 * len(ordered)), 1)
    return ordered[rank - 1]


def peak_percentiles(days: Sequence[DailyPeak]) -> dict[str, int | None]:
    """p50, p90, p95 (nearest rank) and max of the daily peaks."""
    values = [d.value for d in days]
    out: dict[str, int | None] = {f"p{p}": nearest_rank(values, p) for p in PERCENTILES}
    out["max"] = max(values) if values else None
    return out


@dataclass(frozen=True, slots=True)
class BusyHour:
    """The hour of the week with the highest mean concurrency (offered load, Erlangs),
    averaged over the weeks in the data."""

    weekday: str
    hour: int
    mean_erlangs: float
    max_level: int
    weeks: int


def busiest_hour_of_week(callset: CallSet, *, events: Events | None = None) -> BusyHour | None:
    """The (weekday, local hour) slot with the highest average hourly mean concurrency."""
    hourly = compute_series(callset, every=parse_every("1h"), events=events).frame
    if hourly.height == 0:
        return None
    slots = (
        hourly.with_columns(
            pl.col(BUCKET_START).dt.weekday().alias("weekday"),
            pl.col(BUCKET_START).dt.hour().alias("hour"),
        )
        .group_by("weekday", "hour")
        .agg(
            pl.col(f"{TOTAL}_mean").mean().alias("mean"),
            pl.col(f"{TOTAL}_max").max().alias("max"),
            pl.len().alias("weeks"),
        )
        .sort(["mean", "weekday", "hour"], descending=[True, False, False])
    )
    weekday, hour, mean, level, weeks = slots.row(0)
    return BusyHour(WEEKDAYS[int(weekday) - 1], int(hour), float(mean), int(level), int(weeks))


def chart_every(callset: CallSet, *, target_buckets: int = 240) -> Every:
    """The finest bucket width giving at most about ``target_buckets`` buckets (for charts)."""
    if callset.calls.height == 0:
        return parse_every("1h")
    span_s = max(
        (callset.calls["end"].max() - callset.calls["start"].min()).total_seconds(),  # type: ignore[operator, union-attr]
        1,
    )
    for seconds in _DIVISORS:
        if span_s / seconds <= target_buckets:
            return _every_of(seconds)
    return parse_every("1d")


_DIVISORS: Final = (1, 5, 10, 30, 60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, DAY_S)


def _every_of(seconds: int) -> Every:
    for unit, size in (("d", DAY_S), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return parse_every(f"{seconds // size}{unit}")
    return parse_every(f"{seconds}s")
