"""The form that freezes a municipality's status for a meeting."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from goals.models import GoalSet
from meetings.models import LANGUAGES


class SnapshotForm(forms.Form):
    """Meeting name and date, the goal year, and optionally the pack's language (make the PDF at once)."""

    meeting_name = forms.CharField(
        label=_("Møde"),
        max_length=200,
        initial=_("Beskæftigelsesudvalget"),
        help_text=_("Fx Beskæftigelsesudvalget."),
    )
    meeting_date = forms.DateField(
        label=_("Mødedato"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("Fx 2025-03-12.")
    )
    year = forms.ModelChoiceField(
        label=_("År"), queryset=GoalSet.objects.order_by("-year"), to_field_name="year", empty_label=None
    )
    pack = forms.ChoiceField(
        label=_("Mødepakke (PDF)"),
        choices=[("", _("Ingen mødepakke nu")), *LANGUAGES],
        required=False,
    )

    def __init__(self, *args, municipality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the goal years that apply to this municipality: from 2025 many municipalities have a set per year.
        applying = GoalSet.objects.applying_to(municipality)
        self.fields["year"].queryset = GoalSet.objects.filter(pk__in=[g.pk for g in applying]).order_by(
            "-year"
        )
