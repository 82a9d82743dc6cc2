"""``ccc analyze``: one screen for sales and support, and its JSON document."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console, Group
from rich.table import Table

from ccc_cli.engine.analysis import Analysis
from ccc_cli.engine.series import TOTAL
from ccc_cli.engine.traffic import CPS_WINDOWS_S, DailyPeak, Rate
from ccc_cli.normalize.callset import CallSet
from ccc_cli.report.breaches import breach_summary_lines, breaches_document, limits_document
from ccc_cli.report.chart import ConcurrencyChart
from ccc_cli.report.common import (
    accounting_line,
    chart_width,
    daily_peaks_document,
    inputs_document,
    peak_object,
    value_at,
)
from ccc_cli.report.peak import mix_sentence, peak_figures
from ccc_cli.report.series import series_records
from ccc_cli.report.size import recommendation_document, recommendation_sentence
from ccc_cli.report.timefmt import human
from ccc_cli.schema import CALL_TYPES, START

# The zone note: enough calls over at least most of a day, and a quiet 6-hour "night"
# that holds at most this share of the starts (a flat 24-hour profile would give 25%).
ZONE_NOTE_MIN_CALLS = 200
ZONE_NOTE_MIN_SPAN_S = 20 * 3600
ZONE_NOTE_NIGHT_SHARE = 0.10


def zone_note(callset: CallSet) -> str | None:
    """A note when the times are shown in UTC (no zone given) but the calls look local to
    another zone: their quietest six hours, the night, fall far from 00:00-06:00 UTC (a
    log of business hours in Asia/Ho_Chi_Minh read as UTC is busiest at 01:00-10:00
    UTC and quietest at 17:00-23:00). ``None`` when the data does not say."""
    if callset.tz != "UTC" or callset.calls.height < ZONE_NOTE_MIN_CALLS:
        return None
    starts = callset.calls[START]
    if (starts.max() - starts.min()).total_seconds() < ZONE_NOTE_MIN_SPAN_S:  # type: ignore[operator, union-attr]
        return None
    by_hour = dict(starts.dt.hour().value_counts().iter_rows())
    counts = [int(by_hour.get(h, 0)) for h in range(24)]
    night = [sum(counts[(h + i) % 24] for i in range(6)) for h in range(24)]
    quiet = min(range(24), key=night.__getitem__)
    if night[quiet] > ZONE_NOTE_NIGHT_SHARE * sum(counts):
        return None  # no clear night: no daily cycle to read a zone from
    # The middle of the day's calls (the circular mean of their hours) sits at about
    # 13:00 local time in business traffic.
    angle = sum(
        n * complex(math.cos(h * math.pi / 12), math.sin(h * math.pi / 12))
        for h, n in enumerate(counts)
    )
    middle = math.atan2(angle.imag, angle.real) * 12 / math.pi
    offset = (round(13 - middle) + 11) % 24 - 11
    if abs(offset) < 3:
        return None
    return (
        f"no --tz given, so times, days and hours are in UTC; but the calls look local to "
        f"about UTC{offset:+03d}:00 (their quietest hours are {quiet:02d}:00-"
        f"{(quiet + 6) % 24:02d}:00 UTC): pass --tz with the data's zone"
    )


def _cps(windows: Mapping[int, Rate], tz: str) -> dict[str, Any]:
    return {f"window_{w}s": value_at(windows[w].value, windows[w].at, tz) for w in CPS_WINDOWS_S}


def day_document(day: DailyPeak, tz: str) -> dict[str, Any]:
    """One local day's peak: ``{day, value, at, mix, dominant_type}``."""
    return {
        "day": day.day.isoformat(),
        **peak_object(day.value, day.at, day.mix, tz),
        "dominant_type": day.dominant_type,
    }


def analysis_document(
    result: Analysis, callset: CallSet, *, notes: Sequence[str] = ()
) -> dict[str, Any]:
    """The ``--format json`` document of ``ccc analyze`` (docs/schema/analyze.json):
    everything on the screen. ``notes`` are added to the input notes (the time-zone
    note of the command)."""
    from ccc_cli.engine.sizing import weekday_peaks

    tz = callset.tz
    peaks = result.peaks
    doc = inputs_document(callset, "analyze")
    doc["notes"] += list(notes)
    doc |= peak_figures(peaks.total, peaks.mix, peaks.by_type, tz)
    if peaks.by_account is not None:
        doc["by_account"] = {
            name: peak_figures(ps.total, ps.mix, ps.by_type, tz)
            for name, ps in peaks.by_account.items()
        }
    doc["cps"] = _cps(result.cps.windows, tz)
    doc["cps_by_type"] = {
        t: _cps({w: result.cps.by_type[w][t] for w in CPS_WINDOWS_S}, tz)
        for t in CALL_TYPES
        if all(t in result.cps.by_type[w] for w in CPS_WINDOWS_S)
    }
    doc["daily_peaks"] = daily_peaks_document(
        days=len(result.days),
        percentiles=result.percentiles,
        by_weekday=[(w.weekday, w.days, w.percentiles) for w in weekday_peaks(result.days)],
        by_day={
            d.day.isoformat(): {k: v for k, v in day_document(d, tz).items() if k != "day"}
            for d in result.days
        },
    )
    doc["busiest_day"] = (
        None if result.busiest_day is None else day_document(result.busiest_day, tz)
    )
    hour = result.busy_hour
    doc["busiest_hour_of_week"] = (
        None
        if hour is None
        else {
            "weekday": hour.weekday,
            "hour": hour.hour,
            "mean_erlangs": hour.mean_erlangs,
            "max_level": hour.max_level,
            "weeks": hour.weeks,
        }
    )
    if result.limits is not None:
        doc |= limits_document(result.limits)
    else:
        doc["limit"] = None
    if result.limit is not None:
        doc["headroom"] = result.limit - peaks.total.value
    if result.breaches is not None:
        full = breaches_document(result.breaches, callset)
        doc["breaches"] = {
            key: full[key] for key in ("capacity", "over_limit", "replay", "breached")
        }
        doc["breaches"]["observed_rejections"] = {
            k: v for k, v in full["observed_rejections"].items() if k != "rows"
        }
    if result.sizing is not None:
        doc["sizing"] = {
            "recommendation": recommendation_document(result.sizing.recommendation),
            "no_rejection_limit": result.sizing.no_rejection_limit,
            "hint": recommendation_sentence(result.sizing),
        }
    doc["chart"] = {"every": result.chart.every.text, "buckets": series_records(result.chart)}
    return doc


