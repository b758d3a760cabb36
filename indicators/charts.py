"""Plotly figure builders: data in, figure (a JSON-ready dict with data, layout and config) out.

No request, no ORM, no HTTP. Colours are Okabe-Ito (colour-blind safe), and every role also has its own
marker symbol, dash style or bar pattern so that no meaning rests on colour alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from math import ceil

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indicators.models import Indicator
from indicators.narrow_charts import MODEBAR_ROOM, narrow_bar, narrow_line, title_lift, wrap_text
from indicators.periods import UnknownPeriodFormat, parse_period, period_label

# role → (colour, line dash, marker symbol); Okabe-Ito.
LINE_STYLES = {
    "main": ("#0072B2", "solid", "circle"),
    "group": ("#D55E00", "dot", "diamond"),
    "country": ("#000000", "dash", "square"),
    # An area's 12-month average: Okabe-Ito's orange darkened to 4.5:1 on white, a thick line without markers.
    "average": ("#8A5A00", "solid", "line-ns"),
    # A local indicator's values awaiting approval: open markers only, never joined to the approved line.
    "draft": ("#E69F00", "solid", "circle-open"),
}
LINE_WIDTHS = {"main": 2.5, "average": 3.5}
TARGET_COLOUR = "#009E73"
BASELINE_COLOUR = "#CC79A7"
# bar role → (colour, pattern shape); "other" is a neutral grey with 4.5:1 contrast on white.
BAR_STYLES = {"selected": ("#0072B2", "/"), "group": ("#D55E00", "x"), "other": ("#767676", "")}
# Pixels: figure heights, bottom margins (tick labels, then the source line) and the PNG width.
LINE_HEIGHT, LINE_BOTTOM = 460, 72
BAR_HEIGHT, BAR_BOTTOM = 600, 190
SOURCE_INSET = 8
EXPORT_WIDTH = 1000
# A wide chart's title: characters per line at 16 px in the narrowest wide chart (narrow_charts.LINE_BELOW px), and
# pixels per line.
WIDE_TITLE_CHARS, WIDE_TITLE_LINE = 62, 21


@dataclass(frozen=True)
class LineSeries:
    """One line: an area's values by period; `provisional` flags values that may still be revised."""

    name: str
    role: str
    periods: list[str]
    starts: list[date]
    values: list[Decimal | None]
    provisional: list[bool] = field(default_factory=list)


@dataclass(frozen=True)
class Marker:
    """A single marked value, e.g. the baseline or the target at its period."""

    label: str
    start: date
    value: Decimal
    period: str = ""


@dataclass(frozen=True)
class GoalYear:
    """One goal year on a chart of all years: its target (and baseline) marked, and its verdict in words."""

    year: int
    target: Marker
    baseline: Marker | None
    verdict: str


@dataclass(frozen=True)
class Bar:
    """One area's bar: its value, its role (selected, group, other) and its third, in words."""

    name: str
    value: Decimal
    role: str
    third: str


def _plotly_locale() -> str:
    """The page language as Plotly names it: "en", or "da" (registered by static/js/plotly_locale.js)."""
    return "en" if (get_language() or "da").startswith("en") else "da"


def separators() -> str:
    """Plotly's decimal and thousands separators for the active language."""
    return ".," if _plotly_locale() == "en" else ",."


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _iso(day: date) -> str:
    return day.isoformat()


ValueText = Callable[[Decimal], str]
# At most this many labelled periods on the x axis; more would overlap even on a wide screen.
MAX_PERIOD_TICKS = 8


def _plain(value: Decimal) -> str:
    return format(value, "f")


def _value_texts(values: list[Decimal | None], value_text: ValueText) -> list[str]:
    """The values as the page writes them (number and unit), for tooltips: "1,4 %" rather than Plotly's 1.4."""
    return [value_text(value) if value is not None else "" for value in values]


