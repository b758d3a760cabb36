"""One pull start to finish, recorded as an IngestionRun; and which indicators are due."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from indicators.ingestion.errors import IngestionError, error_kind, error_message
from indicators.ingestion.fetch import fetch, ignored_rows_text
from indicators.ingestion.write import write
from indicators.jobindsats import (
    JobindsatsClient,
    JobindsatsError,
)
from indicators.models import Indicator, IngestionRun
from indicators.periods import UnknownPeriodFormat

logger = logging.getLogger(__name__)
# A run still "running" this long after its start has died with its process (a pull takes minutes).
STALE_RUN_HOURS = 6


# --- One pull, start to finish ------------------------------------------------------------------------------
def ingest_indicator(
    *,
    indicator: Indicator,
    client: JobindsatsClient,
    since: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestionRun:
    """Pull one indicator and upsert it in one transaction; every outcome leaves an IngestionRun.

    A failure records a failed run (observations untouched) and re-raises, so a task can retry transient ones.
    """
    run = IngestionRun.objects.create(
        kind=IngestionRun.Kind.INDICATOR,
        indicator=indicator,
        table_id=indicator.table.table_id if indicator.table_id else "",
        table_update_latest_raw=indicator.table.update_latest_raw if indicator.table_id else "",
        started_at=timezone.now(),
    )
    try:
        pull = fetch(indicator=indicator, client=client, since=since, progress=progress)
        with transaction.atomic():
            # Claim the indicator: a second pull of it waits here, then finds the first one's rows unchanged.
            Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
            counts = write(indicator=indicator, pull=pull, run=run, now=timezone.now())
            run.rows_inserted, run.rows_updated, run.rows_unchanged = (
                counts.inserted,
                counts.updated,
                counts.unchanged,
            )
            run.rows_ignored = pull.ignored
            _finish(run, client, status=IngestionRun.Status.SUCCEEDED)
    except (JobindsatsError, IngestionError, UnknownPeriodFormat) as exc:
        _finish(run, client, status=IngestionRun.Status.FAILED, error=exc)
        logger.warning("Hentning af %s fejlede (%s): %s", indicator.code, run.error_kind, run.error)
        raise
    except Exception as exc:
        # A bug or a database refusal: the transaction is rolled back, but the run must not stay "running".
        _finish(run, client, status=IngestionRun.Status.FAILED, error=exc)
        logger.exception("Hentning af %s fejlede uventet", indicator.code)
        raise
    logger.info(
        "Hentede %s: %d nye, %d ændrede, %d uændrede rækker; %s",
        indicator.code,
        run.rows_inserted,
        run.rows_updated,
        run.rows_unchanged,
        ignored_rows_text(run.rows_ignored),
    )
    return run


def _finish(run: IngestionRun, client: JobindsatsClient, *, status: str, error: BaseException | None = None):
    run.status = status
    run.finished_at = timezone.now()
    run.data_origin = "sandbox" if client.is_sandbox else "jobindsats"
    if error is not None:
        run.error_kind, run.error = error_kind(error), error_message(error)
    run.save()


def fail_stale_runs(*, now: datetime) -> int:
    """Mark runs still "running" after STALE_RUN_HOURS as failed (their process died); returns how many.

    A pull takes minutes, so such a run will never finish; marked failed, its indicator is due again and the
    source-health page shows what happened instead of hiding it.
    """
    return IngestionRun.objects.filter(
        status=IngestionRun.Status.RUNNING, started_at__lt=now - timedelta(hours=STALE_RUN_HOURS)
    ).update(
        status=IngestionRun.Status.FAILED,
        finished_at=now,
        error_kind="interrupted",
        error=(
            f"Hentningen blev afbrudt: den kørte stadig efter {STALE_RUN_HOURS} timer (processen stoppede "
            "undervejs). Intet fra den blev gemt; den hentes igen ved næste kørsel."
        ),
    )


# --- What is due ---------------------------------------------------------------------------------------------
def indicators_due() -> QuerySet[Indicator]:
    """Bound, active indicators never pulled, whose last pull failed, or whose table changed since the last success."""
    runs = IngestionRun.objects.filter(indicator=OuterRef("pk"), kind=IngestionRun.Kind.INDICATOR)
    last_status = (
        runs.exclude(status=IngestionRun.Status.RUNNING).order_by("-started_at").values("status")[:1]
    )
    succeeded_on_current = runs.filter(
        status=IngestionRun.Status.SUCCEEDED,
        table_id=OuterRef("table__table_id"),
        table_update_latest_raw=OuterRef("table__update_latest_raw"),
    )
    candidates = Indicator.objects.filter(
        source=Indicator.Source.JOBINDSATS, is_active=True, table__isnull=False
    ).exclude(measure_label="")
    return (
        candidates.annotate(last_status=Subquery(last_status), current=Exists(succeeded_on_current))
        .exclude(current=True, last_status=IngestionRun.Status.SUCCEEDED)
        .select_related("table")
        .order_by("code")
    )
