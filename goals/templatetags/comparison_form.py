"""The comparison form's long lists (98 municipalities twice, every period) written in Python, not template loops.

Each is several hundred elements; a template loop renders them many times slower, and format_html_join still
several times slower than writing them with the standard library's escape (as Django's own escape calls it).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from goals.comparison import ComparisonPage

register = template.Library()


def _flag(condition: bool, word: str) -> str:
    return f" {word}" if condition else ""


def _options(rows: Iterable[tuple[str, str, str]], element: str) -> SafeString:
    # element: a format string of the escaped value, the flag (a fixed word) and the escaped label.
    return mark_safe(  # noqa: S308 - value and label are escaped, the flag is a fixed word
        "".join(element.format(escape(str(value)), flag, escape(str(label))) for value, flag, label in rows)
    )


@register.simple_tag
def municipality_options(page: ComparisonPage) -> SafeString:
    """<option> per municipality, the chosen one selected."""
    chosen = page.state.municipality
    rows = ((m.slug, _flag(m == chosen, "selected"), m.name) for m in page.municipalities)
    return _options(rows, '<option value="{}"{}>{}</option>')


@register.simple_tag
def period_options(page: ComparisonPage) -> SafeString:
    """<option> per period, newest first, the chosen one selected."""
    rows = (
        (code, _flag(code == page.state.period, "selected"), label) for code, label in page.period_choices()
    )
    return _options(rows, '<option value="{}"{}>{}</option>')


@register.simple_tag
def own_list_options(page: ComparisonPage) -> SafeString:
    """A checkbox per municipality for the own list, the listed ones checked."""
    listed = {m.pk for m in page.state.listed}
    rows = ((m.slug, _flag(m.pk in listed, "checked"), m.name) for m in page.municipalities)
    return _options(rows, '<li><label><input type="checkbox" name="kommuner" value="{}"{}> {}</label></li>')
