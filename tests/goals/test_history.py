"""Every year on one line: the status page's chart of all years, each goal year's target marked and judged."""

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest

from indicators.models import Indicator
from municipalities.models import Area
from tests.goals.conftest import build_observations, monthly_periods
from tests.goals.test_status_page import STATUS_PAGE_QUERIES

SHARE = "mm17-andel-opkvalificering"
CHART = "chart-2-mm17-andel-opkvalificering"
ALL_YEARS = {"aar": "2024", "visning": "alle-aar"}
# Randers' share by year: above its 5,0 % target in 2022 and 2024, below it in 2023.
LEVEL = {2021: "4.0", 2022: "5.5", 2023: "4.5", 2024: "5.5"}


def figure(body: str, chart_id: str = CHART) -> dict:
    match = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', body, re.S)
    return json.loads(match.group(1))


def add_plan(year: int, *, target_period: str | None = None, value: str = "5.0", baseline: str = "4.1"):
    """Randers' plan for `year`, with a target on the MM17 share under goal 2."""
    from goals.models import Goal, Plan, PlanGoal, Target

    randers = Area.objects.get(slug="randers")
    goal = Goal.objects.get(goal_set__year=year, number=2)
    plan, _ = Plan.objects.get_or_create(municipality=randers, goal_set=goal.goal_set)
    plan_goal, _ = PlanGoal.objects.get_or_create(plan=plan, goal=goal)
    Target.objects.update_or_create(
        plan_goal=plan_goal,
        indicator=Indicator.objects.get(code=SHARE),
        defaults={
            "baseline_period": f"{year - 1}M12",
            "baseline_value": Decimal(baseline),
            "target_period": target_period or f"{year}M12",
            "target_value": Decimal(value),
            "direction": "up",
        },
    )


def randers_share(last_year: int = 2024, *, provisional_last: int = 0, level=LEVEL, first_year: int = 2021):
    """The MM17 share for Randers and the country, one level per year."""
    share = Indicator.objects.get(code=SHARE)
    areas = list(Area.objects.filter(slug="randers")) + [Area.objects.country()]
    periods = monthly_periods(first_year, last_year)
    build_observations(
        share,
        areas,
        periods,
        lambda area, i: Decimal(level[periods[i][1].year]),
        provisional_last=provisional_last,
    )


@pytest.fixture
def three_goal_years(demo_plans):
    """Targets of 5,0 % for December 2022, 2023 and 2024; figures from 2021 to 2024."""
    add_plan(2022)
    randers_share()


def test_chart_of_all_years_marks_each_goal_years_target_and_prints_the_verdicts(client, three_goal_years):
    body = client.get("/kommune/randers/", ALL_YEARS).content.decode()

    chart = figure(body)
    targets = next(trace for trace in chart["data"] if trace["name"] == "Mål år for år")
    assert targets["x"] == ["2022-12-01", "2023-12-01", "2024-12-01"]
    assert targets["y"] == [5.0, 5.0, 5.0]
    assert targets["text"] == ["2022: nået", "2023: ikke nået", "2024: nået"]
    baselines = next(trace for trace in chart["data"] if trace["name"] == "Basis")
    assert baselines["x"] == ["2021-12-01", "2022-12-01", "2023-12-01"]
    assert len(chart["layout"]["shapes"]) == 3  # each year's straight line from its baseline to its target
    main = next(trace for trace in chart["data"] if trace["name"] == "Randers")
    assert main["x"][0] == "2021-01-01" and main["x"][-1] == "2024-12-01"  # the whole history, not one year
    verdicts = re.search(rf'id="{CHART}-verdicts">(.*?)</p>', body, re.S).group(1)
    assert "2022: nået · 2023: ikke nået · 2024: nået" in verdicts
    assert f'aria-describedby="{CHART}-description {CHART}-verdicts"' in body


def test_verdicts_are_in_english_on_the_english_page(client, three_goal_years):
    body = client.get("/en/kommune/randers/", ALL_YEARS).content.decode()

    assert "2022: met · 2023: not met · 2024: met" in body
    assert "Every year on one line" in body


def test_chart_of_all_years_shows_the_12_month_average_beside_the_monthly_values(client, three_goal_years):
    body = client.get("/kommune/randers/", ALL_YEARS).content.decode()

    average = next(t for t in figure(body)["data"] if t["name"] == "Randers, gennemsnit af 12 måneder")
    # The first average is October 2021's: the figures start in January, and an average needs ten shown months.
    assert average["x"][0] == "2021-10-01"
    assert average["y"][average["x"].index("2022-12-01")] == 5.5
    assert "Randers, gennemsnit af 12 måneder" in body  # a column of the table under the chart


def test_the_one_year_view_and_the_status_stay_as_they_were(client, three_goal_years):
    one_year = client.get("/kommune/randers/", {"aar": "2024"}).content.decode()
    all_years = client.get("/kommune/randers/", ALL_YEARS).content.decode()

    assert "Målene år for år" not in one_year
    assert not any(t["name"] == "Randers, gennemsnit af 12 måneder" for t in figure(one_year)["data"])
    reason = re.compile(r'<p class="status-reason">(.*?)</p>', re.S)
    assert reason.findall(one_year) == reason.findall(all_years)
    description = re.compile(rf'id="{CHART}-description">(.*?)</p>', re.S)
    assert description.search(one_year).group(1) == description.search(all_years).group(1)


