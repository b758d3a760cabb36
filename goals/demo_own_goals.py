"""Randers' own demo goal sets for 2025 and 2026 (seeded as a plan keeper would), for `make run`; idempotent."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from config.demo_mode import require_demo_mode
from goals.models import Goal, GoalSet, Plan
from goals.own_goals import create_own_goal_set
from municipalities.models import Area

DEMO_OWN_GOALS_SLUG = "randers"
DEMO_OWN_YEARS = (2025, 2026)
# The one goal Randers' council rewords in its own goals (goal 2: upskilling).
REWORDED_GOAL = 2
REWORDED_TITLE = "Flere ledige i Randers skal opkvalificeres til de job, virksomhederne mangler folk til"


@transaction.atomic
def load_demo_own_goals() -> int:
    """Give Randers its own adopted goal sets for 2025 and 2026, each seeded from the year before; returns how many."""
    require_demo_mode("Demomål")
    randers = Area.objects.get(slug=DEMO_OWN_GOALS_SLUG)
    created = 0
    for year in DEMO_OWN_YEARS:
        if GoalSet.objects.filter(municipality=randers, year=year).exists():
            continue
        goal_set = create_own_goal_set(municipality=randers, year=year).goal_set
        goal = Goal.objects.get(goal_set=goal_set, number=REWORDED_GOAL)
        goal.title = REWORDED_TITLE
        goal.save(update_fields=["title"])  # kept in the goal's history, as an edit on the page would be
        Plan.objects.filter(goal_set=goal_set).update(
            status=Plan.Status.ADOPTED,
            adopted_on=date(year - 1, 12, 10),
            decision_reference=f"Byrådets møde december {year - 1}: egne beskæftigelsesmål {year} (demo)",
        )
        created += 1
    return created
