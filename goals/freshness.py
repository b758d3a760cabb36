"""How fresh a chart's numbers are: Jobindsats' table updates, our copy, and the next daily pull (database schedule)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from indicators.ingestion.catch_up import INGEST_DUE_TASK, next_slot
from indicators.models import Indicator

# Shown when an admin has disabled the daily pull: the time it is created with (migration indicators 0006).
DEFAULT_DAILY_PULL = (6, 30)


@dataclass(frozen=True)
class Freshness:
    """When Jobindsats updated the table, when it will next, when our copy was fetched and will be next."""

    table_updated: datetime | None
    table_next: datetime | None
    fetched_at: datetime | None
    next_pull: datetime
    # A local indicator is not pulled: its numbers are as fresh as the last approved value (fetched_at then).
    is_local: bool = False


def freshness_of(indicator: Indicator, *, fetched_at: datetime | None, next_pull: datetime) -> Freshness:
    """An indicator's freshness line (status and comparison pages): its table's updates and our copy.

    For a local indicator fetched_at is when a value was last approved; it has no table and no pull.
    """
    table = indicator.table
    return Freshness(
        table_updated=table.update_latest if table else None,
        table_next=table.update_next if table else None,
        fetched_at=fetched_at,
        next_pull=next_pull,
        is_local=indicator.is_local,
    )


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
