"""A line chart as plain SVG for the printed meeting pack: the same lines, styles and markers as the Plotly charts.

Plotly draws its SVG in a browser (kaleido would fetch one); the pack is made on the server without a browser, so
this draws the same data directly: vector lines, the role's colour and dash (never colour alone), provisional
values dashed, the baseline and target marked, axis labels and a legend in the page language.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from goals.formatting import format_value
from indicators.charts import BASELINE_COLOUR, LINE_STYLES, TARGET_COLOUR, LineSeries, Marker
from indicators.periods import period_label

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 12, 48
LEGEND_ROW = 18
DASHES = {"solid": "", "dot": "2 4", "dash": "8 5", "dashdot": "8 4 2 4"}
Y_TICKS = 5


def svg_line_chart(
    *, unit: str, series: list[LineSeries], baseline: Marker | None = None, target: Marker | None = None
) -> str:
    """The chart as an SVG document (a string); the caller gives it its alternative text."""
    points = [
        (s, v) for line in series for s, v in zip(line.starts, line.values, strict=True) if v is not None
    ]
    points += [(m.start, m.value) for m in (baseline, target) if m is not None]
    legend = _legend(series, baseline, target)
    height = HEIGHT + LEGEND_ROW * len(legend)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="DejaVu Sans, sans-serif" font-size="11">'
    ]
    if points:
        scale = _Scale(points)
        parts += _axes(scale, unit, series)
        for line in series:
            parts += _line(scale, line)
        parts += _markers(scale, baseline, target)
    parts += _legend_rows(legend)
    parts.append("</svg>")
    return "".join(parts)


class _Scale:
    """Dates to x and values to y inside the plot area."""

    def __init__(self, points: list[tuple[date, Decimal]]) -> None:
        days = [p[0].toordinal() for p in points]
        values = [float(p[1]) for p in points]
        self.first, self.last = min(days), max(days)
        low, high = min(values), max(values)
        pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
        self.low, self.high = low - pad, high + pad

    def x(self, day: date) -> float:
        span = (self.last - self.first) or 1
        return LEFT + (day.toordinal() - self.first) / span * (WIDTH - LEFT - RIGHT)

    def y(self, value: Decimal | float) -> float:
        return TOP + (self.high - float(value)) / (self.high - self.low) * (HEIGHT - TOP - BOTTOM)


def _axes(scale: _Scale, unit: str, series: list[LineSeries]) -> list[str]:
    parts = []
    for i in range(Y_TICKS):
        value = scale.low + (scale.high - scale.low) * i / (Y_TICKS - 1)
        y = scale.y(value)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d5d9e0"/>')
        label = escape(format_value(Decimal(str(round(value, 2))), unit))
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#1a1a1a">{label}</text>')
    periods = sorted({(s, p) for line in series for s, p in zip(line.starts, line.periods, strict=True)})
    if periods:
        # The first and last labels are anchored inwards, so neither runs off the figure's edge.
        # Each of first, middle and last once: with two or three periods they coincide.
        last = len(periods) - 1
        indexes = sorted({0, last // 2 if last > 1 else 0, last})
        anchors = {last: "end", 0: "start"}
        shown = [(periods[i], anchors.get(i, "middle")) for i in indexes]
        for (start, period), anchor in shown:
            x = scale.x(start)
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="{anchor}" fill="#1a1a1a">'
                f"{escape(period_label(period))}</text>"
            )
    bottom = HEIGHT - BOTTOM
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}" stroke="#1a1a1a"/>')
    return parts


def _polyline(scale: _Scale, pairs: list[tuple[date, Decimal]], colour: str, dash: str, width: float) -> str:
    coords = " ".join(f"{scale.x(s):.1f},{scale.y(v):.1f}" for s, v in pairs)
    dasharray = f' stroke-dasharray="{DASHES[dash]}"' if DASHES[dash] else ""
    return f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="{width}"{dasharray}/>'


def _line(scale: _Scale, line: LineSeries) -> list[str]:
    colour, dash, _symbol = LINE_STYLES[line.role]
    flags = line.provisional or [False] * len(line.values)
    cells = [(s, v, f) for s, v, f in zip(line.starts, line.values, flags, strict=True) if v is not None]
    final = [(s, v) for s, v, f in cells if not f]
    provisional = final[-1:] + [(s, v) for s, v, f in cells if f]
    width = 2.5 if line.role == "main" else 2
    parts = [_polyline(scale, final, colour, dash, width)] if final else []
    if len(provisional) > 1:
        parts.append(_polyline(scale, provisional, colour, "dash" if dash == "solid" else "dashdot", width))
    parts += [
        f'<circle cx="{scale.x(s):.1f}" cy="{scale.y(v):.1f}" r="2.5" fill="{colour}"/>' for s, v in final
    ]
    return parts


def _markers(scale: _Scale, baseline: Marker | None, target: Marker | None) -> list[str]:
    parts = []
    if baseline is not None and target is not None:
        parts.append(
            f'<line x1="{scale.x(baseline.start):.1f}" y1="{scale.y(baseline.value):.1f}" '
            f'x2="{scale.x(target.start):.1f}" y2="{scale.y(target.value):.1f}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="1.5" stroke-dasharray="10 5"/>'
        )
    for marker, colour in ((baseline, BASELINE_COLOUR), (target, TARGET_COLOUR)):
        if marker is not None:
            x, y = scale.x(marker.start), scale.y(marker.value)
            parts.append(
                f'<path d="M{x:.1f},{y - 7:.1f} L{x + 7:.1f},{y:.1f} L{x:.1f},{y + 7:.1f} L{x - 7:.1f},{y:.1f} Z" '
                f'fill="{colour}" stroke="#000" stroke-width="1"/>'
                f'<text x="{x:.1f}" y="{y - 10:.1f}" text-anchor="middle">{escape(marker.label)}</text>'
            )
    return parts


def _legend(
    series: list[LineSeries], baseline: Marker | None, target: Marker | None
) -> list[tuple[str, str, str]]:
    rows = [(LINE_STYLES[line.role][0], LINE_STYLES[line.role][1], line.name) for line in series]
    if any(any(line.provisional) for line in series):
        rows.append(("#1a1a1a", "dash", _("Stiplet: foreløbige tal")))
    rows += [
        (colour, "marker", m.label)
        for m, colour in ((baseline, BASELINE_COLOUR), (target, TARGET_COLOUR))
        if m
    ]
    return rows


def _legend_rows(rows: list[tuple[str, str, str]]) -> list[str]:
    parts = []
    for i, (colour, dash, name) in enumerate(rows):
        y = HEIGHT + LEGEND_ROW * i
        if dash == "marker":
            parts.append(
                f'<path d="M{LEFT + 14},{y - 10} l6,6 l-6,6 l-6,-6 Z" fill="{colour}" stroke="#000"/>'
            )
        else:
            dasharray = f' stroke-dasharray="{DASHES[dash]}"' if DASHES[dash] else ""
            parts.append(
                f'<line x1="{LEFT}" x2="{LEFT + 28}" y1="{y - 4}" y2="{y - 4}" stroke="{colour}" '
                f'stroke-width="2.5"{dasharray}/>'
            )
        parts.append(f'<text x="{LEFT + 36}" y="{y}">{escape(name)}</text>')
    return parts
