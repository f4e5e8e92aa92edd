"""汇总表 — the ministry's summary table of a province's key supported colleges (seed 001,
annex 3): the province's applications, then the colleges already in the programme, in its
exact layout: title, the department and filler line, the two-row header
序号 / 推荐学校 / 所在地 (地、市、州、盟 · 欠发达县) / 联系人 / 联系方式, and the footnote."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.page import PageMargins

from accounts.selectors import User, oversees_region, programmes_visible_to, provinces_overseen_by
from outputs.exporters.base import (
    XLSX,
    Exporter,
    ExportForm,
    Output,
    ProgressCallback,
    param_pk,
    register,
)
from outputs.xlsx import put, workbook_bytes
from pairings.choices import MemberRole, PairingKind
from pairings.models import Membership, Pairing
from programmes.models import Application, ApplicationStatus, Programme
from schools.models import Institution, InstitutionKind, Region

COLUMNS = 6  # A–F
WIDTHS = {"A": 7, "B": 32, "C": 18, "D": 40, "E": 12, "F": 24}
FOOTNOTE = _l(
    "“地、市、州、盟”指学校所在地，“欠发达县”请填写该地、市、州、盟所辖国家乡村振兴重点"
    "帮扶县、脱贫县、边境县具体名称。"
)


class SummaryTableForm(ExportForm):
    programme = forms.ModelChoiceField(label=_l("计划"), queryset=Programme.objects.none())
    province = forms.ModelChoiceField(label=_l("省份"), queryset=Region.objects.none())
    filler = forms.CharField(
        label=_l("填报人及联系方式"),
        max_length=100,
        required=False,
        help_text=_l("如：张三 010-12345678"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit("programme", programmes_visible_to(self.user).order_by("name"))
        self.limit("province", provinces_overseen_by(self.user).order_by("code"))


@dataclass(frozen=True)
class Row:
    school: str
    prefecture: str
    counties: str
    contact: str
    phone: str


def _prefecture(region: Region | None) -> Region | None:
    """The 地、市、州、盟 a region lies in (itself when it is one)."""
    if region is None:
        return None
    chain = region.lineage()
    return chain[1] if len(chain) > 1 else chain[0]


def rows_for(programme: Programme, province: Region) -> list[Row]:
    """The province's key supported colleges of the programme: supported members of its
    consortia and supported colleges of its university–college pairings."""
    in_province = Q(region__code__startswith=province.code)
    college_kinds = [
        InstitutionKind.NORMAL_UNIVERSITY,
        InstitutionKind.NORMAL_COLLEGE,
        InstitutionKind.NORMAL_JUNIOR_COLLEGE,
        InstitutionKind.COMPREHENSIVE_UNIVERSITY,
    ]
    colleges = (
        Institution.objects.filter(in_province, kind__in=college_kinds)
        .filter(
            Q(
                pk__in=Membership.objects.filter(
                    consortium__programme=programme, role=MemberRole.SUPPORTED
                ).values("institution")
            )
            | Q(
                pk__in=Pairing.objects.filter(
                    programme=programme, kind=PairingKind.UNIVERSITY_COLLEGE
                ).values("supported")
            )
        )
        .select_related("region__parent__parent")
        .prefetch_related("contacts")
        .order_by("region__code", "name")
    )
    # The province's underdeveloped counties, by prefecture (one query).
    counties_of: dict[int | None, list[str]] = {}
    for county in Region.objects.filter(code__startswith=province.code, level="county").order_by(
        "code"
    ):
        if county.is_underdeveloped_county:
            counties_of.setdefault(county.parent_id, []).append(county.name)
    rows = []
    # Applications come first, as the province recommended them (序号, the counties it named,
    # its contact); colleges in the programme without one follow.
    applications = (
        Application.objects.filter(programme=programme, province=province)
        .exclude(status=ApplicationStatus.NOT_SELECTED)
        .select_related("institution", "prefecture")
        .prefetch_related("underdeveloped_counties")
        .order_by("order", "id")
    )
    listed = set()
    for application in applications:
        listed.add(application.institution_id)
        rows.append(
            Row(
                school=application.institution.name,
                prefecture=application.prefecture.name if application.prefecture else "",
                counties="、".join(c.name for c in application.underdeveloped_counties.all()),
                contact=application.contact_name,
                phone=application.contact_phone,
            )
        )
    for college in colleges:
        if college.pk in listed:
            continue
        prefecture = _prefecture(college.region)
        contacts = list(college.contacts.all())
        contact = contacts[0] if contacts else None
        rows.append(
            Row(
                school=college.name,
                prefecture=prefecture.name if prefecture else "",
                counties="、".join(counties_of.get(prefecture.pk, [])) if prefecture else "",
                contact=contact.name if contact else "",
                phone=contact.phone if contact else "",
            )
        )
    return rows


def summary_table_workbook(
    *, programme: Programme, province: Region, department: str, filler: str, rows: list[Row]
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("汇总表")
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    song = "宋体"

    put(sheet, 1, 1, _("附件 3"), font=Font(name="黑体", size=12))
    sheet.merge_cells("A2:F2")
    put(
        sheet,
        2,
        1,
        _("%(programme)s重点支持学校汇总表") % {"programme": programme.name},
        font=Font(name="方正小标宋简体", size=18, bold=True),
        alignment=centre,
    )
    sheet.row_dimensions[2].height = 36
    sheet.merge_cells("A3:C3")
    sheet.merge_cells("D3:F3")
    put(
        sheet,
        3,
        1,
        _("省级教育行政部门（盖章）：%(department)s") % {"department": department},
        font=Font(name=song, size=12),
        alignment=left,
    )
    put(
        sheet,
        3,
        4,
        _("填报人及联系方式：%(filler)s") % {"filler": filler},
        font=Font(name=song, size=12),
        alignment=left,
    )
    sheet.row_dimensions[3].height = 24
    header = Font(name="黑体", size=12)
    for ref in ("A4:A5", "B4:B5", "C4:D4", "E4:E5", "F4:F5"):
        sheet.merge_cells(ref)
    for column, text in (
        (1, _("序号")),
        (2, _("推荐学校")),
        (3, _("所在地")),
        (5, _("联系人")),
        (6, _("联系方式")),
    ):
        put(sheet, 4, column, text, font=header, alignment=centre)
    put(sheet, 5, 3, _("地、市、州、盟"), font=header, alignment=centre)
    put(sheet, 5, 4, _("欠发达县"), font=header, alignment=centre)
    body = Font(name=song, size=11)
    first = 6
    # The ministry's blank form has three rows; keep at least that many.
    for offset in range(max(len(rows), 3)):
        number = first + offset
        row = rows[offset] if offset < len(rows) else None
        values = (
            [offset + 1, row.school, row.prefecture, row.counties, row.contact, row.phone]
            if row
            else [None] * COLUMNS
        )
        for column, value in enumerate(values, start=1):
            put(
                sheet,
                number,
                column,
                value,
                font=body,
                alignment=centre if column in (1, 3, 5) else left,
            )
        sheet.row_dimensions[number].height = 30
    last = first + max(len(rows), 3) - 1
    for line in sheet.iter_rows(min_row=4, max_row=last, min_col=1, max_col=COLUMNS):
        for cell in line:
            cell.border = box
    note = last + 2
    sheet.merge_cells(start_row=note, start_column=1, end_row=note, end_column=COLUMNS)
    put(sheet, note, 1, str(FOOTNOTE), font=Font(name=song, size=10.5), alignment=left)
    sheet.row_dimensions[note].height = 34
    for letter, width in WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    sheet.print_title_rows = "4:5"
    sheet.print_area = f"A1:F{note}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.6, right=0.6, top=0.8, bottom=0.8)
    sheet.oddFooter.center.text = "&P / &N"
    return workbook_bytes(workbook)


@register
class SummaryTableExporter(Exporter):
    kind = "summary_table_xlsx"
    name = _l("重点支持学校汇总表（Excel）")
    description = _l("按教育部附件 3 格式生成本省重点支持学校汇总表，可直接盖章报送。")
    form_class = SummaryTableForm

    @classmethod
    def allowed(cls, user: User, params: dict[str, Any]) -> bool:
        province = Region.objects.filter(pk=param_pk(params, "province"), level="province").first()
        programme = programmes_visible_to(user).filter(pk=param_pk(params, "programme")).first()
        return province is not None and programme is not None and oversees_region(user, province)

    def title(self) -> str:
        province = Region.objects.get(pk=self.params["province"])
        programme = Programme.objects.get(pk=self.params["programme"])
        return _("%(province)s · %(programme)s 重点支持学校汇总表") % {
            "province": province.name,
            "programme": programme.short_name,
        }

    def run(self, progress: ProgressCallback) -> Output:
        programme = Programme.objects.get(pk=self.params["programme"])
        province = Region.objects.get(pk=self.params["province"])
        progress(0, 2, _("读取推荐学校"))
        rows = rows_for(programme, province)
        department = (
            Institution.objects.filter(
                kind=InstitutionKind.PROVINCIAL_DEPARTMENT,
                region__code__startswith=province.code,
            )
            .values_list("name", flat=True)
            .first()
            or ""
        )
        progress(1, 2, _("写入表格"))
        data = summary_table_workbook(
            programme=programme,
            province=province,
            department=department,
            filler=self.params.get("filler", ""),
            rows=rows,
        )
        filename = _("%(province)s-重点支持学校汇总表.xlsx") % {"province": province.name}
        return Output(filename=filename, content_type=XLSX, data=data)
