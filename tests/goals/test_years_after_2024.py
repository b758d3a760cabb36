"""After 2024: each municipality's page opens on its newest goals, and says so when it has entered none of its own."""

from datetime import date

import pytest
from django.http import QueryDict

from goals.comparison import comparison_page
from goals.models import GoalSet, Plan
from goals.own_goals import create_own_goal_set
from goals.status import status_page
from indicators.models import Indicator
from municipalities.models import Area
from tests.goals.conftest import build_observations, monthly_periods, share_value
from tests.goals.test_status_page import STATUS_PAGE_QUERIES

LINE = "Ministerens beskæftigelsespolitiske mål sluttede med 2024 (lov nr. 1656 af 30. december 2024)."


@pytest.fixture(autouse=True)
def december_2026(monkeypatch):
    """The pages' "this year" is 2026, whenever the suite runs."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: date(2026, 12, 2))


@pytest.fixture
def randers_own_goals(demo_plans):
    """Randers' own goal sets for 2025 and 2026, seeded as its plan keeper would."""
    randers = Area.objects.get(slug="randers")
    for year in (2025, 2026):
        create_own_goal_set(municipality=randers, year=year)


@pytest.fixture
def share_2024_to_2026(reference_data):
    """MM17 share for every municipality and the country, 2024–2026 (no figures for any regional group itself)."""
    share = Indicator.objects.get(code="mm17-andel-opkvalificering")
    areas = list(Area.objects.filter(kind__in=["municipality", "country"]))
    build_observations(share, areas, monthly_periods(2024, 2026), share_value)
    return share


def _years_offered(body: str) -> list[str]:
    select = body.split('<select id="aar" name="aar">')[1].split("</select>")[0]
    return [part.split('"')[0] for part in select.split('<option value="')[1:]]


def test_randers_page_opens_on_its_newest_own_goals_and_offers_every_year(client, randers_own_goals):
    body = client.get("/kommune/randers/").content.decode()

    assert "Randers Kommune — mål 2026" in body
    assert _years_offered(body) == ["2026", "2025", "2024", "2023", "2022"]
    assert LINE not in body


def test_a_municipality_without_own_goals_opens_on_2024_with_the_line(client, randers_own_goals):
    body = client.get("/kommune/aarhus/").content.decode()

    assert "Aarhus Kommune — mål 2024" in body
    assert _years_offered(body) == ["2024", "2023", "2022"]
    assert LINE in body and "Aarhus Kommune har ikke indtastet egne mål siden." in body
    assert "/kommune/aarhus/maal/ny/" not in body  # the link to create them is for the plan keepers


def test_the_line_links_the_plan_keeper_to_creating_the_goals(client, randers_chief):
    client.force_login(randers_chief)

    body = client.get("/kommune/randers/").content.decode()

    assert LINE in body and 'href="/kommune/randers/maal/ny/"' in body


def test_in_english_the_line_says_the_same(client, reference_data):
    body = client.get("/en/kommune/aarhus/").content.decode()

    assert "The minister's employment-policy goals ended with 2024" in body


def test_another_municipalitys_own_year_is_not_offered_and_falls_back(client, randers_own_goals):
    body = client.get("/kommune/aarhus/", {"aar": "2025"}).content.decode()

    assert "Året 2025 findes ikke; viser 2024." in body and "Aarhus Kommune — mål 2024" in body


def test_the_front_page_explains_the_end_of_the_ministerial_goals_and_links_the_law(client, reference_data):
    body = client.get("/").content.decode()

    assert 'href="https://www.retsinformation.dk/eli/lta/2024/1656"' in body
    assert "Fra 2025 sætter hver kommune sine egne mål" in body


def test_an_embed_and_an_export_of_an_own_year_show_that_years_targets(
    client, randers_own_goals, share_2024_to_2026
):
    csv = client.get("/kommune/randers/mm17-andel-opkvalificering.csv", {"aar": "2026"}).content.decode()
    embed = client.get("/embed/kommune/randers/mm17-andel-opkvalificering/", {"aar": "2026"})

    assert "december 2026" in csv and "december 2025" in csv
    assert embed.status_code == 200 and "?aar=2026" in embed.content.decode()


@pytest.mark.parametrize("size", ["small", "large"])
def test_an_own_years_status_page_has_the_same_query_count(
    client, randers_own_goals, django_assert_num_queries, size
):
    share = Indicator.objects.get(code="mm17-andel-opkvalificering")
    areas = list(Area.objects.filter(kind__in=["municipality", "country"]))
    if size == "small":
        areas = [a for a in areas if a.slug in {"randers", "aarhus"} or a.kind == "country"]
    build_observations(share, areas, monthly_periods(2026 if size == "small" else 2020, 2026), share_value)
    # Adopted, as the standard page's plan is: a draft plan is not read for anonymous visitors at all.
    Plan.objects.filter(municipality__slug="randers", goal_set__year=2026).update(
        status=Plan.Status.ADOPTED, adopted_on=date(2026, 1, 20)
    )

    with django_assert_num_queries(STATUS_PAGE_QUERIES):
        client.get("/kommune/randers/")


def test_periods_from_2025_use_the_regional_council_and_earlier_ones_the_rar_area(
    randers_own_goals, share_2024_to_2026
):
    randers = Area.objects.get(slug="randers")

    page = status_page(municipality=randers, goal_set=GoalSet.objects.applying_in(randers, year=2025))

    panel = next(p for g in page.goals for p in g.panels if p.indicator.code == "mm17-andel-opkvalificering")
    lines = {trace["name"]: trace for trace in panel.figure["data"] if trace.get("name")}
    rar = lines["Median for kommunerne i RAR Østjylland"]
    council = lines["Median for kommunerne i Regionalt beskæftigelsesråd Midtjylland"]
    assert {x[:4] for x in rar["x"]} == {"2024"} and {x[:4] for x in council["x"]} == {"2025"}
    assert page.rar.group_name == "Regionalt beskæftigelsesråd Midtjylland"


def test_the_comparison_group_is_the_rar_area_before_2025_and_the_council_after(share_2024_to_2026):
    before = comparison_page(
        indicator=share_2024_to_2026, params=QueryDict("kommune=randers&periode=2024M06")
    )
    after = comparison_page(indicator=share_2024_to_2026, params=QueryDict("kommune=randers&periode=2026M06"))

    assert (
        before.group_label == "RAR Østjylland"
        and after.group_label == "Regionalt beskæftigelsesråd Midtjylland"
    )
    # Herning is in Region Midtjylland but was in RAR Vestjylland.
    assert "Herning" not in {a.name for a in before.group_members}
    assert "Herning" in {a.name for a in after.group_members}
    assert len(after.group_members) == 18


@pytest.mark.parametrize("period", ["2024M12", "2025M01", "2026M11"])
def test_comparison_pages_work_for_every_period_with_data(client, share_2024_to_2026, period):
    response = client.get(
        "/sammenlign/mm17-andel-opkvalificering/", {"kommune": "randers", "periode": period}
    )

    assert response.status_code == 200
    assert response.context["page"].state.period == period
    names = {name for name, _values in response.context["page"].bar_table.rows}
    assert set(Area.objects.municipalities().values_list("name", flat=True)) <= names
