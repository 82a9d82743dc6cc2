"""Plan sizing for sales: the limit curve, a recommendation, and Erlang B beside it.

**The curve.** For every limit from the median daily peak up to the peak, the admission
replay (:mod:`ccc_cli.engine.replay`, every limit in one pass over the events) gives the
calls that limit would have rejected, their rate, the local days with a rejection and the
rejections on the worst of them; "seconds at capacity" is the time the log's own level
was at or above the limit (the time the plan would have been full or over, as in
``ccc breaches``).

**The recommendation** is the smallest limit from which every larger limit keeps the
rejected rate within the target. With single-leg calls the rejected count never grows
with the limit, and this is simply the smallest limit meeting the target; calls whose
legs leave gaps can make a larger limit reject more, and a plan must not be sold on a
lucky dip of the curve. When the curve's lowest limit already meets the target, the curve
is extended downwards until it does not (or reaches 1), so the answer is never cut off.

**Erlang B** is computed from the offered traffic in the busy hour (the clock hour with
the highest mean concurrency), and from the mean of each day's busy hour (ITU-T E.500
style, over the days with calls). It assumes Poisson arrivals; the variance-to-mean ratio
of the level inside the days' busy hours (1 for Poisson traffic) says how far the log is
from that assumption.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl

from ccc_cli.engine.replay import Replayer
from ccc_cli.engine.series import bucket_bounds, parse_every
from ccc_cli.engine.traffic import (
    PERCENTILES,
    WEEKDAYS,
    DailyPeak,
    nearest_rank,
    peak_percentiles,
)
from ccc_cli.errors import UsageError
from ccc_cli.normalize.callset import CallSet
from ccc_cli.schema import START

# Above this variance-to-mean ratio the traffic is called bursty (Poisson: 1).
BURSTY_RATIO: Final = 1.5
_US: Final = 1_000_000
# Fewer whole days than this give no trend (a week's own cycle would look like one).
MIN_TREND_DAYS: Final = 14
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def erlang_b(traffic: float, channels: int) -> float:
    """Blocking probability of ``channels`` servers offered ``traffic`` Erlangs (Erlang B),
    by the stable recursion B(0) = 1, B(n) = A*B(n-1) / (n + A*B(n-1))."""
    if traffic < 0 or channels < 0:
        raise ValueError("traffic and channels must not be negative")
    blocking = 1.0
    for n in range(1, channels + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def erlang_b_channels(traffic: float, gos: float) -> int:
    """The fewest channels whose Erlang B blocking is at most ``gos``."""
    if not 0 < gos < 1:
        raise ValueError("the grade of service must be between 0 and 1")
    if traffic <= 0:
        return 0
    blocking, n = 1.0, 0
    while blocking > gos:
        n += 1
        blocking = traffic * blocking / (n + traffic * blocking)
    return n


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """What the replay at one limit would have done."""

    limit: int
    rejected_calls: int
    rejected_rate: float
    seconds_at_capacity: float
    days_with_rejections: int
    worst_day_rejected: int


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The smallest limit meeting ``target`` (and every limit above it), that limit with
    headroom (rounded up), and the rejected rate at it."""

    limit: int
    with_headroom: int
    rejected_rate_at_limit: float
    target: float
    headroom: float


@dataclass(frozen=True, slots=True)
class Current:
    """The customer's current plan and what the replay says it did to them."""

    limit: int
    rejected_calls: int
    rejected_rate: float
    days_with_rejections: int
    days: int


@dataclass(frozen=True, slots=True)
class PlanSizing:
    """The sizing of one scope: all calls, or one account."""

    calls: int
    peak: int
    days: int
    curve: list[CurvePoint]
    recommendation: Recommendation | None
    no_rejection_limit: int
    current: Current | None
    daily_peaks: dict[str, int | None]
    extra: dict[int, CurvePoint] = field(default_factory=dict)  # limits off the curve

    def point(self, limit: int) -> CurvePoint | None:
        """The replay at ``limit``, if computed (on the curve or as an extra limit)."""
        found = next((p for p in self.curve if p.limit == limit), None)
        return found or self.extra.get(limit)


