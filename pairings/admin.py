from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from import_export.admin import ExportMixin
from import_export.formats.base_formats import XLSX

from pairings.models import Consortium, Membership, Pairing
from pairings.resources import PairingResource
from pairings.rules import MemberSpec


class MembershipFormSet(BaseInlineFormSet):
    """Checks the 1+M+N rule on the whole set of members being saved, not row by row."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        specs = [
            MemberSpec(form.cleaned_data["institution"], form.cleaned_data["role"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        consortium: Consortium = self.instance
        if not consortium.lead_id or not consortium.programme_id:
            return
        errors = consortium.structure_errors(specs)
        if errors:
            raise ValidationError(errors)


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    autocomplete_fields = ["institution"]


@admin.register(Consortium)
class ConsortiumAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "lead", "established_on"]
    list_filter = ["programme"]
    search_fields = ["name", "lead__name"]
    autocomplete_fields = ["lead", "programme"]
    list_select_related = ["programme", "lead"]
    inlines = [MembershipInline]


@admin.register(Pairing)
class PairingAdmin(ExportMixin, admin.ModelAdmin):
    # Export only: imports go through the checked, previewed path of the imports app.
    resource_classes = [PairingResource]
    # Only .xlsx: its cells stay text, while a .csv or .tsv would hand text starting with
    # + - @ to Excel as formulas (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT strips only "=").
    formats = [XLSX]
    list_display = ["supporter", "supported", "kind", "programme", "phase", "status", "is_demo"]
    list_filter = ["programme", "kind", "phase", "status", "is_demo"]
    search_fields = ["supporter__name", "supported__name", "note"]
    autocomplete_fields = ["supporter", "supported", "consortium", "programme", "phase"]
    list_select_related = ["supporter", "supported", "programme", "phase"]
