"""``ccc analyze``: every headline figure of a data set, computed once."""

from __future__ import annotations

from dataclasses import dataclass

from ccc_cli.engine.breaches import Breaches, compute_breaches
from ccc_cli.engine.limits import Limits
from ccc_cli.engine.series import Every, SeriesResult, compute_series
from ccc_cli.engine.sizing import PlanSizing, recommend_plan
from ccc_cli.engine.sweep import PeakResult, build_events, compute_peaks
from ccc_cli.engine.traffic import (
    BusyHour,
    CpsResult,
    DailyPeak,
    busiest_hour_of_week,
    chart_every,
    compute_cps,
    daily_peaks,
    peak_percentiles,
)
from ccc_cli.normalize.callset import CallSet


@dataclass(frozen=True)
class Analysis:
    """Peaks, call starts per second, daily peaks and the busy hour, and a chart series."""

    peaks: PeakResult
    cps: CpsResult
    days: list[DailyPeak]
    percentiles: dict[str, int | None]
    busiest_day: DailyPeak | None
    busy_hour: BusyHour | None
    chart: SeriesResult
    limits: Limits | None
    breaches: Breaches | None
    sizing: PlanSizing | None  # the sizing hint, when no limit is given

    @property
    def limit(self) -> int | None:
        """The one limit on all calls (None without one, or with per-account limits)."""
        return None if self.limits is None else self.limits.total


def analyze(
    callset: CallSet,
    *,
    limits: Limits | None = None,
    every: Every | None = None,
    by_account: bool = False,
) -> Analysis:
    """Compute the figures of ``ccc analyze`` (``every``: the chart's bucket width,
    chosen from the time span when None; ``by_account``: the peaks of each account too).
    Without ``limits``, a sizing hint: the plan ``ccc size`` would recommend with its
    default target and headroom."""
    # One sort of the events serves every figure.
    events = build_events(callset, by_account=False)
    days = daily_peaks(callset, events=events)
    busiest = max(days, key=lambda d: (d.value, -d.day.toordinal()), default=None)
    return Analysis(
        peaks=(
            compute_peaks(callset, by_account=True)
            if by_account
            else compute_peaks(callset, events=events)
        ),
        cps=compute_cps(callset),
        days=days,
        percentiles=peak_percentiles(days),
        busiest_day=busiest if busiest is not None and busiest.value else None,
        busy_hour=busiest_hour_of_week(callset, events=events),
        chart=compute_series(callset, every=every or chart_every(callset), events=events),
        limits=limits,
        breaches=None if limits is None else compute_breaches(callset, limits),
        sizing=recommend_plan(callset) if limits is None else None,
    )
