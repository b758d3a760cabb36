from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from config.admin_site import HistoryAdmin, RecordAdmin
from config.formsets import BoundedInline
from indicators.catalogue import BindingError, bind_indicator, suggested_tables
from indicators.jobindsats import JobindsatsError
from indicators.models import Indicator, IngestionRun, JobindsatsTable, Observation, ObservationRevision
from indicators.sandbox_demo import SANDBOX_TOKEN, source_client
from indicators.source_health import source_health


class BindForm(forms.Form):
    table = forms.ModelChoiceField(JobindsatsTable.objects.all(), label=_("Jobindsats-tabel"))
    measure_label = forms.CharField(
        label=_("Målets kolonnenavn"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        help_text=_("Tomt: vælges automatisk, når tabellen kun har ét passende mål."),
    )


@admin.register(JobindsatsTable)
class JobindsatsTableAdmin(admin.ModelAdmin):
    list_display = ["table_id", "name", "subject", "update_latest", "update_next", "update_freq"]
    list_filter = ["subject", "update_freq"]
    search_fields = ["table_id", "name", "table_group"]
    readonly_fields = ["synced_at"]


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdmin):
    list_display = ["code", "name", "source", "table", "unit", "better_direction", "is_active"]
    list_filter = ["source", "unit", "area_level", "is_active"]
    search_fields = ["code", "name", "catalogue_hint", "measure_label"]
    autocomplete_fields = ["table"]
    actions = ["bind_to_table"]

    def get_urls(self) -> list:
        bind = path(
            "<int:pk>/bind/", self.admin_site.admin_view(self.bind_view), name="indicators_indicator_bind"
        )
        return [bind, *super().get_urls()]

    @admin.action(description=_("Bind til Jobindsats-tabel"))
    def bind_to_table(self, request: HttpRequest, queryset) -> HttpResponse | None:
        """Open the binding form for the one selected indicator."""
        if queryset.count() != 1:
            self.message_user(request, _("Vælg én indikator ad gangen."), messages.WARNING)
            return None
        return redirect("admin:indicators_indicator_bind", queryset.get().pk)

    def bind_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Bind an indicator to a table after checking the table's metadata (indicators.catalogue)."""
        indicator = get_object_or_404(Indicator, pk=pk)
        if not self.has_change_permission(request, indicator):
            raise PermissionDenied
        initial = {
            "table": indicator.table or suggested_tables(indicator).first(),
            "measure_label": indicator.measure_label,
        }
        form = BindForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                with source_client() as client:
                    bind_indicator(
                        indicator=indicator,
                        table_id=form.cleaned_data["table"].table_id,
                        client=client,
                        measure_label=form.cleaned_data["measure_label"] or None,
                    )
            except (BindingError, JobindsatsError) as exc:
                form.add_error(None, str(exc))
            else:
                message = _("%(code)s er bundet til %(table)s (%(measure)s).") % {
                    "code": indicator.code,
                    "table": indicator.table.table_id,
                    "measure": indicator.measure_label,
                }
                self.message_user(request, message, messages.SUCCESS)
                return redirect("admin:indicators_indicator_change", indicator.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "indicator": indicator,
            "form": form,
            "title": _("Bind %(name)s til en Jobindsats-tabel") % {"name": indicator},
        }
        return TemplateResponse(request, "admin/indicators/indicator/bind.html", context)


class ObservationRevisionInline(BoundedInline, admin.TabularInline):
    model = ObservationRevision
    # A value is revised when Jobindsats updates its table (monthly at most) while it is among the newest
    # 24 months a pull re-reads: a few dozen revisions at the very most.
    max_num = 100
    extra = 0
    can_delete = False
    readonly_fields = ["value", "suppressed", "provisional", "fetched_at", "replaced_at", "run"]


@admin.register(Observation)
class ObservationAdmin(RecordAdmin):
    """Figures as pulled or approved: never edited here, where a change would bypass the revisions."""

    list_display = [
        "indicator",
        "area",
        "period",
        "breakdown",
        "value",
        "suppressed",
        "provisional",
        "fetched_at",
    ]
    list_filter = ["indicator", "area__kind", "period_type", "suppressed", "provisional"]
    search_fields = ["area__name", "period", "breakdown"]
    list_select_related = ["indicator", "area"]
    raw_id_fields = ["area"]
    inlines = [ObservationRevisionInline]


@admin.register(IngestionRun)
class IngestionRunAdmin(admin.ModelAdmin):
    # Status before the long indicator names, so it is seen without scrolling sideways.
    list_display = [
        "started_at",
        "status",
        "error_kind",
        "kind",
        "indicator_code",
        "table_id",
        "rows_inserted",
        "rows_updated",
        "rows_unchanged",
        "rows_ignored",
        "data_origin",
    ]
    list_filter = ["status", "kind", "data_origin", "indicator"]
    search_fields = ["table_id", "error"]
    list_select_related = ["indicator"]
    date_hierarchy = "started_at"

    @admin.display(description=_("indikator"), ordering="indicator__code")
    def indicator_code(self, run: IngestionRun) -> str:
        """The indicator's short code (its name is long)."""
        return run.indicator.code if run.indicator_id else "–"

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Runs are a log written by the pipeline, not made by hand."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: IngestionRun | None = None) -> bool:
        """Runs are a log: an admin reads them (and may delete old ones), never edits them."""
        return False

    def get_urls(self) -> list:
        health = path(
            "source-health/",
            self.admin_site.admin_view(self.source_health_view),
            name="indicators_source_health",
        )
        return [health, *super().get_urls()]

    def source_health_view(self, request: HttpRequest) -> HttpResponse:
        """Per indicator: table, last success, last attempt and its error, next update; and the token's state."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Datakilder: status"),
            "health": source_health(),
            "sandbox_token": SANDBOX_TOKEN,
        }
        return TemplateResponse(request, "admin/indicators/source_health.html", context)


@admin.register(ObservationRevision)
class ObservationRevisionAdmin(RecordAdmin):
    list_display = ["observation", "value", "fetched_at", "replaced_at"]
    list_filter = ["observation__indicator"]
    search_fields = ["observation__area__name", "observation__period"]
    raw_id_fields = ["observation", "run"]
