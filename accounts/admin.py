from django.contrib import admin

from accounts.models import Affiliation


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["user", "institution", "role", "consortium", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__last_name", "institution__name"]
    autocomplete_fields = ["user", "institution", "consortium"]
    list_select_related = ["user", "institution", "consortium"]
