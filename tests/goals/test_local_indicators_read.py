"""Local indicators on the read side: status page, drafts for the municipality's own users only, files, embeds, API."""

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from goals.models import ChiefAssignment, Goal, PlanGoal, Target
from indicators.models import Indicator
from municipalities.models import Area
from tests.goals.local_data import approved, draft, local_indicator

DRAFT_VALUE = "99.5"
DRAFT_COUNT = "987"
URL = "/kommune/randers/"


def figure(body: str, chart_id: str) -> dict:
    match = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', body, re.S)
    return json.loads(match.group(1))


def section(body: str, number: int) -> str:
    start = body.index(f'id="goal-{number}"')
    end = body.find(f'id="goal-{number + 1}"', start)
    return body[start : end if end > 0 else len(body)]


@pytest.fixture
def randers_approver(randers):
    """Randers' second plan keeper, who approves what the chief enters."""
    user = get_user_model().objects.create_user(
        "leder-lone", "lone@example.invalid", "pw-lone-123", first_name="Lone", last_name="Leder"
    )
    ChiefAssignment.objects.create(user=user, municipality=randers)
    return user


@pytest.fixture
def aarhus_chief(reference_data):
    """Aarhus' plan keeper: no business with Randers' drafts."""
    user = get_user_model().objects.create_user("chief-aage", "aage@example.invalid", "pw-aage-123")
    ChiefAssignment.objects.create(user=user, municipality=Area.objects.get(slug="aarhus"))
    return user


@pytest.fixture
def randers_local(demo_plans, randers, randers_chief, randers_approver):
    """Randers' goal-1 satisfaction share (yearly) and goal-4 count (quarterly): targets, approved values, drafts."""
    people = {"entered_by": randers_chief, "approved_by": randers_approver}
    satisfaction = local_indicator(
        "randers-tilfredshed",
        municipality=randers,
        serves_goals=[1],
        name="Borgertilfredshed i jobcentret",
        definition="Borgertilfredshedsmåling, andel meget/overvejende tilfredse.",
    )
    for period, value in (("2021", "61"), ("2022", "64"), ("2023", "68")):
        approved(satisfaction, randers, period, value, **people)
    draft(satisfaction, randers, "2024", DRAFT_VALUE, entered_by=randers_chief)
    disability = local_indicator(
        "randers-handicap-job",
        municipality=randers,
        serves_goals=[4],
        name="Personer med handicap i ordinære job via jobcentret",
        unit=Indicator.Unit.COUNT,
        period_type="Q",
    )
    for index, period in enumerate(["2023Q01", "2023Q02", "2023Q03", "2023Q04", "2024Q01", "2024Q02"]):
        approved(disability, randers, period, 40 + 3 * index, **people)
    draft(disability, randers, "2024Q03", DRAFT_COUNT, entered_by=randers_chief)
    plan_goals = {
        pg.goal.number: pg
        for pg in PlanGoal.objects.filter(plan__municipality=randers, plan__goal_set__year=2024)
    }
    Target.objects.create(
        plan_goal=plan_goals[1],
        indicator=satisfaction,
        baseline_period="2022",
        baseline_value=Decimal("64"),
        target_period="2024",
        target_value=Decimal("75"),
        direction="up",
    )
    Target.objects.create(
        plan_goal=plan_goals[4],
        indicator=disability,
        baseline_period="2023Q02",
        baseline_value=Decimal("43"),
        target_period="2024Q04",
        target_value=Decimal("60"),
        direction="up",
    )
    return satisfaction, disability


def test_randers_page_shows_goals_1_and_4_with_chart_target_and_status_from_approved_values(
    client, randers_local
):
    body = client.get(URL, {"aar": "2024"}).content.decode()

    for number, code in ((1, "randers-tilfredshed"), (4, "randers-handicap-job")):
        goal = section(body, number)
        chart_id = f"chart-{number}-{code}"
        names = [trace["name"] for trace in figure(goal, chart_id)["data"]]
        assert "Randers" in names and "Mål" in names and "Basis" in names
        assert "Lokal indikator — indtastet af kommunen" in goal
        assert "Intet måltal" not in goal
        assert "På rette spor" in goal or "Ikke på rette spor" in goal
    goal1 = section(body, 1)
    assert "Borgertilfredshedsmåling, andel meget/overvejende tilfredse." in goal1
    assert "68,0\xa0% i 2023" in goal1  # the newest approved value
    description = re.search(r'id="chart-1-randers-tilfredshed-description">(.*?)</p>', goal1, re.S).group(1)
    assert "Borgertilfredshed i jobcentret" in description
    summary = body[body.index('id="summary"') : body.index('id="goal-1"')]
    assert summary.count("Intet måltal") < 2  # goals 1 and 4 now have a status


