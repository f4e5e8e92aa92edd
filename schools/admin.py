from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from schools.models import Contact, Institution, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent", "zone", "is_underdeveloped_county"]
    list_filter = [
        "level",
        "zone",
        "is_key_rural_revitalization_county",
        "is_poverty_alleviated_county",
        "is_land_border_county",
    ]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]

    @admin.display(boolean=True, description=_("欠发达县"))
    def is_underdeveloped_county(self, obj: Region) -> bool:
        return obj.is_underdeveloped_county


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "region", "cluster", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "short_name", "region__name", "cluster"]
    autocomplete_fields = ["region"]
    list_select_related = ["region"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "post", "phone", "email", "is_information_officer"]
    list_filter = ["is_information_officer"]
    search_fields = ["name", "institution__name", "phone", "email"]
    autocomplete_fields = ["institution"]
    list_select_related = ["institution"]
