"""Celery tasks of the public site: call the service; nothing else."""

from __future__ import annotations

from celery import shared_task

from goals import page_rebuild


@shared_task
def rebuild_pages() -> int:
    """Rebuild the default public pages into the shared cache (after a pull or an edit); returns how many."""
    return page_rebuild.rebuild_all()
