from django.contrib import admin

from config.formsets import BoundedInline
from municipalities.models import Area, RarMembership


class RarMembershipInline(BoundedInline, admin.TabularInline):
    model = RarMembership
    fk_name = "rar"
    max_num = 200  # a RAR area's municipalities (about a dozen), each with a few periods of membership
    extra = 0
    autocomplete_fields = ["municipality"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "code", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RarMembershipInline]


@admin.register(RarMembership)
class RarMembershipAdmin(admin.ModelAdmin):
    list_display = ["municipality", "rar", "valid_from", "valid_to"]
    list_filter = ["rar", "valid_from"]
    search_fields = ["municipality__name", "rar__name"]
    autocomplete_fields = ["rar", "municipality"]
