"""Missed work: the daily slots in the database schedule, and which pulls a lost tick or a dead process left undone.

Beat sends nothing while the broker is down, and a killed pull leaves its run "running". A catch-up, sent by
beat every few minutes and by every worker when it starts, finds both from the database alone and queues them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from indicators.ingestion.run import indicators_due, interrupt_expired_runs
from indicators.models import IngestionRun

SYNC_CATALOGUE_TASK = "indicators.tasks.sync_catalogue"
INGEST_DUE_TASK = "indicators.tasks.ingest_due"
# A pull that kills its process every time (an input that crashes the worker) is retried this often a day, then
# left failed as "interrupted" on the source-health page for a person to look at.
MAX_INTERRUPTIONS_PER_DAY = 3
# Schedules repeat at least weekly; a slot further away than this is not looked for.
_LOOK_BACK = timedelta(days=8)


@dataclass(frozen=True)
class MissedWork:
    catalogue: bool  # the daily catalogue sync did not run since its last slot
    indicators: list[int]  # indicators to pull now: missed by the daily round, or interrupted
    interrupted: list[IngestionRun]  # runs found dead and marked interrupted just now


def previous_slot(*, task: str, now: datetime) -> datetime | None:
    """The latest time at or before `now` when an enabled crontab entry of the database schedule sends `task`."""
    slots = [_cron_time(crontab, now, step=-1) for crontab in _crontabs(task)]
    return max((slot for slot in slots if slot is not None), default=None)


def next_slot(*, task: str, now: datetime) -> datetime | None:
    """The first time after `now` when an enabled crontab entry of the database schedule sends `task`."""
    slots = [_cron_time(crontab, now + timedelta(minutes=1), step=1) for crontab in _crontabs(task)]
    return min((slot for slot in slots if slot is not None), default=None)


def _crontabs(task: str) -> list:
    entries = PeriodicTask.objects.filter(task=task, enabled=True, crontab__isnull=False)
    return [entry.crontab for entry in entries.select_related("crontab")]


def _cron_time(crontab, start: datetime, *, step: int) -> datetime | None:
    """The first minute from `start` (backwards for step -1) that the crontab matches, in its time zone."""
    schedule = crontab.schedule  # celery's crontab with its fields parsed into sets
    zone = ZoneInfo(str(crontab.timezone or settings.CELERY_TIMEZONE))
    moment = start.astimezone(zone).replace(second=0, microsecond=0)
    # Minute by minute: at most 11,520 cheap set look-ups, and exact for any crontab and DST change.
    for _ in range(int(_LOOK_BACK.total_seconds() // 60)):
        if (
            moment.minute in schedule.minute
            and moment.hour in schedule.hour
            and moment.day in schedule.day_of_month
            and moment.month in schedule.month_of_year
            and moment.isoweekday() % 7 in schedule.day_of_week  # celery counts Sunday as 0
        ):
            return moment
        moment = (moment + timedelta(minutes=step)).astimezone(zone)
    return None


def missed_work(*, now: datetime | None = None) -> MissedWork:
    """Mark dead runs interrupted, then name what the daily round should have done by now and has not."""
    now = now or timezone.now()
    interrupted = interrupt_expired_runs(now=now)
    catalogue_slot = previous_slot(task=SYNC_CATALOGUE_TASK, now=now)
    catalogue_missed = (
        catalogue_slot is not None
        and not IngestionRun.objects.filter(
            kind=IngestionRun.Kind.CATALOGUE, started_at__gte=catalogue_slot
        ).exists()
    )
    ingest_slot = previous_slot(task=INGEST_DUE_TASK, now=now)
    runs = IngestionRun.objects.filter(indicator=OuterRef("pk"))
    due = (
        indicators_due()
        .annotate(
            last_error_kind=Subquery(
                runs.exclude(status=IngestionRun.Status.RUNNING)
                .order_by("-started_at")
                .values("error_kind")[:1]
            ),
            running=Exists(runs.filter(status=IngestionRun.Status.RUNNING)),
            # An interrupted run is no attempt: its process died before it could tell the outcome.
            attempted=Exists(
                runs.filter(started_at__gte=ingest_slot or now).exclude(error_kind="interrupted")
            ),
            interruptions=Count(
                "ingestion_runs",
                filter=Q(
                    ingestion_runs__error_kind="interrupted",
                    ingestion_runs__started_at__gte=now - timedelta(days=1),
                ),
            ),
        )
        .exclude(running=True)
        .exclude(interruptions__gte=MAX_INTERRUPTIONS_PER_DAY)
    )
    retry = due.filter(last_error_kind="interrupted")
    missed = due.filter(attempted=False) if ingest_slot else due.none()
    indicators = sorted(set(retry.values_list("pk", flat=True)) | set(missed.values_list("pk", flat=True)))
    return MissedWork(catalogue=catalogue_missed, indicators=indicators, interrupted=interrupted)
