"""Shared fixtures: reference data, named personas, and the rule for tests that need a real service."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from tests.parallel import DatabaseOrderScheduling, port_for_this_worker, redis_url_for_this_worker
from tests.rows import build_once

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = Path("/usr/bin/chromium")
# Services shared by all tests of a worker; under `pytest -n N` each worker has its own (tests/parallel.py).
TEST_REDIS_URL = redis_url_for_this_worker(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
E2E_REDIS_URL = redis_url_for_this_worker(os.environ.get("E2E_REDIS_URL", "redis://127.0.0.1:6379/9"))
E2E_PORT = port_for_this_worker(int(os.environ.get("E2E_PORT", "8118")))
os.environ.update(TEST_REDIS_URL=TEST_REDIS_URL, E2E_REDIS_URL=E2E_REDIS_URL, E2E_PORT=str(E2E_PORT))


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log) -> DatabaseOrderScheduling:
    """Parallel workers keep pytest-django's order of tests (tests/parallel.py)."""
    return DatabaseOrderScheduling(config, log)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests needing a real service skip in a newcomer's `make test`, and fail in CI where it is required."""
    message = None
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        message = "needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)"
    elif item.get_closest_marker("browser") and not CHROMIUM.exists():
        message = f"needs Debian's chromium at {CHROMIUM}: apt-get install chromium (CI does)"
    if message:
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)


def redis_for_tests():
    """A client of the tests' Redis (TEST_REDIS_URL); the test skips without it, and fails in CI where it is required."""
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"needs Redis at {TEST_REDIS_URL} (set TEST_REDIS_URL; CI starts it): {exc}"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    return client


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """The English catalogue compiled from its .po, as `make setup` does (the .mo is not committed)."""
    from django.conf import settings

    from goals.management.commands.compile_translations import compile_catalogues

    compile_catalogues([Path(p) for p in settings.LOCALE_PATHS])


@pytest.fixture
def reference_data(db, request):
    """Areas, ministerial indicators and the 2022–2024 goals, loaded the way `make run` loads them.

    The command runs for the first test of a worker; each later test that starts without any of that data gets
    the same rows written back (tests/rows.py), in a fraction of the command's second or two.
    """
    from django.core.management import call_command

    from goals.models import Goal, GoalSet
    from indicators.models import Indicator
    from municipalities.models import Area, RarMembership

    build_once(
        request,
        "reference_data",
        lambda: call_command("load_reference_data", verbosity=0, stdout=open(os.devnull, "w")),  # noqa: SIM115
        reads=(Area, RarMembership, Indicator, GoalSet, Goal),  # all the command reads
        first_from_empty=True,
    )


@pytest.fixture
def randers(reference_data):
    from municipalities.models import Area

    return Area.objects.get(slug="randers")


@pytest.fixture
def admin_user(db):
    """An admin: edits goal texts, indicator definitions, users and data sources."""
    return get_user_model().objects.create_superuser("admin-anne", "anne@example.invalid", "pw-anne-123")


@pytest.fixture
def stranger(db):
    """A logged-in user with no rights at all."""
    return get_user_model().objects.create_user("stranger-sam", "sam@example.invalid", "pw-sam-123")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Danish: a request under /en/ leaves English active in the thread, and reverse() would
    then build /en/ addresses for the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _no_local_copies():
    """Each test starts with nothing in this process's "local" cache (settings.CACHES): the database is emptied
    between tests, and a copy kept under the same data version by an earlier test would otherwise answer."""
    from django.core.cache import caches

    caches["local"].clear()
