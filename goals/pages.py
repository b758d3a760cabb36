"""Which goal set a page shows: the current one, or the year the URL asks for."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from goals.models import GoalSet


def current_goal_set() -> GoalSet | None:
    """This year's goal set, or the newest one before it, or the newest of all."""
    this_year = timezone.localdate().year
    sets = GoalSet.objects.order_by("-year")
    return sets.filter(year__lte=this_year).first() or sets.first()


def choose_goal_set(year: str | None) -> tuple[GoalSet | None, list[GoalSet], list[str]]:
    """The goal set a `?aar=` asks for, every goal set for the selector, and what was ignored (in words)."""
    goal_sets = list(GoalSet.objects.order_by("-year"))
    this_year = timezone.localdate().year
    default = next((s for s in goal_sets if s.year <= this_year), goal_sets[0] if goal_sets else None)
    if not year:
        return default, goal_sets, []
    chosen = next((s for s in goal_sets if str(s.year) == year.strip()), None)
    if chosen is None:
        notice = _("Året %(year)s findes ikke; viser %(default)s.") % {"year": year[:20], "default": default}
        return default, goal_sets, [notice]
    return chosen, goal_sets, []
