"""A pull's record: durable once reported done, a lease that a dead process stops renewing, one way to finish."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from indicators.catalogue import bind_indicator, sync_catalogue
from indicators.ingestion import (
    expired_runs,
    indicators_due,
    ingest_indicator,
    interrupt_expired_runs,
    renewed_lease,
)
from indicators.ingestion import (
    run as run_module,
)
from indicators.jobindsats import JobindsatsClient, JobindsatsUnavailable
from indicators.models import Indicator, IngestionRun, Observation
from tests.indicators.fake_jobindsats import FakeJobindsats, default_value, months

SOURCE_HEALTH = "/admin/indicators/ingestionrun/source-health/"


@pytest.fixture
def fake(reference_data, monkeypatch):
    fake = FakeJobindsats(periods=months(2024, "2024M03"))
    monkeypatch.setattr(JobindsatsClient, "from_settings", classmethod(lambda cls: fake))
    return fake


@pytest.fixture
def indicator(fake) -> Indicator:
    sync_catalogue(client=fake)
    return bind_indicator(
        indicator=Indicator.objects.get(code="mm17-andel-opkvalificering"),
        table_id=fake.table_id,
        client=fake,
    )


def running_run(indicator: Indicator, *, silent_for: timedelta) -> IngestionRun:
    """A run still "running" whose process last renewed its heartbeat `silent_for` ago."""
    now = timezone.now()
    return IngestionRun.objects.create(
        indicator=indicator, started_at=now - silent_for - timedelta(minutes=1), heartbeat_at=now - silent_for
    )


# --- Durable once reported done ---------------------------------------------------------------------------
@pytest.mark.postgres
def test_a_pull_reported_done_waits_for_its_commit_to_be_flushed_to_disk(fake, indicator, monkeypatch):
    seen = []
    real_write = run_module.write

    def write_and_look(**kwargs):
        counts = real_write(**kwargs)
        # Still inside the pull's transaction: this is the setting its COMMIT will use.
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            seen.append(cursor.fetchone()[0])
        return counts

    monkeypatch.setattr(run_module, "write", write_and_look)
    ingest_indicator(indicator=indicator, client=fake)  # a first pull (COPY) …
    fake.value = lambda *key: default_value(*key) + 1  # Jobindsats revised every value
    revised = ingest_indicator(indicator=indicator, client=fake)  # … and an upsert of stored rows

    assert revised.rows_updated > 0
    assert seen == ["on", "on"]


# --- The lease --------------------------------------------------------------------------------------------
def test_a_new_run_holds_a_fresh_lease(fake, indicator):
    run = ingest_indicator(indicator=indicator, client=fake)

    assert run.heartbeat_at is not None
    assert run.started_at <= run.heartbeat_at <= timezone.now()


@pytest.mark.django_db(transaction=True)
def test_a_running_pull_renews_its_heartbeat_until_it_ends(fake, indicator, settings):
    settings.INGEST_LEASE_SECONDS = 0.3  # a beat every 0.1 s
    run = running_run(indicator, silent_for=timedelta(minutes=10))

    started = timezone.now()
    with renewed_lease(run):
        deadline = time.monotonic() + 20  # a beat is due every 0.1 s; allow for a busy machine
        while IngestionRun.objects.get(pk=run.pk).heartbeat_at < started and time.monotonic() < deadline:
            time.sleep(0.05)
    renewed = IngestionRun.objects.get(pk=run.pk).heartbeat_at
    time.sleep(0.3)
    after_end = IngestionRun.objects.get(pk=run.pk).heartbeat_at

    assert renewed >= started
    assert after_end == renewed  # the thread stopped with the pull: no beats once it ended


def test_a_run_whose_heartbeat_stopped_longer_than_the_lease_is_interrupted(indicator, settings):
    settings.INGEST_LEASE_SECONDS = 180
    dead = running_run(indicator, silent_for=timedelta(seconds=181))
    alive = running_run(
        Indicator.objects.get(code="mm13-andel-beskaeftigede"), silent_for=timedelta(seconds=60)
    )
    before_heartbeats = IngestionRun.objects.create(
        indicator=indicator, started_at=timezone.now() - timedelta(hours=7)
    )

    interrupted = interrupt_expired_runs(now=timezone.now())

    assert {run.pk for run in interrupted} == {dead.pk, before_heartbeats.pk}
    for run in (dead, before_heartbeats):
        run.refresh_from_db()
        assert (run.status, run.error_kind) == (IngestionRun.Status.FAILED, "interrupted")
        assert "Hentningen blev afbrudt" in run.error and run.finished_at is not None
    alive.refresh_from_db()
    assert alive.status == IngestionRun.Status.RUNNING
    assert not expired_runs(now=timezone.now()).exists()


def test_the_lease_length_comes_from_the_settings(indicator, settings):
    run = running_run(indicator, silent_for=timedelta(seconds=100))

    settings.INGEST_LEASE_SECONDS = 120
    assert not expired_runs(now=timezone.now()).exists()
    settings.INGEST_LEASE_SECONDS = 90
    assert list(expired_runs(now=timezone.now())) == [run]


def test_an_interrupted_indicator_is_due_again(fake, indicator):
    yesterday = timezone.now() - timedelta(days=1)
    ingest_indicator(indicator=indicator, client=fake)
    IngestionRun.objects.update(started_at=yesterday, finished_at=yesterday)
    running_run(indicator, silent_for=timedelta(minutes=5))
    assert list(indicators_due()) == []  # up to date, and the dead run does not count yet

    interrupt_expired_runs(now=timezone.now())

    assert list(indicators_due()) == [indicator]


# --- One way to finish a run ------------------------------------------------------------------------------
def test_catalogue_and_indicator_runs_record_their_outcome_the_same_way(fake, indicator):
    fake.fail_on_data_call = len(fake.data_calls) + 1
    with pytest.raises(JobindsatsUnavailable):
        ingest_indicator(indicator=indicator, client=fake)
    catalogue = IngestionRun.objects.get(kind=IngestionRun.Kind.CATALOGUE)
    failed = IngestionRun.objects.get(kind=IngestionRun.Kind.INDICATOR)

    for run in (catalogue, failed):
        assert run.finished_at >= run.started_at
        assert run.heartbeat_at is not None  # both held a lease while they ran
        assert run.data_origin == "jobindsats"
    assert (catalogue.status, failed.status) == (IngestionRun.Status.SUCCEEDED, IngestionRun.Status.FAILED)
    assert failed.error_kind == "unavailable" and failed.error
    assert not Observation.objects.exists()


# --- Shown on the source-health page ----------------------------------------------------------------------
def source_health_row(client, admin_user, code: str) -> str:
    """The indicator's table row on the source-health page, from <tr> to </tr>."""
    client.force_login(admin_user)
    body = client.get(SOURCE_HEALTH).content.decode()
    link = body.index(f"{code}</a>")
    return body[body.rindex("<tr", 0, link) :].split("</tr>")[0]


