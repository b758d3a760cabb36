"""The production stack as files: docker-compose.yml, the image's contents, locked versions, `make serve`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.conftest import REQUIRE_SERVICES

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_takes_every_secret_from_the_env_file(compose):
    text = (ROOT / "docker-compose.yml").read_text()

    assert "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?" in text  # required, never a default
    assert not re.search(r"postgres://\w+:\w+@", text)  # no connection string with a password
    for name in (*APP_SERVICES, "migrate"):
        service = compose["services"][name]
        assert service["env_file"] == ".env"
        assert "DATABASE_URL" not in (service.get("environment") or {}), name  # nothing overrides .env


def test_app_services_start_after_the_one_shot_migration(compose):
    services = compose["services"]

    assert "migrate" in services["migrate"]["command"]
    assert services["migrate"]["restart"] == "no"
    for name in APP_SERVICES:
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, (
            name
        )
        assert "migrate" not in services[name]["command"], name


def test_web_worker_database_and_redis_have_healthchecks_and_the_proxy_waits_for_web(compose):
    services = compose["services"]

    for name in ("web", "worker", "db", "redis", "cache"):
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["proxy"]["depends_on"]["web"] == {"condition": "service_healthy"}
    assert "ports" not in services["web"]  # only the TLS proxy is reachable from outside
    assert "reverse_proxy web:8000" in (ROOT / "deploy" / "Caddyfile").read_text()


def test_page_cache_has_its_own_bounded_redis_apart_from_the_broker(compose):
    services = compose["services"]
    lines = (ROOT / ".env.example").read_text().splitlines()
    env = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    cache = services["cache"]["command"]

    assert env["CACHE_URL"].startswith("redis://cache:") and env["CELERY_BROKER_URL"].startswith(
        "redis://redis:"
    )
    assert (
        "--maxmemory " in cache and "--maxmemory-policy allkeys-lru" in cache
    )  # full: old pages go, not tasks
    assert (
        "--appendonly yes" in services["redis"]["command"]
    )  # queued pulls survive a restart; pages need not
    for name in APP_SERVICES:
        assert services[name]["depends_on"]["cache"] == {"condition": "service_healthy"}, name


def test_compose_file_validates_with_docker_compose(tmp_path):
    command = shutil.which("docker-compose")
    if command is None:
        message = "needs Debian's docker-compose (apt-get install docker-compose; .ci/run installs it)"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    shutil.copytree(ROOT / "deploy", tmp_path / "deploy")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")

    done = subprocess.run([command, "config", "--quiet"], cwd=tmp_path, capture_output=True, text=True)

    assert done.returncode == 0, done.stderr


def test_the_image_leaves_out_secrets_local_environments_and_databases():
    ignored = (ROOT / ".dockerignore").read_text().split()

    for pattern in (".env", ".venv", ".git", "*.sqlite3", "var"):
        assert pattern in ignored, pattern
    assert "!.env.example" in ignored


def test_setup_ci_and_the_image_install_the_locked_versions():
    locked = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            locked[re.sub(r"[-_.]+", "-", name).lower()] = version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]

    for requirement in declared:
        name = re.sub(r"[-_.]+", "-", re.split(r"[\[<>=~!; ]", requirement)[0]).lower()
        assert name in locked, f"{name} is not in requirements.lock (run `make lock`)"
    assert "-c requirements.lock" in (ROOT / "Makefile").read_text()
    assert "-c requirements.lock" in (ROOT / "Dockerfile").read_text()


def test_numpy_is_declared_because_the_sandbox_imports_it():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]

    assert any(re.match(r"numpy\b", requirement) for requirement in dependencies)


def test_make_serve_says_what_it_needs_without_a_database_and_broker():
    env = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "CELERY_BROKER_URL"}
    }

    done = subprocess.run(
        ["make", "--no-print-directory", "serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode != 0
    assert (
        "make serve needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis)"
        in done.stdout + done.stderr
    )
