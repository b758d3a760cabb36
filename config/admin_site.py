"""Måltavlen's admin: its name, an empty value shown as "–", and history pages that open for every record."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject, ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

from config.formsets import BoundedInline

EMPTY_VALUE = "–"


class MaaltavlenAdminSite(admin.AdminSite):
    site_header = _("Måltavlen – administration")
    site_title = _("Måltavlen – administration")
    index_title = _("Administration")
    empty_value_display = EMPTY_VALUE

    def has_permission(self, request) -> bool:
        """Only admins enter (goals.roles: an active superuser). Django's model permissions, given to a staff user,
        open nothing here: what a plan keeper or a chair may change is changed on the municipality's own pages."""
        from goals.roles import is_admin  # goals' models import this module's HistoryAdmin

        return is_admin(request.user)

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        """Register as Django does, with every inline bounded, also those of installed apps (celery beat, axes)."""
        admin_class = admin_class or admin.ModelAdmin
        inlines = [bounded_inline(inline) for inline in admin_class.inlines]
        if inlines != list(admin_class.inlines):
            admin_class = type(admin_class.__name__, (admin_class,), {"inlines": inlines})
        super().register(model_or_iterable, admin_class, **options)


def bounded_inline(inline: type) -> type:
    """The inline itself when it is bounded already, else the same inline with BoundedInline mixed in."""
    if issubclass(inline, BoundedInline):
        return inline
    return type(inline.__name__, (BoundedInline, inline), {"__module__": inline.__module__})


class ReadableChanges(HistoricalRecordContextHelper):
    """A history page's "changes" column in words: choice labels, yes/no, and "–" for an empty value."""

    def prepare_delta_change_value(self, change: ModelChange, value: Any) -> Any:
        """An empty foreign key is "–" (not "Deleted … (pk=None)"), a choice is its label, a flag "Ja"/"Nej"."""
        if value is None or (isinstance(value, DeletedObject) and value.pk is None):
            return EMPTY_VALUE
        if isinstance(value, bool):
            return _("Ja") if value else _("Nej")
        field = self.model._meta.get_field(change.field)
        if field.choices and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class RecordAdmin(admin.ModelAdmin):
    """A record written by the application (observations and their revisions, locally entered values, snapshots):
    shown in the admin, never added or changed there, so nothing bypasses the revisions and the four eyes."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class HistoryAdmin(SimpleHistoryAdmin):
    """The admin of a model with history: list, view and revert earlier versions, with readable changes."""

    def history_view(self, request, object_id, extra_context=None):
        """The history list, each extra column headed by its field's name ("Titel"), not its attribute ("title")."""
        labels = [label_for_field(name, self.model, self) for name in self.get_history_list_display(request)]
        return super().history_view(
            request, object_id, {"history_list_labels": labels, **(extra_context or {})}
        )

    def get_historical_record_context_helper(
        self, request, historical_record
    ) -> HistoricalRecordContextHelper:
        """Changes shown in words (see ReadableChanges)."""
        return ReadableChanges(self.model, historical_record)
