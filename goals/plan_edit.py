"""The jobcenter chief's plan editor: the plan's status, its local text per goal, and its targets."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.forms import modelformset_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goals.local_indicators import offered_to
from goals.login import log_in_here
from goals.models import MAX_TARGETS_PER_PLAN, Goal, GoalSet, Plan, PlanGoal, Target
from goals.roles import Action, may
from indicators.models import Indicator
from indicators.periods import PERIOD_EXAMPLES, UnknownPeriodFormat, parse_period_text, period_label
from municipalities.models import Area

PERIOD_FIELDS = ("baseline_period", "target_period")
# Room for the longest period in words ("12 mdr. til 4. kvartal 2024"); what is stored is the code.
PERIOD_TEXT_MAX_LENGTH = 40


class PlanForm(forms.ModelForm):
    """The plan's status and council decision."""

    decision_url = forms.URLField(
        label=gettext_lazy("Link til beslutningen"), required=False, assume_scheme="https"
    )

    class Meta:
        model = Plan
        fields = ["status", "adopted_on", "decision_reference", "decision_url"]
        widgets = {"adopted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class ObjectChoiceField(forms.ChoiceField):
    """A choice among model objects read once for the whole page: no query per form, option or submitted value.

    Django's ModelChoiceField queries its queryset for every form that renders or validates it, and a label that
    follows a relation (a goal's year) queries once per option.
    """

    def __init__(
        self, *, objects: Iterable[Model] = (), label_from: Callable[[Model], str] = str, **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.label_from = label_from
        self.set_objects(objects)

    def set_objects(
        self, objects: Iterable[Model], *, groups: list[tuple[str, list[Model]]] | None = None
    ) -> None:
        """Offer these objects and accept only them; with groups, offered under a heading each (optgroups)."""
        self.objects = {str(obj.pk): obj for obj in objects}
        if groups is None:
            self.choices = [
                ("", "---------"),
                *((key, self.label_from(obj)) for key, obj in self.objects.items()),
            ]
            return
        self.choices = [
            ("", "---------"),
            *(
                (heading, [(str(obj.pk), self.label_from(obj)) for obj in members])
                for heading, members in groups
            ),
        ]

    def to_python(self, value) -> Model | None:
        if value in self.empty_values:
            return None
        obj = self.objects.get(str(value))
        if obj is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return obj

    def validate(self, value) -> None:
        # to_python already refused anything but the offered objects; only "required" is left to check.
        forms.Field.validate(self, value)

    def prepare_value(self, value):
        return value.pk if isinstance(value, Model) else value

    def has_changed(self, initial, data) -> bool:
        if self.disabled:
            return False
        return str(self.prepare_value(initial) or "") != str(data or "")


class TargetForm(forms.ModelForm):
    """One target; the goal is chosen, and its PlanGoal made when saved."""

    goal = ObjectChoiceField(label=gettext_lazy("Ministerens mål"))
    indicator = ObjectChoiceField(
        label=capfirst(Target._meta.get_field("indicator").verbose_name),
        required=False,
        label_from=lambda indicator: indicator_label(indicator),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Indikatoren kan ikke bruges i denne kommunes plan: vælg en af dem, der tilbydes."
            )
        },
    )

    class Meta:
        model = Target
        fields = [
            "goal",
            "indicator",
            "baseline_period",
            "baseline_value",
            "target_period",
            "target_value",
            "direction",
            "narrative",
        ]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 2})}
        # Danish users type 4,1; English users 4.1.
        localized_fields = ["baseline_value", "target_value"]

    def __init__(self, *args, goals: list[Goal], indicators: list[Indicator], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].set_objects(goals)
        if goals and goals[0].goal_set.is_own:
            self.fields["goal"].label = _("Kommunens mål")  # from 2025 the goals are the council's own
        self.fields["indicator"].set_objects(indicators, groups=indicator_groups(goals, indicators))
        if self.instance.pk:
            self.fields["goal"].initial = self.instance.plan_goal.goal_id
        for name in PERIOD_FIELDS:
            model_field = self.fields[name]
            self.fields[name] = PeriodField(
                label=model_field.label, required=model_field.required, help_text=PERIOD_EXAMPLES
            )
        for name in ("baseline_value", "target_value"):
            if self.initial.get(name) is not None:
                self.initial[name] = _without_trailing_zeros(self.initial[name])

    def clean(self) -> dict:
        cleaned = super().clean()
        period, value = cleaned.get("baseline_period"), cleaned.get("baseline_value")
        # Only when both fields parsed: a field with its own error already says what is wrong.
        if not self.has_error("baseline_period") and not self.has_error("baseline_value"):
            if period and value is None:
                self.add_error(
                    "baseline_value", _("Skriv basisværdien for basisperioden, eller fjern perioden.")
                )
            elif value is not None and not period:
                self.add_error("baseline_period", _("Skriv hvilken periode basisværdien er fra."))
        return cleaned

    def _post_clean(self) -> None:
        # The model's rules (baseline before target, 0–100 %) need a valid target period; without one the
        # field's own message says what to write, and the rules run on the next try.
        if self.has_error("target_period"):
            return
        super()._post_clean()


