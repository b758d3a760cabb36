from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from goals.models import Goal, Plan, PlanGoal, Target
from indicators.models import Indicator, Observation


@pytest.fixture
def randers_plan_goal_2(randers):
    plan = Plan.objects.create(
        municipality=randers, goal_set_id=Goal.objects.get(goal_set__year=2023, number=2).goal_set_id
    )
    return PlanGoal.objects.create(plan=plan, goal=Goal.objects.get(goal_set__year=2023, number=2))


@pytest.fixture
def share_indicator(reference_data):
    return Indicator.objects.get(code="mm17-andel-opkvalificering")


def _observation(indicator, area, period="2023M01", value=Decimal("4.1")):
    return Observation(
        indicator=indicator,
        area=area,
        period_type="M",
        period=period,
        period_start=date(2023, 1, 1),
        value=value,
        fetched_at=timezone.now(),
    )


def test_a_second_observation_for_the_same_indicator_area_period_and_breakdown_is_rejected(
    randers, share_indicator
):
    _observation(share_indicator, randers).save()

    with pytest.raises(IntegrityError), transaction.atomic():
        _observation(share_indicator, randers, value=Decimal("5")).save()


def test_an_observation_without_a_value_must_be_flagged_suppressed(randers, share_indicator):
    with pytest.raises(IntegrityError), transaction.atomic():
        _observation(share_indicator, randers, value=None).save()


def test_a_municipality_has_one_plan_per_year(randers, randers_plan_goal_2):
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(municipality=randers, goal_set=randers_plan_goal_2.plan.goal_set)


def test_a_goal_set_has_one_goal_per_number(reference_data):
    existing = Goal.objects.get(goal_set__year=2023, number=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.create(goal_set=existing.goal_set, number=2, title="Dublet")


def test_an_adopted_plan_needs_an_adoption_date(randers, reference_data):
    goal_set = Goal.objects.get(goal_set__year=2024, number=1).goal_set
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(municipality=randers, goal_set=goal_set, status=Plan.Status.ADOPTED)
    Plan.objects.create(
        municipality=randers, goal_set=goal_set, status=Plan.Status.ADOPTED, adopted_on=date(2023, 12, 1)
    )


def test_a_target_baseline_must_come_before_the_target_period(randers_plan_goal_2, share_indicator):
    target = Target(
        plan_goal=randers_plan_goal_2,
        indicator=share_indicator,
        baseline_period="2023M12",
        baseline_value=Decimal("4"),
        target_period="2023M06",
        target_value=Decimal("5"),
    )
    with pytest.raises(ValidationError, match="Basisperioden"):
        target.full_clean()
    with pytest.raises(IntegrityError, match="goals_target_baseline_before_target"), transaction.atomic():
        target.save()


def test_a_percent_target_must_lie_between_0_and_100(randers_plan_goal_2, share_indicator):
    target = Target(
        plan_goal=randers_plan_goal_2,
        indicator=share_indicator,
        baseline_period="2022M12",
        baseline_value=Decimal("4"),
        target_period="2023M12",
        target_value=Decimal("140"),
    )
    with pytest.raises(ValidationError, match="mellem 0 og 100"):
        target.full_clean()
    with pytest.raises(IntegrityError, match="goals_target_percent_between_0_and_100"), transaction.atomic():
        target.save()


def test_a_count_target_may_exceed_100(randers_plan_goal_2, reference_data):
    count = Indicator.objects.get(code="mm17-antal-opkvalificering")
    target = Target(
        plan_goal=randers_plan_goal_2, indicator=count, target_period="2023M12", target_value=Decimal("450")
    )
    target.full_clean()
    target.save()
    assert target.target_period_start == date(2023, 12, 1)


def test_a_target_with_an_unknown_period_code_is_refused_with_the_code_named(
    randers_plan_goal_2, share_indicator
):
    target = Target(
        plan_goal=randers_plan_goal_2,
        indicator=share_indicator,
        target_period="dec 2023",
        target_value=Decimal("5"),
    )
    with pytest.raises(ValidationError, match="dec 2023"):
        target.full_clean()


def test_a_target_without_a_target_period_is_refused_with_a_message(randers_plan_goal_2, share_indicator):
    target = Target(plan_goal=randers_plan_goal_2, indicator=share_indicator, target_value=Decimal("5"))

    with pytest.raises(ValidationError) as refused:
        target.full_clean()

    assert "target_period" in refused.value.message_dict
