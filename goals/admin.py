from django.contrib import admin

from config.admin_site import HistoryAdmin
from config.formsets import BoundedInline
from goals.models import MAX_TARGETS_PER_PLAN, ChiefAssignment, Goal, GoalSet, Plan, PlanGoal, Target

# Querysets whose objects' labels (__str__) follow relations: read with them, so a select costs one query, not
# one per option.
LABELLED = {
    GoalSet: lambda: GoalSet.objects.select_related("municipality"),
    Goal: lambda: Goal.objects.select_related("goal_set"),
    PlanGoal: lambda: PlanGoal.objects.select_related(
        "plan__municipality", "plan__goal_set", "goal__goal_set"
    ),
}


class LabelledChoices:
    """Foreign-key selects whose option labels cost no query each (mix in before the admin class)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model in LABELLED and "queryset" not in kwargs:
            kwargs["queryset"] = LABELLED[db_field.related_model]()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class GoalInline(BoundedInline, LabelledChoices, admin.StackedInline):
    model = Goal
    max_num = 20  # goals in a year's set (the minister names about five)
    extra = 0
    fields = ["number", "title", "text", "continues_from", "indicators"]
    filter_horizontal = ["indicators"]


@admin.register(GoalSet)
class GoalSetAdmin(HistoryAdmin):
    list_display = ["year", "municipality", "announced_on", "source_title"]
    list_filter = ["announced_on", ("municipality", admin.EmptyFieldListFilter)]
    search_fields = ["year", "source_title"]
    inlines = [GoalInline]


@admin.register(Goal)
class GoalAdmin(LabelledChoices, HistoryAdmin):
    list_display = ["__str__", "goal_set", "number", "continues_from"]
    list_filter = ["goal_set"]
    search_fields = ["title", "text"]
    filter_horizontal = ["indicators"]
    history_list_display = ["title"]


class PlanGoalInline(BoundedInline, LabelledChoices, admin.StackedInline):
    model = PlanGoal
    max_num = 20  # one per goal of the year
    extra = 0
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(HistoryAdmin):
    list_display = ["municipality", "goal_set", "status", "adopted_on"]
    list_filter = ["goal_set", "status", "municipality__region"]
    search_fields = ["municipality__name", "decision_reference"]
    autocomplete_fields = ["municipality"]
    inlines = [PlanGoalInline]


class TargetInline(BoundedInline, admin.StackedInline):
    model = Target
    max_num = MAX_TARGETS_PER_PLAN
    extra = 0
    autocomplete_fields = ["indicator"]


@admin.register(PlanGoal)
class PlanGoalAdmin(LabelledChoices, HistoryAdmin):
    list_display = ["plan", "goal"]
    list_filter = ["goal__goal_set", "goal__number"]
    search_fields = ["plan__municipality__name", "text"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(LabelledChoices, HistoryAdmin):
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
    """Admins give users a role in a municipality: plan keeper or committee chair (what each may: goals.roles)."""

    list_display = ["municipality", "user", "role"]
    list_filter = ["role", "municipality__region"]
    list_select_related = ["municipality", "user"]
    search_fields = ["municipality__name", "user__username"]
