"""The narrow-screen variant of a chart: the one rule of what a chart looks like in a phone-wide card.

static/js/charts.js draws figure["narrow"] instead of the figure's own data and layout while the chart's box is
narrower than narrow["below"] pixels. Everything there fits the card's width, so nothing scrolls sideways: title,
legend names and source line wrapped, the legend under the plot, fewer ticks, and the comparison's bars laid
sideways with the chosen area's neighbourhood in view and the full list one tap away (narrow["expanded"]).
Heights are counted in pixels from the wrapped lines, so the legend and the source line always have their room,
on screen and in the PNG (narrow["export"]).
"""

from __future__ import annotations

import re
import textwrap

from django.utils.translation import gettext as _

# Container widths (px) under which the wide layout no longer fits: a line chart's title and legend row, and 98
# area names read downwards under vertical bars.
LINE_BELOW = 640
BAR_BELOW = 960
# Characters per wrapped line, and pixels per line, at the narrow font sizes (fits a 320 px card).
TITLE_CHARS, LEGEND_CHARS, SOURCE_CHARS = 32, 36, 48
TITLE_LINE, LEGEND_LINE, SOURCE_LINE = 19, 16, 14
LEGEND_ITEM, LEGEND_PAD = 5, 10  # a legend row is its lines plus this much (with tracegroupgap 2)
INSET = 8
# Plotly draws its modebar (download, zoom) over the figure's top right corner: titles start under it, wide and
# narrow, so a long title never runs under the buttons at any width.
MODEBAR_ROOM = 38


def title_lift(lines: int, line_height: int) -> int:
    """Pixels to move a wide chart's title of `lines` lines down: Plotly lifts a wrapped title anchored at its top
    by half a line per extra line (measured in Chromium), which would put its first line under the modebar."""
    return (lines - 1) * line_height // 2


TITLE_TOP = 18  # Plotly sets a title's first line by its cap height: this keeps its accents inside the figure
LINE_PLOT = 260  # a line chart's plot height
AXIS_LABELS = 28  # the tick labels under the plot
NARROW_PERIOD_TICKS = 4  # period names under a phone-wide line chart
BAR_ROW, BAR_WINDOW = 22, 15  # a sideways bar's row, and how many rows show around the chosen area
BAR_NAMES = 118  # left margin for the area names
EXPORT_WIDTH, EXPORT_SCALE = 480, 2  # the narrow PNG: drawn at this width, with twice the pixels
# Marked values whose words (a target's "2023: ikke nået") are written beside them on a phone; with more, the words
# would run into each other across a card's width: the markers stay, and the page says the words under the chart.
MAX_NARROW_LABELS = 2


def wrap_text(text: str, width: int) -> tuple[str, int]:
    """Text broken into <br>-joined lines of at most `width` characters, and the number of lines."""
    lines = textwrap.wrap(re.sub(r"<br\s*/?>", " ", text), width) or [""]
    return "<br>".join(lines), len(lines)


def _legend_height(data: list[dict]) -> int:
    names = [trace["name"] for trace in data if trace.get("showlegend", True) and trace.get("name")]
    return LEGEND_PAD + sum(name.count("<br>") * LEGEND_LINE + LEGEND_LINE + LEGEND_ITEM for name in names)


def _named(trace: dict) -> dict:
    """A trace with its legend name wrapped to the card's width."""
    return {**trace, "name": wrap_text(trace["name"], LEGEND_CHARS)[0]} if trace.get("name") else dict(trace)


def _frame(wide: dict, data: list[dict], *, plot: int, left: int, axis: int) -> dict:
    """The narrow layout around a plot of `plot` px: wrapped title on top; labels, legend and source below."""
    title, title_lines = wrap_text(wide["title"]["text"], TITLE_CHARS)
    source_note = wide["annotations"][0]
    source, source_lines = wrap_text(source_note["text"], SOURCE_CHARS)
    legend = _legend_height(data)
    source_block = INSET + source_lines * SOURCE_LINE + INSET
    margin = {
        "l": left,
        "r": 12,
        "t": MODEBAR_ROOM + TITLE_TOP + title_lines * TITLE_LINE + 14,
        "b": axis + legend + source_block,
    }
    height = margin["t"] + plot + margin["b"]
    # A shallow copy: every key below is replaced whole, never changed inside, and the wide layout is finished (the
    # narrow one is made last), so the two may share what they have in common; a deep copy cost a tenth of a page.
    layout = dict(wide)
    layout["height"] = height
    layout["margin"] = margin
    layout["title"] = {
        **wide["title"],
        "text": title,
        "xref": "container",
        "x": 0,
        "yref": "container",
        "y": 1,
        "yanchor": "top",
        "pad": {"l": INSET, "t": MODEBAR_ROOM + TITLE_TOP},
        "font": {"size": 14},
    }
    layout["legend"] = {
        # One entry per row across the whole width (a vertical legend by container would push the left margin).
        "orientation": "h",
        "entrywidth": 1,
        "entrywidthmode": "fraction",
        "xref": "container",
        "yref": "container",
        "x": 0,
        "xanchor": "left",
        "tracegroupgap": 2,
        # The legend's bottom sits on the source line; the figure's height is known, so this is in pixels.
        "y": source_block / height,
        "yanchor": "bottom",
        "font": {"size": 12},
    }
    layout["annotations"] = [
        {**source_note, "text": source, "xshift": -(left - INSET), "yshift": -(margin["b"] - INSET)}
    ]
    return layout


