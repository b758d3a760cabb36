"""The read-only JSON API: indicators, areas, observations with filters and pagination."""

from decimal import Decimal

import pytest

from indicators.models import Indicator, Observation
from municipalities.models import Area
from tests.goals.conftest import build_observations, monthly_periods


def test_indicators_lists_definitions(client, reference_data):
    data = client.get("/api/indicators/").json()

    codes = {i["code"]: i for i in data["results"]}
    assert codes["mm13-andel-beskaeftigede"]["base_indicator"] == "mm13-antal-befolkning"
    assert codes["mm13-andel-beskaeftigede"]["unit"] == "percent"


def test_areas_filter_by_kind_and_paginate_with_links(client, reference_data):
    first = client.get("/api/areas/", {"kind": "municipality", "page_size": 40}).json()
    last = client.get("/api/areas/", {"kind": "municipality", "page_size": 40, "page": 3}).json()

    assert first["count"] == 98 and len(first["results"]) == 40
    assert first["previous"] is None and "page=2" in first["next"]
    assert len(last["results"]) == 18 and last["next"] is None and "page=2" in last["previous"]


def test_page_size_is_capped(client, reference_data):
    assert client.get("/api/areas/", {"page_size": 100000}).json()["page_size"] == 1000


def test_observations_filter_by_indicator_area_and_period_range(client, share_data):
    data = client.get(
        "/api/observations/",
        {"indicator": "mm17-andel-opkvalificering", "area": "randers", "from": "2023M01", "to": "2023M06"},
    ).json()

    assert data["count"] == 6
    assert [r["period"] for r in data["results"]] == [f"2023M0{m}" for m in range(1, 7)]
    assert data["results"][0]["value"] == 3.1


def test_observations_apply_the_small_number_rule(client, reference_data):
    share = Indicator.objects.get(code="mm13-andel-beskaeftigede")
    base = Indicator.objects.get(code="mm13-antal-befolkning")
    randers = [Area.objects.get(slug="randers")]
    periods = monthly_periods(2023, 2023)[:2]
    build_observations(share, randers, periods, lambda a, i: Decimal("50"), provisional_last=0)
    build_observations(base, randers, periods, lambda a, i: Decimal(2 if i == 0 else 300), provisional_last=0)

    results = client.get("/api/observations/", {"indicator": share.code}).json()["results"]

    assert results[0] == results[0] | {"period": "2023M01", "value": None, "hidden": True}
    assert results[1]["value"] == 50.0


@pytest.mark.parametrize(
    "params",
    [
        {"indicator": "nope"},
        {"area": "atlantis"},
        {"from": "2023-01"},
        {"page": "x"},
        {"page": "0"},
        {"page_size": "-1"},
    ],
)
def test_bad_parameters_are_a_400_with_a_message(client, reference_data, params):
    response = client.get("/api/observations/", params)

    assert response.status_code == 400
    assert response.json()["error"]


def test_api_is_read_only(client, reference_data):
    assert client.post("/api/observations/").status_code == 405


def test_the_count_is_counted_once_per_data_version(client, share_data):
    from datetime import timedelta

    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from indicators.models import IngestionRun

    cache.clear()
    client.get("/api/observations/")
    with CaptureQueriesContext(connection) as again:
        second = client.get("/api/observations/", {"page": 2}).json()
    now = timezone.now()
    IngestionRun.objects.create(started_at=now - timedelta(minutes=1), finished_at=now, status="succeeded")
    with CaptureQueriesContext(connection) as after_a_pull:
        client.get("/api/observations/", {"page": 2})

    counts = [[q for q in queries if "COUNT(" in q["sql"].upper()] for queries in (again, after_a_pull)]
    assert second["count"] == 99 * 36 + 2 * 36
    assert counts[0] == [] and len(counts[1]) == 1


def test_walking_the_pages_gives_every_observation_once(client, share_data):
    seen, url, count = [], "/api/observations/?page_size=1000", None
    while url:
        data = client.get(url).json()
        count = data["count"]
        seen += [(r["indicator"], r["area"], r["period"]) for r in data["results"]]
        url = data["next"]

    assert len(seen) == len(set(seen)) == count