@dataclass(frozen=True, slots=True)
class WeekdayPeaks:
    """Daily-peak percentiles of one weekday."""

    weekday: str
    days: int
    percentiles: dict[str, int | None]


@dataclass(frozen=True, slots=True)
class Trend:
    """Least-squares growth of the daily peaks, per 30 days, over ``days`` days."""

    per_30_days: float
    relative: float | None  # per_30_days / the mean daily peak
    days: int
    first_day: str
    last_day: str


@dataclass(frozen=True, slots=True)
class ErlangB:
    """Erlang B next to the replay. ``channels``: for the busy hour's offered traffic;
    ``e500_channels``: for the mean of each day's busy hour (over ``e500_days`` days with
    calls); ``replay_at_channels``: what the replay does with ``channels`` as the limit."""

    busy_hour_start: datetime | None
    offered_erlangs: float
    gos: float
    channels: int
    e500_offered_erlangs: float
    e500_channels: int
    e500_days: int
    replay_at_channels: CurvePoint | None = None


@dataclass(frozen=True)
class Sizing:
    """The result of ``ccc size``."""

    total: PlanSizing
    weekdays: list[WeekdayPeaks]
    trend: Trend | None
    erlang_b: ErlangB | None
    burstiness: float | None
    by_account: dict[str, PlanSizing] | None = field(default=None)

    @property
    def bursty(self) -> bool:
        return self.burstiness is not None and self.burstiness > BURSTY_RATIO


def limit_curve(
    replayer: Replayer,
    group: str,
    limits: Iterable[int],
    *,
    tz: str,
    durations: IntArray | None = None,
) -> list[CurvePoint]:
    """The curve of ``group`` at ``limits`` (ascending, distinct, positive)."""
    wanted = np.asarray(sorted(set(limits)), dtype=np.int64)
    if wanted.size == 0:
        return []
    calls = replayer.call_counts.get(group, 0)
    hits = replayer.rejections(group, wanted)
    per_day = (
        hits.with_columns(
            pl.from_epoch(START, time_unit="us")
            .dt.replace_time_zone("UTC")
            .dt.convert_time_zone(tz)
            .dt.date()
            .alias("day")
        )
        .group_by("limit", "day")
        .len()
        .group_by("limit")
        .agg(
            pl.col("len").sum().alias("rejected"),
            pl.len().alias("days"),
            pl.col("len").max().alias("worst"),
        )
    )
    if durations is None:
        durations = replayer.time_at_level(group)
    # Time at a level >= limit: a suffix sum over the time spent at each level.
    suffix = np.append(durations[::-1].cumsum()[::-1], 0)
    at_capacity = pl.DataFrame({"limit": wanted, "us": suffix[np.minimum(wanted, suffix.size - 1)]})
    table = (
        at_capacity.join(per_day, on="limit", how="left")
        .fill_null(0)
        .sort("limit")
        .iter_rows(named=True)
    )
    return [
        CurvePoint(
            limit=int(row["limit"]),
            rejected_calls=int(row["rejected"]),
            rejected_rate=int(row["rejected"]) / calls if calls else 0.0,
            seconds_at_capacity=int(row["us"]) / _US,
            days_with_rejections=int(row["days"]),
            worst_day_rejected=int(row["worst"]),
        )
        for row in table
    ]


def recommend(curve: Sequence[CurvePoint], target: float) -> CurvePoint | None:
    """The smallest limit of ``curve`` from which every larger limit meets ``target``."""
    best: CurvePoint | None = None
    for point in sorted(curve, key=lambda p: p.limit, reverse=True):
        if point.rejected_rate > target:
            break
        best = point
    return best


