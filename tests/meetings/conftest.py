"""Randers' adopted plans and MM17 figures (tests/goals' fixtures), a plan keeper and a committee chair."""

from __future__ import annotations

import pytest

from tests.goals.conftest import danish_by_default, demo_plans, randers_chief, share_data  # noqa: F401


@pytest.fixture
def randers_chair(randers):
    """The chair of Randers' employment committee: makes snapshots and packs, edits nothing."""
    from django.contrib.auth import get_user_model

    from goals.models import ChiefAssignment

    user = get_user_model().objects.create_user("chair-carl", "carl@example.invalid", "pw-carl-123")
    ChiefAssignment.objects.create(user=user, municipality=randers, role="chair")
    return user


@pytest.fixture
def snapshot(share_data, randers_chair):  # noqa: F811 - the fixture imported above
    """Randers' 2024 status frozen for the employment committee's meeting of 12 March 2024."""
    from datetime import date

    from goals.models import GoalSet
    from meetings.freeze import freeze_snapshot
    from municipalities.models import Area

    return freeze_snapshot(
        municipality=Area.objects.get(slug="randers"),
        goal_set=GoalSet.objects.get(year=2024),
        meeting_name="Beskæftigelsesudvalget",
        meeting_date=date(2024, 3, 12),
        made_by=randers_chair,
    )


def revise(*, code: str, slug: str, period: str, value: str) -> None:
    """What a pull does when Jobindsats revises a value: keep the old one as a revision, store the new one final."""
    from decimal import Decimal

    from django.utils import timezone

    from indicators.models import Observation, ObservationRevision

    observation = Observation.objects.get(indicator__code=code, area__slug=slug, period=period, breakdown="")
    ObservationRevision.of(observation, replaced_at=timezone.now()).save()
    Observation.objects.filter(pk=observation.pk).update(
        value=Decimal(value), provisional=False, fetched_at=timezone.now()
    )
