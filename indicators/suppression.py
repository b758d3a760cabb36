"""The one small-number rule for the whole site: which values may be shown and ranked."""

from __future__ import annotations

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.lookups import Exact
from django.utils.translation import gettext as _


def shown_value(*, bases: QuerySet) -> Case:
    """The row's value as people may see it, or NULL: Jobindsats suppressed it, or its base is suppressed or small.

    `bases` is the row's base observation (the base indicator's value for the same area, period and breakdown),
    correlated to the outer row. A base Jobindsats suppressed ("..": 1–4 persons) hides the share built on it,
    exactly like a base under SUPPRESSION_MIN_BASE. A share whose base was never pulled keeps its own value.
    """
    too_small = ExpressionWrapper(
        Q(suppressed=True) | Q(value__lt=settings.SUPPRESSION_MIN_BASE), output_field=BooleanField()
    )
    # A scalar subquery, not EXISTS: PostgreSQL then looks each base up by the unique key, where for EXISTS it may
    # hash every small value of every indicator first.
    base_too_small = Subquery(bases.annotate(too_small=too_small).values("too_small")[:1])
    return Case(
        When(suppressed=True, then=Value(None)),
        When(Exact(base_too_small, True), then=Value(None)),
        default=F("value"),
        output_field=DecimalField(max_digits=18, decimal_places=4),
    )


def rule_text() -> str:
    """The rule in plain words, shown wherever a value may be hidden."""
    return _(
        "Tal vises ikke og indgår ikke i sammenligninger, når Jobindsats har diskretioneret dem, eller når "
        "de bygger på færre end %(min)s personer."
    ) % {"min": settings.SUPPRESSION_MIN_BASE}