def indicator_label(indicator: Indicator) -> str:
    """An indicator as the plan editor offers it: its name, whether it is local, and its unit."""
    unit = indicator.get_unit_display()
    if indicator.scale:
        unit = f"{unit} {indicator.scale}"
    if indicator.is_local:
        kind = _("fælles lokal indikator") if indicator.is_shared else _("lokal indikator")
        return f"{indicator.name} ({kind}; {unit.lower()})"
    return f"{indicator.name} ({unit.lower()})"


def indicator_groups(goals: list[Goal], indicators: list[Indicator]) -> list[tuple[str, list[Indicator]]]:
    """The indicators under the first goal they serve (goals' own and local serves_goals), then the others."""
    placed: set[int] = set()
    groups = []
    for goal in goals:
        own = {i.id for i in goal.indicators.all()}
        members = [
            i
            for i in indicators
            if i.id not in placed and (i.id in own or goal.number in (i.serves_goals or []))
        ]
        placed |= {i.id for i in members}
        if members:
            groups.append(
                (_("Mål %(number)s: %(title)s") % {"number": goal.number, "title": goal.title}, members)
            )
    rest = [i for i in indicators if i.id not in placed]
    if rest:
        groups.append((_("Øvrige indikatorer"), rest))
    return groups


def _without_trailing_zeros(value: Decimal) -> Decimal:
    """0.6000 → 0.6 and 54.0000 → 54, as the chief typed them (never 5.4E+1)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


class PeriodField(forms.CharField):
    """A period as people read and type it ("december 2024"); the code (2024M12) is what it cleans to and stores.

    Whether it changed is decided on the code, so a form sent back as shown, or with the code typed, is unchanged.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(max_length=PERIOD_TEXT_MAX_LENGTH, **kwargs)

    def prepare_value(self, value):
        try:
            return period_label(value) if value else value
        except UnknownPeriodFormat:
            return value  # what the chief typed, shown back beside its error

    def to_python(self, value) -> str:
        return _period_code(super().to_python(value))

    def has_changed(self, initial, data) -> bool:
        try:
            return (initial or "") != self.to_python(data)
        except forms.ValidationError:
            return True


def _period_code(value: str) -> str:
    """The code of a period typed in words or as a code ("marts 2024", 2024m03 → 2024M03), or what to write."""
    if not value.strip():
        return ""
    try:
        return parse_period_text(value).code
    except UnknownPeriodFormat as error:
        raise forms.ValidationError(str(error), code="unknown_period") from None


class BaseTargetFormSet(forms.BaseModelFormSet):
    """The plan's targets: one per indicator under each goal (the status page draws one chart for it)."""

    default_error_messages = {
        "too_many_forms": gettext_lazy(
            "En plan kan højst have %(num)d måltal. Slet et måltal, før du tilføjer et nyt."
        ),
    }

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        # Django checks each submitted id against every target in the database, one query per form; only the
        # plan's own targets, already read, may be edited here.
        id_field = form.fields["id"]
        form.fields["id"] = ObjectChoiceField(
            objects=self.get_queryset(),
            label_from=lambda target: str(target.pk),  # a hidden field: its options are never shown
            required=False,
            widget=id_field.widget,
            initial=id_field.initial,
        )

    def clean(self) -> None:
        super().clean()
        submitted = {form.instance.pk for form in self.forms if form.instance.pk}
        # Targets the request did not send (a tampered or stale form) still count: the database has them.
        seen = {
            (target.plan_goal.goal_id, target.indicator_id)
            for target in self.get_queryset()
            if target.pk not in submitted and target.indicator_id is not None
        }
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            goal, indicator = form.cleaned_data.get("goal"), form.cleaned_data.get("indicator")
            if goal is None or indicator is None:
                continue
            if (goal.id, indicator.id) in seen:
                form.add_error("indicator", DUPLICATE_TARGET)
            seen.add((goal.id, indicator.id))


DUPLICATE_TARGET = gettext_lazy(
    "Indikatoren har allerede et måltal under dette mål; ret det måltal i stedet."
)

