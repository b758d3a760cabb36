"""Observations built with the ORM (no ingestion code): a few years of monthly values for every area."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.rows import build_once

FETCHED = datetime(2025, 1, 10, 7, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))


def monthly_periods(first_year: int, last_year: int) -> list[tuple[str, date]]:
    """(2023M01, 2023-01-01) … for whole years."""
    return [(f"{y}M{m:02d}", date(y, m, 1)) for y in range(first_year, last_year + 1) for m in range(1, 13)]


def build_observations(indicator, areas, periods, value_of, *, provisional_last: int = 2) -> int:
    """bulk_create one value per area and period; value_of(area, index) returns a Decimal or None (suppressed)."""
    from indicators.models import Observation

    rows = []
    for area in areas:
        for index, (code, start) in enumerate(periods):
            value = value_of(area, index)
            rows.append(
                Observation(
                    indicator=indicator,
                    area=area,
                    period_type="M",
                    period=code,
                    period_start=start,
                    value=value,
                    suppressed=value is None,
                    provisional=index >= len(periods) - provisional_last,
                    fetched_at=FETCHED,
                )
            )
    Observation.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def share_value(area, index: int) -> Decimal:
    """A rising share that differs by municipality: 2–6 %, +0.05 points a month."""
    return (Decimal(2) + Decimal(int(area.code) % 9) / 2 + Decimal(index) * Decimal("0.05")).quantize(
        Decimal("0.01")
    )


@pytest.fixture(autouse=True)
def danish_by_default():
    """Each test starts in Danish, whatever language the previous test's request left on the thread."""
    from django.utils import translation

    with translation.override("da"):
        yield


@pytest.fixture
def demo_plans(reference_data, request):
    """Adopted 2023 and 2024 plans for Randers: local texts for every goal, targets for goals 2 and 3.

    Built for the first test of a worker, written back for later ones (tests/rows.py).
    """
    from goals.models import Goal, GoalSet, Plan, PlanGoal, Target
    from indicators.models import Indicator
    from municipalities.models import Area

    reads = (Area, Indicator, GoalSet, Goal, Goal.indicators.through, Plan, PlanGoal, Target)
    build_once(request, "demo_plans", _build_demo_plans, reads=reads, on="reference_data")


def _build_demo_plans() -> None:
    from goals.models import Goal, Plan, PlanGoal, Target
    from municipalities.models import Area

    randers = Area.objects.get(slug="randers")
    for year in (2023, 2024):
        plan = Plan.objects.create(
            municipality=randers,
            goal_set_id=Goal.objects.filter(goal_set__year=year).first().goal_set_id,
            status="adopted",
            adopted_on=date(year - 1, 12, 15),
        )
        for goal in Goal.objects.filter(goal_set__year=year).prefetch_related("indicators"):
            plan_goal = PlanGoal.objects.create(
                plan=plan, goal=goal, text=f"Randers' plan for mål {goal.number}."
            )
            targets = {
                2: ("mm17-andel-opkvalificering", "4.1", "5.0"),
                3: ("mm13-andel-beskaeftigede", "41", "45"),
            }
            if goal.number in targets:
                code, baseline, value = targets[goal.number]
                Target.objects.create(
                    plan_goal=plan_goal,
                    indicator=goal.indicators.get(code=code),
                    baseline_period=f"{year - 1}M12",
                    baseline_value=Decimal(baseline),
                    target_period=f"{year}M12",
                    target_value=Decimal(value),
                    direction="up",
                )


@pytest.fixture
def share_data(demo_plans, request):
    """MM17 share, 2022–2024, every municipality and the country; MM17 count for Randers and the country.

    Built for the first test of a worker, written back for later ones (tests/rows.py).
    """
    from indicators.models import Indicator, Observation
    from municipalities.models import Area

    build_once(
        request, "share_data", _build_share_data, reads=(Area, Indicator, Observation), on="reference_data"
    )
    return Indicator.objects.get(code="mm17-andel-opkvalificering")


def _build_share_data() -> None:
    from indicators.models import Indicator
    from municipalities.models import Area

    share = Indicator.objects.get(code="mm17-andel-opkvalificering")
    count = Indicator.objects.get(code="mm17-antal-opkvalificering")
    areas = list(Area.objects.filter(kind__in=["municipality", "country"]))
    build_observations(share, areas, monthly_periods(2022, 2024), share_value)
    randers_and_country = [a for a in areas if a.slug == "randers" or a.kind == "country"]
    build_observations(count, randers_and_country, monthly_periods(2022, 2024), lambda a, i: Decimal(100 + i))


@pytest.fixture
def randers_chief(randers):
    """A jobcenter chief of Randers: keeps Randers' plan, and nobody else's."""
    from django.contrib.auth import get_user_model

    from goals.models import ChiefAssignment

    user = get_user_model().objects.create_user("chief-rikke", "rikke@example.invalid", "pw-rikke-123")
    ChiefAssignment.objects.create(user=user, municipality=randers)
    return user


@pytest.fixture
def committee_chair(reference_data):
    """A committee chair: reads and compares, edits nothing."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("chair-carl", "carl@example.invalid", "pw-carl-123")


def finish_a_pull(*, data_origin: str = "sandbox") -> None:
    """Record a pull that has just finished, as ingestion does: the data version every cached page keys on moves."""
    from django.utils import timezone

    from indicators.models import IngestionRun

    now = timezone.now()
    IngestionRun.objects.create(
        started_at=now - timedelta(minutes=1),
        finished_at=now,
        status=IngestionRun.Status.SUCCEEDED,
        data_origin=data_origin,
    )
