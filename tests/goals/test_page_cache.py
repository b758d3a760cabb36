"""Rendered pages are served again to anonymous visitors until the data version changes."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from goals.models import PlanGoal
from indicators.models import IngestionRun

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

    # The data version, and the next daily pull (the schedule is in the database).
    with django_assert_num_queries(2):
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


def test_a_finished_pull_refreshes_the_page(client, share_data, page_cache):
    client.get(URL, {"aar": "2024"})
    now = timezone.now()
    IngestionRun.objects.create(
        started_at=now - timedelta(minutes=1),
        finished_at=now,
        status=IngestionRun.Status.SUCCEEDED,
        data_origin="sandbox",
    )

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