def period_axis(periods: dict[str, date]) -> dict:
    """The x axis of a chart over periods, labelled as people name them (never "2024-07" for a half-year).

    Months: a date axis with month ticks written by Plotly in the page's locale ("mar. 2024"); quarters,
    half-years and years: a tick at each period (thinned to MAX_PERIOD_TICKS, newest kept) named by period_label.
    """
    axis: dict = {"type": "date"}
    ordered = sorted(periods.items(), key=lambda item: item[1])
    types = set()
    for code, _start in ordered:
        try:
            types.add(parse_period(code).type)
        except UnknownPeriodFormat:
            types.add("?")
    if not ordered:
        return axis | {"tickformat": "%b %Y"}
    if types <= {"M", "MYTD"}:
        first, last = ordered[0][1], ordered[-1][1]
        months = (last.year - first.year) * 12 + last.month - first.month
        step = next((k for k in (1, 2, 3, 6, 12) if months // k < MAX_PERIOD_TICKS), 24)
        # A month step keeps every tick on a month's first day: a short range never repeats a month's name.
        return axis | {"tickformat": "%b %Y", "dtick": f"M{step}", "tick0": "2000-01-01"}
    step = ceil(len(ordered) / MAX_PERIOD_TICKS)
    shown = ordered[::-1][::step][::-1]
    return axis | {
        "tickmode": "array",
        "tickvals": [_iso(start) for _code, start in shown],
        "ticktext": [period_label(code) for code, _start in shown],
    }


def value_axis(unit: str) -> tuple[str, bool]:
    """A chart's value-axis title and whether its values are percentages, from the indicator's unit."""
    if unit == Indicator.Unit.PERCENT:
        return _("Procent"), True
    if unit == Indicator.Unit.COUNT:
        return _("Antal"), False
    return _("Værdi"), False


def source_annotation(text: str, *, margin: dict) -> dict:
    """The source line in the bottom margin, placed in pixels so it stays inside the figure at any height."""
    return {
        "name": "source",
        "text": text,
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": 0,
        "xanchor": "left",
        "yanchor": "bottom",
        "align": "left",
        # From the plot's bottom-left corner to SOURCE_INSET px inside the figure's bottom-left corner.
        "xshift": -(margin["l"] - SOURCE_INSET),
        "yshift": -(margin["b"] - SOURCE_INSET),
        "showarrow": False,
        "font": {"size": 11, "color": "#4a4a4a"},
    }


def _layout(*, title: str, source: str, unit: str, height: int, bottom: int) -> dict:
    y_title, percent = value_axis(unit)
    # Wrapped to the narrowest wide chart (below it the narrow layout takes over), one line's room more per line.
    wrapped, lines = wrap_text(title, WIDE_TITLE_CHARS)
    margin = {
        "l": 60,
        "r": 20,
        "t": 90 + MODEBAR_ROOM + (lines - 1) * WIDE_TITLE_LINE + title_lift(lines, WIDE_TITLE_LINE),
        "b": bottom,
    }
    return {
        # The title sits under the modebar's strip and the legend just above the plot, with room for two
        # legend rows between them, so a long legend never runs into the title.
        "title": {
            "text": wrapped,
            "x": 0,
            "xref": "paper",
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": MODEBAR_ROOM + title_lift(lines, WIDE_TITLE_LINE)},
            "font": {"size": 16},
        },
        "separators": separators(),
        "font": {"family": "system-ui, sans-serif", "color": "#1a1a1a"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        # An explicit height: the source line's and the PNG's room are counted in pixels from it.
        "height": height,
        "margin": margin,
        # Always a legend, also for a single line: a downloaded PNG must say what each line is on its own.
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "yaxis": {
            "title": {"text": y_title},
            "gridcolor": "#d5d9e0",
            "ticksuffix": "%" if percent else "",
        },
        "annotations": [source_annotation(source, margin=margin)],
    }


def _config(filename: str, *, height: int) -> dict:
    return {
        "displaylogo": False,
        # plotly.js 4 otherwise offers "Share chart", which posts the figure to Plotly's cloud.
        "showSendToCloud": False,
        "showEditInChartStudio": False,
        "responsive": True,
        "modeBarButtonsToRemove": ["select2d", "lasso2d"],
        # The PNG is drawn at the layout's own height, so its margins hold the legend and the source line.
        "toImageButtonOptions": {
            "format": "png",
            "filename": filename,
            "width": EXPORT_WIDTH,
            "height": height,
        },
        # Plotly's own words (modebar, month names) in the page language; "da" is registered by plotly_locale.js.
        "locale": _plotly_locale(),
    }


def _line_traces(series: LineSeries, value_text: ValueText) -> list[dict]:
    colour, dash, symbol = LINE_STYLES[series.role]
    flags = series.provisional or [False] * len(series.values)
    final_idx = [i for i, flag in enumerate(flags) if not flag]
    prov_idx = [i for i, flag in enumerate(flags) if flag]

    language = get_language()  # read once: a line names every period it draws

    def trace(indexes: list[int], name: str, line_dash: str, show: bool) -> dict:
        return {
            "type": "scatter",
            "mode": "markers" if series.role == "draft" else "lines+markers",
            "name": name,
            "showlegend": show,
            "legendgroup": series.name,
            "x": [_iso(series.starts[i]) for i in indexes],
            "y": [_float(series.values[i]) for i in indexes],
            "text": [period_label(series.periods[i], language=language) for i in indexes],
            "customdata": _value_texts([series.values[i] for i in indexes], value_text),
            "line": {"color": colour, "dash": line_dash, "width": LINE_WIDTHS.get(series.role, 2)},
            "marker": {"symbol": symbol, "size": 12 if series.role == "draft" else 7, "color": colour},
            # "marts 2024: 1,4 %": the period in words and the value with its unit, as the table writes them.
            "hovertemplate": f"%{{text}}: %{{customdata}}<extra>{name}</extra>",
        }

    traces = [trace(final_idx, series.name, dash, True)]
    if prov_idx:
        # Start the dashed part at the last final value so the line stays unbroken.
        joined = final_idx[-1:] + prov_idx
        label = _("%(name)s, foreløbige tal") % {"name": series.name}
        traces.append(trace(joined, label, "dash" if dash == "solid" else "dashdot", True))
    return traces


def line_chart(
    *,
    title: str,
    source: str,
    unit: str,
    series: list[LineSeries],
    target: Marker | None = None,
    baseline: Marker | None = None,
    filename: str = "maaltavlen",
    value_text: ValueText = _plain,
    goal_years: list[GoalYear] | None = None,
) -> dict:
    """A development-over-time chart: areas as lines, provisional months dashed, target and baseline marked.

    value_text writes a value with its unit in the page language (the tooltips show what the table shows).
    With goal_years (a chart of all years) each year's target and baseline is marked in its year, the target
    labelled with the year's verdict ("2023: ikke nået"), instead of the one target and baseline.
    """
    data: list[dict] = []
    for one in series:
        data.extend(_line_traces(one, value_text))
    if goal_years:
        baselines = [(y.baseline, y.baseline.label) for y in goal_years if y.baseline is not None]
        # Every year's baseline named on the chart would crowd it: the legend names them, the hover tells each.
        data.extend(
            _marker_trace(baselines, BASELINE_COLOUR, "x", value_text, legend=_("Basis"), words=False)
        )
        targets = [(y.target, y.verdict) for y in goal_years]
        data.extend(_marker_trace(targets, TARGET_COLOUR, "star", value_text, legend=_("Mål år for år")))
        pairs = [(y.baseline, y.target) for y in goal_years if y.baseline is not None]
    else:
        for marker, colour, symbol in ((baseline, BASELINE_COLOUR, "x"), (target, TARGET_COLOUR, "star")):
            if marker is not None:
                data.extend(_marker_trace([(marker, marker.label)], colour, symbol, value_text))
        pairs = [(baseline, target)] if target is not None and baseline is not None else []
    markers = [m for pair in pairs for m in pair] + [m for m in (baseline, target) if m is not None]
    markers += [y.target for y in goal_years or []]
    layout = _layout(title=title, source=source, unit=unit, height=LINE_HEIGHT, bottom=LINE_BOTTOM)
    layout["xaxis"] = {"gridcolor": "#eef0f3"} | period_axis(_axis_periods(series, markers))
    if pairs:
        layout["shapes"] = [_target_line(start, end) for start, end in pairs]
    figure = {"data": data, "layout": layout, "config": _config(filename, height=LINE_HEIGHT)}
    figure["narrow"] = narrow_line(figure)
    return figure


def _marker_trace(
    marks: list[tuple[Marker, str]],
    colour: str,
    symbol: str,
    value_text: ValueText,
    legend: str = "",
    words: bool = True,
) -> list[dict]:
    """Marked values (a target, a baseline; or every year's) as one trace, each with its words beside it."""
    if not marks:
        return []
    return [
        {
            "type": "scatter",
            "mode": "markers+text" if words else "markers",
            "name": legend or marks[0][0].label,
            "x": [_iso(marker.start) for marker, _text in marks],
            "y": [_float(marker.value) for marker, _text in marks],
            "text": [text for _marker, text in marks],
            "customdata": [
                ": ".join(filter(None, [period_label(m.period) if m.period else "", value_text(m.value)]))
                for m, _text in marks
            ],
            "textposition": "top center",
            "marker": {"symbol": symbol, "size": 14, "color": colour, "line": {"width": 1, "color": "#000"}},
            "hovertemplate": "%{text}, %{customdata}<extra></extra>",
        }
    ]


def _target_line(baseline: Marker, target: Marker) -> dict:
    """The straight line from a baseline to its target: what "on track" is measured against."""
    return {
        "type": "line",
        "x0": _iso(baseline.start),
        "y0": _float(baseline.value),
        "x1": _iso(target.start),
        "y1": _float(target.value),
        "line": {"color": TARGET_COLOUR, "dash": "longdash", "width": 1.5},
    }


def _axis_periods(series: list[LineSeries], markers: list[Marker]) -> dict[str, date]:
    """The periods the x axis names: the lines' own, and marked periods of the same kind (a monthly axis stays
    monthly when a yearly target is marked at its December)."""
    periods = {p: start for one in series for p, start in zip(one.periods, one.starts, strict=True)}
    kinds = {_kind(code) for code in periods}
    periods |= {m.period: m.start for m in markers if m.period and (not kinds or _kind(m.period) in kinds)}
    return periods


def _kind(code: str) -> str:
    try:
        return parse_period(code).type
    except UnknownPeriodFormat:
        return "?"


def bar_chart(
    *,
    title: str,
    source: str,
    unit: str,
    bars: list[Bar],
    country_name: str,
    country_value: Decimal | None,
    legend_names: dict[str, str],
    filename: str = "maaltavlen",
    value_text: ValueText = _plain,
) -> dict:
    """Areas as bars, sorted highest first, the selected area and its group patterned, the country a line."""
    ordered = sorted(bars, key=lambda bar: (-bar.value, bar.name))
    names = [bar.name for bar in ordered]
    data: list[dict] = []
    for role in ("other", "group", "selected"):
        members = [bar for bar in ordered if bar.role == role]
        if not members:
            continue
        colour, pattern = BAR_STYLES[role]
        data.append(
            {
                "type": "bar",
                "name": legend_names[role],
                "x": [bar.name for bar in members],
                "y": [_float(bar.value) for bar in members],
                "customdata": [[value_text(bar.value), bar.third] for bar in members],
                "marker": {
                    "color": colour,
                    "line": {"color": "#000000", "width": 1 if role != "other" else 0},
                    "pattern": {"shape": pattern, "fgcolor": "#ffffff", "size": 6, "fillmode": "overlay"},
                },
                "hovertemplate": "%{x}: %{customdata[0]} (%{customdata[1]})<extra></extra>",
            }
        )
    if country_value is not None and names:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": country_name,
                "x": [names[0], names[-1]],
                "y": [_float(country_value)] * 2,
                "line": {"color": "#000000", "dash": "dash", "width": 2},
                "customdata": [value_text(country_value)] * 2,
                "hovertemplate": f"{country_name}: %{{customdata}}<extra></extra>",
            }
        )
    layout = _layout(title=title, source=source, unit=unit, height=BAR_HEIGHT, bottom=BAR_BOTTOM)
    # Bars start at zero (their length is the value); the source sits below the slanted names.
    layout["yaxis"]["rangemode"] = "tozero"
    # The selected area is named above its bar as well, so it is found at a glance.
    layout["annotations"] += [
        {
            "x": bar.name,
            "y": _float(bar.value),
            "text": f"<b>{bar.name}</b>",
            "showarrow": True,
            "arrowhead": 2,
            "ax": 0,
            "ay": -30,
            "font": {"size": 12, "color": "#000000"},
        }
        for bar in ordered
        if bar.role == "selected"
    ]
    layout["barmode"] = "overlay"
    layout["bargap"] = 0.15
    # Every one of the 98 names under its bar, read downwards (Plotly would otherwise drop every other one).
    layout["xaxis"] = {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": names,
        "tickangle": -90,
        "dtick": 1,
        "tickfont": {"size": 10},
    }
    figure = {"data": data, "layout": layout, "config": _config(filename, height=BAR_HEIGHT)}
    selected = next((bar.name for bar in ordered if bar.role == "selected"), None)
    figure["narrow"] = narrow_bar(figure, categories=names, selected=selected)
    return figure