def test_the_source_line_names_the_municipality_and_freshness_is_the_last_approval(client, randers_local):
    body = client.get(URL, {"aar": "2024"}).content.decode()
    goal1 = section(body, 1)

    source = figure(goal1, "chart-1-randers-tilfredshed")["layout"]["annotations"][0]["text"]
    assert source.startswith("Kilde: Randers Kommunes egne tal og beskæftigelsesplan")
    assert "godkendt" in source and "Jobindsats" not in source
    assert "Senest godkendt" in goal1
    assert "Måltavlen henter nye tal hver dag" not in goal1


def test_who_entered_and_who_approved_each_value_is_shown(client, randers_local):
    goal1 = section(client.get(URL, {"aar": "2024"}).content.decode(), 1)

    assert "Hvem indtastede og godkendte tallene" in goal1
    assert "chief-rikke" in goal1 and "Lone Leder" in goal1
    assert re.search(r"Indtastet af chief-rikke .*; godkendt af Lone Leder ", goal1)


def drafts_shown(body: str) -> bool:
    # The draft values as a table cell or a chart value (987 alone could be anything on a page).
    return (
        "Kladde – afventer godkendelse" in body
        or "99,5" in body
        or bool(re.search(r"[>\[ ]987(\.0)?[<\],]", body))
    )


def test_drafts_are_invisible_to_anonymous_visitors(client, randers_local):
    body = client.get(URL, {"aar": "2024"}).content.decode()

    assert not drafts_shown(body)
    ys = figure(section(body, 1), "chart-1-randers-tilfredshed")["data"]
    assert all(99.5 not in (trace["y"] or []) for trace in ys)


@pytest.mark.parametrize("who", ["keeper", "approver", "chair", "admin"])
def test_the_municipalitys_own_users_see_drafts_marked(
    client, randers_local, randers, randers_chief, randers_approver, admin_user, who
):
    if who == "chair":
        user = get_user_model().objects.create_user("chair-cille", "cille@example.invalid", "pw-cille-123")
        ChiefAssignment.objects.create(user=user, municipality=randers, role=ChiefAssignment.Role.CHAIR)
    else:
        user = {"keeper": randers_chief, "approver": randers_approver, "admin": admin_user}[who]
    client.force_login(user)

    body = client.get(URL, {"aar": "2024"}).content.decode()

    goal1, goal4 = section(body, 1), section(body, 4)
    drafts = {t["name"]: t for t in figure(goal1, "chart-1-randers-tilfredshed")["data"]}
    marker = drafts["Kladde – afventer godkendelse"]
    assert marker["y"] == [99.5] and marker["mode"] == "markers"
    assert marker["marker"]["symbol"] != drafts["Randers"]["marker"]["symbol"]
    assert "1 værdi er en kladde og afventer godkendelse." in goal1
    assert '<th scope="col">Kladde – afventer godkendelse</th>' in goal1  # its own column in the data table
    assert "99,5" in goal1
    assert "987" in goal4
    # The status is decided on approved values only: the draft 99,5 % would have met the 75 % target.
    assert "Borgertilfredshed i jobcentret" in goal1 and "Seneste værdi" in goal1
    assert "68,0\xa0% i 2023" in goal1


def test_other_municipalities_users_and_strangers_see_no_drafts(
    client, randers_local, aarhus_chief, stranger
):
    for user in (aarhus_chief, stranger):
        client.force_login(user)
        assert not drafts_shown(client.get(URL, {"aar": "2024"}).content.decode())


