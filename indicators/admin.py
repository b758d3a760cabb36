from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import Indicator, IngestionRun, JobindsatsTable, Observation, ObservationRevision


@admin.register(JobindsatsTable)
class JobindsatsTableAdmin(admin.ModelAdmin):
    list_display = ["table_id", "name", "subject", "update_latest", "update_next", "update_freq"]
    list_filter = ["subject", "update_freq"]
    search_fields = ["table_id", "name", "table_group"]
    readonly_fields = ["synced_at"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "source", "table", "unit", "better_direction", "is_active"]
    list_filter = ["source", "unit", "area_level", "is_active"]
    search_fields = ["code", "name", "catalogue_hint", "measure_label"]
    autocomplete_fields = ["table"]


class ObservationRevisionInline(admin.TabularInline):
    model = ObservationRevision
    extra = 0
    can_delete = False
    readonly_fields = ["value", "suppressed", "provisional", "fetched_at", "replaced_at", "run"]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
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
    list_display = [
        "started_at",
        "kind",
        "indicator",
        "table_id",
        "status",
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


@admin.register(ObservationRevision)
class ObservationRevisionAdmin(admin.ModelAdmin):
    list_display = ["observation", "value", "fetched_at", "replaced_at"]
    list_filter = ["observation__indicator"]
    search_fields = ["observation__area__name", "observation__period"]
    raw_id_fields = ["observation", "run"]
