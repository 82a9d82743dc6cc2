"""``ccc size``: the JSON document and the one-screen table for sales."""

from __future__ import annotations

from typing import Any

import polars as pl
from rich.console import Console
from rich.table import Table

from ccc_cli.engine.sizing import (
    BURSTY_RATIO,
    MIN_TREND_DAYS,
    CurvePoint,
    ErlangB,
    PlanSizing,
    Recommendation,
    Sizing,
    Trend,
    WeekdayPeaks,
)
from ccc_cli.engine.sweep import PeakResult, PeakSet
from ccc_cli.normalize.callset import CallSet
from ccc_cli.report.common import (
    accounting_line,
    daily_peaks_document,
    inputs_document,
    peak_object,
)
from ccc_cli.report.timefmt import duration_text, human, iso

# The curve on screen: every limit when it is short, else this many rows around the
# limits that matter (the full curve is in --format json and --curve-out).
SHOWN_ROWS = 14


def point_document(point: CurvePoint) -> dict[str, Any]:
    return {
        "limit": point.limit,
        "rejected_calls": point.rejected_calls,
        "rejected_rate": point.rejected_rate,
        "seconds_at_capacity": point.seconds_at_capacity,
        "days_with_rejections": point.days_with_rejections,
        "worst_day_rejected": point.worst_day_rejected,
    }


def recommendation_document(rec: Recommendation | None) -> dict[str, Any] | None:
    """``recommendation``: the limit to sell; ``headroom_fraction`` is the margin added
    (a share: 0.1 = 10%), ``with_headroom`` the limit with it (calls)."""
    if rec is None:
        return None
    return {
        "limit": rec.limit,
        "with_headroom": rec.with_headroom,
        "rejected_rate_at_limit": rec.rejected_rate_at_limit,
        "target": rec.target,
        "headroom_fraction": rec.headroom,
    }


def scope_document(
    scope: PlanSizing,
    peak: PeakSet | PeakResult,
    tz: str,
    *,
    weekdays: list[WeekdayPeaks] | None = None,
) -> dict[str, Any]:
    """Calls, peak, daily peaks, recommendation, current plan and curve of one scope
    (all calls, or one account)."""
    now = scope.current
    return {
        "calls": scope.calls,
        "peak": peak_object(peak.total.value, peak.total.at, peak.mix, tz),
        "daily_peaks": daily_peaks_document(
            days=scope.days,
            percentiles=scope.daily_peaks,
            by_weekday=None
            if weekdays is None
            else [(w.weekday, w.days, w.percentiles) for w in weekdays],
        ),
        "recommendation": recommendation_document(scope.recommendation),
        "no_rejection_limit": scope.no_rejection_limit,
        "current": None
        if now is None
        else {
            "limit": now.limit,
            "rejected_calls": now.rejected_calls,
            "rejected_rate": now.rejected_rate,
            "days_with_rejections": now.days_with_rejections,
            "days": now.days,
        },
        "curve": [point_document(p) for p in scope.curve],
    }


def _erlang_document(erlang: ErlangB | None, tz: str) -> dict[str, Any] | None:
    if erlang is None:
        return None
    at = erlang.replay_at_channels
    return {
        "busy_hour_start": iso(erlang.busy_hour_start, tz),
        "offered_erlangs": erlang.offered_erlangs,
        "gos": erlang.gos,
        "channels": erlang.channels,
        "e500": {
            "offered_erlangs": erlang.e500_offered_erlangs,
            "channels": erlang.e500_channels,
            "days": erlang.e500_days,
        },
        "replay_at_channels": None if at is None else point_document(at),
    }


def _trend_document(trend: Trend | None) -> dict[str, Any] | None:
    if trend is None:
        return None
    return {
        "per_30_days": trend.per_30_days,
        "relative": trend.relative,
        "days": trend.days,
        "first_day": trend.first_day,
        "last_day": trend.last_day,
    }


def size_document(
    result: Sizing, callset: CallSet, peaks: PeakResult | None = None
) -> dict[str, Any]:
    """The ``--format json`` document of ``ccc size`` (docs/schema/size.json).

    ``peak`` is the same object as everywhere (value, first instant, mix): from
    ``peaks`` (:func:`~ccc_cli.engine.sweep.compute_peaks` of ``callset``, by account
    when ``result`` is), computed here when not given.
    """
    tz = callset.tz
    if peaks is None or (result.by_account is not None and peaks.by_account is None):
        from ccc_cli.engine.sweep import compute_peaks

        peaks = compute_peaks(callset, by_account=result.by_account is not None)
    doc = inputs_document(callset, "size")
    doc |= scope_document(result.total, peaks, tz, weekdays=result.weekdays)
    doc |= {
        "trend": _trend_document(result.trend),
        "erlang_b": _erlang_document(result.erlang_b, tz),
        "burstiness": result.burstiness,
        "bursty": result.bursty,
    }
    if result.by_account is not None:
        accounts = peaks.by_account or {}
        doc["by_account"] = {
            name: scope_document(s, accounts[name], tz) for name, s in result.by_account.items()
        }
    return doc