def test_files_and_embeds_hold_approved_values_only_even_for_the_keeper(client, randers_local, randers_chief):
    client.force_login(randers_chief)

    csv_body = client.get(f"{URL}randers-tilfredshed.csv", {"aar": "2024"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_body), delimiter=";"))
    assert any(cell == "68" for row in rows for cell in row)
    assert not any("99,5" in cell or "Kladde" in cell for row in rows for cell in row)
    assert "Median" not in csv_body  # a municipality's own measure is drawn for the municipality alone
    xlsx = client.get(f"{URL}randers-handicap-job.xlsx", {"aar": "2024"})
    assert xlsx.status_code == 200 and b"987" not in xlsx.content
    embed = client.get("/embed/kommune/randers/randers-tilfredshed/", {"aar": "2024"}).content.decode()
    assert "Borgertilfredshed i jobcentret" in embed and not drafts_shown(embed)


def test_the_api_marks_local_indicators_and_holds_approved_values_only(client, randers_local, randers_chief):
    client.force_login(randers_chief)

    indicators = {r["code"]: r for r in client.get("/api/indicators/").json()["results"]}
    observations = client.get(
        "/api/observations/", {"indicator": "randers-tilfredshed", "area": "randers"}
    ).json()["results"]

    assert indicators["randers-tilfredshed"]["source"] == "local"
    assert indicators["randers-tilfredshed"]["municipality"] == "randers"
    assert indicators["mm17-andel-opkvalificering"]["municipality"] is None
    assert [(o["period"], o["value"]) for o in observations] == [
        ("2021", 61.0),
        ("2022", 64.0),
        ("2023", 68.0),
    ]


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def test_a_page_with_drafts_is_never_cached_for_others(client, randers_local, randers_chief, page_cache):
    keeper = client.__class__()
    keeper.force_login(randers_chief)

    with_drafts = keeper.get(URL, {"aar": "2024"})
    anonymous = client.get(URL, {"aar": "2024"})
    again = keeper.get(URL, {"aar": "2024"})

    assert drafts_shown(with_drafts.content.decode()) and "no-store" in with_drafts["Cache-Control"]
    assert not drafts_shown(anonymous.content.decode())
    assert drafts_shown(again.content.decode())  # not the anonymous visitor's cached page either


def build_local_world(randers, people, *, indicators: int) -> None:
    """Several local indicators for Randers with approved values and drafts, over goals 1 and 4."""
    for n in range(indicators):
        indicator = local_indicator(
            f"randers-lokal-{n}", municipality=randers, serves_goals=[1 + 3 * (n % 2)]
        )
        for year in (2022, 2023):
            approved(indicator, randers, str(year), 50 + n, **people)
        draft(indicator, randers, "2024", 60 + n, entered_by=people["entered_by"])


@pytest.mark.parametrize("indicators", [0, 4])
@pytest.mark.parametrize("keeper", [False, True])
def test_status_page_query_count_is_the_same_with_local_indicators(
    client,
    demo_plans,
    randers,
    randers_chief,
    randers_approver,
    django_assert_num_queries,
    indicators,
    keeper,
):
    from tests.goals.test_status_page import STATUS_PAGE_QUERIES

    people = {"entered_by": randers_chief, "approved_by": randers_approver}
    build_local_world(randers, people, indicators=indicators)
    shared = local_indicator("delt-lokal", serves_goals=[1])
    if indicators:
        approved(shared, randers, "2023", "12", **people)
    if keeper:
        client.force_login(randers_chief)
    # A signed-in user costs the session, the user, and their roles (may they read drafts, edit the plan).
    extra = 4 if keeper else 0

    with django_assert_num_queries(STATUS_PAGE_QUERIES + extra):
        body = client.get(URL, {"aar": "2024"}).content.decode()

    assert body.count('class="chart" role="figure"') == indicators + (1 if indicators else 0)
    assert ("delt-lokal" in body) == bool(indicators)


def test_a_shared_indicator_shows_where_the_municipality_reports_it(
    client, randers_local, randers, randers_chief, randers_approver
):
    shared = local_indicator("kl-vaerdighed", serves_goals=[1], name="KL's værdighedsmåling")
    aarhus = Area.objects.get(slug="aarhus")
    approved(shared, randers, "2023", "71", entered_by=randers_chief, approved_by=randers_approver)

    randers_page = section(client.get(URL, {"aar": "2024"}).content.decode(), 1)
    aarhus_page = section(client.get("/kommune/aarhus/", {"aar": "2024"}).content.decode(), 1)

    assert "KL&#x27;s værdighedsmåling" in randers_page or "KL's værdighedsmåling" in randers_page
    assert "Fælles indikator" in randers_page and "/sammenlign/kl-vaerdighed/" in randers_page
    assert "værdighedsmåling" not in aarhus_page
    assert aarhus.slug == "aarhus"


