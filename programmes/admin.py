from django.contrib import admin

from programmes.models import ContentArea, Phase, Programme


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class ContentAreaInline(admin.TabularInline):
    model = ContentArea
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "document_number", "starts_on", "ends_on"]
    list_filter = ["level", "reporting_cadence"]
    search_fields = ["name", "short_name", "document_number", "issuing_authority"]
    autocomplete_fields = ["region"]
    inlines = [PhaseInline, ContentAreaInline]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "kind", "number", "starts_on", "ends_on"]
    list_filter = ["programme", "kind"]
    search_fields = ["name", "programme__name"]
    list_select_related = ["programme"]


@admin.register(ContentArea)
class ContentAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "programme", "is_featured", "order"]
    list_filter = ["programme", "is_featured"]
    search_fields = ["name", "programme__name"]
    list_select_related = ["programme"]
