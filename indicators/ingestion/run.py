"""One pull start to finish, recorded as an IngestionRun that holds a lease while it runs; and which are due."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from indicators.ingestion.errors import IngestionError, RunInterrupted, error_kind, error_message
from indicators.ingestion.fetch import PullPlan, ignored_rows_text, plan_pull, read_pull
from indicators.ingestion.rows import Pull
from indicators.ingestion.write import prepared_copy, write
from indicators.jobindsats import (
    JobindsatsClient,
    JobindsatsError,
)
from indicators.models import Indicator, IngestionRun
from indicators.periods import UnknownPeriodFormat

logger = logging.getLogger(__name__)


# --- One pull, start to finish ------------------------------------------------------------------------------
def start_run(*, indicator: Indicator) -> IngestionRun:
    """Record a pull of the indicator as running, its lease taken now."""
    now = timezone.now()
    return IngestionRun.objects.create(
        kind=IngestionRun.Kind.INDICATOR,
        indicator=indicator,
        table_id=indicator.table.table_id if indicator.table_id else "",
        table_update_latest_raw=indicator.table.update_latest_raw if indicator.table_id else "",
        started_at=now,
        heartbeat_at=now,
    )


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
    run = start_run(indicator=indicator)
    with renewed_lease(run), _recorded(run, indicator=indicator, client=client):
        read = _read(plan_pull(indicator=indicator, client=client, since=since), progress=progress)
        _store(run, indicator=indicator, client=client, read=read)
    return run


@dataclass(frozen=True)
class _Read:
    """A pull's parsed rows, when they were fetched (their fetched_at), and the COPY text made of them."""

    pull: Pull
    fetched_at: datetime
    copy: bytes | None


def _read(plan: PullPlan, *, progress: Callable[[int], None] | None = None) -> _Read:
    """Read and parse the plan's replies, then make what the write needs that no lock guards (no database)."""
    pull = read_pull(plan, progress=progress)
    now = timezone.now()
    return _Read(pull, now, prepared_copy(indicator=plan.request.indicator, pull=pull, now=now))


def ingest_indicators(
    *,
    indicators: Iterable[Indicator],
    client: JobindsatsClient,
    since: str | None = None,
    progress: Callable[[Indicator], Callable[[int], None] | None] | None = None,
) -> list[IngestionRun]:
    """Pull indicators one after another, each in its own transaction and IngestionRun; returns every run.

    While one indicator is written, the next one's replies are read and parsed in a thread: the database does
    its index work in its own process meanwhile, so the two overlap on a machine with two cores. The thread
    never touches the database (plan_pull reads it first, here), and the client is used by one thread at a time.
    A failure fails its own run only (recorded, logged); the others are pulled as usual.
    `progress(indicator)` gives the callback that counts that indicator's rows as they are read.
    """
    runs: list[IngestionRun] = []
    previous: _Pending | None = None
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingestion-read") as reader:
            # One pull per indicator: a second in the same list would plan on digests the first one replaces.
            for indicator in dict.fromkeys(indicators):
                read = _wait(previous) if previous else None  # its replies are read: the client is free
                upcoming = _begin(indicator, client, since, progress, reader)
                if previous is not None:
                    runs.append(_complete(previous, read, client))  # written while `upcoming` is read
                previous = upcoming
            if previous is not None:
                last, previous = previous, None
                runs.append(_complete(last, _wait(last), client))
    finally:
        if previous is not None:  # interrupted (KeyboardInterrupt …): stop renewing its lease, so it expires
            previous.lease.close()
    return runs


@dataclass
class _Pending:
    """An indicator whose run has started: its lease held, its replies being read (or the reason they cannot be)."""

    indicator: Indicator
    run: IngestionRun
    lease: ExitStack
    read: Future[_Read] | None = None
    error: Exception | None = None


def _begin(
    indicator: Indicator,
    client: JobindsatsClient,
    since: str | None,
    progress: Callable[[Indicator], Callable[[int], None] | None] | None,
    reader: ThreadPoolExecutor,
) -> _Pending:
    run = start_run(indicator=indicator)
    lease = ExitStack()
    lease.enter_context(renewed_lease(run))
    pending = _Pending(indicator, run, lease)
    try:
        plan = plan_pull(indicator=indicator, client=client, since=since)
    except Exception as exc:  # noqa: BLE001 - recorded on the run when its turn comes (_complete)
        pending.error = exc
        return pending
    pending.read = reader.submit(_read, plan, progress=progress(indicator) if progress else None)
    return pending


def _wait(pending: _Pending) -> _Read | None:
    """The pending indicator's parsed pull, None when reading it failed (the error is kept to be recorded)."""
    if pending.read is None:
        return None
    try:
        return pending.read.result()
    except Exception as exc:  # noqa: BLE001 - recorded on the run by _complete
        pending.error = exc
        return None


