"""The comparison form's long lists (98 municipalities twice, every period) written in Python, not template loops.

Each is several hundred elements; a template loop renders them many times slower than format_html_join.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from goals.comparison import ComparisonPage

register = template.Library()


def _flag(condition: bool, word: str) -> str:
    return f" {word}" if condition else ""


@register.simple_tag
def municipality_options(page: ComparisonPage) -> SafeString:
    """<option> per municipality, the chosen one selected."""
    chosen = page.state.municipality
    rows = ((m.slug, _flag(m == chosen, "selected"), m.name) for m in page.municipalities)
    return format_html_join("", '<option value="{}"{}>{}</option>', rows)


@register.simple_tag
def period_options(page: ComparisonPage) -> SafeString:
    """<option> per period, newest first, the chosen one selected."""
    rows = (
        (code, _flag(code == page.state.period, "selected"), label) for code, label in page.period_choices()
    )
    return format_html_join("", '<option value="{}"{}>{}</option>', rows)


@register.simple_tag
def own_list_options(page: ComparisonPage) -> SafeString:
    """A checkbox per municipality for the own list, the listed ones checked."""
    listed = {m.pk for m in page.state.listed}
    rows = ((m.slug, _flag(m.pk in listed, "checked"), m.name) for m in page.municipalities)
    return format_html_join(
        "", '<li><label><input type="checkbox" name="kommuner" value="{}"{}> {}</label></li>', rows
    )
