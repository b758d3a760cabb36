"""A chart's container with its figure as JSON data, and its numbers as a table: the HTML every page shows.

Built in Python rather than in templates: a status page holds hundreds of table cells and several figures, and
these are the largest parts of its build (goals/status_data.py keeps them built with the page's data). The
figure is encoded by orjson, several times faster than the standard library's encoder.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape as html_escape
from uuid import UUID

import orjson
from django.utils.functional import Promise
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from goals.series import ChartTable

# As django.utils.html.json_script escapes them: the JSON can never close the script element or open a comment.
# Replaced one by one: str.replace runs over the figure's tens of kilobytes many times faster than str.translate.
_SCRIPT_ESCAPES = (("&", "\\u0026"), (">", "\\u003E"), ("<", "\\u003C"))


def _default(value: object) -> str:
    # What Django's JSON encoder writes as text (figures carry floats; a Decimal or lazy text here is written so).
    if isinstance(value, Decimal | Promise | UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def figure_script(figure: dict, element_id: str) -> SafeString:
    """The figure as a <script type="application/json"> element that static/js/charts.js reads."""
    data = orjson.dumps(figure, default=_default).decode()
    for character, escaped in _SCRIPT_ESCAPES:
        data = data.replace(character, escaped)
    return format_html('<script id="{}" type="application/json">{}</script>', element_id, mark_safe(data))  # noqa: S308 - escaped above


def chart_html(figure: dict, chart_id: str, description_id: str, label: str) -> SafeString:
    """The chart element and its figure data; named by the title, described by the generated sentence.

    role=figure, not img: Plotly's modebar buttons inside must stay reachable (axe nested-interactive).
    """
    return format_html(
        '<div id="{}" class="chart" role="figure" aria-label="{}" aria-describedby="{}"></div>{}',
        chart_id,
        label,
        description_id,
        figure_script(figure, f"{chart_id}-data"),
    )


def table_html(table: ChartTable) -> SafeString:
    """The chart's numbers as an accessible table."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in [table.first_column, *table.columns])
    # The standard library's escape, as django.utils.html.escape calls it, without its per-call lazy-text check:
    # a comparison table has hundreds of cells, all plain text by now.
    rows = "\n".join(
        f'<tr><th scope="row">{html_escape(str(key))}</th>'
        + "".join(f"<td>{html_escape(str(v))}</td>" for v in values)
        + "</tr>"
        for key, values in table.display_rows()
    )
    return mark_safe(  # noqa: S308 - every piece above is escaped
        f'<table class="chart-table"><caption>{escape(table.title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )
