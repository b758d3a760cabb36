"""Defining a local indicator: the form a plan keeper (or, for a shared indicator, an admin) fills in, and saving it.

A local indicator is an Indicator with source = local, owned by one municipality, or shared (no municipality) when
an admin defines it for every municipality to report. An optional base (grundlag) is a companion count indicator,
the local indicator's base_indicator, so the small-number rule hides values with small bases as for Jobindsats.
"""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goals.models import Goal
from indicators.models import Indicator, LocalValue
from local_values.validation import LOCAL_PERIOD_TYPES, period_type_name, scale_bounds
from municipalities.models import Area

GOAL_NUMBERS = (1, 2, 3, 4, 5)


def reported_by(area: Area) -> QuerySet[Indicator]:
    """The local indicators a municipality enters values for: its own and the shared ones, bases left out."""
    bases = Indicator.objects.filter(base_indicator=OuterRef("pk"))
    return (
        Indicator.objects.filter(source=Indicator.Source.LOCAL, is_active=True)
        .filter(Q(municipality=area) | Q(municipality__isnull=True))
        .exclude(Exists(bases))
        .select_related("base_indicator")
        .order_by("municipality_id", "name")
    )


class LocalIndicatorForm(forms.ModelForm):
    """Name, definition with source, unit (and scale), direction, period type, goals served, and a base."""

    period_type = forms.ChoiceField(label=gettext_lazy("Periodetype"))
    serves_goals = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Mål, indikatoren følger"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=True,
    )
    has_base = forms.BooleanField(
        label=gettext_lazy("Værdierne har et grundlag (antal)"),
        required=False,
        help_text=gettext_lazy(
            "Fx antal besvarelser bag en andel. Grundlaget indtastes sammen med værdien, og værdier med et lille "
            "grundlag vises ikke (småtalsreglen)."
        ),
    )
    shared = forms.BooleanField(
        label=gettext_lazy("Fælles indikator, som alle kommuner kan indberette"),
        required=False,
    )

    class Meta:
        model = Indicator
        fields = ["name", "definition", "unit", "scale", "better_direction", "period_type", "serves_goals"]
        labels = {
            "name": gettext_lazy("Navn"),
            "definition": gettext_lazy("Definition og kilde"),
            "unit": gettext_lazy("Enhed"),
            "scale": gettext_lazy("Skala (kun for en score)"),
            "better_direction": gettext_lazy("Hvad er bedre?"),
        }
        help_texts = {
            "definition": gettext_lazy(
                "Hvad tælles, og hvor kommer tallet fra, fx “Borgertilfredshedsmåling, andel meget eller "
                "overvejende tilfredse”."
            ),
            "scale": gettext_lazy("Fx 1–5 (5 er bedst). Scorer uden for skalaen afvises."),
        }
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, may_share: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["definition"].required = True
        self.fields["period_type"].choices = [
            (code, period_type_name(code).capitalize()) for code in LOCAL_PERIOD_TYPES
        ]
        self.fields["serves_goals"].choices = goal_choices()
        has_values = bool(self.instance.pk) and LocalValue.objects.filter(indicator=self.instance).exists()
        if has_values:
            # Values are entered per period of this type and in this unit; changing them would garble the series.
            for name in ("period_type", "unit"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Kan ikke ændres, når der er indtastet værdier.")
        if self.instance.pk:
            self.fields["has_base"].initial = self.instance.base_indicator_id is not None
            if self.instance.base_indicator_id:
                self.fields["has_base"].disabled = True
        if not may_share or self.instance.pk:
            del self.fields["shared"]

    def clean(self) -> dict:
        data = super().clean()
        unit, scale = data.get("unit"), (data.get("scale") or "").strip()
        if unit == Indicator.Unit.SCORE and not scale_bounds(scale):
            self.add_error("scale", _("Angiv skalaen for en score, fx 1–5."))
        if unit != Indicator.Unit.SCORE and scale:
            self.add_error("scale", _("Kun en score har en skala; lad feltet stå tomt."))
        return data


def goal_choices() -> list[tuple[int, str]]:
    """The goals a local indicator can serve, by number, named as in the newest year's goals."""
    titles: dict[int, str] = {}
    for number, title in Goal.objects.order_by("goal_set__year").values_list("number", "title"):
        titles[number] = title
    return [(n, f"{n}. {titles[n]}" if n in titles else str(n)) for n in GOAL_NUMBERS]


def unique_code(name: str, owner: Area | None, suffix: str = "") -> str:
    """A code for a new indicator: the owner's slug, the name's words, and a number when taken."""
    prefix = owner.slug if owner else "faelles"  # a code, not words: the same in every language
    stem = slugify(f"{prefix}-{name}")[: 60 - len(suffix)].strip("-") + suffix
    code, n = stem, 2
    while Indicator.objects.filter(code=code).exists():
        code = f"{stem[:57]}-{n}"
        n += 1
    return code


@transaction.atomic
def save_definition(*, form: LocalIndicatorForm, municipality: Area | None) -> Indicator:
    """Create or update the local indicator from a valid form; a base, once asked for, gets its companion indicator."""
    indicator = form.save(commit=False)
    creating = indicator.pk is None
    if creating:
        owner = None if form.cleaned_data.get("shared") else municipality
        indicator.source, indicator.municipality = Indicator.Source.LOCAL, owner
        indicator.code = unique_code(indicator.name, owner)
        indicator.provisional_months = 0
    indicator.scale = indicator.scale.strip()
    if form.cleaned_data.get("has_base") and indicator.base_indicator_id is None:
        indicator.base_indicator = _base_for(indicator)
    indicator.save()
    if indicator.base_indicator_id:
        _keep_base_in_step(indicator)
    return indicator


def _base_for(indicator: Indicator) -> Indicator:
    return Indicator.objects.create(
        code=unique_code(indicator.name, indicator.municipality, suffix="-grundlag"),
        name=_("%(name)s: grundlag") % {"name": indicator.name},
        source=Indicator.Source.LOCAL,
        municipality=indicator.municipality,
        unit=Indicator.Unit.COUNT,
        better_direction=Indicator.Direction.NEUTRAL,
        period_type=indicator.period_type,
        provisional_months=0,
        definition=_("Antallet, som “%(name)s” er opgjort af.") % {"name": indicator.name},
    )


def _keep_base_in_step(indicator: Indicator) -> None:
    base = indicator.base_indicator
    if base.period_type != indicator.period_type:
        base.period_type = indicator.period_type
        base.save(update_fields=["period_type"])
