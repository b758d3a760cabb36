from django.contrib import admin

from notifications.models import NotificationEvent, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "language", "created_at"]
    list_select_related = ["user", "municipality"]
    search_fields = ["user__username", "municipality__name"]
    autocomplete_fields = ["municipality"]


@admin.register(NotificationEvent)
class NotificationEventAdmin(admin.ModelAdmin):
    """What was announced: read-only (the mails and the feed already showed it)."""

    list_display = ["created_at", "kind", "municipality", "indicator"]
    list_filter = ["kind"]
    list_select_related = ["municipality", "indicator"]
    search_fields = ["municipality__name", "key"]
    readonly_fields = [f.name for f in NotificationEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