def _unlabelled(trace: dict) -> dict:
    """A marker trace with more words than a card fits, drawn without them (hover still tells each)."""
    if trace.get("mode") == "markers+text" and len(trace.get("x") or []) > MAX_NARROW_LABELS:
        return {**trace, "mode": "markers"}
    return trace


def narrow_line(figure: dict) -> dict:
    """A line chart for a phone: four date ticks, the legend under the plot, title and source wrapped."""
    data = [_unlabelled(_named(trace)) for trace in figure["data"]]
    layout = _frame(figure["layout"], data, plot=LINE_PLOT, left=52, axis=AXIS_LABELS)
    layout["xaxis"] = _few_period_ticks(figure["layout"]["xaxis"])
    layout["yaxis"] = {**figure["layout"]["yaxis"], "nticks": 6}
    return {"below": LINE_BELOW, "data": data, "layout": layout, "export": _export(layout)}


def _few_period_ticks(axis: dict, count: int = NARROW_PERIOD_TICKS) -> dict:
    """The wide chart's period axis with at most `count` ticks, the newest kept (a phone fits four names)."""
    narrow = {key: value for key, value in axis.items() if key not in ("dtick", "tick0")} | {"nticks": count}
    if axis.get("tickmode") == "array":
        step = -(-len(axis["tickvals"]) // count)
        narrow["tickvals"] = axis["tickvals"][::-1][::step][::-1]
        narrow["ticktext"] = axis["ticktext"][::-1][::step][::-1]
    return narrow


def _export(layout: dict) -> dict:
    return {"width": EXPORT_WIDTH, "height": layout["height"], "scale": EXPORT_SCALE}


def _sideways(trace: dict) -> dict:
    """A vertical bar chart's trace turned on its side: x and y swapped, bars horizontal."""
    turned = _named(trace)
    turned["x"], turned["y"] = trace.get("y"), trace.get("x")
    if trace["type"] == "bar":
        turned["orientation"] = "h"
    if "hovertemplate" in trace:
        swap = {"%{x": "%{y", "%{y": "%{x"}
        turned["hovertemplate"] = re.sub(r"%\{[xy]", lambda m: swap[m.group(0)], trace["hovertemplate"])
    return turned


def narrow_bar(figure: dict, *, categories: list[str], selected: str | None) -> dict:
    """The comparison for a phone: bars sideways, the chosen area's neighbourhood in view, the full list a tap away."""
    wide = figure["layout"]
    data = [_sideways(trace) for trace in figure["data"]]
    # Plotly draws the first category at the bottom: reversed, the highest value is on top.
    rows = list(reversed(categories))
    count = len(rows)
    window = min(BAR_WINDOW, count)
    centre = rows.index(selected) if selected in rows else count - 1 - window // 2
    low = max(0, min(count - window, centre - window // 2))
    axis_title = wide["yaxis"]["title"]["text"]
    value_axis = {
        "title": {"text": axis_title},
        "ticksuffix": wide["yaxis"]["ticksuffix"],
        "rangemode": "tozero",
        "gridcolor": wide["yaxis"]["gridcolor"],
        "nticks": 5,
    }

    def layout_for(first: int, shown: int) -> dict:
        layout = _frame(wide, data, plot=shown * BAR_ROW, left=BAR_NAMES, axis=AXIS_LABELS + 20)
        layout["xaxis"] = value_axis
        layout["yaxis"] = {
            "type": "category",
            "categoryorder": "array",
            "categoryarray": rows,
            "tickmode": "array",
            "tickvals": rows,
            "ticktext": [f"<b>{name}</b>" if name == selected else name for name in rows],
            "tickfont": {"size": 11},
            "range": [first - 0.5, first + shown - 0.5],
        }
        return layout

    narrow = {"below": BAR_BELOW, "data": data, "layout": layout_for(low, window)}
    narrow["export"] = _export(narrow["layout"])
    if count > window:
        full = layout_for(0, count)
        narrow["expanded"] = {
            "layout": full,
            "export": _export(full),
            "show": _("Vis alle %(count)s i diagrammet") % {"count": count},
            "hide": _("Vis kun de nærmeste i diagrammet"),
        }
    return narrow
