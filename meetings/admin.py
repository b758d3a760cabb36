"""Admin: snapshots and packs are shown, never edited (a snapshot is what a meeting saw)."""

from __future__ import annotations

from django.contrib import admin

from config.admin_site import RecordAdmin
from meetings.models import MeetingPack, Snapshot


@admin.register(Snapshot)
class SnapshotAdmin(RecordAdmin):
    list_display = [
        "meeting_name",
        "meeting_date",
        "municipality",
        "goal_set",
        "made_by",
        "made_at",
        "is_public",
    ]
    list_filter = ["is_public", "goal_set"]
    list_select_related = ["municipality", "goal_set", "made_by"]
    search_fields = ["meeting_name", "municipality__name"]


@admin.register(MeetingPack)
class MeetingPackAdmin(RecordAdmin):
    list_display = ["snapshot", "language", "state", "requested_at", "finished_at"]
    list_filter = ["state", "language"]
    list_select_related = ["snapshot__municipality"]
    search_fields = ["snapshot__meeting_name", "snapshot__municipality__name"]
    exclude = ["pdf"]
