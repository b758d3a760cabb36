"""Four eyes: approving a draft makes it an observation (with its base), rejecting needs a reason; and the history.

Approving writes the value into Observation exactly as a pull would (an earlier, different value is kept as an
ObservationRevision) and links the observation to the entry, so every page, export and the API read it like a
Jobindsats value, and see only approved values. Whoever entered a value never approves it (goals.roles.may).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from goals.page_rebuild import request_rebuild
from goals.roles import Action, may
from indicators.models import Indicator, LocalValue, Observation, ObservationRevision
from municipalities.models import Area


class DecisionRefused(Exception):
    """A decision that may not be taken (one's own entry, no reason given, no longer pending); nothing was saved."""


def pending(*, area: Area) -> QuerySet[LocalValue]:
    """The municipality's drafts awaiting approval, by indicator and period (the approval list)."""
    return (
        LocalValue.objects.filter(area=area, status=LocalValue.Status.DRAFT)
        .select_related("indicator", "entered_by")
        .order_by("indicator__name", "period_start")
    )


def approve(*, area: Area, ids: Iterable[int], user, now: datetime | None = None) -> int:
    """Approve these drafts of the municipality in one transaction; returns how many. Refuses all if one may not be."""
    now = now or timezone.now()
    with transaction.atomic():
        entries = list(
            LocalValue.objects.select_for_update()
            .filter(pk__in=list(ids), area=area, status=LocalValue.Status.DRAFT)
            .select_related("indicator")
            .order_by("pk")
        )
        if not entries:
            raise DecisionRefused(_("Der var ingen afventende værdier at godkende (allerede behandlet?)."))
        for entry in entries:
            if not may(user, Action.APPROVE_LOCAL_VALUES, area, entered_by_id=entry.entered_by_id):
                raise DecisionRefused(
                    _("Du kan ikke godkende værdier, du selv har indtastet: en anden skal godkende dem.")
                )
        for entry in entries:
            _approve_one(entry, user=user, now=now)
        request_rebuild()
    return len(entries)


def _approve_one(entry: LocalValue, *, user, now: datetime) -> None:
    indicator = entry.indicator
    write_observation(indicator=indicator, entry=entry, value=entry.value, now=now)
    if indicator.base_indicator_id and entry.base is not None:
        write_observation(indicator=indicator.base_indicator, entry=entry, value=entry.base, now=now)
    entry.status, entry.decided_by, entry.decided_at = LocalValue.Status.APPROVED, user, now
    entry.save(update_fields=["status", "decided_by", "decided_at"])


def write_observation(
    *, indicator: Indicator, entry: LocalValue, value: Decimal, now: datetime
) -> Observation:
    """Upsert the period's observation with an approved value; an earlier different value becomes a revision."""
    observation = (
        Observation.objects.select_for_update()
        .filter(indicator=indicator, area_id=entry.area_id, period=entry.period, breakdown="")
        .first()
    )
    if observation is None:
        return Observation.objects.create(
            indicator=indicator,
            area_id=entry.area_id,
            period=entry.period,
            breakdown="",
            period_type=indicator.period_type,
            period_start=entry.period_start,
            value=value,
            suppressed=False,
            provisional=False,
            fetched_at=now,
            local_value=entry,
        )
    if observation.value != value or observation.suppressed:
        ObservationRevision.of(observation, replaced_at=now).save()
        observation.value, observation.suppressed, observation.fetched_at = value, False, now
    observation.provisional, observation.local_value = False, entry
    observation.save(update_fields=["value", "suppressed", "provisional", "fetched_at", "local_value"])
    return observation


def reject(*, area: Area, entry_id: int, user, reason: str, now: datetime | None = None) -> LocalValue:
    """Reject one draft with a reason (required); nothing else changes."""
    reason = (reason or "").strip()
    if not reason:
        raise DecisionRefused(_("Skriv en begrundelse for afvisningen."))
    with transaction.atomic():
        entry = (
            LocalValue.objects.select_for_update()
            .filter(pk=entry_id, area=area, status=LocalValue.Status.DRAFT)
            .first()
        )
        if entry is None:
            raise DecisionRefused(_("Værdien afventer ikke længere godkendelse."))
        if not may(user, Action.APPROVE_LOCAL_VALUES, area, entered_by_id=entry.entered_by_id):
            raise DecisionRefused(_("Du kan ikke afvise værdier, du selv har indtastet."))
        entry.status, entry.decided_by, entry.decided_at = (
            LocalValue.Status.REJECTED,
            user,
            now or timezone.now(),
        )
        entry.reason = reason
        entry.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    return entry


@dataclass(frozen=True)
class Event:
    """One line of an indicator's history: who did what when, to which period, from what value to what."""

    at: datetime
    kind: str  # entered, approved, rejected, withdrawn
    who: str
    period: str
    before: tuple[Decimal | None, Decimal | None]  # approved value and base just before
    after: tuple[Decimal | None, Decimal | None]  # the entry's value and base
    entry: LocalValue


def history(*, indicator: Indicator, area: Area) -> list[Event]:
    """Every entry, approval and rejection of the indicator in the municipality, newest first, with before/after."""
    entries = list(
        LocalValue.objects.filter(indicator=indicator, area=area).select_related("entered_by", "decided_by")
    )
    raw = []
    for entry in entries:
        raw.append((entry.entered_at, 0, "entered", entry.entered_by, entry))
        if entry.decided_at is not None:
            raw.append((entry.decided_at, 1, entry.status, entry.decided_by, entry))
    approved: dict[str, tuple[Decimal | None, Decimal | None]] = {}
    events = []
    for at, _order, kind, who, entry in sorted(raw, key=lambda item: (item[0], item[1], item[4].pk)):
        before = approved.get(entry.period, (None, None))
        if kind == LocalValue.Status.APPROVED:
            approved[entry.period] = (entry.value, entry.base)
        name = who.get_username() if who is not None else _("(slettet bruger)")
        events.append(Event(at, kind, name, entry.period, before, (entry.value, entry.base), entry))
    return events[::-1]
