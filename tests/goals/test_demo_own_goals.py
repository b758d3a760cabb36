"""`make run` gives Randers its own goals for 2025 and 2026; the other demo municipalities have none."""

from datetime import date

import pytest

from goals.demo import load_demo
from goals.demo_own_goals import REWORDED_TITLE
from goals.models import GoalSet, Plan, Target


@pytest.fixture(autouse=True)
def december_2026(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: date(2026, 12, 2))


def test_demo_gives_randers_own_goals_for_2025_and_2026_and_its_page_opens_on_2026(client, reference_data):
    load_demo()
    load_demo()  # a second run changes nothing

    own = list(GoalSet.objects.filter(municipality__isnull=False).order_by("year"))
    assert [(s.municipality.slug, s.year) for s in own] == [("randers", 2025), ("randers", 2026)]
    for goal_set in own:
        assert goal_set.goals.get(number=2).title == REWORDED_TITLE
        assert goal_set.goals.get(number=3).title == GoalSet.objects.get(year=2024).goals.get(number=3).title
        assert Plan.objects.get(goal_set=goal_set).status == Plan.Status.ADOPTED
    codes = {
        year: set(
            Target.objects.filter(
                plan_goal__plan__goal_set__year=year, plan_goal__plan__municipality__slug="randers"
            ).values_list("indicator__code", "target_period")
        )
        for year in (2024, 2026)
    }
    assert {(code, period.replace("2024", "2026")) for code, period in codes[2024]} == codes[2026]

    randers = client.get("/kommune/randers/").content.decode()
    aarhus = client.get("/kommune/aarhus/").content.decode()
    assert "Randers Kommune — mål 2026" in randers and 'id="own-goals-missing"' not in randers
    assert "Aarhus Kommune — mål 2024" in aarhus and 'id="own-goals-missing"' in aarhus
