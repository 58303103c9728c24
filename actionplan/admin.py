"""Admin for the action plan: the secretariat's raw access, and the bench's reference point for
the plan table (issue 9). Everyday editing happens in the portal's own pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Committee, Goal, Measure, MeasureStatus, Plan, SubGoal


class MeasureStatusInline(admin.TabularInline):
    model = MeasureStatus
    extra = 0
    fields = ["year", "status", "note"]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "committee", "goal", "subgoal", "responsible", "retired"]
    list_filter = ["retired", "goal__plan", "goal__committee"]
    list_select_related = ["goal__committee", "subgoal"]
    search_fields = ["text", "responsible"]
    raw_id_fields = ["goal", "subgoal", "predecessor"]
    inlines = [MeasureStatusInline]


@admin.register(Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "leader", "order"]
    prepopulated_fields = {"slug": ["short_name"]}
    filter_horizontal = ["editors"]


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "committee", "order", "retired"]
    list_filter = ["plan", "committee", "retired"]
    list_select_related = ["plan", "committee"]


@admin.register(SubGoal)
class SubGoalAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "goal", "order", "retired"]
    list_select_related = ["goal"]
    raw_id_fields = ["goal"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "start_year", "end_year", "ended"]
