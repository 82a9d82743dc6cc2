"""The page's charts, drawn as inline SVG in Python.

Hand-made SVG rather than a charting library: the page stays one small file that needs
no network and no dependency, the charts are vectors that print crisply, and every chart
is complete without JavaScript (the little script of the page only adds hover values and
zoom). Time charts put their plot in an inner ``<svg>`` whose ``viewBox`` is in data
units (buckets across, calls up), so zooming on time is a change of that ``viewBox``;
their data ride along as JSON for the hover values.

Every function returns markup; text is escaped here, never by the caller.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any, Final

# The drawing's own units (the SVG scales to the page's width).
WIDTH: Final = 960
LEFT: Final = 52
RIGHT: Final = 16
TOP: Final = 28
PLOT_W: Final = WIDTH - LEFT - RIGHT

TYPE_COLOURS: Final = {
    "inbound": "#3b7dd8",
    "outbound": "#f28e2b",
    "internal": "#59a14f",
    "app_to_app": "#9c6ade",
    "otp": "#e15799",
    "other": "#9d9d9d",
}
LIMIT_COLOUR: Final = "#d62728"
CAPACITY_COLOUR: Final = "#f5a623"
GOOD_COLOUR: Final = "#2e7d32"


def _n(value: float, decimals: int = 2) -> str:
    """A coordinate, short: ``12``, ``12.5``, ``0.33``."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def nice_top(value: float) -> float:
    """The smallest 1-2-5 step times a whole number that is at least ``value`` (> 0)."""
    if value <= 0:
        return 1.0
    step = nice_step(value / 5)
    return math.ceil(value / step - 1e-9) * step


def nice_step(raw: float) -> float:
    if raw <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    for mult in (1, 2, 2.5, 5, 10):
        if raw <= mult * power + 1e-12:
            return mult * power
    return 10 * power


def ticks(top: float, *, integer: bool) -> list[float]:
    step = nice_step(top / 5)
    if integer:
        step = max(1.0, round(step))
    count = math.floor(top / step + 1e-9)
    return [i * step for i in range(count + 1)]


def _attrs(**attrs: Any) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        parts.append(f'{name}="{escape(str(value), quote=True)}"')
    return " ".join(parts)


def text(x: float, y: float, content: str, **attrs: Any) -> str:
    extra = _attrs(**attrs)
    return f'<text x="{_n(x)}" y="{_n(y)}"{" " + extra if extra else ""}>{escape(content)}</text>'


def tip(content: str) -> str:
    """The ``data-tip`` attribute of a mark (lines separated by newlines)."""
    return f'data-tip="{escape(content, quote=True)}"'


def data_script(payload: dict[str, Any]) -> str:
    """Chart data for the page's script, in an inert ``<script>`` element."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    # A "</script" inside the JSON would end the element.
    body = body.replace("</", "<\\/")
    return f'<script type="application/json" class="chart-data">{body}</script>'


def _y_axis(top: float, height: float, *, integer: bool, fmt: Any, title: str | None) -> str:
    out = []
    for value in ticks(top, integer=integer):
        y = TOP + height - value / top * height
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_n(y)}" y2="{_n(y)}"/>'
        )
        out.append(text(LEFT - 6, y + 4, fmt(value), class_="tick", text_anchor="end"))
    if title:
        out.append(text(4, TOP - 14, title, class_="axis-title"))
    return "".join(out)


@dataclass
class TimeAxis:
    """A time axis: instants (epoch seconds) of bucket starts, the width of a bucket,
    and the local label of each tick the page draws before any zoom."""

    starts: list[float]
    every_s: int
    ticks: list[tuple[float, str]] = field(default_factory=list)

    @property
    def t0(self) -> float:
        return self.starts[0] if self.starts else 0.0

    @property
    def span(self) -> float:
        """In buckets."""
        if not self.starts:
            return 1.0
        return max((self.starts[-1] - self.t0) / self.every_s + 1, 1.0)

    def unit(self, t: float) -> float:
        """An instant in bucket units from the first start."""
        return (t - self.t0) / self.every_s

    def x(self, t: float) -> float:
        """An instant in the drawing's units."""
        return LEFT + self.unit(t) / self.span * PLOT_W


