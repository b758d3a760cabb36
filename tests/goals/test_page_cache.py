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


# --- The shared cache holds the pages people link to, not whatever a query string makes up ----------------------
@pytest.fixture
def stored(monkeypatch):
    """The cache keys of the pages stored for others, in order."""
    from goals import page_cache

    keys = []
    store = page_cache._store

    def recording(key, version, response):
        keys.append(key)
        return store(key, version, response)

    monkeypatch.setattr(page_cache, "_store", recording)
    return keys


@pytest.mark.parametrize(
    "url",
    [
        URL + "?aar=2024",
        "/embed/kommune/randers/mm17-andel-opkvalificering/?aar=2024",
        "/sammenlign/mm17-andel-opkvalificering/?kommune=randers",
        "/embed/sammenlign/mm17-andel-opkvalificering/?kommune=randers",
        "/api/observations/?area=randers",
    ],
)
def test_parameters_no_page_reads_are_served_the_stored_page_and_add_no_entry(
    client, share_data, page_cache, stored, url, django_assert_num_queries
):
    first = client.get(url)

    with django_assert_num_queries(3):  # the data version, once a request: the page is the one stored
        tracked = [client.get(f"{url}&{extra}") for extra in ("ref=1", "ref=2", "utm_source=nyhedsbrev")]

    assert len(stored) == 1
    assert all(response.content == first.content for response in tracked)


def test_another_visitors_parameters_never_reach_the_page(client, share_data, page_cache):
    client.get(URL, {"aar": "2024", "ref": "<sniffed>", "fra": "annonce"})

    again = client.get(URL, {"aar": "2024"}).content.decode()

    assert "sniffed" not in again and "annonce" not in again
    assert 'href="/en/kommune/randers/?aar=2024"' in again  # the language link keeps the page's own query


@pytest.mark.parametrize(
    "url",
    [
        URL + "?aar=1066",
        URL + "?visning=alle-aarhundreder",
        "/embed/kommune/randers/mm17-andel-opkvalificering/?aar=abc",
        "/sammenlign/mm17-andel-opkvalificering/?periode=1999M13",
        "/sammenlign/mm17-andel-opkvalificering/?kommune=atlantis",
        "/embed/sammenlign/mm17-andel-opkvalificering/?gruppe=venner",
        URL + "?aar=%202024",
    ],
)
def test_a_page_that_ignored_part_of_its_address_is_never_stored(client, share_data, page_cache, stored, url):
    first = client.get(url)
    again = client.get(url)

    assert first.status_code == again.status_code == 200
    assert stored == []


@pytest.mark.parametrize(
    "url",
    [
        "/api/observations/?indicator=mm17-andel-opkvalificering&breakdown=made-up",
        "/api/observations/?indicator=mm17-andel-opkvalificering&from=1999M01&to=1999M12",
        "/sammenlign/mm17-andel-opkvalificering/?gruppe=liste&kommuner=aarhus,odense",
        "/embed/sammenlign/mm17-andel-opkvalificering/?gruppe=liste&kommuner=aarhus,randers",
    ],
)
def test_an_address_anyone_can_vary_without_end_is_answered_but_never_stored(
    client, share_data, page_cache, stored, url
):
    # A filter that matches nothing, or a list of the visitor's own choosing: storing each would let anyone fill
    # the shared cache (it is also the broker's Redis in production) by making up addresses.
    first = client.get(url)
    again = client.get(url)

    assert first.status_code == again.status_code == 200 and first.content == again.content
    assert stored == []


def test_a_region_comparison_and_an_api_answer_with_rows_are_still_stored(
    client, share_data, page_cache, stored
):
    client.get("/api/observations/", {"indicator": "mm17-andel-opkvalificering", "area": "randers"})
    client.get("/sammenlign/mm17-andel-opkvalificering/", {"gruppe": "region", "kommune": "randers"})

    assert len(stored) == 2