def _size_scope(
    replayer: Replayer,
    group: str,
    days: Sequence[DailyPeak],
    *,
    tz: str,
    target: float,
    headroom: float,
    current: int | None,
    extras: Sequence[int] = (),
    curve_from: int | None = None,
) -> PlanSizing:
    peak = replayer.peak(group)
    percentiles = peak_percentiles(days)
    durations = replayer.time_at_level(group)
    top = max(peak, 1)
    low = curve_from if curve_from is not None else (percentiles["p50"] or 1)
    low = min(max(low, 1), top)

    def points(limits: Iterable[int]) -> list[CurvePoint]:
        return limit_curve(replayer, group, limits, tz=tz, durations=durations)

    curve = points(range(low, top + 1))
    if curve[-1].rejected_calls:
        # Only a zero-length attempt arriving at the peak is rejected at the peak.
        curve += points([top + 1])
    # Look further down while even the lowest limit meets the target (doubling the span).
    while curve_from is None and low > 1 and curve[0].rejected_rate <= target:
        lower = max(1, low - (top - low + 1))
        curve = points(range(lower, low)) + curve
        low = lower
    # Limits asked about that are off the curve: replayed together in one more pass.
    wanted = {x for x in [*extras, current] if x is not None and not low <= x <= curve[-1].limit}
    extra = {p.limit: p for p in points(wanted)}
    chosen = recommend(curve, target)
    recommendation = None
    if chosen is not None:
        recommendation = Recommendation(
            limit=chosen.limit,
            with_headroom=math.ceil(chosen.limit * (1 + headroom) - 1e-9),
            rejected_rate_at_limit=chosen.rejected_rate,
            target=target,
            headroom=headroom,
        )
    no_rejection = recommend(curve, 0.0)
    now = None
    if current is not None:
        point = next((p for p in curve if p.limit == current), None) or extra[current]
        now = Current(
            limit=current,
            rejected_calls=point.rejected_calls,
            rejected_rate=point.rejected_rate,
            days_with_rejections=point.days_with_rejections,
            days=len(days),
        )
    return PlanSizing(
        calls=replayer.call_counts.get(group, 0),
        peak=peak,
        days=len(days),
        curve=curve,
        recommendation=recommendation,
        no_rejection_limit=no_rejection.limit if no_rejection else top + 1,
        current=now,
        daily_peaks=percentiles,
        extra=extra,
    )


def recommend_plan(callset: CallSet, *, target: float = 0.001, headroom: float = 0.1) -> PlanSizing:
    """The curve and recommendation for all calls, without the daily view or Erlang B
    (the one-line hint of ``ccc analyze``)."""
    replayer = Replayer(callset, by_account=False)
    days = day_peaks(*replayer.instants(""), callset.tz)
    return _size_scope(
        replayer, "", days, tz=callset.tz, target=target, headroom=headroom, current=None
    )


def weekday_peaks(days: Sequence[DailyPeak]) -> list[WeekdayPeaks]:
    """Daily-peak percentiles for each weekday with at least one day in the data."""
    out: list[WeekdayPeaks] = []
    for index, name in enumerate(WEEKDAYS):
        values = [d.value for d in days if d.day.weekday() == index]
        if not values:
            continue
        stats: dict[str, int | None] = {f"p{p}": nearest_rank(values, p) for p in PERCENTILES}
        stats["max"] = max(values)
        out.append(WeekdayPeaks(name, len(values), stats))
    return out


def peak_trend(days: Sequence[DailyPeak]) -> Trend | None:
    """Growth of the daily peaks per 30 days: the least-squares slope against the date
    with one level per weekday, so that the weekly cycle (quiet weekends) is not read as
    a trend; over the whole days (the first and last day are left out: a log rarely
    covers them whole). None with fewer than two weeks of whole days."""
    used = list(days[1:-1])
    if len(used) < MIN_TREND_DAYS:
        return None
    x = np.array([d.day.toordinal() for d in used], dtype=np.float64)
    y = np.array([d.value for d in used], dtype=np.float64)
    weekday = np.array([d.day.weekday() for d in used])
    # Least squares with a weekday intercept each: centre x and y within each weekday.
    count = np.bincount(weekday, minlength=7).astype(np.float64)
    safe = np.maximum(count, 1)
    dx = x - (np.bincount(weekday, weights=x, minlength=7) / safe)[weekday]
    dy = y - (np.bincount(weekday, weights=y, minlength=7) / safe)[weekday]
    slope = float((dx * dy).sum() / (dx * dx).sum()) * 30
    mean = float(y.mean())
    return Trend(
        per_30_days=slope,
        relative=slope / mean if mean else None,
        days=len(used),
        first_day=used[0].day.isoformat(),
        last_day=used[-1].day.isoformat(),
    )


