"""A municipality's own goal sets from 2025: its plan keeper creates them from the newest earlier set and edits them."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from goals.models import Goal, GoalSet, Plan, Target
from goals.own_goals import OwnGoalSetRefused, create_own_goal_set, shift_period
from municipalities.models import Area

NEW = "/kommune/randers/maal/ny/"


@pytest.fixture
def aarhus_keeper(reference_data):
    """A plan keeper of Aarhus: no rights in Randers."""
    from django.contrib.auth import get_user_model

    from goals.models import ChiefAssignment

    user = get_user_model().objects.create_user("keeper-anders", "anders@example.invalid", "pw-anders-123")
    ChiefAssignment.objects.create(user=user, municipality=Area.objects.get(slug="aarhus"))
    return user


def test_keeper_creates_randers_2025_goals_seeded_from_2024_as_a_draft(client, randers_chief, demo_plans):
    client.force_login(randers_chief)

    response = client.post(NEW, {"year": "2025"})

    own = GoalSet.objects.get(municipality__slug="randers", year=2025)
    assert response.status_code == 302 and response["Location"] == "/kommune/randers/maal/2025/"
    ministerial = GoalSet.objects.get(municipality=None, year=2024)
    old_goals = list(ministerial.goals.order_by("number").prefetch_related("indicators"))
    new_goals = list(own.goals.order_by("number").prefetch_related("indicators"))
    assert [(g.number, g.title, g.text) for g in new_goals] == [
        (g.number, g.title, g.text) for g in old_goals
    ]
    assert [set(g.indicators.all()) for g in new_goals] == [set(g.indicators.all()) for g in old_goals]
    assert [g.continues_from for g in new_goals] == old_goals
    plan = Plan.objects.get(goal_set=own)
    assert plan.status == Plan.Status.DRAFT and plan.adopted_on is None
    assert plan.plan_goals.get(goal__number=2).text == "Randers' plan for mål 2."
    target = Target.objects.get(plan_goal__plan=plan, indicator__code="mm17-andel-opkvalificering")
    assert (target.baseline_period, target.target_period) == ("2024M12", "2025M12")
    assert (target.baseline_value, target.target_value) == (Decimal("4.1"), Decimal("5.0"))


def test_2026_is_seeded_from_the_municipalitys_own_2025_not_the_ministers_2024(randers, demo_plans):
    first = create_own_goal_set(municipality=randers, year=2025).goal_set
    Goal.objects.filter(goal_set=first, number=2).update(title="Randers' eget mål 2")

    seeded = create_own_goal_set(municipality=randers, year=2026)

    assert seeded.seeded_from == first
    assert seeded.goal_set.goals.get(number=2).title == "Randers' eget mål 2"
    target = Target.objects.get(
        plan_goal__plan__goal_set=seeded.goal_set, indicator__code="mm13-andel-beskaeftigede"
    )
    assert target.target_period == "2026M12"


def test_keeper_rewords_a_goal_and_its_history_keeps_the_words_before(client, randers_chief, demo_plans):
    randers = Area.objects.get(slug="randers")
    own = create_own_goal_set(municipality=randers, year=2025).goal_set
    client.force_login(randers_chief)
    url = "/kommune/randers/maal/2025/"
    goals = list(own.goals.order_by("number"))
    data = {"goals-TOTAL_FORMS": str(len(goals)), "goals-INITIAL_FORMS": str(len(goals))}
    for i, goal in enumerate(goals):
        data |= {f"goals-{i}-id": str(goal.id), f"goals-{i}-title": goal.title, f"goals-{i}-text": goal.text}
    data["goals-1-title"] = "Flere ledige i Randers skal opkvalificeres"

    assert client.get(url).status_code == 200
    response = client.post(url, data)

    goal = Goal.objects.get(goal_set=own, number=2)
    assert response.status_code == 302 and response["Location"] == "/kommune/randers/?aar=2025"
    assert goal.title == "Flere ledige i Randers skal opkvalificeres"
    assert [h.title for h in goal.history.order_by("history_date")] == [goals[1].title, goal.title]
    assert goal.history.latest().history_user == randers_chief
    assert (
        Goal.objects.get(goal_set__municipality=None, goal_set__year=2024, number=2).title == goals[1].title
    )


def test_keeper_edits_the_own_years_plan_in_the_plan_editor(client, randers_chief, demo_plans):
    create_own_goal_set(municipality=Area.objects.get(slug="randers"), year=2025)
    client.force_login(randers_chief)

    body = client.get("/kommune/randers/plan/2025/").content.decode()

    assert "Beskæftigelsesplan for Randers 2025" in body and 'value="december 2025"' in body
    assert "Kommunens mål" in body
    assert client.get("/kommune/aarhus/plan/2025/").status_code == 404  # Aarhus has no goals for 2025


def test_another_municipalitys_keeper_is_refused_and_nothing_is_created(client, aarhus_keeper, demo_plans):
    own = create_own_goal_set(municipality=Area.objects.get(slug="randers"), year=2025).goal_set
    client.force_login(aarhus_keeper)

    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"year": "2026"}).status_code == 403
    refused = client.post(
        "/kommune/randers/maal/2025/", {"goals-TOTAL_FORMS": "0", "goals-INITIAL_FORMS": "0"}
    )
    assert refused.status_code == 403
    assert list(GoalSet.objects.filter(municipality__isnull=False)) == [own]


def test_a_visitor_who_is_not_logged_in_gets_the_login_form(client, demo_plans):
    body = client.get(NEW).content.decode()

    assert "Log ind for at oprette og rette egne mål for Randers" in body
    assert not GoalSet.objects.filter(municipality__isnull=False).exists()


def test_a_second_2025_goal_set_is_refused_with_a_message(client, randers_chief, demo_plans):
    client.force_login(randers_chief)
    client.post(NEW, {"year": "2025"})

    response = client.post(NEW, {"year": "2025"})

    assert response.status_code == 400
    assert "Randers har allerede egne mål for 2025. Ret dem i stedet." in response.content.decode()
    assert GoalSet.objects.filter(municipality__slug="randers", year=2025).count() == 1


def test_own_goals_before_2025_are_refused_by_the_form_the_service_and_the_database(client, randers_chief):
    randers = Area.objects.get(slug="randers")
    client.force_login(randers_chief)

    assert client.post(NEW, {"year": "2024"}).status_code == 400
    with pytest.raises(OwnGoalSetRefused):
        create_own_goal_set(municipality=randers, year=2024)
    with pytest.raises(IntegrityError), transaction.atomic():
        GoalSet.objects.create(municipality=randers, year=2024)


def test_the_database_holds_one_ministerial_and_one_own_set_per_municipality_and_year(randers):
    GoalSet.objects.create(municipality=randers, year=2025)
    GoalSet.objects.create(municipality=Area.objects.get(slug="aarhus"), year=2025)

    with pytest.raises(IntegrityError), transaction.atomic():
        GoalSet.objects.create(municipality=randers, year=2025)
    with pytest.raises(IntegrityError), transaction.atomic():
        GoalSet.objects.create(municipality=None, year=2024)


@pytest.mark.parametrize(
    ("code", "moved"),
    [("2024M12", "2025M12"), ("2023H2", "2024H2"), ("2024Q04", "2025Q04"), ("2024", "2025")],
)
def test_shift_period_moves_a_period_by_a_year(code, moved):
    assert shift_period(code, 1) == moved
