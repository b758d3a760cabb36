"""{{ value|when }}: a date or time the way the page's language writes it (3. marts 2025 / 3 March 2025)."""

from __future__ import annotations

from datetime import date, datetime

from django import template

from goals.formatting import format_date

register = template.Library()


@register.filter
def when(value: date | datetime | None) -> str:
    """The date (and for a datetime the Copenhagen clock time) in the page language; empty for None."""
    return format_date(value) if value else ""