def _local(us: IntArray, tz: str) -> pl.Series:
    """UTC microseconds as datetimes in ``tz``."""
    utc = pl.from_epoch(pl.Series(us), time_unit="us").dt.replace_time_zone("UTC")
    return utc.dt.convert_time_zone(tz)


def day_peaks(t: IntArray, level: IntArray, tz: str) -> list[DailyPeak]:
    """The peak of every local day from the first instant to the last (as
    :func:`~ccc_cli.engine.traffic.daily_peaks`, without the instant and the mix):
    the larger of the level carried into the day and the levels of its instants."""
    # An instant exactly at a day's start belongs to that day: the level before it is
    # not the day's (half-open intervals).
    if t.size == 0:
        return []
    bounds = bucket_bounds(int(t[0]), int(t[-1]), parse_every("1d"), tz).to_numpy()
    starts = np.searchsorted(t, bounds[:-1], side="left")
    ends = np.searchsorted(t, bounds[1:], side="left")
    # The level carried in: after the last instant before the day (one at its very
    # start is inside the day, and its level replaces the carried one).
    before = starts - 1
    carried = np.where(
        (before >= 0) & (t[np.minimum(starts, t.size - 1)] != bounds[:-1]),
        level[np.maximum(before, 0)],
        0,
    )
    # reduceat gives the max of level[starts[i]:starts[i + 1]] (the last to the end);
    # an empty day gives a stray value, masked out.
    inside = np.where(ends > starts, np.maximum.reduceat(level, starts), 0)
    values = np.maximum(carried, inside).tolist()
    days = _local(bounds[:-1], tz).dt.date().to_list()
    return [
        DailyPeak(day=d, value=int(v), at=None, mix={}) for d, v in zip(days, values, strict=True)
    ]