# A POST names how many forms it sends; past the bound Django builds none of the extra ones and says why.
TargetFormSet = modelformset_factory(
    Target,
    form=TargetForm,
    formset=BaseTargetFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_TARGETS_PER_PLAN,
    absolute_max=MAX_TARGETS_PER_PLAN,
    validate_max=True,
)


def _goal_texts_form(goals: list[Goal], texts: dict[int, str], data=None) -> forms.Form:
    form = forms.Form(data, prefix="texts")
    for goal in goals:
        form.fields[f"goal_{goal.number}"] = forms.CharField(
            label=f"{goal.number}. {goal.title}",
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            initial=texts.get(goal.id, ""),
        )
    return form


def edit_plan(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """Edit one municipality's plan for one year: its chief or an admin only; others get 403."""
    area = get_object_or_404(Area, kind=Area.Kind.MUNICIPALITY, slug=slug)
    goal_set = GoalSet.objects.applying_in(area, year=year)
    if goal_set is None:
        raise Http404(_("Der er ingen mål for det år."))
    if not request.user.is_authenticated:
        return _log_in(request, area, goal_set)
    if not may(request.user, Action.EDIT_PLAN, area):
        raise PermissionDenied(_("Du kan kun redigere planer for de kommuner, du er planansvarlig for."))
    plan = Plan.objects.filter(municipality=area, goal_set=goal_set).first() or Plan(
        municipality=area, goal_set=goal_set
    )
    # Read once for the whole page: every target form offers the same goals and indicators.
    goals = list(goal_set.goals.order_by("number").prefetch_related("indicators"))
    # Jobindsats', shared local and the municipality's own local indicators: never another municipality's.
    indicators = list(
        Indicator.objects.filter(offered_to(area), is_active=True)
        .select_related("municipality")
        .order_by("name")
    )
    plan_goals = {pg.goal_id: pg for pg in plan.plan_goals.all()} if plan.pk else {}
    targets = (
        Target.objects.filter(plan_goal__plan=plan).select_related("plan_goal", "indicator")
        if plan.pk
        else Target.objects.none()
    )
    data = request.POST if request.method == "POST" else None
    plan_form = PlanForm(data, instance=plan, prefix="plan")
    texts_form = _goal_texts_form(goals, {gid: pg.text for gid, pg in plan_goals.items()}, data)
    target_forms = TargetFormSet(
        data, queryset=targets, prefix="targets", form_kwargs={"goals": goals, "indicators": indicators}
    )
    if data is not None and plan_form.is_valid() and texts_form.is_valid() and target_forms.is_valid():
        _save(plan_form, texts_form, target_forms, goals, plan_goals)
        messages.success(request, _("Planen er gemt."))
        return redirect(reverse("municipality", kwargs={"slug": area.slug}) + f"?aar={year}")
    context = {
        "area": area,
        "goal_set": goal_set,
        "plan_form": plan_form,
        "texts_form": texts_form,
        "target_forms": target_forms,
        "error_links": _error_links([plan_form, texts_form, *target_forms.forms]) if data is not None else [],
    }
    return render(request, "goals/plan_edit.html", context, status=400 if data is not None else 200)


def _log_in(request: HttpRequest, area: Area, goal_set: GoalSet) -> HttpResponse:
    return log_in_here(
        request, template="goals/plan_login.html", context={"area": area, "goal_set": goal_set}
    )


def _error_links(forms_: list[forms.Form]) -> list[tuple[str, str, str]]:
    """(field id, label, message) per field error, for the summary that links to each field."""
    links = []
    for form in forms_:
        for name, errors in form.errors.items():
            if name in form.fields:
                field = form[name]
                links += [(field.auto_id, str(field.label), str(message)) for message in errors]
            else:
                links += [("plan-form", "", str(message)) for message in errors]
    return links


@transaction.atomic
def _save(plan_form, texts_form, target_forms, goals: list[Goal], plan_goals: dict[int, PlanGoal]) -> None:
    plan = plan_form.save()
    for goal in goals:
        text = texts_form.cleaned_data[f"goal_{goal.number}"]
        plan_goal = plan_goals.get(goal.id)
        if plan_goal is None:
            plan_goals[goal.id] = PlanGoal.objects.create(plan=plan, goal=goal, text=text)
        elif plan_goal.text != text:
            plan_goal.text = text
            plan_goal.save(update_fields=["text"])
    for form in target_forms.deleted_forms:
        if form.instance.pk:
            form.instance.delete()
    for form in target_forms.forms:
        if form in target_forms.deleted_forms or not form.has_changed():
            continue
        target = form.save(commit=False)
        target.plan_goal = plan_goals[form.cleaned_data["goal"].id]
        target.save()
