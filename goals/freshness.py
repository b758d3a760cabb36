"""When our copy of the data will next be refreshed: the daily pull in the database schedule (Admin → Periodic tasks)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from indicators.ingestion.catch_up import INGEST_DUE_TASK, next_slot

# Shown when an admin has disabled the daily pull: the time it is created with (migration indicators 0004).
DEFAULT_DAILY_PULL = (6, 30)


def next_pull_at(now: datetime | None = None) -> datetime:
    """The next time the daily indicator pull runs, in Copenhagen time."""
    local = (now or timezone.now()).astimezone(ZoneInfo(settings.TIME_ZONE))
    scheduled = next_slot(task=INGEST_DUE_TASK, now=local)
    if scheduled is not None:
        return scheduled.astimezone(local.tzinfo)
    hour, minute = DEFAULT_DAILY_PULL
    candidate = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if candidate <= local:
        candidate = (candidate + timedelta(days=1)).replace(hour=hour, minute=minute)
    return candidate
