import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _start_django(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_mode_refuses_to_start_without_secret_key():
    result = _start_django(
        DEBUG="0", ALLOWED_HOSTS="maaltavlen.example.dk", DJANGO_SETTINGS_MODULE="config.settings"
    )

    assert result.returncode != 0
    assert "needs SECRET_KEY" in result.stderr


def test_production_mode_refuses_to_start_without_allowed_hosts():
    result = _start_django(DEBUG="0", SECRET_KEY="x" * 50, DJANGO_SETTINGS_MODULE="config.settings")

    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_mode_starts_with_secret_key_and_allowed_hosts():
    result = _start_django(
        DEBUG="0",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="maaltavlen.example.dk",
        DJANGO_SETTINGS_MODULE="config.settings",
    )

    assert result.returncode == 0, result.stderr
