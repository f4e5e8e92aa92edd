from django.contrib import admin

from outputs.models import OutputJob


@admin.register(OutputJob)
class OutputJobAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "requested_by", "status", "progress", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "requested_by__username"]
    readonly_fields = [f.name for f in OutputJob._meta.fields]
