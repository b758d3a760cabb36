"""The one small-number rule for the whole site: which values may be shown and ranked."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _


def is_hidden(*, value: Decimal | None, suppressed: bool, base: Decimal | None) -> bool:
    """True when a value must not be shown or ranked: Jobindsats suppressed it, or its base is too small."""
    if suppressed or value is None:
        return True
    return base is not None and base < settings.SUPPRESSION_MIN_BASE


def visible(*, value: Decimal | None, suppressed: bool, base: Decimal | None) -> Decimal | None:
    """The value if the rule allows showing it, else None."""
    return None if is_hidden(value=value, suppressed=suppressed, base=base) else value


def rule_text() -> str:
    """The rule in plain words, shown wherever a value may be hidden."""
    return _(
        "Tal vises ikke og indgår ikke i sammenligninger, når Jobindsats har diskretioneret dem, eller når "
        "de bygger på færre end %(min)s personer."
    ) % {"min": settings.SUPPRESSION_MIN_BASE}
