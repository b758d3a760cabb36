"""`make run`'s local indicators: Randers' goal-1 and goal-4 indicators with targets, a shared one in four towns."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

from config.demo_mode import DemoModeOff
from goals.demo import load_demo
from goals.models import Target
from indicators.models import Indicator, LocalValue, Observation
from local_values.demo import load_local_demo


@pytest.fixture
def demo(reference_data):
    load_demo()
    return load_local_demo()


def test_the_demo_has_randers_goal_1_and_4_indicators_with_targets_and_a_shared_one(client, demo):
    satisfaction = Indicator.objects.get(code="randers-borgertilfredshed")
    jobs = Indicator.objects.get(code="randers-handicap-ordinaert-job")
    shared = Indicator.objects.get(code="faelles-kl-vaerdighed")

    years = (
        Observation.objects.filter(indicator=satisfaction).order_by("period").values_list("period", flat=True)
    )
    assert list(years) == ["2019", "2020", "2021", "2022", "2023", "2024"]
    assert Observation.objects.filter(indicator=satisfaction.base_indicator).count() == 6
    assert Observation.objects.filter(indicator=jobs).count() == 28  # 2019Q01 … 2025Q04
    waiting = LocalValue.objects.get(status="draft")
    assert (waiting.indicator, waiting.period, waiting.entered_by.username) == (
        satisfaction,
        "2025",
        "randers-chef",
    )
    approved = LocalValue.objects.filter(status="approved", area__slug="randers")
    assert set(approved.values_list("entered_by__username", "decided_by__username")) == {
        ("randers-chef", "randers-leder")
    }
    assert (satisfaction.serves_goals, jobs.serves_goals, jobs.period_type) == ([1], [4], "Q")
    targets = Target.objects.filter(
        plan_goal__plan__municipality__slug="randers",
        plan_goal__plan__goal_set__year=2024,
        indicator__source="local",
    )
    assert {t.plan_goal.goal.number: (t.indicator.code, t.target_period) for t in targets} == {
        1: ("randers-borgertilfredshed", "2024"),
        4: ("randers-handicap-ordinaert-job", "2024Q04"),
    }
    reporting = set(Observation.objects.filter(indicator=shared).values_list("area__slug", flat=True))
    assert shared.is_shared and reporting == {"randers", "aarhus", "koebenhavn", "odense"}

    assert client.get("/kommune/randers/", {"aar": "2024"}).status_code == 200
    client.force_login(get_user_model().objects.get(username="randers-leder"))
    for path in (
        "",
        "godkend/",
        "randers-borgertilfredshed/indtast/",
        "randers-handicap-ordinaert-job/historik/",
    ):
        assert client.get(f"/kommune/randers/lokale-indikatorer/{path}").status_code == 200, path
    assert client.get("/kommune/aarhus/lokale-indikatorer/faelles-kl-vaerdighed/indtast/").status_code == 403


def test_the_command_again_writes_nothing_and_prints_both_randers_keepers(demo):
    before = (
        LocalValue.objects.count(),
        Observation.objects.count(),
        Indicator.objects.count(),
        Target.objects.count(),
    )
    out = StringIO()

    call_command("load_local_demo", stdout=out)

    assert "Local demo values: 0 entered, 0 approved." in out.getvalue()
    assert "'randers-chef' (enters values) and 'randers-leder' (approves them)" in out.getvalue()
    after = (
        LocalValue.objects.count(),
        Observation.objects.count(),
        Indicator.objects.count(),
        Target.objects.count(),
    )
    assert after == before


@override_settings(DEMO_MODE=False)
def test_outside_demo_mode_the_local_demo_refuses(db):
    with pytest.raises(DemoModeOff):
        load_local_demo()
    assert not Indicator.objects.filter(source="local").exists()
