"""A plan keeper's pages for the municipality's own goals: create a year's goal set, and edit its goals' texts."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import modelformset_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from goals.login import log_in_here
from goals.models import FIRST_OWN_YEAR, Goal, GoalSet
from goals.own_goals import OwnGoalSetRefused, create_own_goal_set, first_free_year
from goals.roles import Action, may
from municipalities.models import Area

REFUSED = gettext_lazy("Du kan kun oprette og rette mål for de kommuner, du er planansvarlig for.")


class NewGoalSetForm(forms.Form):
    """The year of the new goal set."""

    year = forms.IntegerField(label=gettext_lazy("År"), min_value=FIRST_OWN_YEAR, max_value=2100)


GoalFormSet = modelformset_factory(
    Goal,
    fields=["title", "text"],
    extra=0,
    edit_only=True,  # goals are added by seeding, never by a tampered form count
    widgets={"text": forms.Textarea(attrs={"rows": 4})},
)


def _municipality(request: HttpRequest, slug: str) -> Area:
    """The municipality, once the visitor is known to be one of its plan keepers (or an admin); else 403."""
    area = get_object_or_404(Area, kind=Area.Kind.MUNICIPALITY, slug=slug)
    if request.user.is_authenticated and not may(request.user, Action.EDIT_GOAL_SET, area):
        raise PermissionDenied(REFUSED)
    return area


def _log_in(request: HttpRequest, area: Area) -> HttpResponse:
    heading = _("Log ind for at oprette og rette egne mål for %(name)s") % {"name": area.name}
    context = {"area": area, "goal_set": None, "heading": heading}
    return log_in_here(request, template="goals/plan_login.html", context=context)


def new_goal_set(request: HttpRequest, slug: str) -> HttpResponse:
    """Create the municipality's own goal set for a year, seeded from its newest earlier one."""
    area = _municipality(request, slug)
    if not request.user.is_authenticated:
        return _log_in(request, area)
    data = request.POST if request.method == "POST" else None
    form = NewGoalSetForm(data, initial={"year": first_free_year(area)})
    if data is not None and form.is_valid():
        try:
            created = create_own_goal_set(municipality=area, year=form.cleaned_data["year"])
        except OwnGoalSetRefused as refused:
            form.add_error("year", str(refused))
        else:
            messages.success(request, _seeded_message(created.goal_set, created.seeded_from))
            return redirect("goal_set_edit", slug=area.slug, year=created.goal_set.year)
    context = {"area": area, "form": form, "seed": _seed_of(area, form)}
    return render(request, "goals/goal_set_new.html", context, status=400 if form.errors else 200)


def _seed_of(area: Area, form: NewGoalSetForm) -> GoalSet | None:
    year = form.initial["year"]
    return next((s for s in GoalSet.objects.applying_to(area) if s.year < year), None)


def _seeded_message(goal_set: GoalSet, source: GoalSet | None) -> str:
    if source is None:
        return _("Målene for %(year)s er oprettet uden mål at bygge på: skriv dem her.") % {
            "year": goal_set.year
        }
    years = goal_set.year - source.year
    moved = ngettext(
        "Måltallenes perioder er flyttet %(n)s år frem; værdierne er de gamle, så ret dem i planen.",
        "Måltallenes perioder er flyttet %(n)s år frem; værdierne er de gamle, så ret dem i planen.",
        years,
    ) % {"n": years}
    return (
        _(
            "Målene for %(year)s er oprettet ud fra %(source)s: mål, planens tekster og måltal er kopieret som udkast."
        )
        % {"year": goal_set.year, "source": source.year}
        + " "
        + moved
    )


def edit_goal_set(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """Edit the titles and texts of the municipality's own goals for a year (each change kept in the history)."""
    area = _municipality(request, slug)
    if not request.user.is_authenticated:
        return _log_in(request, area)
    goal_set = GoalSet.objects.filter(municipality=area, year=year).first()
    if goal_set is None:
        raise Http404(_("Kommunen har ingen egne mål for det år."))
    data = request.POST if request.method == "POST" else None
    formset = GoalFormSet(data, queryset=goal_set.goals.order_by("number"), prefix="goals")
    if data is not None and formset.is_valid():
        formset.save()
        messages.success(request, _("Målene er gemt."))
        return redirect(reverse("municipality", kwargs={"slug": area.slug}) + f"?aar={year}")
    context = {"area": area, "goal_set": goal_set, "formset": formset}
    return render(request, "goals/goal_set_edit.html", context, status=400 if data is not None else 200)
