"""End-to-end: `make serve` (gunicorn, Celery worker and beat) on PostgreSQL and Redis, driven by Chromium.

The stack runs in its own process group, against its own database (the test database's name + "_e2e") and Redis
database, and pulls from the sandbox Jobindsats server on loopback. Started once per module, torn down after.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import redis
from django.db import connection

from indicators.sandbox import SandboxServer
from tests.browser.conftest import browser, plotly_bundle  # noqa: F401 - the fixtures
from tests.conftest import E2E_PORT, E2E_REDIS_URL, REQUIRE_SERVICES

ROOT = Path(__file__).resolve().parents[2]
ADMIN = ("admin-anne", "pw-anne-123-e2e")
CHIEF = ("chief-rikke", "pw-rikke-123-e2e")
SETUP = f"""
import time
from django.contrib.auth import get_user_model
from goals.demo import load_demo_plans
from goals.models import ChiefAssignment
from indicators.jobindsats import JobindsatsClient
from indicators.models import IngestionRun
from indicators.sandbox_demo import _bind_unbound
from municipalities.models import Area

User = get_user_model()
User.objects.create_superuser({ADMIN[0]!r}, "anne@example.invalid", {ADMIN[1]!r})
chief = User.objects.create_user({CHIEF[0]!r}, "rikke@example.invalid", {CHIEF[1]!r})
ChiefAssignment.objects.create(user=chief, municipality=Area.objects.get(slug="randers"))
load_demo_plans()
# The worker's start-up catch-up syncs the catalogue (the day's 06:00 sync never ran on this new database).
for _ in range(120):
    if IngestionRun.objects.filter(kind="catalogue", status="succeeded").exists():
        break
    time.sleep(0.5)
else:
    raise SystemExit("the worker did not sync the catalogue at start-up")
_bind_unbound(JobindsatsClient.from_settings())
"""


@dataclass
class Stack:
    url: str
    env: dict
    log: Path

    def manage(self, *args: str, stdin: str | None = None) -> str:
        """Run manage.py against the stack's database, as an operator would."""
        done = subprocess.run(
            [str(ROOT / ".venv/bin/python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout


def _require(ok: bool, message: str) -> None:
    if not ok:
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)


def _admin_dsn(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _recreate_database(name: str) -> None:
    with psycopg.connect(_admin_dsn("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"make serve stopped:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 - loopback
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(1)
    raise AssertionError(f"make serve did not answer within {timeout} s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Stack]:
    """`make serve` with a worker and beat, on a fresh database with reference data, users and bound indicators."""
    _require(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)")
    try:
        redis.Redis.from_url(E2E_REDIS_URL, socket_connect_timeout=1).flushdb()
    except redis.RedisError as exc:
        _require(False, f"needs Redis at {E2E_REDIS_URL}: {exc}")
    name = f"{connection.settings_dict['NAME']}_e2e"
    _recreate_database(name)
    sandbox = SandboxServer(token="e2e-sandbox-token").start()  # noqa: S106 - the sandbox's demo token
    log = tmp_path_factory.mktemp("e2e") / "make-serve.log"
    url = f"http://127.0.0.1:{E2E_PORT}"
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "e2e-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": _admin_dsn(name),
        "CELERY_BROKER_URL": E2E_REDIS_URL,
        "JOBINDSATS_BASE_URL": sandbox.url,
        "JOBINDSATS_API_TOKEN": sandbox.token,
        "JOBINDSATS_PAUSE_SECONDS": "0",
        # Plain HTTP on loopback: no TLS proxy in front of the test stack.
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "HOST": "127.0.0.1",
        "PORT": str(E2E_PORT),
        "WORKERS": "1",
        "STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
    }
    with open(log, "w") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: torn down as one below
        )
    stack = Stack(url=url, env=env, log=log)
    try:
        _wait_until_up(url, process, log, timeout=240)
        stack.manage("shell", stdin=SETUP)
        yield stack
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        sandbox.stop()
        with psycopg.connect(_admin_dsn("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