def test_a_goal_year_whose_target_period_is_not_over_says_it_is_running(client, demo_plans):
    randers_share(2024, level={2022: "5.5", 2023: "4.5", 2024: "5.5"}, first_year=2022)
    from indicators.models import Observation

    Observation.objects.filter(period_start__gt=date(2024, 6, 1)).delete()

    body = client.get("/kommune/randers/", ALL_YEARS).content.decode()

    assert "2023: ikke nået · 2024: i gang (på rette spor)" in body


def test_a_yearly_target_is_judged_on_the_years_average_where_december_alone_would_meet_it(
    client, demo_plans
):
    # 2024: eleven months at 4,2 % and a December at 9,0 %; the year's average, 4,6 %, misses the 5,0 % target.
    share = Indicator.objects.get(code=SHARE)
    periods = monthly_periods(2023, 2024)
    areas = list(Area.objects.filter(slug="randers")) + [Area.objects.country()]
    level = ["4.0"] * 12 + ["4.2"] * 11 + ["9.0"]
    build_observations(share, areas, periods, lambda area, i: Decimal(level[i]), provisional_last=0)
    add_plan(2024, target_period="2024", baseline="4.0")
    from goals.models import Target

    Target.objects.filter(target_period="2024").update(baseline_period="2023")

    body = client.get("/kommune/randers/", {"aar": "2024"}).content.decode()
    panel = body[body.index(f'id="{CHART}-panel"') :]
    panel = panel[: panel.index("</article>")]

    assert "Ikke på rette spor" in panel
    assert "Gennemsnit af de 12 måneder i 2024: 4,6\xa0%" in panel
    assert "4,6\xa0% i 2024 (gennemsnit af årets 12 måneder)" in panel
    targets = next(t for t in figure(body)["data"] if t["name"] == "Mål")
    assert targets["x"] == ["2024-12-01"]  # the year's figure lies at its December, where its average ends
    all_years = client.get("/kommune/randers/", ALL_YEARS).content.decode()
    assert "2023: ikke nået · 2024: ikke nået" in all_years

    # The same figures against a target for the month December 2024: December's own value decides.
    Target.objects.filter(target_period="2024").update(
        target_period="2024M12", target_period_start=date(2024, 12, 1), baseline_period="2023M12"
    )
    body = client.get("/kommune/randers/", {"aar": "2024"}).content.decode()
    panel = body[body.index(f'id="{CHART}-panel"') :]
    assert "På rette spor" in panel[: panel.index("</article>")]


def test_an_unknown_view_is_named_and_the_one_year_view_shown(client, three_goal_years):
    body = client.get("/kommune/randers/", {"aar": "2024", "visning": "x<y"}).content.decode()

    assert "Visningen “x&lt;y” findes ikke; viser ét år." in body
    assert "Målene år for år" not in body


def test_export_of_all_years_holds_every_month_and_the_verdicts(client, three_goal_years):
    response = client.get(f"/kommune/randers/{SHARE}.csv", ALL_YEARS)

    assert response["Content-Disposition"] == f'attachment; filename="randers-{SHARE}-2024-alle-aar.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[-2:] == ["Vurdering", "Foreløbige tal"]
    verdicts = {row[1]: row[-2] for row in rows[1:] if row[-2]}
    assert verdicts == {"2022M12": "2022: nået", "2023M12": "2023: ikke nået", "2024M12": "2024: nået"}
    assert rows[1][1] == "2021M01"


def test_embed_of_all_years_prints_the_verdicts_and_links_back_to_the_same_view(client, three_goal_years):
    body = client.get(f"/embed/kommune/randers/{SHARE}/", ALL_YEARS).content.decode()

    assert "2022: nået · 2023: ikke nået · 2024: nået" in body
    assert "?aar=2024&amp;visning=alle-aar#" in body


def test_the_page_links_its_downloads_and_the_other_view_in_the_same_view(client, three_goal_years):
    body = client.get("/kommune/randers/", ALL_YEARS).content.decode()

    assert f"/kommune/randers/{SHARE}.csv?aar=2024&amp;visning=alle-aar" in body
    assert '<input type="hidden" name="visning" value="alle-aar">' in body  # the year picker keeps the view
    assert '<a href="?aar=2024&amp;visning=alle-aar" aria-current="page">' in body


def test_cached_pages_keep_the_one_year_and_the_all_years_views_apart(client, three_goal_years, settings):
    settings.PAGE_CACHE_SECONDS = 600

    client.get("/kommune/randers/", {"aar": "2024"})
    all_years = client.get("/kommune/randers/", ALL_YEARS).content.decode()

    assert "Målene år for år" in all_years


@pytest.mark.parametrize("years", [1, 3])
def test_chart_of_all_years_query_count_does_not_grow_with_the_goal_years(
    client, demo_plans, django_assert_num_queries, years
):
    from goals.models import Target

    randers_share()
    if years == 3:
        add_plan(2022)
    else:
        Target.objects.filter(plan_goal__plan__goal_set__year=2023).delete()

    with django_assert_num_queries(ALL_YEARS_QUERIES):
        client.get("/kommune/randers/", ALL_YEARS)


# The status page's queries (tests/goals/test_status_page.py), and one for every year's targets.
# The status page's queries and one more: every goal year's targets for the municipality's indicators.
ALL_YEARS_QUERIES = STATUS_PAGE_QUERIES + 1
