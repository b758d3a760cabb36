"""Which goal set a page shows: the one that applies now, or the year the URL asks for."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from goals.models import LAST_MINISTERIAL_YEAR, GoalSet
from municipalities.models import Area


def current_of(goal_sets: list[GoalSet]) -> GoalSet | None:
    """This year's goal set, or the newest one before it, or the newest of all (goal_sets newest first)."""
    this_year = timezone.localdate().year
    return next((s for s in goal_sets if s.year <= this_year), goal_sets[0] if goal_sets else None)


def current_goal_set(municipality: Area | None = None) -> GoalSet | None:
    """The goal set that applies this year (or the newest before it): the municipality's, else the minister's."""
    return current_of(GoalSet.objects.applying_to(municipality))


def choose_goal_set(
    year: str | None, municipality: Area | None = None, *, goal_sets: list[GoalSet] | None = None
) -> tuple[GoalSet | None, list[GoalSet], list[str]]:
    """The goal set a `?aar=` asks for, every year's goal set for the selector, and what was ignored (in words).

    goal_sets: the municipality's (GoalSet.objects.applying_to) when already read.
    """
    if goal_sets is None:
        goal_sets = GoalSet.objects.applying_to(municipality)
    default = current_of(goal_sets)
    if not year:
        return default, goal_sets, []
    chosen = next((s for s in goal_sets if str(s.year) == year.strip()), None)
    if chosen is None:
        shown = default.year if default else ""
        notice = _("Året %(year)s findes ikke; viser %(default)s.") % {"year": year[:20], "default": shown}
        return default, goal_sets, [notice]
    return chosen, goal_sets, []


def without_own_goals(goal_sets: list[GoalSet]) -> bool:
    """Whether the ministerial goals have ended and the municipality has entered no goals of its own since."""
    past_ministerial = timezone.localdate().year > LAST_MINISTERIAL_YEAR
    return past_ministerial and not any(s.is_own for s in goal_sets)
