"""Production static files: pages name Plotly by a hashed file name that whitenoise serves compressed, for a year."""

import json
import os
import re
import subprocess
import sys
import zlib

import pytest

from tests.config.test_settings import ROOT

# Runs in production mode (DEBUG off) in a child process: Django reads DEBUG once, when settings load.
PROBE = """
import json
import django
django.setup()
from django.template.loader import render_to_string
from django.test import Client

tag = render_to_string("includes/plotly_js.html")
src = tag.split('src="')[1].split('"')[0]
response = Client().get(src, secure=True, headers={"accept-encoding": "gzip"})
print(json.dumps({
    "tag": tag,
    "status": response.status_code,
    "encoding": response.get("Content-Encoding"),
    "cache_control": response.get("Cache-Control"),
    "body_head": b"".join(response.streaming_content)[:200].hex(),
}))
"""


def _production_env(static_root) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    environment.update(
        DEBUG="0",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="testserver",
        STATIC_ROOT=str(static_root),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return environment


def test_production_pages_load_plotly_by_hashed_name_served_gzipped_with_year_long_cache(tmp_path):
    environment = _production_env(tmp_path / "staticfiles")
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collected.returncode == 0, collected.stderr

    probe = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout.strip().splitlines()[-1])

    assert re.search(r'src="/static/vendor/plotly\.min\.[0-9a-f]{12}\.js" defer', result["tag"]), result[
        "tag"
    ]
    assert result["status"] == 200
    assert result["encoding"] == "gzip"
    assert "max-age=315360000" in result["cache_control"]
    assert "immutable" in result["cache_control"]
    # The first bytes of the gzip stream open the plotly.js bundle.
    head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(bytes.fromhex(result["body_head"]))
    assert b"plotly.js" in head


@pytest.mark.parametrize(
    "path", ["/kommune/randers/", "/sammenlign/mm13-andel-beskaeftigede/", "/en/kommune/randers/"]
)
def test_chart_pages_name_plotly_once_from_our_static_files(client, reference_data, path):
    html = client.get(path).content.decode()

    sources = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)
    assert [src for src in sources if "vendor/plotly" in src] == ["/static/vendor/plotly.min.js"]
    assert all(src.startswith("/static/") for src in sources)
    # Deferred scripts run in document order: Plotly, then its Danish words, then the charts drawn with both.
    order = ["/static/vendor/plotly.min.js", "/static/js/plotly_locale.js", "/static/js/charts.js"]
    assert [src for src in sources if src in order] == order
