"""Admin: every locally entered value, read-only (values are entered and decided on the municipality's pages)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from config.admin_site import RecordAdmin
from indicators.models import LocalValue


@admin.register(LocalValue)
class LocalValueAdmin(RecordAdmin):
    """Who entered which value when, and who approved or rejected it: a record, never edited here."""

    list_display = (
        "indicator",
        "area",
        "period",
        "value",
        "base",
        "status",
        "entered_by",
        "entered_at",
        "decided_by",
    )
    list_filter = ("status", "origin", "indicator__municipality")
    search_fields = ("indicator__code", "indicator__name", "area__name", "period")
    list_select_related = ("indicator", "area", "entered_by", "decided_by")
    date_hierarchy = "entered_at"

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