def _x_ticks(axis: TimeAxis, y: float) -> str:
    out = ['<g class="x-ticks">']
    for t, label in axis.ticks:
        x = axis.x(t)
        if LEFT - 1 <= x <= WIDTH - RIGHT + 1:
            out.append(
                f'<line class="tick-line" x1="{_n(x)}" x2="{_n(x)}" y1="{_n(y)}" y2="{_n(y + 5)}"/>'
            )
            out.append(text(x, y + 18, label, class_="tick", text_anchor="middle"))
    out.append("</g>")
    return "".join(out)


def step_path(xs: Sequence[float], ys: Sequence[float], top: float, *, closed: bool) -> str:
    """A step line (or area down to 0 when ``closed``) in data units: value ``ys[i]``
    from ``xs[i]`` to ``xs[i + 1]`` (the last to ``xs[-1] + 1``); y grows downwards from
    ``top``."""
    if not xs:
        return ""
    parts = [f"M{_n(xs[0], 3)} {_n(top if closed else top - ys[0])}"]
    if closed:
        parts.append(f"V{_n(top - ys[0])}")
    previous = None
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        if i and y != previous:
            parts.append(f"H{_n(x, 3)}V{_n(top - y)}")
        previous = y
    parts.append(f"H{_n(xs[-1] + 1, 3)}")
    if closed:
        parts.append(f"V{_n(top)}Z")
    return "".join(parts)


@dataclass
class Layer:
    """One series of a time chart: a filled step area or a step line."""

    name: str
    values: list[float]
    colour: str
    line: bool = False


def time_chart(
    *,
    chart_id: str,
    axis: TimeAxis,
    layers: Sequence[Layer],
    top: float,
    y_title: str,
    fmt_y: Any,
    hlines: Sequence[tuple[float, str, str]] = (),
    vmarks: Sequence[tuple[float, str, str]] = (),
    height: float = 260,
    payload: dict[str, Any] | None = None,
    integer: bool = True,
) -> str:
    """A zoomable time chart: ``layers`` drawn in order (areas as given, already
    stacked by the caller), ``hlines`` (value, label, colour) across, ``vmarks``
    (instant, tip, colour) as vertical lines."""
    total_h = TOP + height + 34
    span = axis.span
    xs = [axis.unit(t) for t in axis.starts]
    out = [
        f'<svg class="chart time-chart" id="{chart_id}" viewBox="0 0 {WIDTH} {_n(total_h)}" '
        f'role="img">',
        _y_axis(top, height, integer=integer, fmt=fmt_y, title=y_title),
        f'<svg class="plot" x="{LEFT}" y="{TOP}" width="{PLOT_W}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(span, 3)} {_n(top)}" preserveAspectRatio="none" '
        f'data-span="{_n(span, 3)}">',
    ]
    for layer in layers:
        path = step_path(xs, layer.values, top, closed=not layer.line)
        if layer.line:
            out.append(
                f'<path class="series-line" d="{path}" fill="none" stroke="{layer.colour}" '
                f'vector-effect="non-scaling-stroke"/>'
            )
        else:
            out.append(f'<path d="{path}" fill="{layer.colour}" stroke="none"/>')
    for t, tip_text, colour in vmarks:
        x = axis.unit(t)
        out.append(
            f'<line class="vmark" x1="{_n(x, 4)}" x2="{_n(x, 4)}" y1="0" y2="{_n(top)}" '
            f'stroke="{colour}" vector-effect="non-scaling-stroke" {tip(tip_text)}/>'
        )
    out.append("</svg>")
    for value, label, colour in hlines:
        y = TOP + height - value / top * height
        out.append(
            f'<line class="hline" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_n(y)}" y2="{_n(y)}" '
            f'stroke="{colour}"/>'
        )
        out.append(
            text(
                WIDTH - RIGHT - 4,
                y - 5,
                label,
                class_="hline-label",
                fill=colour,
                text_anchor="end",
            )
        )
    out.append(
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_n(TOP + height)}" '
        f'y2="{_n(TOP + height)}"/>'
    )
    out.append(_x_ticks(axis, TOP + height))
    out.append(
        f'<rect class="overlay" x="{LEFT}" y="{TOP}" width="{PLOT_W}" height="{_n(height)}"/>'
    )
    out.append("</svg>")
    if payload is not None:
        out.append(data_script(payload))
    return "".join(out)


