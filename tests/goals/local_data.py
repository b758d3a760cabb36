"""Local indicators and their values built with the ORM, as the approval service leaves them (no write-side code).

An approved value is a LocalValue (status approved, decided by a second person) and the Observation that holds it;
a draft is a LocalValue alone.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from indicators.models import Indicator, LocalValue, Observation
from indicators.periods import parse_period


def local_indicator(code: str, *, municipality=None, serves_goals=(1,), **fields) -> Indicator:
    """A local indicator of a municipality (or shared, without one) serving some goals; yearly percent by default."""
    defaults = {
        "name": f"Lokal {code}",
        "unit": Indicator.Unit.PERCENT,
        "period_type": "Y",
        "definition": f"Definition af {code}: kommunens egen opgørelse.",
    }
    return Indicator.objects.create(
        code=code,
        source=Indicator.Source.LOCAL,
        municipality=municipality,
        serves_goals=list(serves_goals),
        **(defaults | fields),
    )


def approved(indicator, area, period: str, value, *, entered_by, approved_by, base=None) -> Observation:
    """An approved value: its LocalValue and the observation (and base observation) approval writes."""
    parsed = parse_period(period)
    now = timezone.now()
    local = LocalValue.objects.create(
        indicator=indicator,
        area=area,
        period=period,
        period_start=parsed.start,
        value=Decimal(str(value)),
        base=None if base is None else Decimal(str(base)),
        status=LocalValue.Status.APPROVED,
        entered_by=entered_by,
        entered_at=now - timedelta(days=2),
        decided_by=approved_by,
        decided_at=now - timedelta(days=1),
    )
    common = {"area": area, "period_type": parsed.type, "period": period, "period_start": parsed.start}
    if base is not None:
        Observation.objects.update_or_create(
            indicator=indicator.base_indicator,
            **common,
            defaults={"value": Decimal(str(base)), "fetched_at": local.decided_at, "local_value": local},
        )
    observation, _created = Observation.objects.update_or_create(
        indicator=indicator,
        **common,
        defaults={"value": local.value, "fetched_at": local.decided_at, "local_value": local},
    )
    return observation


def draft(indicator, area, period: str, value, *, entered_by) -> LocalValue:
    """A value entered and not yet approved."""
    return LocalValue.objects.create(
        indicator=indicator,
        area=area,
        period=period,
        period_start=parse_period(period).start,
        value=Decimal(str(value)),
        status=LocalValue.Status.DRAFT,
        entered_by=entered_by,
        entered_at=timezone.now(),
    )