def test_another_municipalitys_local_indicator_is_not_on_its_page(client, randers_local):
    body = client.get("/kommune/aarhus/", {"aar": "2024"}).content.decode()

    assert "randers-tilfredshed" not in body and "Borgertilfredshed i jobcentret" not in body
    assert Goal.objects.filter(goal_set__year=2024, number=1).exists()


@pytest.fixture
def shared_reported(reference_data, randers_chief, randers_approver):
    """A shared indicator four municipalities report for 2023 (the others report nothing)."""
    shared = local_indicator("kl-vaerdighed", serves_goals=[1], name="Værdighed i sagsbehandlingen")
    people = {"entered_by": randers_chief, "approved_by": randers_approver}
    for slug, value in (("randers", "71"), ("aarhus", "64"), ("odense", "58"), ("koebenhavn", "80")):
        approved(shared, Area.objects.get(slug=slug), "2023", value, **people)
    draft(shared, Area.objects.get(slug="aalborg"), "2023", "99", entered_by=randers_chief)
    return shared


def test_the_comparison_of_a_shared_indicator_counts_only_reporting_municipalities(client, shared_reported):
    body = client.get("/sammenlign/kl-vaerdighed/", {"kommune": "randers"}).content.decode()

    total = Area.objects.municipalities().count()
    assert f"4 af {total} kommuner indberetter denne indikator i 2023." in body
    bars = figure(body, "chart-comparison")["data"]
    named = sorted(name for trace in bars if trace["type"] == "bar" for name in trace["x"])
    assert named == ["Aarhus", "København", "Odense", "Randers"]  # not Aalborg's draft, not the 94 others
    assert "4 kommuner med tal i 2023" in body
    thirds = re.findall(r"<li>([^<]*tredjedel[^<]*): (\d+)</li>", body)
    assert sum(int(n) for _name, n in thirds) == 4
    source = figure(body, "chart-comparison")["layout"]["annotations"][0]["text"]
    assert "kommunernes egne indberetninger" in source and "Jobindsats" not in source


def test_a_municipalitys_own_indicator_has_no_comparison_and_is_not_linked(client, randers_local):
    page = client.get("/sammenlign/randers-tilfredshed/")
    embed = client.get("/embed/sammenlign/randers-tilfredshed/")
    export = client.get("/sammenlign/randers-tilfredshed/fordeling.csv")
    home = client.get("/").content.decode()
    status = client.get(URL, {"aar": "2024"}).content.decode()

    assert page.status_code == 404
    assert "kun Randers Kommune indberetter" in page.content.decode()
    assert embed.status_code == 404 and export.status_code == 404
    assert "/sammenlign/randers-tilfredshed/" not in home + status


def test_the_local_marking_and_the_drafts_are_in_english_on_the_english_page(
    client, randers_local, randers_chief
):
    client.force_login(randers_chief)

    body = client.get("/en" + URL, {"aar": "2024"}).content.decode()

    assert "Local indicator — entered by the municipality" in body
    assert "1 value is a draft awaiting approval." in body
    assert "Draft – awaiting approval" in body
    assert "Randers Municipality&#x27;s own figures" in body or "Randers Municipality's own figures" in body


def test_the_worker_rebuilds_shared_comparisons_but_not_a_municipalitys_own(randers_local, shared_reported):
    from goals.page_rebuild import default_paths

    paths = default_paths()

    assert "/sammenlign/kl-vaerdighed/" in paths
    assert not any("randers-tilfredshed" in path and "sammenlign" in path for path in paths)


def test_a_shared_indicator_nobody_has_approved_yet_says_so(client, reference_data):
    local_indicator("kl-ny", serves_goals=[4], name="Ny fælles måling")

    body = client.get("/sammenlign/kl-ny/").content.decode()

    assert "Ingen kommuner har endnu godkendte tal for denne indikator." in body
    assert "Måltavlen henter nye tal hver dag" not in body