def test_source_health_shows_a_dead_pull_as_interrupted_before_anything_marked_it(
    client, admin_user, fake, indicator, settings
):
    settings.INGEST_LEASE_SECONDS = 180
    yesterday = timezone.now() - timedelta(days=1)
    ingest_indicator(indicator=indicator, client=fake)
    IngestionRun.objects.update(started_at=yesterday, finished_at=yesterday)
    running_run(indicator, silent_for=timedelta(minutes=4))

    row = source_health_row(client, admin_user, indicator.code)

    assert "afbrudt" in row
    assert "Processen, der hentede, stoppede undervejs" in row
    assert row.startswith('<tr class="failing">')


def test_source_health_shows_a_run_marked_interrupted_with_its_reason(client, admin_user, indicator):
    running_run(indicator, silent_for=timedelta(minutes=4))
    interrupt_expired_runs(now=timezone.now())

    row = source_health_row(client, admin_user, indicator.code)

    assert "afbrudt" in row
    assert "Hentningen blev afbrudt: processen, der hentede, stoppede undervejs" in row


def test_source_health_shows_a_pull_that_is_running_now(client, admin_user, fake, indicator):
    ingest_indicator(indicator=indicator, client=fake)
    running_run(indicator, silent_for=timedelta(seconds=20))

    row = source_health_row(client, admin_user, indicator.code)

    assert "I gang nu, startet" in row
    assert "gennemført" in row  # the last finished attempt is still shown
    assert "afbrudt" not in row
