"""The jobcenter chief's status page: per goal the plan, charts, status, description, table and freshness."""

import io
import json
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from indicators.models import Indicator
from municipalities.models import Area
from tests.goals.conftest import build_observations, monthly_periods, share_value


def figure(body: str, chart_id: str) -> dict:
    match = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', body, re.S)
    return json.loads(match.group(1))


def test_status_page_shows_each_goal_with_a_badge_chart_status_and_description(client, share_data):
    body = client.get("/kommune/randers/", {"aar": "2023"}).content.decode()

    assert body.count('class="badge badge-') >= 5  # the summary strip: one badge per goal
    chart_id = "chart-2-mm17-andel-opkvalificering"
    assert f'id="{chart_id}" class="chart" role="figure"' in body
    assert f'aria-describedby="{chart_id}-description"' in body
    description = re.search(rf'id="{chart_id}-description">(.*?)</p>', body, re.S).group(1)
    assert description.startswith(
        "Andel ydelsesmodtagere, der har påbegyndt et opkvalificeringsforløb steg fra"
    )
    assert "Fra basis 4,1\xa0% i december 2022" in body  # the status rule in plain words
    assert "Ikke på rette spor" in body
    assert "<details" in body and "Tallene bag diagrammet" in body


def test_chart_shows_municipality_rar_group_country_target_and_baseline(client, share_data):
    body = client.get("/kommune/randers/", {"aar": "2023"}).content.decode()

    names = [trace["name"] for trace in figure(body, "chart-2-mm17-andel-opkvalificering")["data"]]

    assert "Randers" in names
    assert "Median for kommunerne i RAR Østjylland" in names
    assert "Hele landet" in names
    assert "Mål" in names and "Basis" in names


def test_chart_uses_the_rar_areas_own_figure_when_jobindsats_has_it(client, share_data):
    rar = Area.objects.get(kind=Area.Kind.RAR, name="Østjylland")
    build_observations(share_data, [rar], monthly_periods(2022, 2024), lambda area, i: Decimal("3.33"))

    body = client.get("/kommune/randers/", {"aar": "2023"}).content.decode()

    traces = {t["name"]: t for t in figure(body, "chart-2-mm17-andel-opkvalificering")["data"]}
    assert "Median for kommunerne i RAR Østjylland" not in traces
    assert set(traces["RAR Østjylland"]["y"]) == {3.33}


def test_provisional_months_are_dashed_and_explained(client, share_data):
    body = client.get("/kommune/randers/", {"aar": "2024"}).content.decode()

    names = [t["name"] for t in figure(body, "chart-2-mm17-andel-opkvalificering")["data"]]
    assert "Randers, foreløbige tal" in names
    assert "De nyeste måneder er foreløbige" in body


def test_goals_without_a_jobindsats_indicator_say_so(client, share_data):
    body = client.get("/kommune/randers/", {"aar": "2023"}).content.decode()

    goal1 = body[body.index('id="goal-1"') : body.index('id="goal-2"')]
    goal4 = body[body.index('id="goal-4"') : body.index('id="goal-5"')]
    assert "Jobindsats har ingen indikator for dette mål" in goal1
    assert "Jobindsats har ingen indikator for dette mål" in goal4


def test_rar_level_goal_says_it_shows_the_rar_area(client, share_data):
    body = client.get("/kommune/randers/", {"aar": "2023"}).content.decode()

    goal5 = body[body.index('id="goal-5"') :]
    assert "Tallene er for RAR-området Østjylland" in goal5


def test_indicator_without_data_says_so_and_when_the_next_pull_is(client, demo_plans):
    body = client.get("/kommune/randers/", {"aar": "2023"}).content.decode()

    assert "Der er endnu ingen tal for denne indikator i perioden" in body
    assert "næste hentning er" in body
    assert "kl. 06:30" in body or "06:30" in body


def test_municipality_without_a_plan_or_data_still_renders(client, reference_data):
    response = client.get("/kommune/ishoej/")

    assert response.status_code == 200
    assert "ingen beskæftigelsesplan" in response.content.decode()


def test_values_with_too_small_a_base_are_not_shown(client, demo_plans, settings):
    settings.SUPPRESSION_MIN_BASE = 5
    share = Indicator.objects.get(code="mm13-andel-beskaeftigede")
    base = Indicator.objects.get(code="mm13-antal-befolkning")
    randers = [Area.objects.get(slug="randers")]
    periods = monthly_periods(2022, 2023)
    build_observations(share, randers, periods, lambda a, i: Decimal("99.5") if i == 5 else Decimal("42.0"))
    build_observations(base, randers, periods, lambda a, i: Decimal(3) if i == 5 else Decimal(400))

    body = client.get("/kommune/randers/", {"aar": "2023"}).content.decode()

    assert "99,5" not in body
    assert "1 værdi vises ikke" in body
    assert "færre end 5 personer" in body


