"""Read paths for the public pages: which goal set is current, and a municipality's plan with its targets."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from goals.models import Goal, GoalSet, Plan, PlanGoal, Target
from municipalities.models import Area


def current_goal_set() -> GoalSet | None:
    """This year's goal set, or the newest one before it, or the newest of all."""
    this_year = timezone.localdate().year
    sets = GoalSet.objects.order_by("-year")
    return sets.filter(year__lte=this_year).first() or sets.first()


@dataclass(frozen=True)
class GoalRow:
    goal: Goal
    plan_goal: PlanGoal | None
    targets: list[Target]


def municipality_goal_rows(*, municipality: Area, goal_set: GoalSet) -> tuple[Plan | None, list[GoalRow]]:
    """The year's goals in order, each with the municipality's plan text and targets (a fixed number of queries)."""
    plan = (
        Plan.objects.filter(municipality=municipality, goal_set=goal_set)
        .prefetch_related(
            Prefetch(
                "plan_goals",
                queryset=PlanGoal.objects.prefetch_related(
                    Prefetch("targets", queryset=Target.objects.select_related("indicator"))
                ),
            )
        )
        .first()
    )
    by_goal = {plan_goal.goal_id: plan_goal for plan_goal in plan.plan_goals.all()} if plan else {}
    rows = []
    for goal in goal_set.goals.order_by("number").prefetch_related("indicators"):
        plan_goal = by_goal.get(goal.id)
        rows.append(
            GoalRow(
                goal=goal, plan_goal=plan_goal, targets=list(plan_goal.targets.all()) if plan_goal else []
            )
        )
    return plan, rows
