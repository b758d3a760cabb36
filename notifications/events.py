"""What finished pulls mean to subscribers, recorded once as NotificationEvents (the mails and the feed read them).

A *round* is every pull that finished since the previous round was recorded. The digest task records one after
the pulls of a schedule tick (or `ingest_indicators --all`) have ended (notifications/triggers.py), so one round is
one pull as people see it, and one digest per subscriber. Recording is idempotent: a pull belongs to one round
(NoticedRun.run is unique) and each event has a unique key.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from goals.models import Plan, Target
from goals.pages import current_goal_set
from goals.progress import Status
from indicators.models import IngestionRun, Observation
from municipalities.models import Area
from notifications.models import NoticedRun, NotificationEvent, PullRound, TargetStatus
from notifications.target_status import adopted_targets, current_statuses

# Pulls that ended longer ago than this are history, not news (the first round after installing, a long outage).
LOOKBACK = timedelta(days=2)
# A change between these two is news; to or from "too little data" is not.
TRACKED = {Status.ON_TRACK, Status.NOT_ON_TRACK}
Kind = NotificationEvent.Kind


def unrecorded_runs():
    """Finished pulls not yet in a round, oldest first."""
    since = timezone.now() - LOOKBACK
    return (
        IngestionRun.objects.filter(finished_at__isnull=False, finished_at__gte=since, noticed__isnull=True)
        .select_related("indicator")
        .order_by("finished_at")
    )


def record_round() -> PullRound | None:
    """Record the events of every finished pull not yet recorded, as one round; None when there is nothing new."""
    try:
        with transaction.atomic():
            runs = list(unrecorded_runs())
            if not runs:
                return None
            round_ = PullRound.objects.create()
            # A concurrent round that took the same pulls makes this fail: that round records them.
            NoticedRun.objects.bulk_create([NoticedRun(run=run, round=round_) for run in runs])
            events = _figure_events(round_, runs) + _failure_events(round_, runs)
            events += _status_events(round_, runs)
            NotificationEvent.objects.bulk_create(events, ignore_conflicts=True)
            return round_
    except IntegrityError:
        return None


def page_municipalities(indicator_ids: set[int]) -> dict[int, set[int]]:
    """Indicator id → the municipalities whose public page shows it: the current goals' or an adopted target's."""
    goal_set = current_goal_set()
    on_every_page = (
        set(goal_set.goals.filter(indicators__in=indicator_ids).values_list("indicators", flat=True))
        if goal_set
        else set()
    )
    everyone = set(Area.objects.municipalities().values_list("pk", flat=True))
    shown: dict[int, set[int]] = {i: set(everyone) if i in on_every_page else set() for i in indicator_ids}
    # Adopted plans only: the feed is public, and a draft's targets are its municipality's own business.
    targeted = Target.objects.filter(
        indicator_id__in=indicator_ids, plan_goal__plan__status=Plan.Status.ADOPTED
    ).values_list("indicator_id", "plan_goal__plan__municipality_id")
    for indicator_id, municipality_id in targeted:
        shown[indicator_id].add(municipality_id)
    return shown


def _brought_figures(run: IngestionRun) -> bool:
    return (
        run.status == IngestionRun.Status.SUCCEEDED
        and run.indicator_id is not None
        and run.rows_inserted + run.rows_updated > 0
    )


def _figure_events(round_: PullRound, runs: list[IngestionRun]) -> list[NotificationEvent]:
    indicators = {run.indicator_id: run.indicator for run in runs if _brought_figures(run)}
    events = []
    for indicator_id, municipality_ids in page_municipalities(set(indicators)).items():
        newest = (
            Observation.objects.filter(indicator_id=indicator_id)
            .order_by("-period_start")
            .values_list("period", flat=True)
            .first()
        )
        events += [
            NotificationEvent(
                key=f"figures:{round_.pk}:{indicator_id}:{municipality_id}",
                kind=Kind.NEW_FIGURES,
                round=round_,
                municipality_id=municipality_id,
                indicator=indicators[indicator_id],
                details={"newest_period": newest or ""},
            )
            for municipality_id in sorted(municipality_ids)
        ]
    return events


def _failure_events(round_: PullRound, runs: list[IngestionRun]) -> list[NotificationEvent]:
    failed = [run for run in runs if run.status == IngestionRun.Status.FAILED]
    refused = [run for run in failed if run.error_kind == "auth"]
    events = [
        NotificationEvent(
            key=f"failed:{run.pk}",
            kind=Kind.PULL_FAILED,
            round=round_,
            indicator=run.indicator,
            run=run,
            details={"error_kind": run.error_kind, "error": run.error[:2000]},
        )
        for run in failed
        if run.error_kind != "auth"
    ]
    if refused:
        # One alert for the token however many pulls it stopped.
        events.append(
            NotificationEvent(
                key=f"token:{round_.pk}",
                kind=Kind.TOKEN_REFUSED,
                round=round_,
                run=refused[0],
                details={"pulls": len(refused), "error": refused[0].error[:2000]},
            )
        )
    return events


def _status_events(round_: PullRound, runs: list[IngestionRun]) -> list[NotificationEvent]:
    """Recompute the status of every adopted target the round's pulls touched; a change on/off track is an event."""
    indicator_ids = {run.indicator_id for run in runs if _brought_figures(run)}
    targets = list(adopted_targets(indicator_ids=indicator_ids))
    now_status = current_statuses(targets)
    before = dict(TargetStatus.objects.filter(target__in=targets).values_list("target_id", "status"))
    events = []
    for target in targets:
        old, new = before.get(target.pk), now_status[target.pk]
        if old is not None and old != new and {old, new} <= TRACKED:
            events.append(
                NotificationEvent(
                    key=f"status:{round_.pk}:{target.pk}",
                    kind=Kind.STATUS_CHANGED,
                    round=round_,
                    municipality=target.plan_goal.plan.municipality,
                    indicator=target.indicator,
                    target=target,
                    details={"from": old, "to": new, "year": target.plan_goal.plan.goal_set.year},
                )
            )
    TargetStatus.objects.bulk_create(
        [TargetStatus(target_id=pk, status=status) for pk, status in now_status.items()],
        update_conflicts=True,
        unique_fields=["target"],
        update_fields=["status", "updated_at"],
    )
    return events


def events_for(*, municipality: Area | None = None) -> Q:
    """The events a municipality's subscribers and feed see; None: the admins' pull alerts."""
    if municipality is None:
        return Q(kind__in=NotificationEvent.ADMIN_KINDS)
    return Q(municipality=municipality)
