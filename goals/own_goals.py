"""A municipality's own goal set for a year from 2025, seeded from its newest earlier goal set, in one transaction.

What is carried over, as drafts to edit: each goal's title, text and indicators; the plan's text per goal; each
target with its indicator, values and direction, its baseline and target periods moved forward by as many years
as lie between the two goal sets (a December 2024 target becomes a December 2025 target). The values are the old
ones: the keeper sets new ones in the plan editor. The new plan is a draft until the council adopts it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from goals.models import FIRST_OWN_YEAR, Goal, GoalSet, Plan, PlanGoal, Target
from indicators.periods import UnknownPeriodFormat, parse_period
from municipalities.models import Area


class OwnGoalSetRefused(Exception):
    """The goal set cannot be created (a year before 2025, or one the municipality already has); says why."""


@dataclass(frozen=True)
class SeededGoalSet:
    """The new goal set, and the set it was seeded from (None when there was none)."""

    goal_set: GoalSet
    seeded_from: GoalSet | None


def shift_period(code: str, years: int) -> str:
    """A period code moved by whole years (2024M12 + 1 → 2025M12); every Jobindsats code starts with its year."""
    shifted = f"{int(code[:4]) + years}{code[4:]}"
    parse_period(shifted)
    return shifted


def first_free_year(municipality: Area) -> int:
    """The year a new own goal set is offered for: the year after its newest goal set, and never before 2025."""
    newest = GoalSet.objects.applying_to(municipality)
    return max(FIRST_OWN_YEAR, newest[0].year + 1 if newest else FIRST_OWN_YEAR)


def create_own_goal_set(*, municipality: Area, year: int) -> SeededGoalSet:
    """Create the municipality's goal set for the year, seeded from its newest earlier one; refuses duplicates."""
    if year < FIRST_OWN_YEAR:
        raise OwnGoalSetRefused(
            _("Egne mål kan oprettes fra %(first)s; til og med %(last)s gælder ministerens mål.")
            % {"first": FIRST_OWN_YEAR, "last": FIRST_OWN_YEAR - 1}
        )
    if GoalSet.objects.filter(municipality=municipality, year=year).exists():
        raise OwnGoalSetRefused(_duplicate(municipality, year))
    source = next((s for s in GoalSet.objects.applying_to(municipality) if s.year < year), None)
    try:
        with transaction.atomic():
            goal_set = GoalSet.objects.create(municipality=municipality, year=year)
            if source is not None:
                _seed(goal_set, source, municipality)
    except IntegrityError as error:  # another request created the same year a moment earlier
        raise OwnGoalSetRefused(_duplicate(municipality, year)) from error
    return SeededGoalSet(goal_set=goal_set, seeded_from=source)


def _duplicate(municipality: Area, year: int) -> str:
    return _("%(name)s har allerede egne mål for %(year)s. Ret dem i stedet.") % {
        "name": municipality.name,
        "year": year,
    }


def _seed(goal_set: GoalSet, source: GoalSet, municipality: Area) -> None:
    years = goal_set.year - source.year
    new_goals: dict[int, Goal] = {}
    for old in source.goals.order_by("number").prefetch_related("indicators"):
        goal = Goal.objects.create(
            goal_set=goal_set,
            number=old.number,
            title=old.title,
            text=old.text,
            # A goal continues only the goal of the year just before (Goal.clean's rule).
            continues_from=old if years == 1 else None,
        )
        goal.indicators.set(old.indicators.all())
        new_goals[old.id] = goal
    old_plan = (
        Plan.objects.filter(municipality=municipality, goal_set=source)
        .prefetch_related("plan_goals__targets__indicator")
        .first()
    )
    if old_plan is None:
        return
    plan = Plan.objects.create(municipality=municipality, goal_set=goal_set, status=Plan.Status.DRAFT)
    for old_plan_goal in old_plan.plan_goals.all():
        plan_goal = PlanGoal.objects.create(
            plan=plan, goal=new_goals[old_plan_goal.goal_id], text=old_plan_goal.text
        )
        for target in old_plan_goal.targets.all():
            _copy_target(target, plan_goal, years)


def _copy_target(target: Target, plan_goal: PlanGoal, years: int) -> None:
    try:
        target_period = shift_period(target.target_period, years)
        baseline_period = shift_period(target.baseline_period, years) if target.baseline_period else ""
    except (UnknownPeriodFormat, ValueError):
        target_period, baseline_period = target.target_period, target.baseline_period
    Target.objects.create(
        plan_goal=plan_goal,
        indicator=target.indicator,
        baseline_period=baseline_period,
        baseline_value=target.baseline_value,
        target_period=target_period,
        target_value=target.target_value,
        direction=target.direction,
        narrative=target.narrative,
    )
