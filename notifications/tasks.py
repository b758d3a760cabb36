"""Celery task of notifications: record the round's events, then mail the digests; nothing else."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from indicators.ingestion import lease_expired
from indicators.models import IngestionRun
from notifications import digest, events
from notifications.triggers import DIGEST_QUEUED

# While pulls of the round still run, wait for them (bounded: a round that never ends is reported anyway).
WAIT_SECONDS = 60
MAX_WAITS = 30


def _pulls_running() -> bool:
    running = IngestionRun.objects.filter(status=IngestionRun.Status.RUNNING)
    return running.exclude(lease_expired(now=timezone.now())).exists()


# Idempotent (unique run per round, unique event key, unique user+event), so a redelivery is harmless.
@shared_task(bind=True, acks_late=True, max_retries=MAX_WAITS)
def send_digests(self) -> int:
    """Record the events of the pulls that finished, then mail each subscriber one digest; returns mails sent."""
    if _pulls_running() and self.request.retries < MAX_WAITS and not self.request.is_eager:
        raise self.retry(countdown=WAIT_SECONDS)
    cache.delete(DIGEST_QUEUED)  # a pull finishing from now on queues the next round
    events.record_round()
    return digest.send_digests()
