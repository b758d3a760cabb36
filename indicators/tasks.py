"""Celery tasks: ids in, call the service, retry transient failures; nothing else.

The schedule is in settings.CELERY_BEAT_SCHEDULE: the catalogue at 06:00, then the due indicators at 06:30.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from indicators import catalogue, ingestion
from indicators.jobindsats import JobindsatsClient, JobindsatsUnavailable
from indicators.models import Indicator

# Only a service that stayed unavailable through the client's own retries is worth another try later; a refused
# token or unexpected data needs a person. Both tasks are idempotent upserts, so a redelivery is harmless.
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
def ingest_indicator(indicator_id: int) -> int:
    """Pull one indicator; returns the run id."""
    indicator = Indicator.objects.select_related("table").get(pk=indicator_id)
    return ingestion.ingest_indicator(indicator=indicator, client=JobindsatsClient.from_settings()).pk


@shared_task(acks_late=True)
def ingest_due() -> list[int]:
    """Enqueue a pull of every indicator that is due (see ingestion.indicators_due); returns their ids.

    Runs that died unfinished are marked failed first, so their indicators are due again.
    """
    ingestion.fail_stale_runs(now=timezone.now())
    due = list(ingestion.indicators_due().values_list("pk", flat=True))
    for indicator_id in due:
        ingest_indicator.delay_on_commit(indicator_id)
    return due
