"""The entry table, the upload and the rejection forms; their rules are local_values.validation's."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import Indicator
from indicators.periods import period_label
from local_values.entry import Current
from local_values.upload import MAX_UPLOAD_BYTES
from local_values.validation import RawRow, ValueRow, check_rows


class EntryForm(forms.Form):
    """A table of periods × value (and base); empty rows are left as they are, filled ones are checked as a whole."""

    def __init__(
        self,
        *args,
        indicator: Indicator,
        periods: list[str],
        current: dict[str, Current],
        today: date,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicator, self.periods, self.current, self.today = indicator, periods, current, today
        self.rows: list[ValueRow] = []
        for code in periods:
            label = period_label(code)
            self.fields[f"v_{code}"] = forms.CharField(
                label=_("Værdi for %(period)s") % {"period": label}, required=False, max_length=40
            )
            if indicator.base_indicator_id:
                self.fields[f"b_{code}"] = forms.CharField(
                    label=_("Grundlag for %(period)s") % {"period": label}, required=False, max_length=40
                )

    def table(self) -> list[dict]:
        """One row per period for the template: its name, fields and what it holds now."""
        base = bool(self.indicator.base_indicator_id)
        return [
            {
                "code": code,
                "label": period_label(code),
                "value": self[f"v_{code}"],
                "base": self[f"b_{code}"] if base else None,
                "current": self.current.get(code, Current()),
            }
            for code in self.periods
        ]

    def clean(self) -> dict:
        data = super().clean()
        raw = [
            RawRow(number=n, period=code, value=data.get(f"v_{code}", ""), base=data.get(f"b_{code}", ""))
            for n, code in enumerate(self.periods)
            if (data.get(f"v_{code}") or "").strip() or (data.get(f"b_{code}") or "").strip()
        ]
        if not raw and not self.errors:
            raise forms.ValidationError(_("Skriv mindst én værdi."))
        checked = check_rows(indicator=self.indicator, rows=raw, today=self.today)
        for problem in checked.problems:
            code = self.periods[problem.number]
            self.add_error(f"v_{code}", problem.message)
        self.rows = checked.rows
        return data


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fil (CSV eller Excel .xlsx, højst 2 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        max_length=255,
    )
    max_bytes = MAX_UPLOAD_BYTES


class RejectForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("Begrundelse for afvisningen"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
