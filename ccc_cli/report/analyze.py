"""``ccc analyze``: one screen for sales and support, and its JSON document."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.table import Table

from ccc_cli.engine.analysis import Analysis
from ccc_cli.engine.series import TOTAL
from ccc_cli.engine.traffic import CPS_WINDOWS_S, Rate
from ccc_cli.normalize.callset import CallSet
from ccc_cli.report.breaches import breach_summary_lines, breaches_document
from ccc_cli.report.chart import ConcurrencyChart
from ccc_cli.report.common import accounting_line
from ccc_cli.report.peak import mix_sentence, peak_document
from ccc_cli.report.series import series_records
from ccc_cli.report.size import recommendation_sentence, scope_document
from ccc_cli.report.timefmt import human, iso


def _rate(rate: Rate, tz: str) -> dict[str, Any]:
    return {"value": rate.value, "at": iso(rate.at, tz)}


def analysis_document(result: Analysis, callset: CallSet) -> dict[str, Any]:
    """The ``--format json`` document of ``ccc analyze``: everything on the screen."""
    tz = callset.tz
    doc = peak_document(result.peaks, callset)
    doc["cps"] = {
        f"window_{w}s": {
            "total": _rate(result.cps.windows[w], tz),
            "by_type": {t: _rate(r, tz) for t, r in result.cps.by_type[w].items()},
        }
        for w in CPS_WINDOWS_S
    }
    doc["daily_peaks"] = {
        "percentiles": result.percentiles,
        "method": "nearest rank",
        "days": [
            {
                "day": d.day.isoformat(),
                "value": d.value,
                "at": iso(d.at, tz),
                "dominant_type": d.dominant_type,
                "by_type_at_peak": dict(d.mix),
            }
            for d in result.days
        ],
    }
    doc["busiest_day"] = None if result.busiest_day is None else result.busiest_day.day.isoformat()
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
    doc["limit"] = result.limit
    if result.breaches is not None:
        full = breaches_document(result.breaches, callset)
        doc["breaches"] = {
            key: full[key]
            for key in ("limit", "capacity", "over_limit", "replay", "breached")
            + (("limits",) if "limits" in full else ())
        }
        doc["breaches"]["observed_rejections"] = {
            k: v for k, v in full["observed_rejections"].items() if k != "rows"
        }
    if result.sizing is not None:
        sizing = scope_document(result.sizing)
        doc["sizing"] = {
            "recommendation": sizing["recommendation"],
            "no_rejection_limit": sizing["no_rejection_limit"],
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
    table.add_column("first reached", no_wrap=True)
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
            )
        )
    )