def test_the_same_choice_in_another_order_or_repeated_is_one_entry(client, share_data, page_cache, stored):
    comparison = "/sammenlign/mm17-andel-opkvalificering/"
    first = client.get(comparison + "?gruppe=region&kommune=randers").content

    reordered = client.get(comparison + "?kommune=randers&gruppe=region").content
    repeated = client.get(
        comparison + "?kommune=aarhus&kommune=randers&gruppe=region"
    ).content  # the last counts

    assert reordered == repeated == first and len(stored) == 1


# --- A page is the same whether it is built from the shared cache's pieces or straight from the database ----------
COMPARISONS = [
    {},
    {"kommune": "randers"},
    {"kommune": "randers", "gruppe": "region"},
    {"kommune": "aarhus", "gruppe": "rar", "periode": "2023M06"},
    {"gruppe": "liste", "kommuner": ["aarhus", "odense", "randers"]},
    {"kommune": "randers", "gruppe": "liste", "kommuner": "aarhus,odense"},
    {"kommune": "odense"},
]


@pytest.mark.parametrize("embed", [False, True])
def test_a_comparison_built_from_kept_pieces_is_the_page_built_from_the_database(
    client, share_data, settings, embed
):
    path = (
        "/embed/sammenlign/mm17-andel-opkvalificering/"
        if embed
        else "/sammenlign/mm17-andel-opkvalificering/"
    )
    settings.PAGE_CACHE_SECONDS = 0
    uncached = [client.get(path, params).content for params in COMPARISONS]
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()

    # Each page after the first is put together partly from the pieces the pages before it kept.
    cached = [client.get(path, params).content for params in COMPARISONS]
    cache.clear()

    assert cached == uncached
    assert all(b"Aarhus" in page for page in cached)


