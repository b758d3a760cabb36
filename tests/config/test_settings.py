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


def _production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "maaltavlen.example.dk",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
    }


def test_demo_mode_is_on_exactly_when_debug_is(tmp_path):
    show = "import django; django.setup(); from django.conf import settings; print(settings.DEMO_MODE)"

    def demo_mode(**env: str) -> str:
        environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DEMO_MODE"}}
        result = subprocess.run(
            [sys.executable, "-c", show], cwd=ROOT, env={**environment, **env}, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert demo_mode(**_production_env(tmp_path)) == "False"
    assert demo_mode(**_production_env(tmp_path), DEMO_MODE="1") == "False"  # no switch besides DEBUG
    assert demo_mode(DEBUG="1", DJANGO_SETTINGS_MODULE="config.settings") == "True"


def test_with_debug_off_load_demo_creates_no_demo_admin(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    environment.update(_production_env(tmp_path))

    result = subprocess.run(
        [sys.executable, "manage.py", "load_demo"], cwd=ROOT, env=environment, capture_output=True, text=True
    )

    assert result.returncode != 0
    assert "kun i demotilstand" in result.stderr
    assert "maaltavlen-demo" not in result.stdout + result.stderr


AXES_SEES = (
    "import django; django.setup();"
    "from django.test import RequestFactory; from axes.helpers import get_client_ip_address;"
    "print(get_client_ip_address(RequestFactory().get("
    "'/', HTTP_X_FORWARDED_FOR='6.6.6.6, 81.1.1.1', REMOTE_ADDR='172.18.0.5')))"
)


def _address_axes_counts(**env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "BEHIND_PROXY"} | env
    result = subprocess.run(
        [sys.executable, "-c", AXES_SEES],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_login_lockout_ignores_a_forwarded_for_header_without_a_proxy():
    # A visitor who sends X-Forwarded-For themselves cannot spread their attempts over invented addresses.
    assert _address_axes_counts(DJANGO_SETTINGS_MODULE="config.settings") == "172.18.0.5"


def test_login_lockout_behind_the_proxy_counts_the_address_the_proxy_saw():
    # Caddy appends the client's address; what the visitor wrote before it (6.6.6.6) is not trusted.
    assert _address_axes_counts(BEHIND_PROXY="1", DJANGO_SETTINGS_MODULE="config.settings") == "81.1.1.1"
