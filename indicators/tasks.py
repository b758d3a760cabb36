"""Celery tasks: ids in, call the service, retry transient failures; nothing else.

The schedule is in the database (django-celery-beat, editable under Admin → Periodic tasks; created by migration
indicators 0006): the catalogue at 06:00, the due indicators at 06:30, and a catch-up every five minutes that
queues what a lost tick or a killed worker left undone (every worker also sends one when it starts).
"""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from indicators import catalogue, ingestion
from indicators.ingestion.catch_up import missed_work
from indicators.jobindsats import JobindsatsClient, JobindsatsUnavailable
from indicators.models import Indicator, IngestionRun

# Only a service that stayed unavailable through the client's own retries is worth another try later; a refused
# token or unexpected data needs a person. Both tasks are idempotent upserts, so a redelivery is harmless: they
# acknowledge late, and a worker killed mid-pull hands the message back (CELERY_TASK_REJECT_ON_WORKER_LOST).
RETRY_POLICY = {
    "acks_late": True,
    "autoretry_for": (JobindsatsUnavailable,),
    "max_retries": 3,
    "retry_backoff": 60,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
}


@shared_task(**RETRY_POLICY)
def sync_catalogue() -> int:
    """Refresh the stored Jobindsats catalogue; returns the run id."""
    return catalogue.sync_catalogue(client=JobindsatsClient.from_settings()).run.pk


@shared_task(**RETRY_POLICY)
def ingest_indicator(indicator_id: int, queued_at: str | None = None) -> int:
    """Pull one indicator; returns the run id (an earlier pull's when one succeeded since this was queued)."""
    if queued_at is not None:
        # A redelivered or doubly queued message: the data is already as fresh as this message asked for.
        done = (
            IngestionRun.objects.filter(
                indicator_id=indicator_id,
                status=IngestionRun.Status.SUCCEEDED,
                started_at__gte=datetime.fromisoformat(queued_at),
            )
            .order_by("-started_at")
            .first()
        )
        if done is not None:
            return done.pk
    indicator = Indicator.objects.select_related("table").get(pk=indicator_id)
    return ingestion.ingest_indicator(indicator=indicator, client=JobindsatsClient.from_settings()).pk


def _queue_pulls(indicator_ids: list[int]) -> None:
    queued_at = timezone.now().isoformat()
    for indicator_id in indicator_ids:
        ingest_indicator.delay_on_commit(indicator_id, queued_at)


@shared_task(acks_late=True)
def ingest_due() -> list[int]:
    """Enqueue a pull of every indicator that is due (see ingestion.indicators_due); returns their ids.

    Runs whose process died are marked interrupted first, so their indicators are due again.
    """
    ingestion.interrupt_expired_runs(now=timezone.now())
    due = list(ingestion.indicators_due().values_list("pk", flat=True))
    _queue_pulls(due)
    return due


@shared_task(acks_late=True)
def catch_up() -> dict[str, object]:
    """Queue the catalogue sync and pulls the daily round missed, and pulls whose process died; returns them."""
    missed = missed_work()
    if missed.catalogue:
        sync_catalogue.delay_on_commit()
    _queue_pulls(missed.indicators)
    return {
        "catalogue": missed.catalogue,
        "indicators": missed.indicators,
        "interrupted": [run.pk for run in missed.interrupted],
    }
