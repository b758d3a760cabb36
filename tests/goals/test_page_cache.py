"""Rendered pages are served again to anonymous visitors until the data version changes."""

import pytest
from django.core.cache import cache

from goals.models import GoalSet, PlanGoal
from tests.goals.conftest import finish_a_pull

URL = "/kommune/randers/"


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def test_a_repeat_visit_is_served_from_the_cache_with_one_query(
    client, share_data, page_cache, django_assert_num_queries
):
    first = client.get(URL, {"aar": "2024"})

    # The data version only: the next-pull line is refreshed by the periodic rebuild, not read per visit.
    with django_assert_num_queries(1):
        again = client.get(URL, {"aar": "2024"})

    assert again.content == first.content
    assert again.status_code == 200


def test_an_edited_plan_text_shows_at_once(client, share_data, page_cache):
    client.get(URL, {"aar": "2024"})
    plan_goal = PlanGoal.objects.get(
        plan__municipality__slug="randers", plan__goal_set__year=2024, goal__number=2
    )
    plan_goal.text = "En helt ny tekst om opkvalificering."
    plan_goal.save()

    assert "En helt ny tekst om opkvalificering." in client.get(URL, {"aar": "2024"}).content.decode()


def test_an_edited_goal_set_source_shows_at_once(client, share_data, page_cache):
    client.get("/")
    goal_set = GoalSet.objects.get(year=2024, municipality__isnull=True)
    goal_set.source_title = "Ministerens nye brev om målene"
    goal_set.save()

    assert "Ministerens nye brev om målene" in client.get("/").content.decode()


def test_a_finished_pull_refreshes_the_page(client, share_data, page_cache):
    client.get(URL, {"aar": "2024"})
    finish_a_pull()

    assert "Demodata" in client.get(URL, {"aar": "2024"}).content.decode()


def test_each_url_and_language_has_its_own_entry(client, share_data, page_cache):
    danish = client.get(URL, {"aar": "2024"}).content.decode()
    english = client.get("/en" + URL, {"aar": "2024"}).content.decode()
    other_year = client.get(URL, {"aar": "2023"}).content.decode()

    assert '<html lang="da">' in danish and '<html lang="en">' in english
    assert "mål 2023" in other_year and "mål 2024" in danish


def test_logged_in_users_always_get_a_fresh_page(client, randers_chief, share_data, page_cache):
    client.get(URL, {"aar": "2024"})
    client.force_login(randers_chief)

    assert "Rediger planen" in client.get(URL, {"aar": "2024"}).content.decode()


def test_pages_are_not_cached_in_development(client, share_data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(URL, {"aar": "2024"})  # tests run with DEBUG=1, like `make run`: the cache is off
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, {"aar": "2024"})

    assert len(queries) > 1


# --- A forged Host or X-Forwarded-Proto never reaches another visitor -------------------------------------------
FORGED = {"HTTP_HOST": "localhost:6666", "HTTP_X_FORWARDED_PROTO": "https"}


@pytest.mark.parametrize(
    "url",
    [URL + "?aar=2024", "/sammenlign/mm17-andel-opkvalificering/", "/en" + URL + "?aar=2024"],
)
@pytest.mark.parametrize("site_url", ["", "https://maaltavlen.example.dk"])
def test_a_forged_host_never_poisons_the_page_others_get(
    client, share_data, page_cache, settings, url, site_url
):
    settings.SITE_URL = site_url
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    forged = client.get(url, **FORGED).content.decode()

    honest = client.get(url, HTTP_HOST="testserver").content.decode()

    assert "localhost:6666" not in honest and "https://localhost" not in honest
    expected = site_url or "http://testserver"
    assert f'src="{expected}/' in honest.replace("&lt;iframe src=", "src=")
    if site_url:  # absolute URLs come from SITE_URL alone: not even the forger gets their host back
        assert "localhost:6666" not in forged


def test_x_forwarded_proto_is_trusted_only_behind_a_proxy():
    import subprocess
    import sys

    probe = "from django.conf import settings; print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
    env = {"DEBUG": "0", "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "maaltavlen.example.dk"}

    def secure_proxy_header(**extra: str) -> str:
        import os

        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); " + probe],
            env={**os.environ, **env, **extra, "DJANGO_SETTINGS_MODULE": "config.settings"},
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    assert secure_proxy_header() == "None"
    assert secure_proxy_header(BEHIND_PROXY="1") == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_site_url_must_be_an_origin():
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**os.environ, "DEBUG": "1", "SITE_URL": "maaltavlen.example.dk/sti"},
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0 and "SITE_URL must be the site's scheme and host only" in result.stderr


# --- Cache headers and conditional requests ---------------------------------------------------------------------
def test_a_public_page_says_how_it_may_be_cached_and_answers_304_when_unchanged(
    client, share_data, page_cache
):
    first = client.get(URL, {"aar": "2024"})

    again = client.get(URL, {"aar": "2024"}, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["Cache-Control"] == "public, no-cache" and first["ETag"]
    assert again.status_code == 304 and again["ETag"] == first["ETag"] and not again.content


def test_the_etag_changes_when_the_data_changes(client, share_data, page_cache):
    first = client.get(URL, {"aar": "2024"})
    PlanGoal.objects.filter(plan__municipality__slug="randers").update(text="Ny")
    PlanGoal.objects.filter(plan__municipality__slug="randers").first().save()  # a history record

    again = client.get(URL, {"aar": "2024"}, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200 and again["ETag"] != first["ETag"]


def test_a_logged_in_page_is_stored_nowhere(client, randers_chief, share_data, page_cache):
    client.force_login(randers_chief)

    response = client.get(URL, {"aar": "2024"})

    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert not response.has_header("ETag")


def test_a_gzip_accepting_visitor_gets_the_stored_compressed_page(client, share_data, page_cache):
    import gzip

    plain = client.get(URL, {"aar": "2024"})
    compressed = client.get(URL, {"aar": "2024"}, HTTP_ACCEPT_ENCODING="gzip, deflate")

    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert "Accept-Encoding" in compressed["Vary"]


def test_the_api_is_cached_with_headers_too(client, share_data, page_cache, django_assert_num_queries):
    first = client.get("/api/observations/", {"area": "randers"})
    with django_assert_num_queries(1):  # the data version
        again = client.get("/api/observations/", {"area": "randers"})

    assert again.json() == first.json() and again["Cache-Control"] == "public, no-cache"
