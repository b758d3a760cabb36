from django.contrib import admin

from config.admin_site import HistoryAdmin
from goals.models import ChiefAssignment, Goal, GoalSet, Plan, PlanGoal, Target


class GoalInline(admin.StackedInline):
    model = Goal
    extra = 0
    fields = ["number", "title", "text", "continues_from", "indicators"]
    filter_horizontal = ["indicators"]


@admin.register(GoalSet)
class GoalSetAdmin(admin.ModelAdmin):
    list_display = ["year", "announced_on", "source_title"]
    list_filter = ["announced_on"]
    search_fields = ["year", "source_title"]
    inlines = [GoalInline]


@admin.register(Goal)
class GoalAdmin(HistoryAdmin):
    list_display = ["__str__", "goal_set", "number", "continues_from"]
    list_filter = ["goal_set"]
    search_fields = ["title", "text"]
    filter_horizontal = ["indicators"]
    history_list_display = ["title"]


class PlanGoalInline(admin.StackedInline):
    model = PlanGoal
    extra = 0
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(HistoryAdmin):
    list_display = ["municipality", "goal_set", "status", "adopted_on"]
    list_filter = ["goal_set", "status", "municipality__region"]
    search_fields = ["municipality__name", "decision_reference"]
    autocomplete_fields = ["municipality"]
    inlines = [PlanGoalInline]


class TargetInline(admin.StackedInline):
    model = Target
    extra = 0
    autocomplete_fields = ["indicator"]


@admin.register(PlanGoal)
class PlanGoalAdmin(HistoryAdmin):
    list_display = ["plan", "goal"]
    list_filter = ["goal__goal_set", "goal__number"]
    search_fields = ["plan__municipality__name", "text"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(HistoryAdmin):
    list_display = [
        "plan_goal",
        "indicator",
        "baseline_period",
        "baseline_value",
        "target_period",
        "target_value",
    ]
    list_filter = ["plan_goal__goal__goal_set", "indicator", "direction"]
    search_fields = ["plan_goal__plan__municipality__name", "narrative"]
    autocomplete_fields = ["indicator"]


@admin.register(ChiefAssignment)
class ChiefAssignmentAdmin(admin.ModelAdmin):
    list_display = ["municipality", "user"]
    list_filter = ["municipality__region"]
    list_select_related = ["municipality", "user"]
    search_fields = ["municipality__name", "user__username"]
