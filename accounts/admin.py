from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Affiliation
from accounts.permissions import user_sync_grants


@admin.register(Affiliation)
class AffiliationAdmin(SimpleHistoryAdmin):
    """Roles edited here go through the same grant sync as the coordinators' page."""

    list_display = ["user", "institution", "role", "consortium", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__last_name", "institution__name"]
    autocomplete_fields = ["user", "institution", "consortium"]
    list_select_related = ["user", "institution", "consortium"]

    def save_model(self, request: HttpRequest, obj: Affiliation, form, change: bool) -> None:
        previous_user = Affiliation.objects.get(pk=obj.pk).user if change else None
        super().save_model(request, obj, form, change)
        user_sync_grants(obj.user)
        if previous_user is not None and previous_user != obj.user:
            user_sync_grants(previous_user)

    def delete_model(self, request: HttpRequest, obj: Affiliation) -> None:
        super().delete_model(request, obj)
        user_sync_grants(obj.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Affiliation]) -> None:
        users = {a.user for a in queryset.select_related("user")}
        for affiliation in queryset:
            affiliation.delete()  # one by one, so each removal is in the history
        for user in users:
            user_sync_grants(user)
