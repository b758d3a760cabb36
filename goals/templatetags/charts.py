"""{% chart %}: a chart's container and its figure as JSON data (drawn by static/js/charts.js, no inline script)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, json_script

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
