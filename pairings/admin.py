from base64 import b64encode
from hashlib import sha256

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override
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


def _inline_allowed(*snippets: str) -> list[str]:
    """'unsafe-hashes' with the hash of each exact snippet: those run, nothing else inline."""
    return [CSP.UNSAFE_HASHES] + [
        f"'sha256-{b64encode(sha256(s.encode()).digest()).decode()}'" for s in snippets
    ]


# django-import-export's export page (4.x template) has a "select all" checkbox with an
# inline onchange handler and two inline style attributes, which the site's policy blocks.
# Only that page is relaxed, and only for those three exact attribute values (CSP level 3
# 'unsafe-hashes'): no 'unsafe-inline', so anything injected inline is still refused.
EXPORT_PAGE_CSP = {
    **settings.SECURE_CSP,
    "script-src-attr": _inline_allowed("onSelectToggleChange(event)"),
    "style-src-attr": _inline_allowed("padding: 0;", "font-weight: bold;"),
}


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

    @method_decorator(csp_override(EXPORT_PAGE_CSP))
    def export_action(self, request: HttpRequest) -> HttpResponse:
        return super().export_action(request)
