import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from celery.exceptions import Retry
from django.db import connection
from django.utils import timezone

from indicators import tasks
from indicators.catalogue import bind_indicator, sync_catalogue
from indicators.ingestion import indicators_due, ingest_indicator
from indicators.jobindsats import JobindsatsAuthError, JobindsatsClient, JobindsatsUnavailable
from indicators.models import Indicator, IngestionRun, JobindsatsTable, Observation, ObservationRevision
from tests.indicators.fake_jobindsats import SHARE, FakeJobindsats, default_value, months


@pytest.fixture
def fake(reference_data, monkeypatch):
    fake = FakeJobindsats(periods=months(2024, "2024M03"))
    monkeypatch.setattr(JobindsatsClient, "from_settings", classmethod(lambda cls: fake))
    return fake


def bound_share_indicator(client) -> Indicator:
    """The MM17 share indicator bound to the fake's table, after a catalogue sync (as an admin would)."""
    sync_catalogue(client=client)
    return bind_indicator(
        indicator=Indicator.objects.get(code="mm17-andel-opkvalificering"),
        table_id=client.table_id,
        client=client,
    )


def bind(code: str, table_id: str, update_latest_raw: str = "2024-07-15") -> Indicator:
    """Bind an indicator directly (the binding checks are tested in test_catalogue)."""
    table, _ = JobindsatsTable.objects.update_or_create(
        table_id=table_id, defaults={"name": table_id, "update_latest_raw": update_latest_raw}
    )
    indicator = Indicator.objects.get(code=code)
    indicator.table, indicator.measure_label, indicator.period_type = table, SHARE, "M"
    indicator.save()
    return indicator


def record_run(indicator: Indicator, status: str, table_update_latest_raw: str) -> None:
    IngestionRun.objects.create(
        indicator=indicator,
        table_id=indicator.table.table_id,
        table_update_latest_raw=table_update_latest_raw,
        status=status,
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )


def test_indicators_due_are_the_changed_failed_and_never_pulled_ones(reference_data):
    current = bind("mm17-andel-opkvalificering", "t1", "2024-07-15")
    record_run(current, IngestionRun.Status.SUCCEEDED, "2024-07-15")
    changed = bind("mm17-antal-opkvalificering", "t2", "2024-08-15")
    record_run(changed, IngestionRun.Status.SUCCEEDED, "2024-07-15")
    failed = bind("mm13-andel-beskaeftigede", "t3", "2024-07-15")
    record_run(failed, IngestionRun.Status.SUCCEEDED, "2024-07-15")
    record_run(failed, IngestionRun.Status.FAILED, "2024-07-15")
    never = bind("mm13-antal-befolkning", "t4")
    # forgaeves-rekrutteringer-andel stays unbound: never due.

    assert set(indicators_due()) == {changed, failed, never}


def test_ingest_due_pulls_the_due_indicators_and_then_nothing_until_the_table_changes(
    fake, django_capture_on_commit_callbacks
):
    indicator = bound_share_indicator(fake)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.ingest_due.delay().get() == [indicator.pk]
    assert Observation.objects.filter(indicator=indicator).count() == 99 * 3

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.ingest_due.delay().get() == []

    fake.update_latest_raw = "2024-08-15"
    sync_catalogue(client=fake)
    assert list(indicators_due()) == [indicator]


def test_ingest_task_schedules_a_retry_while_jobindsats_is_unavailable(fake):
    indicator = bound_share_indicator(fake)
    fake.fail_on_data_call = 1

    # Eager mode reports the scheduled retry as Retry; a worker would run it after the back-off.
    with pytest.raises(Retry) as retry:
        tasks.ingest_indicator.delay(indicator.pk)

    assert isinstance(retry.value.exc, JobindsatsUnavailable)
    assert 0 <= retry.value.when <= 60  # full jitter: anywhere from 0 to the first back-off (60 s)
    run = IngestionRun.objects.get(indicator=indicator)
    assert (run.status, run.error_kind) == (IngestionRun.Status.FAILED, "unavailable")


