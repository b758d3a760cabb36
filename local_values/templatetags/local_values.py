"""Values and periods on the local-indicator pages, written as every other page writes them (goals.formatting)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from goals.formatting import format_value
from indicators.periods import period_label

register = template.Library()


@register.filter
def unit_value(value: Decimal | None, unit: str) -> str:
    """A value in its unit as the pages write it ("58,0 %"), a dash when there is none."""
    return format_value(value, unit)


@register.filter
def period_name(code: str) -> str:
    """A period code in words: 2024H2 → "2. halvår 2024"."""
    return period_label(code)