@pytest.mark.postgres
def test_the_data_version_is_read_by_a_statement_planned_once_per_connection(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from goals.page_cache import VERSION_STATEMENT, _version_sql, data_version

    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        planned_each_time = "|".join(str(value) for value in cursor.fetchone())
    with CaptureQueriesContext(connection) as reads:
        first, second = data_version(), data_version()

    assert first == second == planned_each_time
    assert [q["sql"] for q in reads.captured_queries] == [f"EXECUTE {VERSION_STATEMENT}"] * 2


@pytest.mark.postgres
def test_the_data_version_is_read_on_a_new_connection_and_after_a_pull(transactional_db):
    from django.db import connection

    from goals.page_cache import data_version

    before = data_version()
    connection.close()  # as after a database restart or CONN_MAX_AGE: the new session holds no prepared statement
    again = data_version()
    finish_a_pull()

    assert again == before
    assert data_version() != before


# --- A page built on demand is the kept main part in a frame of its own --------------------------------------------
def _refuse_builds(monkeypatch) -> list[str]:
    """Every build of a status or comparison page's figures fails the test; returns the list of attempts."""
    attempts: list[str] = []

    def refuse(*args, **kwargs):
        attempts.append("build")
        raise AssertionError("the page's figures were built again")

    monkeypatch.setattr("goals.views.status_page", refuse)
    monkeypatch.setattr("goals.status_data.status_page", refuse)
    monkeypatch.setattr("goals.comparison_main.fill_comparison", refuse)
    return attempts


ON_DEMAND = [
    (URL + "?aar=1066", URL + "?aar=1067"),
    (
        "/sammenlign/mm17-andel-opkvalificering/?kommune=randers&periode=1999M13",
        "/sammenlign/mm17-andel-opkvalificering/?kommune=randers&periode=1999M14",
    ),
]


@pytest.mark.parametrize(("earlier", "url"), ON_DEMAND)
def test_a_made_up_address_is_answered_from_the_kept_main_part_as_the_database_would(
    client, share_data, settings, monkeypatch, earlier, url
):
    settings.PAGE_CACHE_SECONDS = 0
    uncached = client.get(url).content
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    client.get(earlier)  # another visitor's made-up address: the main part is kept, the page is not stored
    _refuse_builds(monkeypatch)

    on_demand = client.get(url)
    cache.clear()

    assert on_demand.status_code == 200 and on_demand.content == uncached
    assert "findes ikke" in on_demand.content.decode()


def test_a_signed_in_visitor_never_gets_the_main_part_kept_for_anonymous_ones(
    client, share_data, page_cache, randers_chief, committee_chair
):
    anonymous = client.get(URL + "?aar=1066").content.decode()
    client.force_login(randers_chief)
    chief = client.get(URL + "?aar=1066").content.decode()
    client.force_login(committee_chair)
    chair = client.get(URL + "?aar=1066").content.decode()

    assert "Planansvarlig? Log ind" in anonymous and "subscribe-button" not in anonymous
    assert "Rediger planen" in chief and "Planansvarlig? Log ind" not in chief
    assert 'id="subscribe-button"' in chair and "Planansvarlig? Log ind" not in chair


def test_a_comparison_of_an_own_list_is_built_each_time_never_kept(
    client, share_data, page_cache, monkeypatch
):
    from goals import comparison_main

    builds = []
    fill = comparison_main.fill_comparison

    def counting(*args, **kwargs):
        builds.append(1)
        return fill(*args, **kwargs)

    monkeypatch.setattr(comparison_main, "fill_comparison", counting)
    url = "/sammenlign/mm17-andel-opkvalificering/?gruppe=liste&kommuner=aarhus,odense&periode=1999M13"

    pages = [client.get(url).content for _ in range(2)]

    assert len(builds) == 2 and pages[0] == pages[1]


def test_a_page_for_one_visitors_made_up_address_is_compressed_at_the_fastest_level(
    client, share_data, page_cache
):
    import gzip

    made_up = client.get(URL + "?aar=1066", HTTP_ACCEPT_ENCODING="gzip, deflate")
    plain = client.get(URL + "?aar=1066")
    stored = client.get(URL + "?aar=2024", HTTP_ACCEPT_ENCODING="gzip, deflate")

    # The gzip header's XFL byte: 4 for the fastest level; a stored page is compressed at the usual level 6 (0).
    assert made_up["Content-Encoding"] == "gzip" and made_up.content[8] == 4
    assert gzip.decompress(made_up.content) == plain.content
    assert "Accept-Encoding" in made_up["Vary"] and made_up.content[8] != stored.content[8]


@pytest.mark.postgres
def test_the_data_version_reads_runs_and_local_values_by_index_after_years_of_them(randers, admin_user):
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from goals.page_cache import _version_sql
    from indicators.models import IngestionRun, LocalValue
    from tests.goals.local_data import local_indicator

    # A year of daily pulls of 27 indicators, and years of local values: the version is read on every visit.
    now = timezone.now()
    IngestionRun.objects.bulk_create(
        IngestionRun(
            started_at=now - timedelta(hours=n), finished_at=now - timedelta(hours=n), status="succeeded"
        )
        for n in range(10_000)
    )
    indicator = local_indicator("lokal-sagsbehandling", municipality=randers)
    LocalValue.objects.bulk_create(
        LocalValue(
            indicator=indicator,
            area=randers,
            period=str(1000 + n),
            period_start=now.date(),
            value=n,
            status=LocalValue.Status.APPROVED,
            entered_by=admin_user,
            entered_at=now,
            decided_by=admin_user,
            decided_at=now - timedelta(hours=n),
        )
        for n in range(1_000)
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # Statistics as after the tables have filled; the planner is left free to choose a sequential scan.
        cursor.execute("ANALYZE indicators_ingestionrun")
        cursor.execute("ANALYZE indicators_localvalue")
        cursor.execute(f"EXPLAIN {_version_sql()}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Seq Scan" not in plan, plan
    assert "run_finished_idx" in plan and "localvalue_decided_idx" in plan, plan