def bar_chart(
    *,
    chart_id: str,
    bars: Sequence[tuple[str, float, str, str, str]],
    top: float,
    y_title: str,
    fmt_y: Any,
    hlines: Sequence[tuple[float, str, str]] = (),
    height: float = 200,
    show_values: bool = True,
) -> str:
    """Bars (label, value, colour, tip, extra attributes) with ``hlines`` (value, label,
    colour)."""
    total_h = TOP + height + 34
    out = [
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {_n(total_h)}" role="img">',
        _y_axis(top, height, integer=True, fmt=fmt_y, title=y_title),
    ]
    n = max(len(bars), 1)
    slot = PLOT_W / n
    width = max(slot * 0.7, 1.0)
    every_label = max(1, math.ceil(n / 16))
    for i, (label, value, colour, tip_text, extra) in enumerate(bars):
        x = LEFT + i * slot + (slot - width) / 2
        h = value / top * height
        y = TOP + height - h
        out.append(
            f'<rect class="bar" x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(h)}" '
            f'fill="{colour}" {tip(tip_text)} {extra}/>'
        )
        if show_values and slot >= 18:
            out.append(
                text(x + width / 2, y - 4, fmt_y(value), class_="bar-value", text_anchor="middle")
            )
        if i % every_label == 0:
            out.append(
                text(x + width / 2, TOP + height + 18, label, class_="tick", text_anchor="middle")
            )
    for value, label, colour in hlines:
        y = TOP + height - value / top * height
        out.append(
            f'<line class="hline" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_n(y)}" y2="{_n(y)}" '
            f'stroke="{colour}"/>'
        )
        out.append(
            text(
                WIDTH - RIGHT - 4,
                y - 5,
                label,
                class_="hline-label",
                fill=colour,
                text_anchor="end",
            )
        )
    out.append(
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_n(TOP + height)}" '
        f'y2="{_n(TOP + height)}"/>'
    )
    out.append("</svg>")
    return "".join(out)


