"""Public pages: the front page and a municipality's page. Thin: validate input, call a read path, render."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from goals.models import GoalSet
from goals.pages import current_goal_set, municipality_goal_rows
from municipalities.models import Area


def home(request: HttpRequest) -> HttpResponse:
    """The current year's goals and a municipality picker."""
    goal_set = current_goal_set()
    goals = list(goal_set.goals.order_by("number")) if goal_set else []
    return render(
        request,
        "goals/home.html",
        {"goal_set": goal_set, "goals": goals, "municipalities": Area.objects.municipalities()},
    )


def pick_municipality(request: HttpRequest) -> HttpResponse:
    """The picker's form target: go to the chosen municipality's page."""
    area = get_object_or_404(Area, kind=Area.Kind.MUNICIPALITY, slug=request.GET.get("kommune", ""))
    return redirect(area)


def municipality(request: HttpRequest, slug: str) -> HttpResponse:
    """A municipality's plan per goal, with its targets, for the chosen year."""
    area = get_object_or_404(Area.objects.select_related("region"), kind=Area.Kind.MUNICIPALITY, slug=slug)
    goal_sets = list(GoalSet.objects.order_by("-year"))
    notices = []
    goal_set = current_goal_set()
    year = request.GET.get("aar")
    if year:
        chosen = next((s for s in goal_sets if str(s.year) == year), None)
        if chosen is None:
            notices.append(
                _("Året %(year)s findes ikke; viser %(default)s.") % {"year": year, "default": goal_set}
            )
        else:
            goal_set = chosen
    if goal_set is None:
        raise Http404(_("Der er ingen mål endnu."))
    plan, rows = municipality_goal_rows(municipality=area, goal_set=goal_set)
    context = {
        "area": area,
        "goal_set": goal_set,
        "goal_sets": goal_sets,
        "plan": plan,
        "rows": rows,
        "notices": notices,
    }
    return render(request, "goals/municipality.html", context)
