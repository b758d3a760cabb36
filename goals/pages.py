"""Which goal set a page shows: the current one, or the year the URL asks for."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from goals.models import GoalSet


def _current_of(goal_sets: list[GoalSet]) -> GoalSet | None:
    """This year's goal set, or the newest one before it, or the newest of all (goal_sets newest first)."""
    this_year = timezone.localdate().year
    return next((s for s in goal_sets if s.year <= this_year), goal_sets[0] if goal_sets else None)


def current_goal_set() -> GoalSet | None:
    """This year's goal set, or the newest one before it, or the newest of all."""
    return _current_of(list(GoalSet.objects.order_by("-year")))


def choose_goal_set(year: str | None) -> tuple[GoalSet | None, list[GoalSet], list[str]]:
    """The goal set a `?aar=` asks for, every goal set for the selector, and what was ignored (in words)."""
    goal_sets = list(GoalSet.objects.order_by("-year"))
    default = _current_of(goal_sets)
    if not year:
        return default, goal_sets, []
    chosen = next((s for s in goal_sets if str(s.year) == year.strip()), None)
    if chosen is None:
        notice = _("Året %(year)s findes ikke; viser %(default)s.") % {"year": year[:20], "default": default}
        return default, goal_sets, [notice]
    return chosen, goal_sets, []