def test_ingest_task_does_not_retry_a_refused_token(fake):
    indicator = bound_share_indicator(fake)
    fake.fail_on_data_call = 1
    fake.fail_with = JobindsatsAuthError("Jobindsats afviste nøglen.")

    with pytest.raises(JobindsatsAuthError):
        tasks.ingest_indicator.delay(indicator.pk).get()

    assert IngestionRun.objects.filter(indicator=indicator).count() == 1


def test_task_retry_policy_is_narrow_and_bounded():
    for task in (tasks.ingest_indicator, tasks.sync_catalogue):
        assert task.autoretry_for == (JobindsatsUnavailable,)
        assert task.max_retries == 3
        assert task.acks_late


class MeetingFake(FakeJobindsats):
    """Holds every data reply until both pulls have fetched, so their writes collide."""

    barrier: threading.Barrier | None = None

    def data(self, *args, **kwargs):
        reply = super().data(*args, **kwargs)
        self.barrier.wait(timeout=30)
        return reply


@pytest.mark.postgres
def test_two_concurrent_pulls_of_one_indicator_lose_and_duplicate_nothing(transactional_db, reference_data):
    periods = months(2024, "2024M06")
    barrier = threading.Barrier(2)
    first = MeetingFake(periods=periods)
    indicator = bound_share_indicator(first)
    second = MeetingFake(
        periods=periods,
        municipalities=first.municipalities,
        value=lambda *cell: default_value(*cell) + (Decimal(1) if cell[1] == "2024M06" else 0),
    )
    first.barrier = second.barrier = barrier
    errors = []

    def pull(client):
        try:
            ingest_indicator(indicator=Indicator.objects.get(pk=indicator.pk), client=client)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=pull, args=(client,)) for client in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    runs = IngestionRun.objects.filter(indicator=indicator, status=IngestionRun.Status.SUCCEEDED)
    assert sorted(run.rows_inserted for run in runs) == [0, 99 * 6]
    # The later pull saw the earlier one's rows: June differs between them, so it was revised, with history kept.
    assert sum(run.rows_updated for run in runs) == 99
    assert ObservationRevision.objects.count() == 99
    assert Observation.objects.filter(indicator=indicator).count() == 99 * 6


def test_ingest_due_marks_a_run_whose_lease_expired_interrupted_and_pulls_its_indicator_again(
    fake, django_capture_on_commit_callbacks, settings
):
    settings.INGEST_LEASE_SECONDS = 180
    indicator = bound_share_indicator(fake)
    now = timezone.now()
    yesterday = now - timedelta(days=1)
    ingest_indicator(indicator=indicator, client=fake)
    IngestionRun.objects.update(started_at=yesterday, finished_at=yesterday)
    died = IngestionRun.objects.create(
        indicator=indicator,
        started_at=now - timedelta(minutes=10),
        heartbeat_at=now - timedelta(seconds=181),
    )
    still_going = IngestionRun.objects.create(
        indicator=Indicator.objects.get(code="mm13-andel-beskaeftigede"),
        started_at=now - timedelta(hours=1),  # a long pull, but its heartbeat is fresh
        heartbeat_at=now - timedelta(seconds=30),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.ingest_due.delay().get() == [indicator.pk]

    died.refresh_from_db()
    assert (died.status, died.error_kind) == (IngestionRun.Status.FAILED, "interrupted")
    assert "afbrudt" in died.error and died.finished_at is not None
    still_going.refresh_from_db()
    assert still_going.status == IngestionRun.Status.RUNNING
    assert indicator.ingestion_runs.latest("started_at").status == IngestionRun.Status.SUCCEEDED


def test_a_run_left_running_never_keeps_a_failed_indicator_from_being_due(reference_data):
    indicator = bind("mm17-andel-opkvalificering", "t1", "2024-07-15")
    record_run(indicator, IngestionRun.Status.FAILED, "2024-07-15")
    IngestionRun.objects.create(indicator=indicator, started_at=timezone.now())

    assert list(indicators_due()) == [indicator]
