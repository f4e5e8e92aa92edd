"""django-import-export resources of pairings.

Used where the library fits: the administrators' quick export of the pairing list from the
admin, and as the baseline `manage.py bench_imports` measures our import path against (its
default, row-by-row configuration). Imports by people go through imports/importers/
round_setup.py: Chinese headers as provinces write them, every row's error in Chinese, and
bulk writes.
"""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from pairings.models import Pairing
from programmes.models import Phase, Programme
from schools.models import Institution


class PairingResource(resources.ModelResource):
    programme = fields.Field(
        attribute="programme", column_name="计划", widget=ForeignKeyWidget(Programme, "slug")
    )
    phase = fields.Field(attribute="phase", column_name="轮次", widget=ForeignKeyWidget(Phase))
    kind = fields.Field(attribute="kind", column_name="结对类型")
    supporter = fields.Field(
        attribute="supporter", column_name="支援方", widget=ForeignKeyWidget(Institution, "name")
    )
    supported = fields.Field(
        attribute="supported", column_name="受援方", widget=ForeignKeyWidget(Institution, "name")
    )
    starts_on = fields.Field(attribute="starts_on", column_name="开始日期")
    ends_on = fields.Field(attribute="ends_on", column_name="结束日期")
    note = fields.Field(attribute="note", column_name="备注")

    class Meta:
        model = Pairing
        fields = (
            "programme",
            "phase",
            "kind",
            "supporter",
            "supported",
            "starts_on",
            "ends_on",
            "note",
        )
        import_id_fields = ("programme", "phase", "supporter", "supported")