def level_moments(
    t: IntArray, level: IntArray, b: IntArray, e: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Time-weighted mean and variance of the level (``t``, ``level``: instants and the
    level from each) in each window ``[b, e)``, exactly: the integrals of the level and
    of its square, read at the bounds."""
    if t.size == 0:
        return np.zeros(b.size), np.zeros(b.size)
    lv = level.astype(np.float64)
    gaps = np.diff(t).astype(np.float64) / _US
    # Integrals of the level and of its square from the first instant to each instant.
    first = np.concatenate([[0.0], np.cumsum(lv[:-1] * gaps)])
    second = np.concatenate([[0.0], np.cumsum(lv[:-1] ** 2 * gaps)])

    def integrals(x: IntArray) -> tuple[FloatArray, FloatArray]:
        pos = np.searchsorted(t, x, side="right") - 1
        inside = pos >= 0
        p = np.clip(pos, 0, None)
        width = (x - t[p]).astype(np.float64) / _US
        at = np.where(inside, lv[p], 0.0)
        one = np.where(inside, first[p] + at * width, 0.0)
        two = np.where(inside, second[p] + at**2 * width, 0.0)
        return one, two

    b1, b2 = integrals(b)
    e1, e2 = integrals(e)
    span = (e - b).astype(np.float64) / _US
    mean = (e1 - b1) / span
    return mean, np.maximum((e2 - b2) / span - mean**2, 0.0)


def _erlang_and_burstiness(
    t: IntArray, level: IntArray, tz: str, gos: float
) -> tuple[ErlangB | None, float | None]:
    if t.size == 0:
        return None, None
    bounds = bucket_bounds(int(t[0]), int(t[-1]), parse_every("1h"), tz).to_numpy()
    b, e = bounds[:-1], bounds[1:]
    mean, var = level_moments(t, level, b, e)
    hours = pl.DataFrame({"start": _local(b, tz), "b": b, "mean": mean, "var": var})
    hours = hours.with_columns(pl.col("start").dt.date().alias("day"))
    # Hours come in time order: the first of the highest is the busy hour.
    busiest = hours.filter(pl.col("mean") == pl.col("mean").max()).row(0, named=True)
    daily_busy = (
        hours.sort("mean", "b", descending=[True, False])
        .unique(subset="day", keep="first", maintain_order=True)
        .filter(pl.col("mean") > 0)
    )
    offered = float(busiest["mean"])
    e500 = float(daily_busy["mean"].to_numpy().mean()) if daily_busy.height else 0.0
    erlang = ErlangB(
        busy_hour_start=busiest["start"] if offered > 0 else None,
        offered_erlangs=offered,
        gos=gos,
        channels=erlang_b_channels(offered, gos),
        e500_offered_erlangs=e500,
        e500_channels=erlang_b_channels(e500, gos),
        e500_days=daily_busy.height,
    )
    burstiness = None
    total_mean = float(daily_busy["mean"].sum())
    if total_mean > 0:
        # Pooled within each day's busy hour: Poisson traffic gives 1.
        burstiness = float(daily_busy["var"].sum()) / total_mean
    return erlang, burstiness


def size_plan(
    callset: CallSet,
    *,
    target: float = 0.001,
    headroom: float = 0.1,
    gos: float = 0.01,
    current: int | None = None,
    by_account: bool = False,
    curve_from: int | None = None,
) -> Sizing:
    """Size a plan from ``callset`` (see the module docstring).

    ``target``: the highest acceptable rejected rate; ``headroom``: the margin added to
    the recommended limit; ``gos``: Erlang B's grade of service (blocking probability);
    ``current``: the customer's current limit; ``curve_from``: the curve's lowest limit
    (default: the median daily peak, extended down while it still meets the target).
    With ``by_account``, each account is sized on its own too (its days run from its
    own first call to its own last end).
    """
    if not 0 <= target < 1:
        raise UsageError("--max-reject-rate must be at least 0 and below 1")
    if headroom < 0:
        raise UsageError("--headroom must not be negative")
    if not 0 < gos < 1:
        raise UsageError("--gos must be between 0 and 1 (exclusive)")
    if current is not None and current < 1:
        raise UsageError("--current must be a positive whole number")
    if curve_from is not None and curve_from < 1:
        raise UsageError("--lowest-limit must be a positive whole number")
    tz = callset.tz
    replayer = Replayer(callset, by_account=False)
    t, level = replayer.instants("")
    days = day_peaks(t, level, tz)
    erlang, burstiness = _erlang_and_burstiness(t, level, tz, gos)
    total = _size_scope(
        replayer,
        "",
        days,
        tz=tz,
        target=target,
        headroom=headroom,
        current=current,
        extras=[erlang.channels] if erlang and erlang.channels else [],
        curve_from=curve_from,
    )
    if erlang is not None and erlang.channels:
        erlang = replace(erlang, replay_at_channels=total.point(erlang.channels))
    accounts = None
    if by_account:
        del replayer  # one set of replay events in memory at a time
        accounts = {}
        per_account = Replayer(callset, by_account=True)
        for name in per_account.groups:
            accounts[name] = _size_scope(
                per_account,
                name,
                day_peaks(*per_account.instants(name), tz),
                tz=tz,
                target=target,
                headroom=headroom,
                current=current,
            )
    return Sizing(
        total=total,
        weekdays=weekday_peaks(days),
        trend=peak_trend(days),
        erlang_b=erlang,
        burstiness=burstiness,
        by_account=accounts,
    )
