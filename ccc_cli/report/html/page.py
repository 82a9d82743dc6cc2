"""The report page: one self-contained HTML file drawn from the commands' JSON documents.

**Every figure cites its document.** A figure is read from a document by its path
(``analyze`` / ``peak`` / ``value``) and written as ``<data value="21"
data-json='["analyze","peak","value"]'>21</data>`` (an instant as ``<time
datetime="...">``), the value exactly as the JSON holds it, the text formatted for the
reader's language. So the page cannot show a figure its command would not print, and a
test can check every tagged figure against a fresh run of that command.

The file needs nothing from outside: styles and the little script are inline, charts are
inline SVG (:mod:`ccc_cli.report.html.svg`), fonts are the system's, and a
Content-Security-Policy forbids any fetch, so the page opens the same offline and as an
e-mail attachment.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import cache
from html import escape
from importlib.resources import files
from typing import Any, Final

from ccc_cli import __version__
from ccc_cli.report.html import svg
from ccc_cli.report.html.data import ReportDocuments
from ccc_cli.report.html.i18n import MONTHS_EN, WEEKDAYS, Words
from ccc_cli.schema import CALL_TYPES, INVALID_REASONS

# Rows shown in a table before "... and N more" (the command that lists them all is named).
SHOWN_INTERVALS: Final = 20
SHOWN_CALLS: Final = 50
SHOWN_CURVE: Final = 30
# Nothing may be fetched: no network, no file beside the page.
CSP: Final = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)
ACCOUNTING_KEYS: Final = ("used", "duplicates", "merged_legs", "plan_limit_rejected", "invalid")
VERDICT_COLOURS: Final = {"justified": "#7f7f7f", "unexpected": "#8e44ad"}

Path = tuple[str | int, ...]


@cache
def _asset(name: str) -> str:
    return files("ccc_cli.report.html").joinpath("assets", name).read_text(encoding="utf-8")


def _parse_instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


class Figures:
    """Figures read from the documents by path, formatted and tagged with that path."""

    def __init__(self, docs: ReportDocuments, words: Words) -> None:
        self.docs = docs
        self.w = words

    def get(self, doc: str, *path: str | int) -> Any:
        value = self.docs.document(doc)
        for key in path:
            value = value[key]
        return value

    def tag(self, doc: str, path: Path, value: Any, shown: str) -> str:
        where = escape(json.dumps([doc, *path], ensure_ascii=False), quote=True)
        if isinstance(value, str) and _is_instant(value):
            return f'<time datetime="{escape(value)}" data-json="{where}">{escape(shown)}</time>'
        raw = escape(json.dumps(value, ensure_ascii=False), quote=True)
        return f'<data value="{raw}" data-json="{where}">{escape(shown)}</data>'

    def attrs(self, doc: str, *path: str | int) -> str:
        """The citation as attributes, for an SVG mark (``data-json``, ``data-value``)."""
        value = self.get(doc, *path)
        where = escape(json.dumps([doc, *path], ensure_ascii=False), quote=True)
        raw = escape(json.dumps(value, ensure_ascii=False), quote=True)
        return f'data-json="{where}" data-value="{raw}"'

    def whole(self, doc: str, *path: str | int) -> str:
        value = self.get(doc, *path)
        return self.tag(doc, path, value, "-" if value is None else self.w.integer(value))

    def num(self, doc: str, *path: str | int, decimals: int = 1) -> str:
        value = self.get(doc, *path)
        return self.tag(doc, path, value, "-" if value is None else self.w.number(value, decimals))

    def pct(self, doc: str, *path: str | int) -> str:
        value = self.get(doc, *path)
        return self.tag(doc, path, value, "-" if value is None else self.w.percent(value))

    def dur(self, doc: str, *path: str | int) -> str:
        value = self.get(doc, *path)
        return self.tag(doc, path, value, self.w.duration(value))

    def instant(
        self, doc: str, *path: str | int, clock: bool = False, minutes: bool = False
    ) -> str:
        """An instant: day and time, or only the time of day (``clock``; to the minute
        with ``minutes``)."""
        value = self.get(doc, *path)
        if value is None:
            return "-"
        at = _parse_instant(value)
        # Only the time of day where the day is said around it.
        shown = self.w.clock(at, seconds=not minutes) if clock or minutes else self.w.instant(at)
        return self.tag(doc, path, value, shown)

    def day(self, doc: str, *path: str | int) -> str:
        value = self.get(doc, *path)
        return self.tag(doc, path, value, self.w.day(date.fromisoformat(value)))

    def text(self, doc: str, *path: str | int, shown: str | None = None) -> str:
        value = self.get(doc, *path)
        if value is None:
            return self.tag(doc, path, value, "-")
        return self.tag(doc, path, value, str(value) if shown is None else shown)

    def call_type(self, doc: str, *path: str | int, short: bool = True) -> str:
        value = self.get(doc, *path)
        return self.tag(doc, path, value, self.w.call_type(value, short=short))

    def mix(self, doc: str, *path: str | int) -> str:
        """``12 inbound, 5 outbound``: the types present, each count tagged."""
        mix = self.get(doc, *path)
        parts = [
            f"{self.whole(doc, *path, t)} {escape(self.w.call_type(t))}"
            for t in CALL_TYPES
            if mix.get(t)
        ]
        return ", ".join(parts) if parts else "-"


def _is_instant(text: str) -> bool:
    # ISO instants with an offset (a plain day is a date, not an instant).
    return len(text) >= 19 and text[4] == "-" and text[10] == "T"


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    classes: Sequence[str | None] | None = None,
    css: str = "",
) -> str:
    """A table of cells already in HTML."""
    head = "".join(
        f"<th{' class=num' if i in numeric else ''}>{escape(h)}</th>" for i, h in enumerate(headers)
    )
    body = []
    for r, row in enumerate(rows):
        cls = classes[r] if classes is not None else None
        cells = "".join(
            f"<td{' class=num' if i in numeric else ''}>{cell}</td>" for i, cell in enumerate(row)
        )
        body.append(f"<tr{f' class={cls}' if cls else ''}>{cells}</tr>")
    return (
        f'<div class="table-wrap"><table class="{css}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


class Page:
    """Builds the page of one language from the documents."""

    def __init__(self, docs: ReportDocuments, lang: str, *, title: str | None = None) -> None:
        self.docs = docs
        self.w = Words(lang)
        self.f = Figures(docs, self.w)
        self.title = title
        self.a = docs.analyze
        self.tz: str = self.a["timezone"]
        self.limit: int | None = self.a.get("limit")

    # --- helpers ----------------------------------------------------------------
    def _more(self, shown: int, total: int, command: str) -> str:
        if total <= shown:
            return ""
        return (
            '<p class="more">'
            + escape(self.w("more_rows", n=self.w.integer(total - shown), command="\0")).replace(
                "\0", f"<code>{escape(command)}</code>"
            )
            + "</p>"
        )

    def _sentence(self, key: str, **values: str) -> str:
        """A message with figures (HTML) put in; the message itself is escaped."""
        marks = {name: f"\0{i}\0" for i, name in enumerate(values)}
        text = escape(self.w(key, **marks))
        for i, value in enumerate(values.values()):
            text = text.replace(f"\0{i}\0", value)
        return text

    def _chart_axis(self) -> svg.TimeAxis | None:
        buckets = self.a["chart"]["buckets"]
        if not buckets:
            return None
        starts = [_parse_instant(b["bucket_start"]) for b in buckets]
        every_s = _every_seconds(self.a["chart"]["every"])
        axis = svg.TimeAxis([s.timestamp() for s in starts], every_s)
        axis.ticks = self._ticks(starts, every_s)
        return axis

    def _ticks(self, starts: list[datetime], every_s: int) -> list[tuple[float, str]]:
        """Ticks at round local times, at most about ten (the script does the same on
        zoom)."""
        span = (starts[-1] - starts[0]).total_seconds() + every_s
        steps = (60, 300, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800)
        step = next((s for s in steps if span / s <= 10 and s >= every_s), 604800 * 4)
        out = []
        for at in starts:
            seconds = at.hour * 3600 + at.minute * 60 + at.second
            if step >= 86400:
                if seconds != 0:
                    continue
                ordinal = at.date().toordinal()
                if step == 604800 and at.weekday() != 0:
                    continue
                if step in (172800,) and ordinal % 2:
                    continue
                if step > 604800 and (ordinal // 7) % 4:
                    continue
                label = self._day_label(at)
            else:
                if seconds % step:
                    continue
                label = self._day_label(at) if seconds == 0 else at.strftime("%H:%M")
            out.append((at.timestamp(), label))
        return out

    def _day_label(self, at: datetime) -> str:
        return f"{self.w.weekday(at.weekday(), short=True)} {self.w.day_short(at.date())}"

    # --- page -------------------------------------------------------------------
    def html(self) -> str:
        w = self.w
        sections = [self.summary(), self.charts()]
        if self.docs.breaches is not None:
            sections.append(self.support())
        sections.append(self.method())
        nav = [("summary", w("nav_summary")), ("charts", w("nav_charts"))]
        if self.docs.breaches is not None:
            nav.append(("support", w("nav_support")))
        nav.append(("method", w("nav_method")))
        heading = escape(self.title) if self.title else escape(w("title"))
        sub = escape(w("title")) + " · " if self.title else ""
        inputs = ", ".join(escape(f["path"]) for f in self.a["files"])
        made = escape(
            w("made_by", version=__version__, date=w.day(date.today(), weekday=False), tz=self.tz)
        )
        words = {
            "lang": w.lang,
            "months": list(MONTHS_EN),
            "weekdays": [w.weekday(i, short=True) for i in range(7)],
            "zoom_reset": w("zoom_reset"),
        }
        return (
            f'<!DOCTYPE html>\n<html lang="{w.lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="ccc {__version__}">\n'
            f"<title>{heading}</title>\n<style>{_asset('report.css')}</style>\n</head>\n<body>\n"
            f'<header><h1>{heading}</h1><p class="sub">{sub}{inputs}</p>'
            f'<p class="sub">{made}</p><nav>'
            + "".join(f'<a href="#{a}">{escape(t)}</a>' for a, t in nav)
            + "</nav></header>\n<main>\n"
            + "\n".join(sections)
            + "\n</main>\n"
            f'<footer>ccc {__version__}</footer>\n<div id="tip" role="tooltip" hidden></div>\n'
            f'<noscript><p class="noscript">{escape(w("no_script"))}</p></noscript>\n'
            '<script type="application/json" id="ccc-words">'
            f"{json.dumps(words, ensure_ascii=False)}</script>\n"
            f"<script>{_asset('report.js')}</script>\n</body>\n</html>\n"
        )

    # --- summary ----------------------------------------------------------------
    def summary(self) -> str:
        w, f, a = self.w, self.f, self.a
        cards = [
            (w("card_peak"), f.whole("analyze", "peak", "value")),
            (w("card_calls"), f.whole("analyze", "rows", "used")),
        ]
        rec = self.docs.size["recommendation"]
        if rec is not None:
            cards.append((w("card_plan"), f.whole("size", "recommendation", "with_headroom")))
        if self.docs.breaches is not None:
            label = (
                w("card_current", limit=w.integer(self.limit))
                if self.limit is not None
                else w("card_current_limits")
            )
            cards.append((label, f.whole("breaches", "replay", "rejected_calls")))
        else:
            cards.append((w("card_days"), f.whole("analyze", "daily_peaks", "days")))
        card_html = "".join(
            f'<div class="card"><div class="card-value">{value}</div>'
            f'<div class="card-label">{escape(label)}</div></div>'
            for label, value in cards
        )
        lines = [self._period()]
        if a.get("selection"):
            lines.append(self._selection())
        if a["peak"]["at"] is not None:
            lines.append(
                self._sentence(
                    "s_calls",
                    calls=f.whole("analyze", "rows", "used"),
                    read=f.whole("analyze", "rows", "read"),
                )
            )
            lines.append(
                self._sentence(
                    "s_peak",
                    peak=f.whole("analyze", "peak", "value"),
                    at=f.instant("analyze", "peak", "at"),
                    mix=f.mix("analyze", "peak", "mix"),
                )
            )
            if a["busiest_day"] is not None:
                lines.append(
                    self._sentence(
                        "s_busiest_day",
                        day=f.day("analyze", "busiest_day", "day"),
                        p50=f.whole("analyze", "daily_peaks", "percentiles", "p50"),
                        p90=f.whole("analyze", "daily_peaks", "percentiles", "p90"),
                    )
                )
            hour = a["busiest_hour_of_week"]
            if hour is not None:
                lines.append(
                    self._sentence(
                        "s_busy_hour",
                        weekday=f.text(
                            "analyze", "busiest_hour_of_week", "weekday",
                            shown=w.weekday_named(hour["weekday"]),
                        ),
                        hour=f.text(
                            "analyze",
                            "busiest_hour_of_week",
                            "hour",
                            shown=w.hour_slot(hour["hour"]),
                        ),
                        erlangs=f.num("analyze", "busiest_hour_of_week", "mean_erlangs"),
                    )
                )  # fmt: skip
            lines.append(
                self._sentence(
                    "s_cps",
                    n1=f.whole("analyze", "cps", "window_1s", "value"),
                    n10=f.whole("analyze", "cps", "window_10s", "value"),
                )
            )
        plan = self._recommendation()
        fate = self._fate()
        paragraphs = [f"<p>{' '.join(lines)}</p>"]
        if plan:
            paragraphs.append(f'<p class="plan">{" ".join(plan)}</p>')
        if fate:
            paragraphs.append(f'<p class="fate">{" ".join(fate)}</p>')
        return (
            f'<section id="summary"><h2>{escape(w("summary"))}</h2>'
            f'<div class="cards">{card_html}</div>{"".join(paragraphs)}</section>'
        )

    def _period(self) -> str:
        days = self.a["daily_peaks"].get("by_day") or {}
        if not days:
            return escape(self.w("s_period_none"))
        first, last = min(days), max(days)
        return self._sentence(
            "s_period",
            days=self.f.whole("analyze", "daily_peaks", "days"),
            first=self._day_element(first),
            last=self._day_element(last),
        )

    def _selection(self) -> str:
        """``Only the calls selected are counted: from ... to ..., accounts acc-1.``"""
        f, sel = self.f, self.a["selection"]
        parts = []
        start = f.instant("analyze", "selection", "from") if sel.get("from") else None
        end = f.instant("analyze", "selection", "to") if sel.get("to") else None
        if start and end:
            parts.append(self._sentence("sel_window", start=start, end=end))
        elif start:
            parts.append(self._sentence("sel_from", start=start))
        elif end:
            parts.append(self._sentence("sel_to", end=end))
        if sel.get("accounts"):
            names = ", ".join(
                f.text("analyze", "selection", "accounts", i) for i in range(len(sel["accounts"]))
            )
            parts.append(self._sentence("sel_accounts", accounts=names))
        return self._sentence("s_selection", what="; ".join(parts))

    def _day_element(self, day: str) -> str:
        return f'<time datetime="{day}">{escape(self.w.day(date.fromisoformat(day)))}</time>'

    def _recommendation(self) -> list[str]:
        f, size = self.f, self.docs.size
        rec = size["recommendation"]
        if size["peak"]["at"] is None:
            return []
        if rec is None:
            return [
                self._sentence(
                    "s_no_recommendation",
                    peak=f.whole("size", "peak", "value"),
                    target=escape(self.w.percent(self.docs.target)),
                    none=f.whole("size", "no_rejection_limit"),
                )
            ]
        out = []
        if rec["with_headroom"] == rec["limit"]:
            out.append(
                self._sentence(
                    "s_recommend_same",
                    plan=f.whole("size", "recommendation", "with_headroom"),
                    rate=f.pct("size", "recommendation", "rejected_rate_at_limit"),
                    target=f.pct("size", "recommendation", "target"),
                )
            )
        else:
            out.append(
                self._sentence(
                    "s_recommend",
                    plan=f.whole("size", "recommendation", "with_headroom"),
                    limit=f.whole("size", "recommendation", "limit"),
                    rate=f.pct("size", "recommendation", "rejected_rate_at_limit"),
                    target=f.pct("size", "recommendation", "target"),
                    headroom=f.tag(
                        "size",
                        ("recommendation", "headroom_fraction"),
                        rec["headroom_fraction"],
                        self.w.percent(rec["headroom_fraction"]),
                    ),
                )
            )
        index = next(
            (i for i, p in enumerate(size["curve"]) if p["limit"] == rec["with_headroom"]), None
        )
        if rec["with_headroom"] >= size["no_rejection_limit"]:
            out.append(
                self._sentence(
                    "s_plan_rejects_none", plan=f.whole("size", "recommendation", "with_headroom")
                )
            )
        elif index is not None:
            out.append(
                self._sentence(
                    "s_plan_rejects",
                    plan=f.whole("size", "curve", index, "limit"),
                    rejected=f.whole("size", "curve", index, "rejected_calls"),
                    rate=f.pct("size", "curve", index, "rejected_rate"),
                    none=f.whole("size", "no_rejection_limit"),
                )
            )
        return out

    def _fate(self) -> list[str]:
        f, b = self.f, self.docs.breaches
        if b is None:
            return [escape(self.w("s_no_limit"))]
        out = []
        rejected = b["replay"]["rejected_calls"]
        if self.limit is not None:
            current = self.docs.size["current"]
            if rejected:
                out.append(
                    self._sentence(
                        "s_current_bad",
                        limit=f.whole("breaches", "limit"),
                        rejected=f.whole("breaches", "replay", "rejected_calls"),
                        calls=f.whole("breaches", "replay", "calls"),
                        rate=f.pct("breaches", "replay", "rejected_rate"),
                        days=f.whole("size", "current", "days_with_rejections") if current else "-",
                        total_days=f.whole("size", "current", "days") if current else "-",
                    )
                )
            elif (self.a.get("headroom") or 0) > 0:
                out.append(
                    self._sentence(
                        "s_current_ok",
                        limit=f.whole("breaches", "limit"),
                        headroom=f.whole("analyze", "headroom"),
                    )
                )
            else:
                out.append(self._sentence("s_current_full", limit=f.whole("breaches", "limit")))
        elif rejected:
            out.append(
                self._sentence(
                    "s_limits_bad",
                    rejected=f.whole("breaches", "replay", "rejected_calls"),
                    calls=f.whole("breaches", "replay", "calls"),
                    rate=f.pct("breaches", "replay", "rejected_rate"),
                )
            )
        else:
            out.append(escape(self.w("s_limits_ok")))
        out.append(
            self._sentence(
                "s_capacity",
                capacity=f.dur("breaches", "capacity", "seconds"),
                intervals=f.whole("breaches", "capacity", "intervals"),
                over=f.dur("breaches", "over_limit", "seconds"),
            )
        )
        if b["observed_rejections"]["count"]:
            out.append(
                self._sentence(
                    "s_observed",
                    count=f.whole("breaches", "observed_rejections", "count"),
                    justified=f.whole("breaches", "observed_rejections", "justified"),
                    unexpected=f.whole("breaches", "observed_rejections", "unexpected"),
                )
            )
        return out

    # --- charts -----------------------------------------------------------------
    def charts(self) -> str:
        w = self.w
        parts = [f'<section id="charts"><h2>{escape(w("charts"))}</h2>']
        axis = self._chart_axis()
        if axis is not None:
            parts.append(self._time_figure(axis))
        parts.append(self._daily_figure())
        parts.append(self._heat_figure())
        parts.append(self._curve_figure())
        if axis is not None:
            parts.append(self._cps_figure(axis))
        parts.append("</section>")
        return "".join(parts)

    def _figure(
        self, fig_id: str, title: str, note: str, body: str, legend: str = "", *, zoom: bool = False
    ) -> str:
        hint = f' <span class="screen-only">{escape(self.w("zoom_hint"))}</span>' if zoom else ""
        return (
            f'<figure id="{fig_id}"><h3>{escape(title)}</h3>{body}'
            f"{f'<div class=legend>{legend}</div>' if legend else ''}"
            f"<figcaption>{escape(note)}{hint}</figcaption></figure>"
        )

    def _time_figure(self, axis: svg.TimeAxis) -> str:
        w = self.w
        chart = self.a["chart"]
        buckets = chart["buckets"]
        types = [t for t in CALL_TYPES if f"{t}_mean" in buckets[0]]
        highest = max(b["total_max"] for b in buckets)
        top = svg.nice_top(max(highest, self.limit or 0) * 1.08)
        layers = []
        # Stacked means: each layer drawn from 0 up to the sum of its type and those
        # below it, the tallest first, so the bands between them show each type.
        cumulative = [0.0] * len(buckets)
        stacks = []
        for t in types:
            cumulative = [
                c + (b[f"{t}_mean"] or 0.0) for c, b in zip(cumulative, buckets, strict=True)
            ]
            stacks.append((t, list(cumulative)))
        for t, values in reversed(stacks):
            layers.append(svg.Layer(t, values, svg.TYPE_COLOURS[t]))
        layers.append(svg.Layer("max", [b["total_max"] for b in buckets], "#222222", line=True))
        hlines = []
        if self.limit is not None:
            hlines.append(
                (self.limit, w("lbl_limit", limit=w.integer(self.limit)), svg.LIMIT_COLOUR)
            )
        payload = {
            "kind": "concurrency",
            "every": _every_seconds(chart["every"]),
            "top": top,
            "iso": [b["bucket_start"] for b in buckets],
            "max": [b["total_max"] for b in buckets],
            # Rounded: the hover shows two decimals (the exact values are the JSON's).
            "mean": [round(b["total_mean"], 4) for b in buckets],
            "starts": [b["total_starts"] for b in buckets],
            "types": {t: [round(b[f"{t}_mean"], 4) for b in buckets] for t in types},
            "names": {t: w.call_type(t, short=True) for t in types},
            "labels": {"max": w("lbl_max"), "mean": w("lbl_mean"), "starts": w("lbl_starts")},
            "source": ["analyze", "chart", "buckets"],
        }
        body = svg.time_chart(
            chart_id="chart-concurrency",
            axis=axis,
            layers=layers,
            top=top,
            y_title=w("lbl_calls_at_once"),
            fmt_y=lambda v: w.integer(round(v)),
            hlines=hlines,
            payload=payload,
        )
        legend = svg.swatch("#222222", w("lbl_max"), line=True) + "".join(
            svg.swatch(svg.TYPE_COLOURS[t], f"{w('lbl_mean')}: {w.call_type(t, short=True)}")
            for t in types
        )
        if self.limit is not None:
            legend += svg.swatch(
                svg.LIMIT_COLOUR, w("lbl_limit", limit=w.integer(self.limit)), line=True
            )
        every = w.every(chart["every"])
        return self._figure(
            "fig-concurrency", w("ch_time"), w("ch_time_note", every=every), body, legend, zoom=True
        )

    def _daily_figure(self) -> str:
        w, f = self.w, self.f
        by_day = self.a["daily_peaks"].get("by_day") or {}
        rec = self.docs.size["recommendation"]
        bars = []
        for day, info in by_day.items():
            d = date.fromisoformat(day)
            over = self.limit is not None and info["value"] > self.limit
            lines = [w.day(d), f"{w('h_peak')}: {w.integer(info['value'])}"]
            if info["at"] is not None:
                lines[-1] += f" ({w.clock(_parse_instant(info['at']))})"
            if info["dominant_type"] is not None:
                lines.append(w("lbl_dominant", type=w.call_type(info["dominant_type"])))
            bars.append(
                (
                    f"{w.weekday(d.weekday(), short=True)} {w.day_short(d)}",
                    info["value"],
                    svg.LIMIT_COLOUR if over else "#3b7dd8",
                    "\n".join(lines),
                    f.attrs("analyze", "daily_peaks", "by_day", day, "value"),
                )
            )
        highest = max(
            [b[1] for b in bars] + [self.limit or 0, rec["with_headroom"] if rec else 0, 1]
        )
        top = svg.nice_top(highest * 1.1)
        hlines = []
        if self.limit is not None:
            hlines.append(
                (self.limit, w("lbl_limit", limit=w.integer(self.limit)), svg.LIMIT_COLOUR)
            )
        if rec is not None:
            hlines.append(
                (
                    rec["with_headroom"],
                    w("lbl_recommended", limit=w.integer(rec["with_headroom"])),
                    svg.GOOD_COLOUR,
                )
            )
        body = svg.bar_chart(
            chart_id="chart-daily",
            bars=bars,
            top=top,
            y_title=w("lbl_calls_at_once"),
            fmt_y=lambda v: w.integer(round(v)),
            hlines=hlines,
        )
        return self._figure("fig-daily", w("ch_daily"), w("ch_daily_note"), body)

    def heat_cells(self) -> dict[tuple[int, int], tuple[float, int, int]]:
        """``(weekday, hour) -> (mean Erlangs over the weeks, highest level, weeks)`` from
        the hourly series (as ``busiest_hour_of_week`` of ``ccc analyze`` reads it)."""
        sums: dict[tuple[int, int], list[float]] = {}
        highest: dict[tuple[int, int], int] = {}
        for b in self.docs.hourly["buckets"]:
            at = _parse_instant(b["bucket_start"])
            key = (at.weekday(), at.hour)
            sums.setdefault(key, []).append(b["total_mean"])
            highest[key] = max(highest.get(key, 0), b["total_max"])
        return {k: (sum(v) / len(v), highest[k], len(v)) for k, v in sums.items()}

    def _heat_figure(self) -> str:
        w = self.w
        cells = {}
        for (wd, hour), (mean, level, weeks) in self.heat_cells().items():
            tip_text = "\n".join(
                [
                    f"{w.weekday(wd)} {w.hour_slot(hour)}",
                    f"{w('lbl_mean')}: {w.number(mean, 2)} {w('lbl_erlangs')} "
                    f"({w('lbl_weeks', weeks=weeks)})",
                    f"{w('lbl_max')}: {w.integer(level)}",
                ]
            )
            extra = f'data-cell="{wd},{hour}" data-value="{mean!r}"'
            cells[(wd, hour)] = (mean, w.number(mean, 1), tip_text, extra)
        hour = self.a["busiest_hour_of_week"]
        highlight = None if hour is None else (WEEKDAYS.index(hour["weekday"]), hour["hour"])
        highest = max((c[0] for c in cells.values()), default=0.0)
        body = svg.heatmap(
            chart_id="chart-heatmap",
            rows=[w.weekday(i, short=True) for i in range(7)],
            cells=cells,
            highlight=highlight,
            legend=(w.number(0, 1), f"{w.number(highest, 1)} {w('lbl_erlangs')}"),
        )
        return self._figure("fig-heatmap", w("ch_heat"), w("ch_heat_note"), body)

    def _curve_figure(self) -> str:
        w, size = self.w, self.docs.size
        curve = size["curve"]
        rec = size["recommendation"]
        target = rec["target"] if rec else self.docs.target
        points = []
        for p in curve:
            points.append(
                (
                    p["limit"],
                    p["rejected_rate"],
                    "\n".join(
                        [
                            f"{w('h_limit')} {w.integer(p['limit'])}",
                            f"{w('h_rejected')}: {w.integer(p['rejected_calls'])} "
                            f"({w.percent(p['rejected_rate'])})",
                            f"{w('h_days_hit')}: {w.integer(p['days_with_rejections'])}",
                            f"{w('h_at_capacity')}: {w.duration(p['seconds_at_capacity'])}",
                        ]
                    ),
                )
            )
        marks = []
        if rec is not None:
            marks.append(
                (rec["limit"], w("lbl_recommended", limit=w.integer(rec["limit"])), svg.GOOD_COLOUR)
            )
            if rec["with_headroom"] != rec["limit"]:
                marks.append(
                    (
                        rec["with_headroom"],
                        w("lbl_with_headroom", limit=w.integer(rec["with_headroom"])),
                        "#1b5e20",
                    )
                )
        if size["current"] is not None:
            limit = size["current"]["limit"]
            marks.append((limit, w("lbl_current", limit=w.integer(limit)), svg.LIMIT_COLOUR))
        erlang = size["erlang_b"]
        if erlang is not None and erlang["channels"]:
            marks.append(
                (
                    erlang["channels"],
                    w("lbl_erlang", limit=w.integer(erlang["channels"])),
                    "#6d4c41",
                )
            )
        body = svg.curve_chart(
            chart_id="chart-curve",
            points=points,
            target=target,
            target_label=w("lbl_target", target=w.percent(target)),
            marks=marks,
            fmt_y=w.percent,
            x_title=w("lbl_limit_axis"),
            y_title=w("lbl_rejected_share"),
        )
        body += self._curve_table()
        return self._figure(
            "fig-curve", w("ch_curve"), w("ch_curve_note", target=w.percent(target)), body
        )

    def _curve_table(self) -> str:
        w, f, size = self.w, self.f, self.docs.size
        curve = size["curve"]
        rec = size["recommendation"]
        marked = set()
        if rec is not None:
            marked |= {rec["limit"], rec["with_headroom"]}
        if size["current"] is not None:
            marked.add(size["current"]["limit"])
        shown = list(range(len(curve)))
        if len(curve) > SHOWN_CURVE:
            step = max(len(curve) // (SHOWN_CURVE - len(marked) - 2), 1)
            keep = {0, len(curve) - 1, *range(0, len(curve), step)}
            keep |= {i for i, p in enumerate(curve) if p["limit"] in marked}
            shown = sorted(keep)
        rows: list[list[str]] = []
        classes: list[str | None] = []
        for i in shown:
            p = curve[i]
            rows.append(
                [
                    f.whole("size", "curve", i, "limit"),
                    f.whole("size", "curve", i, "rejected_calls"),
                    f.pct("size", "curve", i, "rejected_rate"),
                    f.dur("size", "curve", i, "seconds_at_capacity"),
                    f.whole("size", "curve", i, "days_with_rejections"),
                ]
            )
            if rec is not None and p["limit"] == rec["with_headroom"]:
                classes.append("good")
            elif size["current"] is not None and p["limit"] == size["current"]["limit"]:
                classes.append("bad")
            else:
                classes.append(None)
        headers = [w("h_limit"), w("h_rejected"), w("h_share"), w("h_at_capacity"), w("h_days_hit")]
        return _table(headers, rows, numeric=range(5), classes=classes, css="compact")

    def _cps_figure(self, axis: svg.TimeAxis) -> str:
        w, f = self.w, self.f
        chart = self.a["chart"]
        buckets = chart["buckets"]
        starts = [b["total_starts"] for b in buckets]
        top = svg.nice_top(max(max(starts), 1) * 1.08)
        vmarks = []
        for key, label in (("window_1s", "lbl_burst_1s"), ("window_10s", "lbl_burst_10s")):
            rate = self.a["cps"][key]
            if rate["at"] is not None:
                at = _parse_instant(rate["at"])
                vmarks.append(
                    (
                        at.timestamp(),
                        f"{w(label, n=w.integer(rate['value']))}\n{w.instant(at)}",
                        svg.LIMIT_COLOUR if key == "window_1s" else "#8e44ad",
                    )
                )
        payload = {
            "kind": "starts",
            "every": _every_seconds(chart["every"]),
            "top": top,
            "iso": [b["bucket_start"] for b in buckets],
            "starts": starts,
            "labels": {"starts": w("lbl_starts")},
            "source": ["analyze", "chart", "buckets"],
        }
        body = svg.time_chart(
            chart_id="chart-cps",
            axis=axis,
            layers=[svg.Layer("starts", starts, "#4e79a7")],
            top=top,
            y_title=w("lbl_starts"),
            fmt_y=lambda v: w.integer(round(v)),
            vmarks=vmarks,
            height=150,
            payload=payload,
        )
        rows = [
            [
                escape(w("lbl_total")),
                f.whole("analyze", "cps", "window_1s", "value"),
                f.instant("analyze", "cps", "window_1s", "at"),
                f.whole("analyze", "cps", "window_10s", "value"),
                f.instant("analyze", "cps", "window_10s", "at"),
            ]
        ]
        for t in CALL_TYPES:
            if t in self.a["cps_by_type"] and self.a["cps_by_type"][t]["window_1s"]["value"]:
                rows.append(
                    [
                        escape(w.call_type(t, short=True)),
                        f.whole("analyze", "cps_by_type", t, "window_1s", "value"),
                        f.instant("analyze", "cps_by_type", t, "window_1s", "at"),
                        f.whole("analyze", "cps_by_type", t, "window_10s", "value"),
                        f.instant("analyze", "cps_by_type", t, "window_10s", "at"),
                    ]
                )
        headers = ["", w("in_1s"), w("h_when"), w("in_10s"), w("h_when")]
        body += f"<h4>{escape(w('cps_table'))}</h4>" + _table(
            headers, rows, numeric=(1, 3), css="compact"
        )
        legend = "".join(svg.swatch(c, t.split("\n")[0], line=True) for _, t, c in vmarks)
        return self._figure(
            "fig-cps",
            w("ch_cps"),
            w("ch_cps_note", every=w.every(chart["every"])),
            body,
            legend,
            zoom=True,
        )

    # --- support ----------------------------------------------------------------
    def support(self) -> str:
        w, f, b = self.w, self.f, self.docs.breaches
        assert b is not None
        if self.limit is not None:
            intro = self._sentence("support_for", limit=f.whole("breaches", "limit"))
        else:
            limits = b["limits"]
            intro = self._sentence(
                "support_for_limits",
                accounts=escape(w.integer(len(limits["accounts"]))),
                default=escape("-" if limits["default"] is None else w.integer(limits["default"])),
            )
        parts = [f'<section id="support"><h2>{escape(w("support"))}</h2><p>{intro}</p>']
        axis = self._chart_axis()
        if axis is not None:
            parts.append(self._timeline(axis))
        parts.append(self._intervals("capacity_intervals", "intervals_title"))
        parts.append(self._intervals("over_limit_intervals", "over_title"))
        parts.append(self._rejected())
        parts.append(self._observed())
        parts.append(self._drill())
        parts.append("</section>")
        return "".join(parts)

    def _timeline(self, axis: svg.TimeAxis) -> str:
        w, b = self.w, self.docs.breaches
        assert b is not None

        def span(rec: dict[str, Any]) -> tuple[float, float]:
            return _parse_instant(rec["from"]).timestamp(), _parse_instant(rec["to"]).timestamp()

        def interval_tip(rec: dict[str, Any]) -> str:
            start = _parse_instant(rec["from"])
            return (
                f"{w.instant(start)} → {w.clock(_parse_instant(rec['to']))} "
                f"({w.duration(rec['seconds'])}), {w('h_peak')} {w.integer(rec['peak']['value'])}"
            )

        lanes = [
            svg.Lane(
                w("lbl_at_capacity"),
                svg.CAPACITY_COLOUR,
                "band",
                [(*span(r), interval_tip(r)) for r in b["capacity_intervals"]],
            ),
            svg.Lane(
                w("lbl_over_limit"),
                svg.LIMIT_COLOUR,
                "band",
                [(*span(r), interval_tip(r)) for r in b["over_limit_intervals"]],
            ),
        ]
        rejected = []
        for r in self.docs.rejected or []:
            at = _parse_instant(r["start"])
            rejected.append(
                (
                    at.timestamp(),
                    at.timestamp(),
                    f"{w.instant(at)}: {r['call_id']} ({w.call_type(r['call_type'], short=True)})",
                )
            )
        lanes.append(svg.Lane(w("lbl_rejected_call"), "#c0392b", "triangle", rejected))
        by_verdict: dict[str, list[tuple[float, float, str]]] = {}
        for r in b["observed_rejections"]["rows"]:
            if r["start"] is None:
                continue
            at = _parse_instant(r["start"])
            verdict = r.get("verdict") or "unexpected"
            by_verdict.setdefault(verdict, []).append(
                (
                    at.timestamp(),
                    at.timestamp(),
                    f"{w.instant(at)}: {r['call_id']}, {w('h_level')} {r['level']}, "
                    f"{w('verdict_' + verdict)}",
                )
            )
        for verdict, marks in sorted(by_verdict.items()):
            lanes.append(
                svg.Lane(
                    f"{w('lbl_observed_row')}: {w('verdict_' + verdict)}",
                    VERDICT_COLOURS.get(verdict, "#7f7f7f"),
                    "dot",
                    marks,
                )
            )
        body = svg.timeline(chart_id="chart-timeline", axis=axis, lanes=lanes, more=w("tl_more"))
        return self._figure("fig-timeline", w("tl_title"), w("tl_note"), body)

    def _intervals(self, key: str, title_key: str) -> str:
        w, f, b = self.w, self.f, self.docs.breaches
        assert b is not None
        records = b[key]
        head = f"<h3>{escape(w(title_key))}</h3>"
        if not records:
            return head + f"<p>{escape(w('none_intervals'))}</p>"
        per_account = any("account" in r for r in records)
        rows = []
        for i, _ in enumerate(records[:SHOWN_INTERVALS]):
            row = [f.text("breaches", key, i, "account")] if per_account else []
            row += [
                f.instant("breaches", key, i, "from"),
                f.instant("breaches", key, i, "to", clock=True),
                f.dur("breaches", key, i, "seconds"),
                f.whole("breaches", key, i, "peak", "value"),
                f.mix("breaches", key, i, "peak", "mix"),
                f.whole("breaches", key, i, "starts_inside"),
            ]
            rows.append(row)
        headers = ([w("h_account")] if per_account else []) + [
            w("h_from"), w("h_to"), w("h_length"), w("h_peak"), w("h_mix"), w("h_starts_inside"),
        ]  # fmt: skip
        offset = 1 if per_account else 0
        table = _table(headers, rows, numeric=(offset + 2, offset + 3, offset + 5))
        return (
            head + table + self._more(SHOWN_INTERVALS, len(records), self.docs.commands["breaches"])
        )

    def _rejected(self) -> str:
        w, f = self.w, self.f
        records = self.docs.rejected or []
        head = f"<h3>{escape(w('rejected_title'))}</h3>"
        if not records:
            return head + f"<p>{escape(w('rejected_none'))}</p>"
        rows = [
            [
                f.text("rejected", i, "call_id"),
                f.instant("rejected", i, "start"),
                f.call_type("rejected", i, "call_type"),
                f.text("rejected", i, "account"),
                f.whole("rejected", i, "level_at_arrival"),
            ]
            for i in range(min(len(records), SHOWN_CALLS))
        ]
        headers = [w("h_call_id"), w("h_start"), w("h_type"), w("h_account"), w("h_level_arrival")]
        return (
            head
            + _table(headers, rows, numeric=(4,))
            + self._more(SHOWN_CALLS, len(records), self.docs.commands["rejected"])
        )

    def _observed(self) -> str:
        w, f, b = self.w, self.f, self.docs.breaches
        assert b is not None
        rows_doc = b["observed_rejections"]["rows"]
        head = f"<h3>{escape(w('observed_title'))}</h3>"
        if not rows_doc:
            return head + f"<p>{escape(w('observed_none'))}</p>"
        rows, classes = [], []
        for i, r in enumerate(rows_doc[:SHOWN_CALLS]):
            verdict = r.get("verdict")
            rows.append(
                [
                    f.text("breaches", "observed_rejections", "rows", i, "call_id"),
                    f.instant("breaches", "observed_rejections", "rows", i, "start"),
                    f.call_type("breaches", "observed_rejections", "rows", i, "call_type"),
                    f.text("breaches", "observed_rejections", "rows", i, "account"),
                    f.whole("breaches", "observed_rejections", "rows", i, "level"),
                    f.whole("breaches", "observed_rejections", "rows", i, "limit"),
                    f.text(
                        "breaches", "observed_rejections", "rows", i, "verdict",
                        shown=w("verdict_" + verdict) if verdict else "-",
                    ),
                ]
            )  # fmt: skip
            classes.append("warn" if verdict == "unexpected" else None)
        headers = [
            w("h_call_id"), w("h_start"), w("h_type"), w("h_account"), w("h_level"),
            w("h_limit"), w("h_verdict"),
        ]  # fmt: skip
        return (
            head
            + _table(headers, rows, numeric=(4, 5), classes=classes)
            + self._more(SHOWN_CALLS, len(rows_doc), self.docs.commands["breaches"])
        )

    def _drill(self) -> str:
        w, f, at = self.w, self.f, self.docs.at
        if at is None:
            return ""
        account = ""
        if at["account"] is not None:
            account = self._sentence("drill_account", account=f.text("at", "account"))
        lines = [
            self._sentence(
                "drill_sentence",
                at=f.instant("at", "at"),
                account=account,
                level=f.whole("at", "level"),
                mix=f.mix("at", "mix"),
            )
        ]
        if at["limit"] is not None:
            if at["would_reject"]:
                lines.append(self._sentence("drill_reject", limit=f.whole("at", "limit")))
                if at["headroom"] < 0:
                    lines.append(
                        self._sentence(
                            "drill_over",
                            over=f.tag(
                                "at", ("headroom",), at["headroom"], w.integer(-at["headroom"])
                            ),
                        )
                    )
            else:
                lines.append(
                    self._sentence(
                        "drill_room",
                        limit=f.whole("at", "limit"),
                        headroom=f.whole("at", "headroom"),
                    )
                )
        parts = [f"<h3>{escape(w('drill_title'))}</h3><p>{' '.join(lines)}</p>"]
        calls = at["active_calls"]
        parts.append(f"<h4>{escape(w('drill_calls'))}</h4>")
        if calls:
            # Ringing or talking only when the data has an answer time (as ccc at).
            states = any(call["state"] for call in calls)
            rows = []
            for i, call in enumerate(calls[:SHOWN_CALLS]):
                row = [
                    f.text("at", "active_calls", i, "call_id"),
                    f.call_type("at", "active_calls", i, "call_type"),
                    f.text("at", "active_calls", i, "account"),
                    self._call_time("at", "active_calls", i, "start"),
                    self._call_time("at", "active_calls", i, "end"),
                    f.whole("at", "active_calls", i, "legs"),
                ]
                if states:
                    state = call["state"]
                    row.append(
                        f.text("at", "active_calls", i, "state", shown=w("state_" + state))
                        if state
                        else "-"
                    )
                rows.append(row)
            headers = [
                w("h_call_id"), w("h_type"), w("h_account"), w("h_start"), w("h_end"),
                w("h_legs"),
            ]  # fmt: skip
            if states:
                headers.append(w("h_state"))
            parts.append(_table(headers, rows, numeric=(5,)))
            parts.append(self._more(SHOWN_CALLS, len(calls), self.docs.commands["at"]))
        else:
            parts.append(f"<p>{escape(w('drill_none'))}</p>")
        around = at["around"]["buckets"]
        if around:
            instant = _parse_instant(at["at"])
            window = w.duration(at["window_seconds"])
            parts.append(f"<h4>{escape(w('drill_around', window=window))}</h4>")
            rows, classes = [], []
            starts = [_parse_instant(b["bucket_start"]) for b in around]
            for i, bucket in enumerate(around):
                holds = starts[i] <= instant and (i + 1 == len(starts) or instant < starts[i + 1])
                rows.append(
                    [
                        f.instant("at", "around", "buckets", i, "bucket_start", minutes=True),
                        f.whole("at", "around", "buckets", i, "total_max"),
                        f.num("at", "around", "buckets", i, "total_mean", decimals=2),
                        f.whole("at", "around", "buckets", i, "total_starts"),
                    ]
                )
                over = at["limit"] is not None and bucket["total_max"] >= at["limit"]
                classes.append("now" if holds else ("bad" if over else None))
            headers = [w("h_minute"), w("h_max"), w("h_mean"), w("h_starts")]
            parts.append(_table(headers, rows, numeric=(1, 2, 3), classes=classes, css="compact"))
        return "".join(parts)

    def _call_time(self, doc: str, *path: str | int) -> str:
        """A call's start or end near the drill-down instant: the time of day when on
        the instant's local day, else day and time."""
        value = self.f.get(doc, *path)
        at = self.docs.at
        same_day = at is not None and value is not None and value[:10] == at["at"][:10]
        return self.f.instant(doc, *path, clock=same_day)

    # --- method -----------------------------------------------------------------
    def method(self) -> str:
        w, f, a = self.w, self.f, self.a
        defs = "".join(
            f"<li>{escape(w(k, tz=self.tz) if k == 'm_def_5' else w(k))}</li>"
            for k in ("m_def_1", "m_def_2", "m_def_3", "m_def_4", "m_def_5")
        )
        rows = [[escape(w("acc_read")), f.whole("analyze", "rows", "read")]]
        classes: list[str | None] = ["total"]
        # not_selected only when --from/--to or --account left rows out.
        for key in (*ACCOUNTING_KEYS, "not_selected"):
            if key in a["rows"]:
                rows.append([escape(w("acc_" + key)), f.whole("analyze", "rows", key)])
                classes.append(None)
        for reason in INVALID_REASONS:
            rows.append(
                [
                    f'<span class="indent">{escape(w("r_" + reason))} <code>{reason}</code></span>',
                    f.whole("analyze", "rows", "invalid_reasons", reason),
                ]
            )
            classes.append("sub")
        accounting = _table(
            [w("h_what"), w("h_count")],
            rows,
            numeric=(1,),
            classes=classes,
            css="compact accounting",
        )
        file_rows = [
            [
                f.text("analyze", "files", i, "path"),
                f.text("analyze", "files", i, "format"),
                f.text("analyze", "files", i, "preset", shown=file["preset"] or w("preset_none")),
                f.whole("analyze", "files", i, "rows_read"),
            ]
            for i, file in enumerate(a["files"])
        ]
        files_table = _table(
            [w("h_path"), w("h_format"), w("h_preset"), w("h_rows")], file_rows, numeric=(3,)
        )
        notes = a["notes"]
        notes_html = (
            "<ul>"
            + "".join(f"<li>{f.text('analyze', 'notes', i)}</li>" for i in range(len(notes)))
            + "</ul>"
            if notes
            else f"<p>{escape(w('m_notes_none'))}</p>"
        )
        commands = "".join(
            f'<li data-doc="{name}"><code>{escape(c)}</code></li>'
            for name, c in self.docs.commands.items()
        )
        return (
            f'<section id="method"><h2>{escape(w("method"))}</h2>'
            f"<h3>{escape(w('m_counted'))}</h3><ul>{defs}</ul>"
            f"<h3>{escape(w('m_rows'))}</h3><p>{escape(w('m_rows_note'))}</p>{accounting}"
            f"<h3>{escape(w('m_files'))}</h3>{files_table}"
            f"<h3>{escape(w('m_notes'))}</h3>{notes_html}"
            f"<h3>{escape(w('m_same'))}</h3><p>{escape(w('m_same_note'))}</p>"
            f"<ul class=commands>{commands}</ul>"
            "</section>"
        )


def _every_seconds(text: str) -> int:
    sizes = {"s": 1, "m": 60, "h": 3600, "d": 86_400}
    return int(text[:-1]) * sizes[text[-1]]


def render_page(docs: ReportDocuments, *, lang: str = "en", title: str | None = None) -> str:
    """The whole page, in ``lang`` (``en`` or ``vi``)."""
    return Page(docs, lang, title=title).html()


Formatter = Callable[[float], str]