def test_freshness_shows_our_copy_and_the_table_dates(client, share_data):
    body = client.get("/kommune/randers/", {"aar": "2023"}).content.decode()

    assert "Måltavlens kopi er fra 10. januar 2025" in body


@pytest.mark.parametrize("size", ["small", "large"])
def test_status_page_query_count_does_not_grow_with_the_data(
    client, demo_plans, django_assert_num_queries, size
):
    share = Indicator.objects.get(code="mm17-andel-opkvalificering")
    areas = list(Area.objects.filter(kind__in=["municipality", "country"]))
    if size == "small":
        areas = [a for a in areas if a.slug in {"randers", "aarhus"} or a.kind == "country"]
        periods = monthly_periods(2023, 2023)
    else:
        periods = monthly_periods(2020, 2024)
    build_observations(share, areas, periods, share_value)

    with django_assert_num_queries(STATUS_PAGE_QUERIES):
        client.get("/kommune/randers/", {"aar": "2023"})


# area, goal sets, plan + plan goals + targets, goals + indicators, RAR memberships, country, observations,
# when they were fetched, the 98 names of the municipality switch, the data-origin banner's query,
# and the next daily pull from the database schedule; the municipality's local indicators, and who entered and
# approved their values (with its drafts for its own users).
STATUS_PAGE_QUERIES = 16


@pytest.mark.parametrize(
    "path",
    [
        "/kommune/randers/?aar=abc",
        "/kommune/randers/?aar=2023%00",
        "/kommune/randers/?aar=" + "9" * 400,
        "/kommune/randers/?aar=-1&aar=2023",
        "/en/kommune/randers/?aar=%27%3B",
        "/kommune/randers/mm17-andel-opkvalificering.csv?aar=x",
        "/embed/kommune/randers/mm17-andel-opkvalificering/?aar=1800",
        "/api/observations/?from=2023M13",
        "/api/observations/?page_size=abc",
        "/api/areas/?kind=planet",
    ],
)
def test_garbage_parameters_never_give_a_500(client, share_data, path):
    assert client.get(path).status_code in {200, 400}


def test_unknown_year_is_named_and_the_default_year_shown(client, share_data):
    body = client.get("/kommune/randers/", {"aar": "abc"}).content.decode()

    assert "Året abc findes ikke; viser 2024." in body
    assert '<option value="2024" selected>' in body


def test_rar_level_goal_draws_the_rar_area_and_the_country_from_half_year_data(client, demo_plans):
    indicator = Indicator.objects.get(code="forgaeves-rekrutteringer-andel")
    areas = list(Area.objects.filter(kind__in=["rar", "country"]))
    periods = [("2023H1", date(2023, 1, 1)), ("2023H2", date(2023, 7, 1)), ("2024H1", date(2024, 1, 1))]
    build_observations(indicator, areas, periods, lambda a, i: Decimal(30 - i), provisional_last=0)

    body = client.get("/kommune/randers/", {"aar": "2024"}).content.decode()

    names = [t["name"] for t in figure(body, "chart-5-forgaeves-rekrutteringer-andel")["data"]]
    assert names == ["Østjylland", "Hele landet"]
    assert "faldt fra 30,0\xa0% i 1. halvår 2023 til 28,0\xa0% i 1. halvår 2024" in body


def test_goal_without_a_jobindsats_indicator_shows_local_targets_and_local_indicators(client, demo_plans):
    from goals.models import PlanGoal, Target

    plan_goal = PlanGoal.objects.get(
        plan__municipality__slug="randers", plan__goal_set__year=2024, goal__number=4
    )
    local = Indicator.objects.create(
        code="randers-handicap-job",
        name="Personer med handicap i job (Randers' egen opgørelse)",
        source="local",
        unit="count",
    )
    Target.objects.create(
        plan_goal=plan_goal,
        baseline_period="2023M12",
        baseline_value=Decimal("5.5"),
        target_period="2024M12",
        target_value=Decimal(60),
        narrative="60 flere i fleksjob",
    )
    Target.objects.create(
        plan_goal=plan_goal,
        indicator=local,
        target_period="2024M12",
        target_value=Decimal(120),
        direction="up",
    )

    body = client.get("/kommune/randers/", {"aar": "2024"}).content.decode()

    goal4 = body[body.index('id="goal-4"') : body.index('id="goal-5"')]
    assert "Jobindsats har ingen indikator for dette mål" in goal4
    assert "60 flere i fleksjob" in goal4
    assert "<td>5,5 i december 2023</td>" in goal4 and "<td>60 i december 2024</td>" in goal4
    assert "Personer med handicap i job (Randers&#x27; egen opgørelse)" in goal4
    assert 'id="chart-4-randers-handicap-job-panel"' in goal4


