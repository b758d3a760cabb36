"""End to end: a real Celery worker process on Redis pulls from the sandbox over HTTP into PostgreSQL."""

import os
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
from tests.conftest import REQUIRE_SERVICES

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def broker() -> str:
    """Redis for the test, emptied; skipped on a newcomer's machine without it, a failure in CI."""
    try:
        client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
        client.ping()
    except redis.RedisError as exc:
        message = f"needs Redis at {TEST_REDIS_URL} (set TEST_REDIS_URL; CI starts it): {exc}"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    client.flushdb()
    yield TEST_REDIS_URL
    client.flushdb()


def _database_url() -> str:
    """The test database (test_<name>) as a URL, so the worker process writes where the test reads."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(broker, sandbox, transactional_db, tmp_path):
    """`celery -A config worker` as a subprocess, configured only through the environment like production."""
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
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "--hostname=e2e@%h"]
    log = open(tmp_path / "celery-worker.log", "w+")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    app = Celery("e2e", broker=broker, backend=broker)
    yield app
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.seek(0)
    output = log.read()
    log.close()
    assert "Traceback" not in output, output[-3000:]
    assert sandbox.token not in output


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
