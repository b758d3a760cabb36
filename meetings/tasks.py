"""Celery tasks: ids in, call the service; nothing else."""

from __future__ import annotations

from celery import shared_task

from meetings import pack


# Idempotent (a made pack is never made again), so it acknowledges late and a killed worker's message comes back.
@shared_task(acks_late=True)
def make_meeting_pack(pack_id: int) -> str:
    """Make one meeting pack's PDF; returns its state."""
    return pack.make_pack(pack_id=pack_id).state