def _complete(pending: _Pending, read: _Read | None, client: JobindsatsClient) -> IngestionRun:
    """Write the pending indicator's pull (or record why there is none), then let its lease go."""
    run, indicator = pending.run, pending.indicator
    with pending.lease:
        try:
            with _recorded(run, indicator=indicator, client=client):
                if pending.error is not None:
                    raise pending.error
                _store(run, indicator=indicator, client=client, read=read)
        except Exception:  # noqa: BLE001, S110 - the run records every failure; the next indicator goes on
            pass
    return run


@contextmanager
def _recorded(run: IngestionRun, *, indicator: Indicator, client: JobindsatsClient) -> Iterator[None]:
    """Record a failure in the block as the run's outcome (observations untouched) and re-raise it; log success."""
    try:
        yield
    except (JobindsatsError, IngestionError, UnknownPeriodFormat) as exc:
        finish_run(run, status=IngestionRun.Status.FAILED, client=client, error=exc)
        logger.warning("Hentning af %s fejlede (%s): %s", indicator.code, run.error_kind, run.error)
        raise
    except Exception as exc:
        # A bug or a database refusal: the transaction is rolled back, but the run must not stay "running".
        finish_run(run, status=IngestionRun.Status.FAILED, client=client, error=exc)
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


def _store(run: IngestionRun, *, indicator: Indicator, client: JobindsatsClient, read: _Read) -> None:
    """Write the pull and the run's success in one transaction: both or neither."""
    pull = read.pull
    with transaction.atomic():
        # Claim the indicator: a second pull of it waits here, then finds the first one's rows unchanged.
        Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
        counts = write(indicator=indicator, pull=pull, run=run, now=read.fetched_at, copy=read.copy)
        run.rows_inserted, run.rows_updated, run.rows_unchanged = (
            counts.inserted,
            counts.updated,
            counts.unchanged,
        )
        run.rows_ignored = pull.ignored
        finish_run(run, status=IngestionRun.Status.SUCCEEDED, client=client)


def finish_run(
    run: IngestionRun,
    *,
    status: str,
    client: JobindsatsClient | None = None,
    error: BaseException | None = None,
    now: datetime | None = None,
) -> None:
    """Write a run's outcome: status, end time, where the data came from and, on failure, why (the one place)."""
    run.status = status
    run.finished_at = now or timezone.now()
    if client is not None:
        run.data_origin = "sandbox" if client.is_sandbox else "jobindsats"
    if error is not None:
        run.error_kind, run.error = error_kind(error), error_message(error)
    run.save()


# --- The lease: a run whose process died is found within minutes ----------------------------------------------
def lease_seconds() -> float:
    """How long a running pull stays "alive" without renewing its heartbeat (settings.INGEST_LEASE_SECONDS)."""
    return float(settings.INGEST_LEASE_SECONDS)


@contextmanager
def renewed_lease(run: IngestionRun) -> Iterator[None]:
    """Renew the run's heartbeat from a thread while the block runs; a killed process stops renewing it.

    A thread rather than a renewal per chunk: the write step can take longer than a lease without a chunk.
    """
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(lease_seconds() / 3):
                try:
                    IngestionRun.objects.filter(pk=run.pk, status=IngestionRun.Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    # The database may be briefly away; the next beat tries again, and the lease allows for it.
                    logger.warning("Kunne ikke forny hentning %s's livstegn", run.pk, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"ingestion-run-{run.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def lease_expired(*, now: datetime) -> Q:
    """Runs still "running" whose heartbeat is older than the lease: their process has died."""
    cutoff = now - timedelta(seconds=lease_seconds())
    return Q(status=IngestionRun.Status.RUNNING) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )


def expired_runs(*, now: datetime) -> QuerySet[IngestionRun]:
    """The runs whose lease expired (see lease_expired)."""
    return IngestionRun.objects.filter(lease_expired(now=now))


def interrupt_expired_runs(*, now: datetime) -> list[IngestionRun]:
    """Mark expired runs failed as "interrupted" (nothing of theirs was committed); returns them.

    Their indicators are then due again, and the source-health page shows what happened.
    """
    with transaction.atomic():
        # A run whose row is locked is committing its outcome right now: it is alive, so skip it.
        runs = list(expired_runs(now=now).select_for_update(skip_locked=True, of=("self",)))
        for run in runs:
            finish_run(
                run,
                status=IngestionRun.Status.FAILED,
                error=RunInterrupted(last_alive=run.heartbeat_at or run.started_at),
                now=max(now, run.started_at),
            )
    for run in runs:
        logger.warning("Hentning %s blev afbrudt (processen stoppede); den hentes igen", run.pk)
    return runs


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
