"""The schedule in the database, and the catch-up that queues what a lost tick or a killed worker left undone."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from config.celery import app
from indicators import tasks
from indicators.ingestion.catch_up import (
    INGEST_DUE_TASK,
    MAX_INTERRUPTIONS_PER_DAY,
    SYNC_CATALOGUE_TASK,
    missed_work,
    previous_slot,
)
from indicators.models import IngestionRun, Observation
from tests.indicators.test_tasks import bound_share_indicator, fake  # noqa: F401 - the fixture

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@pytest.fixture(autouse=True)
def _schedules(beat_schedules) -> None:
    pass


def at(hour: int, minute: int, day: int = 2) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=COPENHAGEN)


def runs_at(indicator, moment: datetime, **fields) -> IngestionRun:
    fields = {"status": IngestionRun.Status.SUCCEEDED, "finished_at": moment, **fields}
    return IngestionRun.objects.create(
        indicator=indicator,
        table_id=indicator.table.table_id,
        table_update_latest_raw=indicator.table.update_latest_raw,
        started_at=moment,
        heartbeat_at=moment,
        **fields,
    )


# --- The schedule --------------------------------------------------------------------------------------------
def test_the_daily_schedules_and_the_catch_up_are_in_the_database(db):
    schedules = {task.task: task for task in PeriodicTask.objects.filter(enabled=True)}

    catalogue, ingest = schedules[SYNC_CATALOGUE_TASK].crontab, schedules[INGEST_DUE_TASK].crontab
    assert (catalogue.hour, catalogue.minute, str(catalogue.timezone)) == ("6", "0", "Europe/Copenhagen")
    assert (ingest.hour, ingest.minute) == ("6", "30")
    catch_up = schedules["indicators.tasks.catch_up"].interval
    assert (catch_up.every, catch_up.period) == (5, "minutes")


def test_beat_reads_its_schedule_from_the_database():
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert (
        not app.conf.beat_schedule
    )  # a schedule in settings would overwrite the admins' edits at every start


def test_an_admin_sees_and_edits_the_schedule(client, admin_user):
    client.force_login(admin_user)
    task = PeriodicTask.objects.get(task=INGEST_DUE_TASK)

    listing = client.get("/admin/django_celery_beat/periodictask/").content.decode()
    form = client.get(f"/admin/django_celery_beat/periodictask/{task.pk}/change/")

    assert "Dagligt: hent de indikatorer, der skal hentes" in listing
    assert form.status_code == 200


def test_previous_slot_is_todays_time_once_passed_and_yesterdays_before(db):
    assert previous_slot(task=INGEST_DUE_TASK, now=at(9, 0)) == at(6, 30)
    assert previous_slot(task=INGEST_DUE_TASK, now=at(6, 29)) == at(6, 30, day=1)
    assert previous_slot(task=SYNC_CATALOGUE_TASK, now=at(6, 0)) == at(6, 0)


def test_previous_slot_follows_an_admins_edit_and_a_disabled_task_has_none(db):
    crontab, _ = CrontabSchedule.objects.get_or_create(hour="7", minute="15", timezone="Europe/Copenhagen")
    PeriodicTask.objects.filter(task=INGEST_DUE_TASK).update(crontab=crontab)

    assert previous_slot(task=INGEST_DUE_TASK, now=at(9, 0)) == at(7, 15)

    PeriodicTask.objects.filter(task=INGEST_DUE_TASK).update(enabled=False)
    assert previous_slot(task=INGEST_DUE_TASK, now=at(9, 0)) is None


# --- What was missed -----------------------------------------------------------------------------------------
def test_a_daily_pull_missed_while_the_broker_was_down_is_found_after_it(fake):  # noqa: F811
    indicator = bound_share_indicator(fake)
    runs_at(indicator, at(6, 30, day=1))
    # Jobindsats updated the table (the 06:00 catalogue sync saw it), but the 06:30 tick never reached a worker.
    indicator.table.update_latest_raw = "2026-12-01"
    indicator.table.save()
    IngestionRun.objects.filter(kind=IngestionRun.Kind.CATALOGUE).update(
        started_at=at(6, 0), finished_at=at(6, 0)
    )

    missed = missed_work(now=at(7, 10))

    assert missed.indicators == [indicator.pk]
    assert missed.catalogue is False


def test_nothing_is_missed_once_the_daily_round_attempted_it(fake):  # noqa: F811
    indicator = bound_share_indicator(fake)
    runs_at(indicator, at(6, 31), status=IngestionRun.Status.FAILED, error_kind="auth")

    # A failed attempt is the source-health page's business, not retried every five minutes.
    assert missed_work(now=at(7, 10)).indicators == []


def test_a_missed_catalogue_sync_is_found(fake):  # noqa: F811
    bound_share_indicator(fake)
    IngestionRun.objects.filter(kind=IngestionRun.Kind.CATALOGUE).update(
        started_at=at(6, 0, day=1), finished_at=at(6, 0, day=1)
    )

    assert missed_work(now=at(6, 5)).catalogue is True
    assert missed_work(now=at(5, 55)).catalogue is False


def test_a_pull_whose_process_died_is_queued_again_without_waiting_for_tomorrow(fake, settings):  # noqa: F811
    settings.INGEST_LEASE_SECONDS = 180
    indicator = bound_share_indicator(fake)
    runs_at(indicator, at(6, 30))
    indicator.table.update_latest_raw = "2026-12-01"
    indicator.table.save()
    dead = runs_at(indicator, at(6, 31), status=IngestionRun.Status.RUNNING, finished_at=None)

    missed = missed_work(now=at(6, 40))

    assert [run.pk for run in missed.interrupted] == [dead.pk]
    assert missed.indicators == [indicator.pk]


def test_a_pull_that_keeps_killing_its_process_is_left_for_a_person(fake, settings):  # noqa: F811
    settings.INGEST_LEASE_SECONDS = 180
    indicator = bound_share_indicator(fake)
    for minute in range(MAX_INTERRUPTIONS_PER_DAY):
        runs_at(indicator, at(6, 31 + minute), status=IngestionRun.Status.RUNNING, finished_at=None)

    missed = missed_work(now=at(7, 0))

    assert len(missed.interrupted) == MAX_INTERRUPTIONS_PER_DAY
    assert missed.indicators == []


def test_a_pull_running_now_is_not_queued_twice(fake):  # noqa: F811
    indicator = bound_share_indicator(fake)
    runs_at(
        indicator,
        timezone.now() - timedelta(seconds=30),
        status=IngestionRun.Status.RUNNING,
        finished_at=None,
    )

    assert missed_work().indicators == []


# --- The tasks ---------------------------------------------------------------------------------------------
def test_catch_up_pulls_what_was_missed(fake, django_capture_on_commit_callbacks):  # noqa: F811
    indicator = bound_share_indicator(fake)

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.catch_up.delay().get()

    assert result["indicators"] == [indicator.pk]
    assert indicator.ingestion_runs.get().status == IngestionRun.Status.SUCCEEDED
    assert Observation.objects.filter(indicator=indicator).exists()


def test_a_pull_queued_before_a_later_success_asks_nothing_of_jobindsats(fake):  # noqa: F811
    indicator = bound_share_indicator(fake)
    queued_at = timezone.now().isoformat()
    first = tasks.ingest_indicator.delay(indicator.pk, queued_at).get()
    calls = len(fake.data_calls)

    # The same message again (redelivered after a worker died, or queued twice): nothing to do.
    assert tasks.ingest_indicator.delay(indicator.pk, queued_at).get() == first
    assert len(fake.data_calls) == calls
    assert indicator.ingestion_runs.count() == 1


@pytest.mark.parametrize("task", [tasks.ingest_indicator, tasks.sync_catalogue])
def test_a_pull_killed_with_its_worker_goes_back_to_the_queue(task):
    assert task.acks_late is True
    assert app.conf.task_reject_on_worker_lost is True


def test_the_broker_redelivers_only_after_the_longest_pull_may_have_ended():
    visibility = app.conf.broker_transport_options["visibility_timeout"]

    assert (
        app.conf.task_soft_time_limit
        < app.conf.task_time_limit
        < visibility
        <= app.conf.task_time_limit + 600
    )


def test_pages_announce_the_next_daily_pull_from_the_database_schedule(db):
    from goals.freshness import next_pull_at

    assert next_pull_at(at(9, 0)) == at(6, 30, day=3)
    assert next_pull_at(at(6, 0)) == at(6, 30)

    crontab, _ = CrontabSchedule.objects.get_or_create(hour="7", minute="15", timezone="Europe/Copenhagen")
    PeriodicTask.objects.filter(task=INGEST_DUE_TASK).update(crontab=crontab)  # an admin moves it

    assert next_pull_at(at(6, 0)) == at(7, 15)
