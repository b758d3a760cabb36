"""After a pull or an edit the public pages are rebuilt in the background: no visitor waits for a page build."""

import importlib
import os
import subprocess
import sys

import pytest
import redis
from django.core.cache import cache

from goals import page_rebuild
from goals.models import PlanGoal
from tests.conftest import TEST_REDIS_URL, redis_for_tests
from tests.goals.conftest import finish_a_pull

URL = "/kommune/randers/"


@pytest.fixture
def served_site(settings):
    """Production-like serving: the page cache on, pages built for the site's own URL."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.SITE_URL = "http://testserver"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def randers_pages(monkeypatch):
    """The default pages of Randers and of one comparison only (all 98 municipalities take minutes on SQLite)."""
    every = page_rebuild.default_paths
    monkeypatch.setattr(
        page_rebuild,
        "default_paths",
        lambda: [p for p in every() if "randers" in p or "/sammenlign/mm17-andel-opkvalificering/" in p],
    )


def _no_builds(monkeypatch) -> None:
    def refuse(**kwargs):
        raise AssertionError("a visitor waited for a page build")

    monkeypatch.setattr("goals.views.status_page", refuse)
    monkeypatch.setattr("goals.status_data.status_page", refuse)
    monkeypatch.setattr("goals.views.comparison_page", refuse)
    monkeypatch.setattr("goals.comparison_main.fill_comparison", refuse)


def test_after_a_pull_the_first_visitor_gets_a_ready_page(
    client,
    share_data,
    served_site,
    randers_pages,
    monkeypatch,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    with django_capture_on_commit_callbacks(execute=True):
        finish_a_pull()
    _no_builds(monkeypatch)

    with django_assert_num_queries(1):  # the data version; the page comes from the cache
        status = client.get(URL)
    english = client.get("/en" + URL)
    comparison = client.get("/sammenlign/mm17-andel-opkvalificering/")
    embed = client.get("/embed/kommune/randers/mm17-andel-opkvalificering/", {"aar": "2024"})

    assert [r.status_code for r in (status, english, comparison, embed)] == [200] * 4
    assert "Demodata" in status.content.decode() and '<html lang="en">' in english.content.decode()


def test_after_a_pull_every_default_page_is_rebuilt(
    share_data, served_site, monkeypatch, django_capture_on_commit_callbacks
):
    rebuilt = []
    monkeypatch.setattr(page_rebuild, "rebuild", lambda *, paths: rebuilt.extend(paths) or len(paths))

    with django_capture_on_commit_callbacks(execute=True):
        finish_a_pull()

    # Building all of them takes minutes; the tests above build Randers' and one comparison's.
    assert rebuilt == page_rebuild.default_paths() and len(rebuilt) > 4 * 98


def test_after_a_pull_the_chart_of_all_years_is_ready_too(
    client, share_data, served_site, randers_pages, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        finish_a_pull()
    _no_builds(monkeypatch)

    # As the page's view switch links it.
    all_years = client.get(URL, {"aar": "2024", "visning": "alle-aar"}).content.decode()

    assert 'visning=alle-aar" aria-current="page"' in all_years
    assert "Målene år for år" in all_years


def test_a_permalink_no_rebuild_made_is_put_together_from_warm_data(
    client,
    share_data,
    served_site,
    randers_pages,
    monkeypatch,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    with django_capture_on_commit_callbacks(execute=True):
        finish_a_pull()
    ready = client.get(URL).content.decode()
    _no_builds(monkeypatch)

    with django_assert_num_queries(
        1
    ):  # the data version; plans, targets and series come from the shared cache
        permalink = client.get(URL, {"aar": "2024", "fra": "nyhedsbrev"}).content.decode()

    sections = ready[ready.index('<section class="goal"') : ready.index("</main>")]
    assert sections and sections in permalink


def test_a_comparison_no_rebuild_made_reads_only_its_own_figures(
    client,
    share_data,
    served_site,
    randers_pages,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    with django_capture_on_commit_callbacks(execute=True):
        finish_a_pull()

    # The data version, then Randers' and its group's series: the areas, the indicator's periods, the regional
    # groups, the period's figures for every municipality, the country's series and when they were fetched were
    # kept by the rebuild of the comparison's default page.
    with django_assert_num_queries(2):
        response = client.get("/sammenlign/mm17-andel-opkvalificering/", {"kommune": "randers"})

    assert response.status_code == 200
    assert 'value="randers" selected' in response.content.decode()


def test_a_comparison_built_again_from_kept_pieces_reads_only_the_data_version(
    client,
    share_data,
    served_site,
    randers_pages,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    with django_capture_on_commit_callbacks(execute=True):
        finish_a_pull()
    client.get("/sammenlign/mm17-andel-opkvalificering/", {"kommune": "randers"})

    # A period that does not exist: the page is built anew (and not stored), from the figures the first one kept.
    with django_assert_num_queries(1):
        response = client.get(
            "/sammenlign/mm17-andel-opkvalificering/", {"kommune": "randers", "periode": "1999M13"}
        )

    assert response.status_code == 200 and "1999M13" in response.content.decode()
    assert 'value="randers" selected' in response.content.decode()


def test_an_edited_plan_is_rebuilt_and_shown_to_the_next_visitor(
    client, share_data, served_site, randers_pages, monkeypatch, django_capture_on_commit_callbacks
):
    client.get(URL, {"aar": "2024"})
    with django_capture_on_commit_callbacks(execute=True):
        plan_goal = PlanGoal.objects.get(
            plan__municipality__slug="randers", plan__goal_set__year=2024, goal__number=2
        )
        plan_goal.text = "En helt ny tekst om opkvalificering."
        plan_goal.save()
    _no_builds(monkeypatch)

    assert "En helt ny tekst om opkvalificering." in client.get(URL).content.decode()


def test_many_saves_in_one_edit_queue_one_rebuild(
    share_data, served_site, monkeypatch, django_capture_on_commit_callbacks
):
    rebuilds = []
    monkeypatch.setattr(
        "goals.tasks.rebuild_pages.delay", lambda: rebuilds.append(1)
    )  # queued for the worker

    with django_capture_on_commit_callbacks(execute=True):
        for plan_goal in PlanGoal.objects.filter(plan__municipality__slug="randers"):
            plan_goal.text += " Revideret."
            plan_goal.save()

    assert rebuilds == [1]


def test_while_a_rebuild_is_pending_visitors_get_the_previous_page(
    client, share_data, served_site, monkeypatch, django_capture_on_commit_callbacks
):
    before = client.get(URL).content
    monkeypatch.setattr("goals.tasks.rebuild_pages.delay", lambda: None)  # the worker has not run it yet
    with django_capture_on_commit_callbacks(execute=True):
        finish_a_pull()
    _no_builds(monkeypatch)

    assert client.get(URL).content == before


def test_without_a_rebuild_pending_a_changed_page_is_built_again(client, share_data, served_site):
    client.get(URL)
    finish_a_pull()  # no commit in this test's transaction: nothing queued, as when no worker runs

    assert "Demodata" in client.get(URL).content.decode()


def test_the_default_pages_cover_status_comparison_and_embeds_in_both_languages(share_data):
    paths = page_rebuild.default_paths()

    assert {URL, "/en" + URL, "/sammenlign/mm17-andel-opkvalificering/", "/"} <= set(paths)
    assert "/embed/kommune/randers/mm17-andel-opkvalificering/?aar=2024" in paths
    assert "/en/embed/sammenlign/mm17-andel-opkvalificering/" in paths
    assert {URL + "?aar=2024&visning=alle-aar", "/en" + URL + "?aar=2024&visning=alle-aar"} <= set(paths)
    assert paths.index("/en" + URL) < paths.index(
        "/embed/kommune/randers/mm17-andel-opkvalificering/?aar=2024"
    )


def test_nothing_is_rebuilt_in_development(share_data, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "http://testserver"  # `make run`: DEBUG, so PAGE_CACHE_SECONDS is 0

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        finish_a_pull()

    rebuilds = [callback for callback in callbacks if callback.__module__ == page_rebuild.__name__]
    assert rebuilds == [] and page_rebuild.rebuild(paths=[URL]) == 0


# --- The shared cache -----------------------------------------------------------------------------------------
def test_cache_url_puts_the_page_cache_on_redis_and_without_it_each_process_keeps_its_own():
    probe = "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"

    def backend(**extra: str) -> str:
        env = {**os.environ, "DEBUG": "1", **extra}
        env.pop("CACHE_URL", None) if not extra else None
        return subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()

    assert backend(CACHE_URL="redis://127.0.0.1:6379/3") == "config.cache.RedisCache"
    assert backend() == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.parametrize("cache_url", ["", "redis://127.0.0.1:6379/3"])
def test_every_configuration_keeps_a_process_s_own_copies_a_minute_apart_from_the_shared_cache(cache_url):
    probe = (
        "import django; django.setup(); from django.conf import settings; local = settings.CACHES['local'];"
        "print(local['BACKEND'], local['TIMEOUT'], local['LOCATION'] != settings.CACHES['default'].get('LOCATION'))"
    )
    env = {**os.environ, "DEBUG": "1", "CACHE_URL": cache_url}
    found = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)

    assert found.stdout.split() == ["django.core.cache.backends.locmem.LocMemCache", "60", "True"]


@pytest.fixture
def redis_cache(settings):
    redis_for_tests()
    settings.CACHES = settings.CACHES | {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": "maaltavlen-test",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.mark.redis
def test_a_page_rebuilt_by_the_worker_is_served_from_redis(
    client,
    share_data,
    served_site,
    redis_cache,
    randers_pages,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        finish_a_pull()
    keys = redis.Redis.from_url(TEST_REDIS_URL).keys("maaltavlen-test:*page:*")
    _no_builds(monkeypatch)

    assert len(keys) > 10
    assert client.get(URL).status_code == 200


def test_the_database_schedule_rebuilds_the_pages_every_ten_minutes_once(db):
    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    schedule = importlib.import_module("goals.migrations.0004_serving_rebuild_schedule")
    schedule.create_schedule(apps, None)
    schedule.create_schedule(apps, None)  # a second run (a re-applied migration) adds nothing

    tasks = PeriodicTask.objects.filter(task="goals.tasks.rebuild_pages")
    assert tasks.count() == 1
    assert (tasks.get().interval.every, tasks.get().interval.period) == (10, "minutes")