def render_analysis(console: Console, result: Analysis, callset: CallSet) -> None:
    """One screen: inputs, peaks by type, CPS, daily view, a chart."""
    tz = callset.tz
    acc = callset.accounting
    files = ", ".join(f.label for f in callset.files)
    console.print(f"[bold]ccc analyze[/bold]: {files} (times in {tz})")
    console.print(accounting_line(acc), markup=False)

    peaks = result.peaks
    table = Table(title="Peak concurrent calls", title_justify="left")
    table.add_column("call type")
    table.add_column("peak", justify="right")
    table.add_column("at", no_wrap=True)
    for w in CPS_WINDOWS_S:
        table.add_column(f"max starts in {w}s", justify="right")
    types = [t for t, n in (peaks.by_type or {}).items() if n.value or t in result.cps.by_type[1]]
    table.add_row(
        "total",
        str(peaks.total.value),
        human(peaks.total.at, tz),
        *[str(result.cps.windows[w].value) for w in CPS_WINDOWS_S],
        style="bold",
    )
    for t in types:
        table.add_row(
            t,
            str(peaks.by_type[t].value),
            human(peaks.by_type[t].at, tz),
            *[str(result.cps.by_type[w][t].value) for w in CPS_WINDOWS_S],
        )
    console.print(table)
    if peaks.total.at is not None:
        console.print(
            "peak: " + mix_sentence(peaks.total.value, human(peaks.total.at, tz), peaks.mix, tz)
        )
    if peaks.by_account is not None:
        accounts = Table(title=f"Peak by account (times in {tz})", title_justify="left")
        for name in ("account", "peak", "at", "mix"):
            accounts.add_column(name, justify="right" if name == "peak" else "left")
        for name, ps in sorted(peaks.by_account.items(), key=lambda kv: -kv[1].total.value):
            mix = ", ".join(f"{n} {t}" for t, n in ps.mix.items() if n)
            accounts.add_row(name, str(ps.total.value), human(ps.total.at, tz), mix or "-")
        console.print(accounts)

    lines = []
    p = result.percentiles
    if result.days:
        lines.append(
            f"daily peaks over {len(result.days)} days: p50 {p['p50']}, p90 {p['p90']}, "
            f"p95 {p['p95']}, max {p['max']} (nearest rank)"
        )
    if result.busiest_day is not None:
        d = result.busiest_day
        lines.append(
            f"busiest day: {d.day.isoformat()} ({d.day.strftime('%A')}), peak {d.value} at "
            f"{human(d.at, tz)}, mostly {d.dominant_type}"
        )
    if result.busy_hour is not None:
        h = result.busy_hour
        lines.append(
            f"busiest hour of the week: {h.weekday} {h.hour:02d}:00-{h.hour + 1:02d}:00, "
            f"mean {h.mean_erlangs:.2f} Erlangs over {h.weeks} week(s), max {h.max_level}"
        )
    if result.breaches is not None:
        lines += breach_summary_lines(result.breaches, tz)
    if result.limit is not None:
        headroom = result.limit - peaks.total.value
        lines.append(
            f"limit {result.limit}: peak {peaks.total.value} "
            + (f"leaves a headroom of {headroom}" if headroom >= 0 else f"is {-headroom} over it")
        )
    if result.sizing is not None:
        lines.append(f"sizing: {recommendation_sentence(result.sizing)} (ccc size for more)")
    for line in lines:
        console.print(line, markup=False)
    chart = result.chart
    console.print(
        Group(
            ConcurrencyChart(
                chart.frame["bucket_start"].to_list(),
                chart.frame[f"{TOTAL}_max"].to_list(),
                title=f"Max concurrent calls per {chart.every.text} (times in {tz})",
                limit=result.limit,
                max_width=chart_width(console),
            )
        )
    )
