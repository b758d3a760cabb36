"""A finished pull queues the digest task once its transaction commits, the way the page rebuild is queued."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from indicators.models import IngestionRun

# Set while a digest task is queued: the other pulls of the same round queue no second one.
DIGEST_QUEUED = "notifications:digest-queued"
# A lost task (a worker stopped) blocks no digest for longer than this.
DIGEST_QUEUED_SECONDS = 60 * 60


def request_digest() -> None:
    """Once the current transaction commits: queue one digest task for the round (see notifications/events.py)."""
    transaction.on_commit(_enqueue)


def _enqueue() -> None:
    from notifications.tasks import send_digests

    if cache.add(DIGEST_QUEUED, True, DIGEST_QUEUED_SECONDS):
        # The wait lets the other pulls of a schedule tick finish first: they join this round.
        send_digests.apply_async(countdown=settings.NOTIFY_DIGEST_DELAY_SECONDS)


@receiver(post_save, sender=IngestionRun, dispatch_uid="notifications_after_run")
def _after_run(sender, instance: IngestionRun, **kwargs) -> None:
    if instance.finished_at is not None:
        request_digest()
