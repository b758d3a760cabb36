"""The sandbox Jobindsats server for tests: one loopback server per session, reset before every test."""

from __future__ import annotations

import importlib

import pytest

from indicators.jobindsats import JobindsatsClient
from indicators.sandbox import SandboxServer

# A distinctive token, so a test can search logs and messages for it.
SANDBOX_TOKEN = "sandbox-secret-9f3a7c"


@pytest.fixture(scope="session")
def _sandbox_server():
    server = SandboxServer(token=SANDBOX_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def sandbox(_sandbox_server: SandboxServer) -> SandboxServer:
    """A running sandbox (`.url` ends in /v3, `.token`, `.set_fault()`, `.advance_revision()`, `.reset()`)."""
    _sandbox_server.reset()
    yield _sandbox_server
    _sandbox_server.reset()


@pytest.fixture
def sleeps() -> list[float]:
    """The waits a client asked for, instead of waiting (back-off, Retry-After, politeness pauses)."""
    return []


@pytest.fixture
def sandbox_client(sandbox: SandboxServer, sleeps: list[float]) -> JobindsatsClient:
    """A client for the sandbox with a 5-second timeout, three retries and recorded (not slept) back-off."""
    client = JobindsatsClient(
        base_url=sandbox.url,
        token=sandbox.token,
        timeout=5,
        max_retries=3,
        pause_seconds=0,
        backoff_seconds=0.01,
        sleep=sleeps.append,
    )
    yield client
    client.close()


@pytest.fixture
def beat_schedules(db) -> None:
    """The schedule as the migration creates it (a transactional test before this one may have flushed it)."""
    from django.apps import apps

    importlib.import_module("indicators.migrations.0006_ops_beat_schedules").create_schedules(apps, None)
