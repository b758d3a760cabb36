"""{% chart %} and {% chart_table %}: a chart's container with its figure data, and its numbers as a table.

Both are written by goals/chart_html.py (no inline script: static/js/charts.js draws the figure).
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from goals import chart_html
from goals.series import ChartTable

register = template.Library()


@register.simple_tag
def chart(figure: dict, chart_id: str, description_id: str, label: str) -> SafeString:
    """The chart element and its figure data (goals.chart_html.chart_html)."""
    return chart_html.chart_html(figure, chart_id, description_id, label)


@register.simple_tag
def chart_table(table: ChartTable) -> SafeString:
    """The chart's numbers as an accessible table (goals.chart_html.table_html)."""
    return chart_html.table_html(table)