def _blend(share: float) -> str:
    """White to deep blue."""
    share = min(max(share, 0.0), 1.0)
    low, high = (247, 251, 255), (8, 69, 148)
    rgb = [round(a + (b - a) * share) for a, b in zip(low, high, strict=True)]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def heatmap(
    *,
    chart_id: str,
    rows: Sequence[str],
    cells: dict[tuple[int, int], tuple[float, str, str, str]],
    highlight: tuple[int, int] | None,
    legend: tuple[str, str],
) -> str:
    """A weekday x hour grid: ``cells[(row, hour)] = (value, label, tip, extra
    attributes)``."""
    cell_w = PLOT_W / 24
    cell_h = 26
    left = LEFT
    top = 22
    total_h = top + 7 * cell_h + 44
    highest = max((v for v, _, _, _ in cells.values()), default=0.0) or 1.0
    out = [f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {_n(total_h)}" role="img">']
    for hour in range(24):
        out.append(
            text(
                left + (hour + 0.5) * cell_w,
                top - 6,
                f"{hour:02d}",
                class_="tick",
                text_anchor="middle",
            )
        )
    for r, name in enumerate(rows):
        y = top + r * cell_h
        out.append(text(left - 6, y + cell_h / 2 + 4, name, class_="tick", text_anchor="end"))
        for hour in range(24):
            x = left + hour * cell_w
            if (r, hour) not in cells:
                out.append(
                    f'<rect class="cell empty" x="{_n(x)}" y="{_n(y)}" width="{_n(cell_w)}" '
                    f'height="{cell_h}"/>'
                )
                continue
            value, label, tip_text, extra = cells[(r, hour)]
            share = value / highest
            out.append(
                f'<rect class="cell" x="{_n(x)}" y="{_n(y)}" width="{_n(cell_w)}" '
                f'height="{cell_h}" fill="{_blend(share)}" {tip(tip_text)} {extra}/>'
            )
            out.append(
                text(
                    x + cell_w / 2,
                    y + cell_h / 2 + 4,
                    label,
                    class_="cell-value" + (" dark" if share > 0.55 else ""),
                    text_anchor="middle",
                )
            )
    if highlight is not None:
        r, hour = highlight
        out.append(
            f'<rect class="cell-best" x="{_n(left + hour * cell_w)}" y="{_n(top + r * cell_h)}" '
            f'width="{_n(cell_w)}" height="{cell_h}"/>'
        )
    # The legend: a gradient from 0 to the highest value.
    ly = top + 7 * cell_h + 16
    steps = 40
    x0 = WIDTH - RIGHT - 110 - steps * 6
    for i in range(steps):
        out.append(
            f'<rect x="{_n(x0 + i * 6)}" y="{_n(ly)}" width="6.5" height="10" '
            f'fill="{_blend(i / (steps - 1))}"/>'
        )
    out.append(text(x0 - 6, ly + 9, legend[0], class_="tick", text_anchor="end"))
    out.append(text(x0 + steps * 6 + 6, ly + 9, legend[1], class_="tick"))
    out.append("</svg>")
    return "".join(out)


def curve_chart(
    *,
    chart_id: str,
    points: Sequence[tuple[int, float, str]],
    target: float,
    target_label: str,
    marks: Sequence[tuple[int, str, str]],
    fmt_y: Any,
    x_title: str,
    y_title: str,
    height: float = 240,
) -> str:
    """Rejected share (y) against the limit (x): ``points`` (limit, share, tip),
    ``target`` across, ``marks`` (limit, label, colour) as vertical lines."""
    total_h = TOP + 26 + height + 44
    plot_top = TOP + 26
    limits = [p[0] for p in points] + [m[0] for m in marks]
    lo = min(limits, default=0) - 0.5
    hi = max(limits, default=1) + 0.5
    top = nice_top(max([p[1] for p in points] + [target * 1.2, 1e-6]))

    def x_of(limit: float) -> float:
        return LEFT + (limit - lo) / (hi - lo) * PLOT_W

    def y_of(share: float) -> float:
        return plot_top + height - share / top * height

    out = [f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {_n(total_h)}" role="img">']
    step = nice_step(top / 5)
    count = math.floor(top / step + 1e-9)
    for i in range(count + 1):
        value = i * step
        y = y_of(value)
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_n(y)}" y2="{_n(y)}"/>'
        )
        out.append(text(LEFT - 6, y + 4, fmt_y(value), class_="tick", text_anchor="end"))
    out.append(text(4, 14, y_title, class_="axis-title"))
    span = hi - lo
    every = max(1, math.ceil(span / 24))
    first = math.ceil(lo)
    for limit in range(first, math.floor(hi) + 1):
        if (limit - first) % every:
            continue
        x = x_of(limit)
        out.append(
            f'<line class="tick-line" x1="{_n(x)}" x2="{_n(x)}" y1="{_n(plot_top + height)}" '
            f'y2="{_n(plot_top + height + 5)}"/>'
        )
        out.append(text(x, plot_top + height + 18, str(limit), class_="tick", text_anchor="middle"))
    out.append(
        text(
            LEFT + PLOT_W / 2,
            plot_top + height + 36,
            x_title,
            class_="axis-title",
            text_anchor="middle",
        )
    )
    # Marks, labels staggered so that neighbours do not overlap.
    for i, (limit, label, colour) in enumerate(sorted(marks)):
        x = x_of(limit)
        out.append(
            f'<line class="vline" x1="{_n(x)}" x2="{_n(x)}" y1="{_n(plot_top)}" '
            f'y2="{_n(plot_top + height)}" stroke="{colour}"/>'
        )
        out.append(
            text(x + 4, plot_top - 10 + (i % 2) * 14, label, class_="mark-label", fill=colour)
        )
    ty = y_of(target)
    out.append(
        f'<line class="hline" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_n(ty)}" y2="{_n(ty)}" '
        f'stroke="{LIMIT_COLOUR}"/>'
    )
    out.append(
        text(
            WIDTH - RIGHT - 4,
            ty - 5,
            target_label,
            class_="hline-label",
            fill=LIMIT_COLOUR,
            text_anchor="end",
        )
    )
    if points:
        line = " ".join(f"{_n(x_of(limit))},{_n(y_of(share))}" for limit, share, _ in points)
        out.append(f'<polyline class="curve" points="{line}"/>')
        for limit, share, tip_text in points:
            out.append(
                f'<circle class="point" cx="{_n(x_of(limit))}" cy="{_n(y_of(share))}" r="4.5" '
                f"{tip(tip_text)}/>"
            )
    out.append(
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_n(plot_top + height)}" '
        f'y2="{_n(plot_top + height)}"/>'
    )
    out.append("</svg>")
    return "".join(out)