def test_page_links_start_with_the_site_url_not_the_host_header(client, reference_data, settings):
    settings.SITE_URL = "https://maaltavlen.example.dk"
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]

    data = client.get("/api/areas/", {"page_size": 10}, HTTP_HOST="localhost:6666").json()

    assert data["next"].startswith("https://maaltavlen.example.dk/api/areas/?")


@pytest.mark.postgres
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"indicator": "mm17-andel-opkvalificering"},
        {"area": "randers", "indicator": "mm17-andel-opkvalificering"},
    ],
)
def test_an_observations_page_is_a_range_of_an_index_not_a_sort_of_every_row(share_data, rf, params):
    from django.conf import settings
    from django.db import connection, transaction

    from goals.api import Names, ObservationFilter
    from goals.api_rows import OBSERVATION_ORDER, _shown_rows

    wanted = ObservationFilter.of(rf.get("/api/observations/", params | {"from": "2023M01"}))
    filters = wanted.filters(Names.read())
    first_page = _shown_rows(settings.SUPPRESSION_MIN_BASE).filter(**filters)[:100]
    # A later page: the rows skipped to reach it, found on the index alone.
    skipped = Observation.objects.filter(**filters).order_by(*OBSERVATION_ORDER).values("pk")[100:200]
    with transaction.atomic(), connection.cursor() as cursor:
        # What the planner would pick on 1M rows; on a few thousand it may rightly prefer to sort.
        cursor.execute("ANALYZE indicators_observation")
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort", "enable_incremental_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        plans = [first_page.explain(), skipped.explain()]

    for plan in plans:
        assert "Sort" not in plan, plan
        outer = plan.split("SubPlan")[0]  # the page's own scan, not the small-number rule's look-up of bases
        assert "using indicators_observation_one_per_period" in outer, plan


