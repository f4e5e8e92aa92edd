"""Admin for the projects app (administrators only; see config/urls.py)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects import models


class UnitInline(admin.TabularInline):
    model = models.ResponsibleUnit
    extra = 0
    autocomplete_fields = ["institution"]


class MemberInline(admin.TabularInline):
    model = models.ProjectMember
    extra = 0
    autocomplete_fields = ["institution"]


class MilestoneInline(admin.TabularInline):
    model = models.Milestone
    extra = 0


class StatusChangeInline(admin.TabularInline):
    model = models.ProjectStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "comment", "changed_by", "changed_at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # status changes go through project_transition


@admin.register(models.Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["title", "programme", "area", "consortium", "status", "starts_on", "ends_on"]
    list_filter = ["programme", "status", "area", "is_demo"]
    search_fields = ["title", "units__institution__name"]
    autocomplete_fields = ["consortium", "pairing", "beneficiaries"]
    readonly_fields = ["status"]
    inlines = [UnitInline, MemberInline, MilestoneInline, StatusChangeInline]


@admin.register(models.IndicatorTemplate)
class IndicatorTemplateAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "programme", "target_value", "unit", "target_basis", "source"]
    list_filter = ["programme", "kind", "source"]
    search_fields = ["name", "code"]


class TargetInline(admin.TabularInline):
    model = models.IndicatorTarget
    extra = 0


class ActualInline(admin.TabularInline):
    model = models.IndicatorActual
    extra = 0


class ItemInline(admin.TabularInline):
    model = models.DeliverableItem
    extra = 0


@admin.register(models.Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "pairing", "kind", "source", "unit"]
    list_filter = ["kind", "source"]
    search_fields = ["name", "project__title"]
    autocomplete_fields = ["project", "pairing"]
    inlines = [TargetInline, ActualInline, ItemInline]


@admin.register(models.Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_on", "organiser", "project", "hours"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["title", "organiser__name"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["consortium", "pairing", "project", "organiser"]
    filter_horizontal = ["indicators"]


class VersionInline(admin.StackedInline):
    model = models.PlanVersion
    extra = 0
    readonly_fields = ["number", "submitted_at", "approved_at", "created_by"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # versions come from the plan workflow (projects/services/plans.py)


class ReviewerInline(admin.TabularInline):
    model = models.PlanReviewer
    fk_name = "plan"
    extra = 0
    readonly_fields = ["assigned_by", "assigned_at"]


class EventInline(admin.TabularInline):
    model = models.PlanEvent
    extra = 0
    can_delete = False
    readonly_fields = ["version", "from_status", "to_status", "actor", "comment", "created_at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(models.SchoolPlan)
class SchoolPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "consortium", "phase", "college", "supporter", "status"]
    list_filter = ["status", "consortium"]
    search_fields = ["title", "college__name"]
    readonly_fields = ["status"]
    inlines = [VersionInline, ReviewerInline, EventInline]


@admin.register(models.Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["visiting", "visited", "leader_name", "starts_on", "is_responsible_leader"]
    list_filter = ["consortium", "is_responsible_leader"]
    date_hierarchy = "starts_on"


@admin.register(models.Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "held_on", "consortium"]
    list_filter = ["kind", "consortium"]
    filter_horizontal = ["attendees"]
