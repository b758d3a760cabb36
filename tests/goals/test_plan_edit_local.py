"""The plan editor offers local indicators under the goals they serve: the municipality's own and shared ones."""

import re
from decimal import Decimal

import pytest

from goals.models import Target
from indicators.models import Indicator
from municipalities.models import Area
from tests.goals.local_data import local_indicator

URL = "/kommune/randers/plan/2024/"


@pytest.fixture
def local_choices(randers):
    aarhus = Area.objects.get(slug="aarhus")
    return {
        "own": local_indicator(
            "randers-tilfredshed", municipality=randers, serves_goals=[1], name="Randers' egen"
        ),
        "shared": local_indicator(
            "kl-handicap", serves_goals=[4], name="Fælles handicapmåling", unit=Indicator.Unit.COUNT
        ),
        "other": local_indicator("aarhus-egen", municipality=aarhus, serves_goals=[1], name="Aarhus' egen"),
    }


def test_the_editor_offers_own_and_shared_local_indicators_under_their_goals(
    client, randers_chief, local_choices
):
    client.force_login(randers_chief)

    body = client.get(URL).content.decode()
    select = body[body.index('name="targets-0-indicator"') :]
    select = select[: select.index("</select>")]

    goal1 = re.search(r'<optgroup label="Mål 1:[^"]*">(.*?)</optgroup>', select, re.S).group(1)
    goal4 = re.search(r'<optgroup label="Mål 4:[^"]*">(.*?)</optgroup>', select, re.S).group(1)
    assert "Randers&#x27; egen (lokal indikator; procent)" in goal1
    assert "Fælles handicapmåling (fælles lokal indikator; antal)" in goal4
    assert "Aarhus" not in select
    assert f'value="{local_choices["other"].pk}"' not in select


def target_post(indicator_id: int, goal_id: int) -> dict:
    return {
        "plan-status": "draft",
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "0",
        "targets-0-goal": str(goal_id),
        "targets-0-indicator": str(indicator_id),
        "targets-0-baseline_period": "2022",
        "targets-0-baseline_value": "60",
        "targets-0-target_period": "2024",
        "targets-0-target_value": "75",
        "targets-0-direction": "up",
    }


def test_a_tampered_post_with_another_municipalitys_indicator_is_refused(
    client, randers_chief, local_choices
):
    from goals.models import Goal

    client.force_login(randers_chief)
    goal = Goal.objects.get(goal_set__year=2024, number=1)

    refused = client.post(URL, target_post(local_choices["other"].pk, goal.pk))
    accepted = client.post(URL, target_post(local_choices["own"].pk, goal.pk))

    assert refused.status_code == 400
    assert "Indikatoren kan ikke bruges i denne kommunes plan" in refused.content.decode()
    assert accepted.status_code == 302
    target = Target.objects.get(indicator=local_choices["own"])
    assert target.is_percent and target.target_value == Decimal("75")
    assert not Target.objects.filter(indicator=local_choices["other"]).exists()
