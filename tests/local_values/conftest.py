"""Personas of Randers and Aarhus, and Randers' local indicators, built through the definition service."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model


def _keeper(username: str, slug: str):
    from goals.models import ChiefAssignment
    from municipalities.models import Area

    user = get_user_model().objects.create_user(username, f"{username}@example.invalid", f"pw-{username}")
    ChiefAssignment.objects.create(user=user, municipality=Area.objects.get(slug=slug))
    return user


@pytest.fixture
def danish():
    from django.utils import translation

    with translation.override("da"):
        yield


@pytest.fixture
def randers_chief(reference_data):
    """Randers' jobcenter chief: keeps Randers' plan and enters its local values."""
    return _keeper("chief-rikke", "randers")


@pytest.fixture
def randers_manager(reference_data):
    """A second keeper of Randers' plan: approves what the chief entered."""
    return _keeper("manager-mads", "randers")


@pytest.fixture
def aarhus_chief(reference_data):
    """Aarhus' jobcenter chief: no rights in Randers."""
    return _keeper("chief-anders", "aarhus")


def define(
    *, municipality, name: str, unit: str, period_type: str, base: bool = False, scale: str = "", **extra
):
    """A local indicator defined as the define page does it."""
    from local_values.definition import LocalIndicatorForm, save_definition

    data = {
        "name": name,
        "definition": f"{name}. Kilde: kommunens egen opgørelse.",
        "unit": unit,
        "scale": scale,
        "better_direction": "up",
        "period_type": period_type,
        "serves_goals": ["1"],
        "has_base": "on" if base else "",
        **extra,
    }
    form = LocalIndicatorForm(data, may_share="shared" in extra)
    assert form.is_valid(), form.errors
    return save_definition(form=form, municipality=municipality)


@pytest.fixture
def satisfaction(randers):
    """Randers' yearly share of satisfied citizens, with the number of respondents as its base."""
    return define(municipality=randers, name="Borgertilfredshed", unit="percent", period_type="Y", base=True)


@pytest.fixture
def jobs(randers):
    """Randers' quarterly count of people with disabilities in ordinary jobs."""
    return define(municipality=randers, name="Handicap i ordinære job", unit="count", period_type="Q")


@pytest.fixture
def score(randers):
    """Randers' half-yearly satisfaction score on a 1–5 scale."""
    return define(municipality=randers, name="Tilfredshedsscore", unit="score", period_type="H", scale="1–5")
