"""`make run`'s demo for every year on one line: Randers judged over three goal years, 2022's targets yearly."""

from decimal import Decimal

import pytest
from django.test import override_settings

from config.demo_mode import DemoModeOff
from goals.demo import load_demo
from goals.demo_history import load_demo_history
from goals.models import Plan, Target


def test_demo_gives_randers_a_2022_plan_with_targets_for_the_year_as_a_whole_once(reference_data):
    load_demo()
    load_demo()

    years = sorted(
        Plan.objects.filter(municipality__slug="randers", goal_set__municipality=None).values_list(
            "goal_set__year", flat=True
        )
    )
    assert years == [
        2022,
        2023,
        2024,
    ]  # the minister's years (Randers' own from 2025 are goals/demo_own_goals.py)
    targets = Target.objects.filter(plan_goal__plan__goal_set__year=2022)
    assert sorted(t.target_period for t in targets) == ["2022", "2022"]
    assert {t.baseline_period for t in targets} == {"2021"}
    assert targets.get(indicator__code="mm17-andel-opkvalificering").target_value == Decimal("1.1")


@override_settings(DEMO_MODE=False)
def test_outside_demo_mode_no_2022_demo_plan_is_made(reference_data):
    with pytest.raises(DemoModeOff):
        load_demo_history()

    assert not Plan.objects.exists()
