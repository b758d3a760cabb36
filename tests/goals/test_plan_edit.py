"""The chief of Randers edits Randers' plan; nobody else but an admin may."""

from decimal import Decimal

import pytest

from goals.models import Goal, Plan, PlanGoal, Target
from indicators.models import Indicator

URL = "/kommune/randers/plan/2024/"


def management(prefix: str, total: int, initial: int) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial)}


def new_plan_post(goal_id: int, indicator_id: int) -> dict:
    return {
        "plan-status": "adopted",
        "plan-adopted_on": "2023-12-14",
        "plan-decision_reference": "Byrådet 14. december 2023",
        "texts-goal_2": "Flere i voksenlærlingeforløb.",
        **management("targets", 1, 0),
        "targets-0-goal": str(goal_id),
        "targets-0-indicator": str(indicator_id),
        "targets-0-baseline_period": "2023M12",
        "targets-0-baseline_value": "4,1",
        "targets-0-target_period": "2024M12",
        "targets-0-target_value": "5,2",
        "targets-0-direction": "up",
    }


def test_chief_of_randers_creates_the_plan_with_a_text_and_a_target(client, randers_chief):
    goal = Goal.objects.get(goal_set__year=2024, number=2)
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    client.force_login(randers_chief)

    assert client.get(URL).status_code == 200
    response = client.post(URL, new_plan_post(goal.id, indicator.id))

    assert response.status_code == 302 and response["Location"] == "/kommune/randers/?aar=2024"
    plan = Plan.objects.get(municipality__slug="randers", goal_set__year=2024)
    assert plan.status == "adopted"
    assert PlanGoal.objects.get(plan=plan, goal=goal).text == "Flere i voksenlærlingeforløb."
    target = Target.objects.get(plan_goal__plan=plan)
    assert (target.baseline_value, target.target_value, target.is_percent) == (
        Decimal("4.1"),
        Decimal("5.2"),
        True,
    )
    assert "Rediger planen" in client.get("/kommune/randers/", {"aar": "2024"}).content.decode()


def test_invalid_target_is_not_saved_and_says_why(client, randers_chief):
    goal = Goal.objects.get(goal_set__year=2024, number=2)
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    client.force_login(randers_chief)
    data = new_plan_post(goal.id, indicator.id) | {"targets-0-target_period": "2023M01"}

    response = client.post(URL, data)

    assert response.status_code == 400
    assert "Basisperioden skal ligge før målperioden" in response.content.decode()
    assert not Plan.objects.filter(municipality__slug="randers", goal_set__year=2024).exists()


@pytest.mark.parametrize("url", [URL, "/kommune/aarhus/plan/2024/"])
def test_a_stranger_and_a_committee_chair_get_403(client, stranger, committee_chair, url):
    for user in (stranger, committee_chair):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403


def test_the_chief_of_randers_cannot_edit_aarhus(client, randers_chief):
    client.force_login(randers_chief)

    response = client.get("/kommune/aarhus/plan/2024/")

    assert response.status_code == 403
    assert "Ingen adgang" in response.content.decode()


def test_an_admin_may_edit_any_plan(client, admin_user, reference_data):
    client.force_login(admin_user)

    assert client.get("/kommune/aarhus/plan/2024/").status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, reference_data):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
