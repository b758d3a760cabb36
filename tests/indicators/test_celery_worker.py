"""End to end: a real Celery worker process on Redis pulls from the sandbox over HTTP into PostgreSQL."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.db import connection

from indicators.catalogue import bind_indicator, sync_catalogue
from indicators.models import Indicator, IngestionRun, Observation
from tests.conftest import TEST_REDIS_URL, redis_for_tests

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def broker() -> str:
    """Redis for the test, emptied; skipped on a newcomer's machine without it, a failure in CI."""
    client = redis_for_tests()
    client.flushdb()
    yield TEST_REDIS_URL
    client.flushdb()


def _database_url() -> str:
    """The test database (test_<name>) as a URL, so the worker process writes where the test reads."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """`celery -A config worker` as a subprocess, configured only through the environment like production."""

    def __init__(self, *, broker: str, sandbox, log_path: Path, pool: str = "solo") -> None:
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": _database_url(),
            "DATABASE_CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": broker,
            "JOBINDSATS_BASE_URL": sandbox.url,
            "JOBINDSATS_API_TOKEN": sandbox.token,
            "JOBINDSATS_PAUSE_SECONDS": "0",
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
        ]
        command += ["--loglevel=INFO", "--without-heartbeat", "--without-gossip", "--without-mingle"]
        command += ["--hostname=e2e@%h"]
        self.log = open(log_path, "w+")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.app = Celery("e2e", broker=broker, backend=broker)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def wait_for_startup_catch_up(self) -> None:
        """Every worker queues a catch-up when it starts; wait until it has run."""
        _wait_for(lambda: re.search(r"indicators\.tasks\.catch_up\[[^]]+\] succeeded", self.output()))

    def pool_children(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        return [int(pid) for pid in children.split()]

    def stop(self) -> str:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        output = self.output()
        self.log.close()
        return output


@pytest.fixture
def start_worker(broker, sandbox, transactional_db, beat_schedules, tmp_path):
    """Start a worker when the test is ready for it; stopped (and its log checked) at the end."""
    started: list[Worker] = []

    def start(pool: str = "solo") -> Worker:
        started.append(
            Worker(
                broker=broker, sandbox=sandbox, log_path=tmp_path / f"worker-{len(started)}.log", pool=pool
            )
        )
        return started[-1]

    yield start
    for worker in started:
        output = worker.stop()
        assert sandbox.token not in output


@pytest.fixture
def worker(start_worker, sandbox):
    """A worker whose start-up catch-up has run (so it does not race the test), with a clean log at the end."""
    worker = start_worker()
    worker.wait_for_startup_catch_up()
    yield worker.app
    assert "Traceback" not in worker.output(), worker.output()[-3000:]


def _wait_for(condition, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("the worker did not finish in time")


def test_worker_pulls_due_indicators_from_the_sandbox_into_postgresql(
    worker, sandbox, sandbox_client, reference_data
):
    sync_catalogue(client=sandbox_client)
    indicator = bind_indicator(
        indicator=Indicator.objects.get(code="mm17-andel-opkvalificering"),
        table_id="mm17a01",
        client=sandbox_client,
    )

    due = worker.send_task("indicators.tasks.ingest_due").get(timeout=60)

    assert due == [indicator.pk]
    succeeded = IngestionRun.objects.filter(indicator=indicator, status=IngestionRun.Status.SUCCEEDED)
    _wait_for(succeeded.exists)
    run = succeeded.get()
    assert run.data_origin == "sandbox"
    assert run.rows_inserted == Observation.objects.filter(indicator=indicator).count() > 99 * 12
    assert any(request.path.startswith("/v3/data/mm17a01") for request in sandbox.requests)

    # Nothing changed at Jobindsats: the next daily round has nothing to do.
    assert worker.send_task("indicators.tasks.ingest_due").get(timeout=60) == []

    # Task messages and results hold ids and counts, never the token.
    store = redis.Redis.from_url(TEST_REDIS_URL)
    stored = b"".join(store.dump(key) or b"" for key in store.scan_iter())
    assert stored and sandbox.token.encode() not in stored


def bound_mm17(sandbox_client) -> Indicator:
    sync_catalogue(client=sandbox_client)
    return bind_indicator(
        indicator=Indicator.objects.get(code="mm17-andel-opkvalificering"),
        table_id="mm17a01",
        client=sandbox_client,
    )


def test_a_starting_worker_pulls_a_daily_pull_that_was_missed_while_it_or_the_broker_was_down(
    start_worker, sandbox_client, reference_data
):
    # Bound and never pulled, and the daily 06:30 slot has passed: the daily round missed it.
    indicator = bound_mm17(sandbox_client)

    start_worker()  # nobody sends a task: the worker's start-up catch-up must find the missed pull

    succeeded = IngestionRun.objects.filter(indicator=indicator, status=IngestionRun.Status.SUCCEEDED)
    _wait_for(succeeded.exists)
    assert Observation.objects.filter(indicator=indicator).count() == succeeded.get().rows_inserted > 99 * 12


def test_a_pull_whose_worker_process_is_killed_is_redelivered_and_completed_once(
    start_worker, sandbox, sandbox_client, reference_data
):
    sync_catalogue(client=sandbox_client)  # before the worker starts, so its catch-up has nothing to do
    worker = start_worker(pool="prefork")
    worker.wait_for_startup_catch_up()
    indicator = bound_mm17(sandbox_client)
    sandbox.set_fault("slow", times=1, delay=5, endpoint="data")  # holds the first data request back

    worker.app.send_task("indicators.tasks.ingest_due")
    runs = IngestionRun.objects.filter(indicator=indicator)
    _wait_for(lambda: runs.filter(status=IngestionRun.Status.RUNNING).exists())
    for child in worker.pool_children():
        os.kill(child, signal.SIGKILL)  # mid-pull, like the out-of-memory killer

    succeeded = runs.filter(status=IngestionRun.Status.SUCCEEDED)
    _wait_for(succeeded.exists, timeout=90)
    observations = Observation.objects.filter(indicator=indicator)
    keys = observations.values_list("area_id", "period", "breakdown").distinct()
    assert observations.count() == keys.count() == succeeded.get().rows_inserted > 99 * 12
    assert runs.count() == 2  # the killed run (left for its lease to expire) and the redelivered one
