"""{% chart %}: a chart's container and its figure as JSON data (drawn by static/js/charts.js, no inline script)."""

from __future__ import annotations

from django import template
from django.utils.html import escape, format_html, json_script
from django.utils.safestring import SafeString, mark_safe

from goals.series import ChartTable

register = template.Library()


@register.simple_tag
def chart(figure: dict, chart_id: str, description_id: str, label: str) -> str:
    """The chart element and its figure data; named by the title, described by the generated sentence.

    role=figure, not img: Plotly's modebar buttons inside must stay reachable (axe nested-interactive).
    """
    return format_html(
        '<div id="{}" class="chart" role="figure" aria-label="{}" aria-describedby="{}"></div>{}',
        chart_id,
        label,
        description_id,
        json_script(figure, f"{chart_id}-data"),
    )


@register.simple_tag
def chart_table(table: ChartTable) -> SafeString:
    """The chart's numbers as an accessible table (built in Python: pages hold hundreds of cells)."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in [table.first_column, *table.columns])
    rows = "\n".join(
        f'<tr><th scope="row">{escape(key)}</th>' + "".join(f"<td>{escape(v)}</td>" for v in values) + "</tr>"
        for key, values in table.display_rows()
    )
    return mark_safe(  # noqa: S308 - every piece above is escaped
        f'<table class="chart-table"><caption>{escape(table.title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )
