"""Admin for quarterly reporting (administrators only; see config/urls.py)."""

from django.contrib import admin

from reports import models


@admin.register(models.ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "starts_on", "due_on", "locks_on"]
    list_filter = ["programme"]
    date_hierarchy = "starts_on"


class SectionInline(admin.StackedInline):
    model = models.ReportSection
    extra = 0


class EventInline(admin.TabularInline):
    model = models.ReportEvent
    extra = 0
    can_delete = False
    readonly_fields = [
        "from_status",
        "to_status",
        "actor",
        "comment",
        "section_comments",
        "created_at",
    ]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # transitions go through reports/services.py


@admin.register(models.QuarterlyReport)
class QuarterlyReportAdmin(admin.ModelAdmin):
    list_display = ["institution", "period", "consortium", "status", "submitted_at"]
    list_filter = ["status", "period__programme", "consortium"]
    search_fields = ["institution__name"]
    readonly_fields = ["status", "version", "submitted_at", "approved_at"]
    inlines = [SectionInline, EventInline]


@admin.register(models.Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "message", "created_at", "emailed", "read_at"]
    search_fields = ["user__username", "key"]