def test_a_page_of_observations_takes_two_queries_once_names_and_count_are_kept(
    client, share_data, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0  # every answer built, as with the page cache off
    params = {"indicator": "mm17-andel-opkvalificering", "area": "randers"}
    client.get("/api/observations/", params)

    # The data version (what the names and the count are kept under) and the page itself.
    with django_assert_num_queries(2):
        data = client.get("/api/observations/", params | {"page_size": 10, "page": 2}).json()

    assert data["results"][0] == data["results"][0] | {"indicator": params["indicator"], "area": "randers"}


def test_an_api_page_built_for_the_page_cache_reads_the_data_version_once(
    client, share_data, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 600
    params = {"indicator": "mm17-andel-opkvalificering", "area": "randers"}
    client.get("/api/observations/", params)  # keeps the names and the count

    # An unseen page: the data version (for the page cache and the kept names alike) and the page itself.
    with django_assert_num_queries(2):
        data = client.get("/api/observations/", params | {"page_size": 10, "page": 2}).json()

    assert data["page"] == 2 and len(data["results"]) == 10


def test_areas_added_after_the_names_were_kept_are_named_and_found(client, share_data, settings):
    settings.PAGE_CACHE_SECONDS = 0
    share = Indicator.objects.get(code="mm17-andel-opkvalificering")
    client.get(
        "/api/observations/"
    )  # keeps the names; an area has no history, so no data version sees one added

    def add(slug: str, code: str) -> None:
        area = Area.objects.create(
            slug=slug,
            code=code,
            name=slug.title(),
            kind="municipality",
            region=Area.objects.get(slug="randers").region,
        )
        build_observations(share, [area], monthly_periods(2024, 2024)[:1], lambda a, i: Decimal(7))

    add("atlantis", "998")
    last_page = client.get(
        "/api/observations/", {"indicator": share.code, "page_size": 1000, "page": 4}
    ).json()
    add("lemuria", "999")
    by_filter = client.get("/api/observations/", {"area": "lemuria"}).json()

    assert "atlantis" in {r["area"] for r in last_page["results"]}
    assert [r["area"] for r in by_filter["results"]] == ["lemuria"]


def test_an_observation_is_given_with_every_documented_field_and_type(client, share_data):
    from datetime import UTC, datetime

    randers = Area.objects.get(slug="randers")
    rows = Observation.objects.filter(indicator=share_data, area=randers)
    rows.filter(period="2024M11").update(fetched_at=datetime(2025, 3, 4, 5, 6, 7, 890, tzinfo=UTC))
    params = {"indicator": share_data.code, "area": "randers", "from": "2024M10"}

    results = client.get("/api/observations/", params).json()["results"]

    common = {"indicator": share_data.code, "area": "randers", "breakdown": "", "hidden": False}
    assert results == [
        common
        | {
            "period": "2024M10",
            "value": 4.15,
            "provisional": False,
            "fetched_at": "2025-01-10T06:00:00+00:00",
        },
        common
        | {
            "period": "2024M11",
            "value": 4.2,
            "provisional": True,
            "fetched_at": "2025-03-04T05:06:07.000890+00:00",
        },
        common
        | {
            "period": "2024M12",
            "value": 4.25,
            "provisional": True,
            "fetched_at": "2025-01-10T06:00:00+00:00",
        },
    ]


def test_first_pages_of_different_filters_each_hold_their_own_rows(client, share_data):
    count = Indicator.objects.get(code="mm17-antal-opkvalificering")
    wanted = [
        {"indicator": share_data.code, "area": "randers", "from": "2024M01", "to": "2024M03"},
        {"indicator": count.code, "area": "country-hele-landet", "from": "2023M05", "to": "2023M06"},
        {"indicator": count.code, "area": "randers", "from": "2022M02", "to": "2022M02"},
        {"indicator": share_data.code, "area": "aarhus", "from": "2022M12", "to": "2023M01"},
    ]

    for params in wanted:
        results = client.get("/api/observations/", params).json()["results"]
        expected = Observation.objects.filter(
            indicator__code=params["indicator"],
            area__slug=params["area"],
            period__gte=params["from"],
            period__lte=params["to"],
        ).order_by("period")
        assert [(r["indicator"], r["area"], r["period"]) for r in results] == [
            (params["indicator"], params["area"], period)
            for period in expected.values_list("period", flat=True)
        ], params


def test_observations_filter_by_breakdown(client, share_data):
    randers = Area.objects.get(slug="randers")
    women = Observation.objects.filter(indicator=share_data, area=randers, period__startswith="2024").first()
    women.pk, women.breakdown, women.value = None, "køn:kvinder", Decimal("7.25")
    women.save()

    data = client.get("/api/observations/", {"breakdown": "køn:kvinder"}).json()

    assert data["count"] == 1
    assert [(r["area"], r["breakdown"], r["value"]) for r in data["results"]] == [
        ("randers", "køn:kvinder", 7.25)
    ]


def _watch_shared_cache(monkeypatch) -> list[str]:
    """The names of the shared cache's methods the API calls from now on, in order."""
    from django.core.cache import cache

    from goals import api

    asked: list[str] = []

    class Watched:
        def __getattr__(self, name):
            asked.append(name)
            return getattr(cache, name)

    monkeypatch.setattr(api, "cache", Watched())
    return asked


def test_a_page_reads_the_kept_names_and_count_without_asking_the_shared_cache_again(
    client, share_data, settings, monkeypatch
):
    settings.PAGE_CACHE_SECONDS = 0
    params = {"indicator": share_data.code, "area": "randers"}
    client.get("/api/observations/", params)  # keeps the names and the count
    asked = _watch_shared_cache(monkeypatch)
    data = client.get("/api/observations/", params | {"page": 2, "page_size": 10}).json()

    assert data["count"] == 36 and len(data["results"]) == 10
    assert asked == []


def test_a_process_keeps_its_copy_of_the_names_and_count_for_a_minute(
    client, share_data, settings, monkeypatch
):
    import time
    from types import SimpleNamespace

    from django.core.cache.backends import locmem

    settings.PAGE_CACHE_SECONDS = 0
    params = {"indicator": share_data.code, "area": "randers"}
    client.get("/api/observations/", params)  # keeps the names and the count, here and in the shared cache
    asked = _watch_shared_cache(monkeypatch)

    def shared_cache_asked_after(seconds: int) -> list[str]:
        monkeypatch.setattr(locmem, "time", SimpleNamespace(time=lambda: time.time() + seconds))
        asked.clear()
        assert client.get("/api/observations/", params | {"page": 2, "page_size": 10}).json()["count"] == 36
        return list(asked)

    assert shared_cache_asked_after(59) == []
    assert shared_cache_asked_after(61) == ["get_many"]
