"""When our copy of the data will next be refreshed (the daily pull in settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def next_pull_at(now: datetime | None = None) -> datetime:
    """The next time the daily indicator pull runs, in Copenhagen time."""
    schedule = settings.CELERY_BEAT_SCHEDULE["daily-ingest-due"]["schedule"]
    hour, minute = min(schedule.hour), min(schedule.minute)
    local = (now or timezone.now()).astimezone(ZoneInfo(settings.TIME_ZONE))
    candidate = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if candidate <= local:
        candidate = (candidate + timedelta(days=1)).replace(hour=hour, minute=minute)
    return candidate