def test_english_status_chart_names_the_country_in_english(client, share_data):
    body = client.get("/en/kommune/randers/", {"aar": "2024"}).content.decode()

    assert "Hele landet" not in body.split("<main", 1)[1]
    names = [trace["name"] for trace in figure(body, "chart-2-mm17-andel-opkvalificering")["data"]]
    assert "The whole country" in names


def test_a_panel_whose_figures_are_all_hidden_says_so_instead_of_no_figures_yet(client, demo_plans):
    share = Indicator.objects.get(code="mm17-andel-opkvalificering")
    areas = [Area.objects.get(slug="laesoe"), Area.objects.country()]
    build_observations(
        share,
        areas,
        monthly_periods(2023, 2024),
        lambda a, i: None if a.slug == "laesoe" else share_value(a, i),
    )

    body = client.get("/kommune/laesoe/", {"aar": "2024"}).content.decode()

    panel = body.split('id="chart-2-mm17-andel-opkvalificering-panel"', 1)[1].split("</article>", 1)[0]
    assert "Alle tal for perioden er skjult" in panel
    assert "skjult efter reglen for små tal" in panel  # the chart's description, too
    assert "Der er endnu ingen tal" not in panel


def test_half_year_chart_is_labelled_and_explained_in_words_with_the_unit(client, demo_plans):
    indicator = Indicator.objects.get(code="forgaeves-rekrutteringer-andel")
    areas = list(Area.objects.filter(kind__in=["rar", "country"]))
    periods = [("2023H1", date(2023, 1, 1)), ("2023H2", date(2023, 7, 1)), ("2024H1", date(2024, 1, 1))]
    build_observations(indicator, areas, periods, lambda a, i: Decimal(30 - i), provisional_last=0)

    body = client.get("/kommune/randers/", {"aar": "2024"}).content.decode()

    chart = figure(body, "chart-5-forgaeves-rekrutteringer-andel")
    assert chart["layout"]["xaxis"]["ticktext"] == ["1. halvår 2023", "2. halvår 2023", "1. halvår 2024"]
    line = chart["data"][0]
    assert line["text"][0] == "1. halvår 2023" and line["customdata"][0] == "30,0\xa0%"
    table = body.split('id="chart-5-forgaeves-rekrutteringer-andel-panel"', 1)[1].split("</table>", 1)[0]
    assert '<th scope="row">2. halvår 2023</th>' in table and "2023H2" not in table


def test_status_table_shows_the_target_and_baseline_the_chart_marks(client, share_data):
    body = client.get("/kommune/randers/", {"aar": "2023"}).content.decode()

    panel = body.split('id="chart-2-mm17-andel-opkvalificering-panel"', 1)[1].split("</table>", 1)[0]
    assert '<th scope="col">Basis</th>' in panel and '<th scope="col">Mål</th>' in panel
    row = panel.split('<th scope="row">december 2022</th>', 1)[1].split("</tr>", 1)[0]
    assert "<td>4,1\xa0%</td>" in row
    markers = {t["name"]: t for t in figure(body, "chart-2-mm17-andel-opkvalificering")["data"]}
    assert markers["Basis"]["customdata"] == ["december 2022: 4,1\xa0%"]


def test_chart_source_and_its_download_name_the_newest_period_and_the_fetch_date(client, share_data):
    body = client.get("/kommune/randers/", {"aar": "2023"}).content.decode()
    match = re.search(
        r'<script id="chart-2-mm17-andel-opkvalificering-data" type="application/json">(.*?)</script>',
        body,
        re.S,
    )
    source = json.loads(match.group(1))["layout"]["annotations"][0]["text"]

    assert "tal til og med december 2023, hentet 10. januar 2025" in source
    xlsx = client.get("/kommune/randers/mm17-andel-opkvalificering.xlsx", {"aar": "2023"}).content
    about = openpyxl.load_workbook(io.BytesIO(xlsx))["Om"]
    assert source in [cell.value for cell in about["A"]]
    embed = client.get("/embed/kommune/randers/mm17-andel-opkvalificering/", {"aar": "2023"}).content.decode()
    assert source in embed
