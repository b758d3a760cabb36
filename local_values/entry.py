"""Submitting entered values as drafts: what an entry would change, and saving it (a newer draft replaces the older).

A value equal to what is already there (the pending draft, or else the approved value) writes nothing, so entering
or uploading the same numbers again changes nothing. Drafts become observations only when approved
(local_values.approval).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from indicators.models import Indicator, LocalValue, Observation
from local_values.validation import ValueRow
from municipalities.models import Area

FIRST_YEAR = 2018  # the first year the form offers (Jobindsats' series start then too)


class Change(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Current:
    """What a period holds now: the approved value and base, and the pending draft (if any)."""

    value: Decimal | None = None
    base: Decimal | None = None
    draft: LocalValue | None = None

    def compared_with(self, row: ValueRow) -> Change:
        """Whether entering the row is new, a change, or the same as what is there (the draft, else approved)."""
        if self.draft is not None:
            now = (self.draft.value, self.draft.base)
        elif self.value is not None:
            now = (self.value, self.base)
        else:
            return Change.NEW
        return Change.UNCHANGED if now == (row.value, row.base) else Change.CHANGED


@dataclass(frozen=True)
class PlannedRow:
    row: ValueRow
    current: Current
    change: Change


def current_values(
    *, indicator: Indicator, area: Area, periods: Iterable[str] | None = None
) -> dict[str, Current]:
    """Per period code: the approved value (and base) and the pending draft, in three queries."""
    observations = Observation.objects.filter(indicator=indicator, area=area, breakdown="")
    drafts = LocalValue.objects.filter(indicator=indicator, area=area, status=LocalValue.Status.DRAFT)
    bases = Observation.objects.filter(indicator_id=indicator.base_indicator_id, area=area, breakdown="")
    if periods is not None:
        periods = list(periods)
        observations, drafts, bases = (q.filter(period__in=periods) for q in (observations, drafts, bases))
    values = dict(observations.values_list("period", "value"))
    base_values = dict(bases.values_list("period", "value")) if indicator.base_indicator_id else {}
    pending = {draft.period: draft for draft in drafts.select_related("entered_by")}
    return {
        period: Current(value=values.get(period), base=base_values.get(period), draft=pending.get(period))
        for period in set(values) | set(pending)
    }


def plan(*, indicator: Indicator, area: Area, rows: list[ValueRow]) -> list[PlannedRow]:
    """What saving the rows would do, per period: new, changed or unchanged (the upload's preview)."""
    current = current_values(indicator=indicator, area=area, periods=[row.period for row in rows])
    planned = []
    for row in sorted(rows, key=lambda r: r.period_start):
        now = current.get(row.period, Current())
        planned.append(PlannedRow(row=row, current=now, change=now.compared_with(row)))
    return planned


@dataclass(frozen=True)
class Submitted:
    drafts: int  # new drafts (each replacing an older draft of its period, if any)
    unchanged: int


def submit(
    *,
    indicator: Indicator,
    area: Area,
    rows: list[ValueRow],
    user,
    origin: str = LocalValue.Origin.FORM,
    upload_name: str = "",
) -> Submitted:
    """Save the rows that change something as drafts, in one transaction; the same values again write nothing."""
    with transaction.atomic():
        # One submitter per indicator at a time: a second waits, then sees the first one's drafts.
        Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
        planned = plan(indicator=indicator, area=area, rows=rows)
        changes = [p for p in planned if p.change != Change.UNCHANGED]
        replaced = [p.current.draft.pk for p in changes if p.current.draft is not None]
        LocalValue.objects.filter(pk__in=replaced).update(status=LocalValue.Status.WITHDRAWN)
        now = timezone.now()
        LocalValue.objects.bulk_create(
            LocalValue(
                indicator=indicator,
                area=area,
                period=p.row.period,
                period_start=p.row.period_start,
                value=p.row.value,
                base=p.row.base,
                entered_by=user,
                entered_at=now,
                origin=origin,
                upload_name=upload_name[:255],
            )
            for p in changes
        )
    return Submitted(drafts=len(changes), unchanged=len(planned) - len(changes))


def offered_periods(period_type: str, *, today: date, first_year: int = FIRST_YEAR) -> list[str]:
    """The periods of a type from FIRST_YEAR to the one today falls in, newest first: 2024H2, 2024H1, …"""
    per_year = {"Y": 1, "H": 2, "Q": 4, "M": 12}[period_type]
    months_each = 12 // per_year
    codes = []
    for year in range(first_year, today.year + 1):
        for n in range(1, per_year + 1):
            if date(year, (n - 1) * months_each + 1, 1) > today:
                break
            codes.append(_code(period_type, year, n))
    return codes[::-1]


def _code(period_type: str, year: int, n: int) -> str:
    if period_type == "Y":
        return str(year)
    if period_type == "H":
        return f"{year}H{n}"
    return f"{year}{period_type}{n:02d}"