@dataclass
class Lane:
    """One row of a timeline: marks (from, to, tip) in epoch seconds, one shape."""

    label: str
    colour: str
    shape: str  # "band", "triangle", "dot"
    marks: list[tuple[float, float, str]]


# Timeline marks closer than this (drawing units) are drawn as one, with one tip.
TIMELINE_BIN: Final = 3.0


def timeline(*, chart_id: str, axis: TimeAxis, lanes: Sequence[Lane], more: str) -> str:
    """Lanes of marks across the period (static: short intervals get a visible width,
    marks in one bin share a mark whose tip sums them up)."""
    lane_h = 36
    top = 8
    total_h = top + len(lanes) * lane_h + 30
    out = [
        f'<svg class="chart timeline" id="{chart_id}" viewBox="0 0 {WIDTH} {_n(total_h)}" '
        f'role="img">'
    ]
    for i, lane in enumerate(lanes):
        y = top + i * lane_h
        out.append(
            f'<rect class="lane" x="{LEFT}" y="{_n(y + 15)}" width="{PLOT_W}" '
            f'height="{lane_h - 17}"/>'
        )
        out.append(text(LEFT, y + 11, lane.label, class_="lane-label"))
        bins: dict[int, list[tuple[float, float, str]]] = {}
        for mark in lane.marks:
            bins.setdefault(int((axis.x(mark[0]) - LEFT) // TIMELINE_BIN), []).append(mark)
        for group in bins.values():
            x0 = axis.x(min(m[0] for m in group))
            x1 = axis.x(max(m[1] for m in group))
            tips = [m[2] for m in group[:3]]
            if len(group) > 3:
                tips.append(more.format(n=len(group) - 3))
            tip_text = "\n".join(tips)
            cy = y + 15 + (lane_h - 17) / 2
            if lane.shape == "band":
                w = max(x1 - x0, 2.5)
                out.append(
                    f'<rect class="mark" x="{_n(x0)}" y="{_n(y + 16)}" width="{_n(w)}" '
                    f'height="{lane_h - 19}" fill="{lane.colour}" {tip(tip_text)}/>'
                )
            elif lane.shape == "triangle":
                out.append(
                    f'<path class="mark" d="M{_n(x0 - 5)} {_n(cy - 5)}H{_n(x0 + 5)}L{_n(x0)} '
                    f'{_n(cy + 6)}Z" fill="{lane.colour}" {tip(tip_text)}/>'
                )
            else:
                out.append(
                    f'<circle class="mark" cx="{_n(x0)}" cy="{_n(cy)}" r="5" fill="{lane.colour}" '
                    f"{tip(tip_text)}/>"
                )
    out.append(_x_ticks(axis, top + len(lanes) * lane_h))
    out.append("</svg>")
    return "".join(out)


def swatch(colour: str, label: str, *, line: bool = False) -> str:
    """A legend entry (HTML)."""
    kind = "swatch line" if line else "swatch"
    swatch = f'<i class="{kind}" style="--c:{colour}"></i>'
    return f'<span class="legend-item">{swatch}{escape(label)}</span>'