def recommendation_sentence(scope: PlanSizing) -> str:
    """One line: the plan to sell and why (``ccc analyze`` prints it too)."""
    rec = scope.recommendation
    if rec is None:
        return f"no limit up to the peak of {scope.peak} keeps rejections within the target"
    if rec.with_headroom == rec.limit:
        sell = f"sell a plan of {rec.limit}"
    else:
        sell = f"sell a plan of {rec.with_headroom} ({rec.limit} + {rec.headroom:.0%} headroom)"
    return (
        f"{sell}: a limit of {rec.limit} would have rejected {rec.rejected_rate_at_limit:.3%} "
        f"of calls (target {rec.target:.3%}); {scope.no_rejection_limit} would have rejected none"
    )


def current_sentence(scope: PlanSizing) -> str | None:
    now = scope.current
    if now is None:
        return None
    if not now.rejected_calls:
        return f"on the current plan of {now.limit}, no call would have been rejected"
    return (
        f"on the current plan of {now.limit}, {now.rejected_calls:,} calls "
        f"({now.rejected_rate:.3%}) would have been rejected, on {now.days_with_rejections} "
        f"of {now.days} days"
    )


def _shown_limits(scope: PlanSizing, marks: dict[int, str]) -> list[CurvePoint]:
    curve = scope.curve
    if len(curve) <= SHOWN_ROWS:
        return curve
    keep = {curve[0].limit, curve[-1].limit, *marks}
    spare = max(SHOWN_ROWS - len(keep), 2)
    step = max(len(curve) // spare, 1)
    keep |= {p.limit for p in curve[::step]}
    return [p for p in curve if p.limit in keep]


def _marks(result: Sizing, scope: PlanSizing) -> dict[int, str]:
    marks: dict[int, list[str]] = {}

    def mark(limit: int | None, text: str) -> None:
        if limit is not None:
            marks.setdefault(limit, []).append(text)

    if scope.recommendation is not None:
        mark(scope.recommendation.limit, "recommended")
        mark(scope.recommendation.with_headroom, "with headroom")
    mark(scope.no_rejection_limit, "rejects none")
    mark(scope.peak, "peak")
    if scope.current is not None:
        mark(scope.current.limit, "current plan")
    if scope is result.total and result.erlang_b is not None and result.erlang_b.channels:
        mark(result.erlang_b.channels, "Erlang B")
    return {k: ", ".join(v) for k, v in marks.items()}


def _curve_table(result: Sizing, scope: PlanSizing, title: str) -> Table:
    marks = _marks(result, scope)
    table = Table(title=title, title_justify="left")
    for name in ("limit", "rejected calls", "rejected", "at capacity", "days hit", "worst day"):
        table.add_column(name, justify="right")
    table.add_column("")
    points = {p.limit: p for p in _shown_limits(scope, marks)}
    points |= {limit: p for limit in marks if (p := scope.point(limit)) is not None}
    for limit in sorted(points):
        p = points[limit]
        table.add_row(
            str(p.limit),
            f"{p.rejected_calls:,}",
            f"{p.rejected_rate:.3%}",
            duration_text(p.seconds_at_capacity, with_seconds=False),
            f"{p.days_with_rejections}/{scope.days}",
            f"{p.worst_day_rejected:,}",
            marks.get(limit, ""),
            style="bold" if "recommended" in marks.get(limit, "") else None,
        )
    return table


def _weekday_table(result: Sizing) -> Table:
    table = Table(title="Daily peaks by weekday (nearest rank)", title_justify="left")
    table.add_column("")
    for name in ("days", "p50", "p90", "p95", "max"):
        table.add_column(name, justify="right")
    overall = result.total.daily_peaks
    table.add_row(
        "all days", str(result.total.days), *[str(overall[k]) for k in ("p50", "p90", "p95", "max")]
    )
    for w in result.weekdays:
        table.add_row(
            w.weekday, str(w.days), *[str(w.percentiles[k]) for k in ("p50", "p90", "p95", "max")]
        )
    return table


def _erlang_lines(result: Sizing, tz: str) -> list[str]:
    erlang = result.erlang_b
    if erlang is None:
        return []
    lines = [
        f"Erlang B at {erlang.gos:.1%} blocking: busy hour {human(erlang.busy_hour_start, tz)} "
        f"offered {erlang.offered_erlangs:.2f} Erlangs -> {erlang.channels} channels; "
        f"mean of the {erlang.e500_days} daily busy hours {erlang.e500_offered_erlangs:.2f} "
        f"Erlangs -> {erlang.e500_channels} channels",
    ]
    at = erlang.replay_at_channels
    rec = result.total.recommendation
    if at is not None:
        lines.append(
            f"the replay with {at.limit} channels would have rejected {at.rejected_calls:,} "
            f"calls ({at.rejected_rate:.3%} of the period)"
            + (f"; the replay recommends {rec.limit}" if rec is not None else "")
        )
    if result.burstiness is not None:
        ratio = result.burstiness
        if ratio > BURSTY_RATIO:
            verdict = "burstier than Poisson: Erlang B will under-size, trust the replay's figure"
        elif ratio < 1 / BURSTY_RATIO:
            verdict = "smoother than Poisson: Erlang B will over-size"
        else:
            verdict = "close to Poisson: Erlang B and the replay should roughly agree"
        lines.append(
            f"burstiness (variance/mean of the level in the daily busy hours; Poisson = 1): "
            f"{ratio:.2f}, {verdict}"
        )
    return lines


def render_size(console: Console, result: Sizing, callset: CallSet) -> None:
    """One screen for sales: the plan to sell, the curve, the daily view, Erlang B."""
    tz = callset.tz
    total = result.total
    files = ", ".join(f.label for f in callset.files)
    console.print(f"[bold]ccc size[/bold]: {files} (times in {tz})")
    console.print(accounting_line(callset.accounting), markup=False)
    console.print(f"{total.calls:,} calls over {total.days} days, peak {total.peak}", markup=False)
    console.print(f"[bold]{recommendation_sentence(total)}[/bold]")
    now = current_sentence(total)
    if now is not None:
        console.print(now, markup=False)
    console.print(
        _curve_table(
            result,
            total,
            f"Limit curve ({len(total.curve)} limits, {total.curve[0].limit}-"
            f"{total.curve[-1].limit}; the full curve: --format json or --curve-out)",
        )
    )
    console.print(_weekday_table(result))
    trend = result.trend
    if trend is None:
        whole = max(total.days - 2, 0)
        console.print(
            f"trend of daily peaks: needs {MIN_TREND_DAYS} whole days, this log has {whole}",
            markup=False,
        )
    else:
        relative = "" if trend.relative is None else f" ({trend.relative:+.1%})"
        console.print(
            f"trend of daily peaks: {trend.per_30_days:+.1f} per 30 days{relative}, "
            f"least squares over {trend.days} days ({trend.first_day} to {trend.last_day})",
            markup=False,
        )
    for line in _erlang_lines(result, tz):
        console.print(line, markup=False)
    if result.by_account is not None:
        console.print(_account_table(result.by_account))


def _account_table(accounts: dict[str, PlanSizing]) -> Table:
    table = Table(title="By account", title_justify="left")
    table.add_column("account")
    for name in ("calls", "peak", "p50 daily", "recommended", "rejected", "sell", "rejects none"):
        table.add_column(name, justify="right")
    current = any(s.current is not None for s in accounts.values())
    if current:
        table.add_column("on current plan", justify="right")
    for name, scope in accounts.items():
        rec = scope.recommendation
        row = [
            name,
            f"{scope.calls:,}",
            str(scope.peak),
            str(scope.daily_peaks["p50"]),
            "-" if rec is None else str(rec.limit),
            "-" if rec is None else f"{rec.rejected_rate_at_limit:.3%}",
            "-" if rec is None else str(rec.with_headroom),
            str(scope.no_rejection_limit),
        ]
        if current:
            now = scope.current
            row.append("-" if now is None else f"{now.rejected_calls:,} rejected")
        table.add_row(*row)
    return table


def curve_frame(result: Sizing) -> pl.DataFrame:
    """The curve as a table (``--curve-out``, ``--format csv``): ``account`` (empty for all
    calls), then the curve point's keys."""
    schema = {
        "account": pl.String,
        "limit": pl.Int64,
        "rejected_calls": pl.Int64,
        "rejected_rate": pl.Float64,
        "seconds_at_capacity": pl.Float64,
        "days_with_rejections": pl.Int64,
        "worst_day_rejected": pl.Int64,
    }
    return pl.DataFrame(curve_frame_rows(result), schema=schema)


def curve_frame_rows(result: Sizing) -> list[dict[str, Any]]:
    """The curve as rows for ``--curve-out`` (with an ``account`` column by account)."""
    rows = [{"account": None, **point_document(p)} for p in result.total.curve]
    for name, scope in (result.by_account or {}).items():
        rows += [{"account": name, **point_document(p)} for p in scope.curve]
    return rows
