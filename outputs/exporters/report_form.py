"""The offline quarterly report form (离线填报表): one institution's report for one period as a
workbook to fill without the web page and upload back as a draft (reports/offline.py reads it).

The layout (sheets, columns, the hidden metadata) lives in reports/offline.py so that writing
and reading cannot drift apart. Keys and reference columns are locked (sheet protection without
a password: it prevents slips, not tampering — the upload checks every row anyway); the input
cells are unlocked and carry data validation.
"""

import io
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from accounts.selectors import (
    User,
    can_fill_report,
    programmes_visible_to,
    reports_visible_to,
    scope_of,
)
from outputs.exporters.base import (
    XLSX,
    Exporter,
    ExportForm,
    Output,
    ProgressCallback,
    param_pk,
    register,
)
from outputs.xlsx import put
from programmes.models import ContentArea
from reports import offline
from reports.models import QuarterlyReport, ReportingPeriod
from reports.selectors import (
    derived_value,
    expected_reporters,
    indicators_reported_by,
    projects_reported_by,
)
from reports.services import LABELS, REPORT_FIELDS
from schools.models import Institution

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)
# Rows kept visible while scrolling: the header, and the columns that say what a row is.
FREEZE = {"basic": "C2", "sections": "C2", "progress": "C2", "values": "D2"}
ROW_HEIGHT = {"basic": 30, "sections": 110, "progress": 60, "values": 20}


def _institutions_for(user: User) -> QuerySet[Institution]:
    """Institutions the user reports for, and those whose reports the user may read."""
    scope = scope_of(user)
    if scope.is_admin:
        return Institution.objects.all()
    return Institution.objects.filter(
        Q(pk__in=scope.acting_for) | Q(pk__in=reports_visible_to(user).values("institution"))
    )


class ReportFormParams(ExportForm):
    period = forms.ModelChoiceField(label=_l("报送期"), queryset=ReportingPeriod.objects.none())
    institution = forms.ModelChoiceField(label=_l("报送单位"), queryset=Institution.objects.none())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        period_field: Any = self.fields["period"]
        period_field.queryset = ReportingPeriod.objects.filter(
            programme__in=programmes_visible_to(user).values("pk")
        ).select_related("programme")
        institution_field: Any = self.fields["institution"]
        institution_field.queryset = _institutions_for(user).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        period, institution = data.get("period"), data.get("institution")
        if period and institution:
            reporters = expected_reporters(period.programme, period)
            if not reporters.filter(pk=institution.pk).exists():
                raise forms.ValidationError(
                    _("“%(name)s”不在“%(period)s”的报送单位之列。")
                    % {"name": institution.name, "period": period}
                )
        return data


@register
class ReportFormExporter(Exporter):
    kind = "report_form_xlsx"
    name = _l("季度报告离线填报表")
    description = _l(
        "预先填入本单位的项目、实施步骤、指标和已保存的草稿内容；离线填写后在报告页面上传，"
        "检查无误即保存为草稿。"
    )
    queue = "celery"
    form_class = ReportFormParams

    @classmethod
    def allowed(cls, user: User, params: dict[str, Any]) -> bool:
        """Who may fill the institution's report, or read it (then the form is for reading)."""
        period_pk, institution_pk = param_pk(params, "period"), param_pk(params, "institution")
        period = ReportingPeriod.objects.filter(
            pk=period_pk, programme__in=programmes_visible_to(user).values("pk")
        ).first()
        institution = Institution.objects.filter(pk=institution_pk).first()
        if period is None or institution is None:
            return False
        if can_fill_report(user, QuarterlyReport(period=period, institution=institution)):
            return True
        return reports_visible_to(user).filter(period=period, institution=institution).exists()

    def _subject(self) -> tuple[ReportingPeriod, Institution]:
        period = ReportingPeriod.objects.select_related("programme").get(pk=self.params["period"])
        return period, Institution.objects.get(pk=self.params["institution"])

    def title(self) -> str:
        period, institution = self._subject()
        return _("%(institution)s · %(period)s 离线填报表") % {
            "institution": institution.name,
            "period": period.name,
        }

    def run(self, progress: ProgressCallback) -> Output:
        period, institution = self._subject()
        progress(0, 5, _("读取报告"))
        report = (
            QuarterlyReport.objects.filter(period=period, institution=institution)
            .prefetch_related("sections", "project_progress", "indicator_values")
            .first()
        )
        book = Workbook()
        _instructions(book.active, period, institution, report)
        progress(1, 5, _("基本信息"))
        _basic(book, report)
        progress(2, 5, _("工作进展"))
        _sections(book, period, report)
        progress(3, 5, _("项目进展"))
        _progress(book, period, institution, report)
        progress(4, 5, _("指标"))
        _values(book, period, institution, report)
        _meta(book, period, institution, report)
        book.security = WorkbookProtection(lockStructure=True)
        buffer = io.BytesIO()
        book.save(buffer)
        progress(5, 5, "")
        filename = _("离线填报表_%(institution)s_%(period)s.xlsx") % {
            "institution": institution.name,
            "period": period.name,
        }
        return Output(filename, XLSX, buffer.getvalue())


def _instructions(
    sheet: Worksheet,
    period: ReportingPeriod,
    institution: Institution,
    report: QuarterlyReport | None,
) -> None:
    sheet.title = _("说明")
    put(
        sheet,
        1,
        1,
        _("%(institution)s · %(period)s 季度报告离线填报表")
        % {"institution": institution.name, "period": period},
        font=Font(bold=True, size=14),
    )
    lines = [
        _("生成时间：%(time)s；报告版本：%(version)s。")
        % {
            "time": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "version": report.version if report else 1,
        },
        _("截止日期：%(due)s；%(lock)s 之后锁定。")
        % {"due": period.due_on, "lock": period.locks_on},
        _("1. 只在白色单元格中填写；灰色单元格是编号和参考信息，已锁定。"),
        _("2. 请勿增删工作表、行或列，也不要修改“编号”列。"),
        _("3. 完成进度填 0 到 100 的整数；本期数值为数字，最多两位小数。"),
        _("4. 本期数值与“由活动汇总的数值”不同时，须在“修改原因”中说明。"),
        _(
            "5. 填好后在报告页面“上传离线填报表”。系统逐行检查，全部无误才保存为草稿；"
            "有误时会列出每一处问题所在的工作表、行和列，改正后重新上传即可。"
        ),
        _(
            "6. 如果下载后有人在网页上修改并保存了报告，上传时系统会列出双方不同之处，"
            "核对后可选择以文件内容为准。"
        ),
        _("7. 上传只保存草稿；提交审核请在网页上进行。"),
    ]
    for row, line in enumerate(lines, start=3):
        put(sheet, row, 1, line)
    sheet.column_dimensions["A"].width = 110
    sheet.protection.sheet = True


def _data_sheet(book: Workbook, spec: offline.Sheet, rows: list[list[Any]]) -> Worksheet:
    """A sheet of the form: header, rows, locked keys and references, unlocked inputs."""
    sheet = book.create_sheet(str(spec.title))
    for column, col in enumerate(spec.columns, start=1):
        put(
            sheet,
            1,
            column,
            str(col.header),
            font=Font(bold=True),
            fill=HEADER_FILL,
            alignment=WRAP,
        )
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = col.width
        sheet.column_dimensions[letter].hidden = col.hidden
    for row, values in enumerate(rows, start=2):
        for column, (col, value) in enumerate(zip(spec.columns, values, strict=True), start=1):
            cell = put(sheet, row, column, value, alignment=WRAP)
            if col.editable:
                cell.protection = UNLOCKED
            else:
                cell.fill = LOCKED_FILL
        sheet.row_dimensions[row].height = ROW_HEIGHT[spec.key]
    last = max(len(rows) + 1, 2)
    for column, col in enumerate(spec.columns, start=1):
        validation = _validation(col)
        if validation is not None and rows:
            letter = get_column_letter(column)
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last}")
    sheet.freeze_panes = FREEZE[spec.key]
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.protection.sheet = True
    # Resizing rows and columns helps reading long text and changes nothing that is read back.
    sheet.protection.formatRows = False
    sheet.protection.formatColumns = False
    return sheet


def _validation(col: offline.Column) -> DataValidation | None:
    if col.kind == "percent":
        return DataValidation(
            type="whole",
            operator="between",
            formula1="0",
            formula2="100",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("完成进度"),
            error=_("请填写 0 到 100 之间的整数。"),
        )
    if col.kind == "decimal":
        return DataValidation(
            type="decimal",
            operator="between",
            formula1=f"-{offline.MAX_VALUE}",
            formula2=f"{offline.MAX_VALUE}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("本期数值"),
            error=_("请填写数字（最多两位小数）。"),
        )
    if col.field == "reason":
        return DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            formula1=str(offline.REASON_MAX_LENGTH),
            allow_blank=True,
            showErrorMessage=True,
            error=_("修改原因不超过 %(limit)d 个字符。") % {"limit": offline.REASON_MAX_LENGTH},
        )
    return None


def _basic(book: Workbook, report: QuarterlyReport | None) -> None:
    rows = [
        [name, str(LABELS[name]), getattr(report, name) if report else ""] for name in REPORT_FIELDS
    ]
    sheet = _data_sheet(book, offline.BASIC, rows)
    sheet.row_dimensions[REPORT_FIELDS.index("highlights") + 2].height = 150
    for row, name in enumerate(REPORT_FIELDS, start=2):
        limit = getattr(QuarterlyReport._meta.get_field(name), "max_length", None)
        if limit and name != "highlights":
            validation = DataValidation(
                type="textLength",
                operator="lessThanOrEqual",
                formula1=str(limit),
                allow_blank=True,
                showErrorMessage=True,
                error=_("不超过 %(limit)d 个字符。") % {"limit": limit},
            )
            sheet.add_data_validation(validation)
            validation.add(f"C{row}")


def _sections(book: Workbook, period: ReportingPeriod, report: QuarterlyReport | None) -> None:
    stored = {s.area_id: s for s in report.sections.all()} if report else {}
    rows = []
    for area in ContentArea.objects.filter(programme=period.programme_id):
        section = stored.get(area.pk)
        rows.append(
            [
                area.pk,
                area.name,
                *(
                    getattr(section, f) if section else ""
                    for f in ("work_done", "outcomes", "problems", "next_plan")
                ),
            ]
        )
    _data_sheet(book, offline.SECTIONS, rows)


def _milestones(project: Any) -> str:
    lines = []
    for number, milestone in enumerate(project.milestones.all(), start=1):
        line = _("%(n)d. %(title)s（计划 %(due)s") % {
            "n": number,
            "title": milestone.title,
            "due": milestone.due_on,
        }
        if milestone.done_on:
            line += _("，已于 %(done)s 完成") % {"done": milestone.done_on}
        lines.append(line + "）")
    return "\n".join(lines)


def _progress(
    book: Workbook,
    period: ReportingPeriod,
    institution: Institution,
    report: QuarterlyReport | None,
) -> None:
    stored = {p.project_id: p for p in report.project_progress.all()} if report else {}
    projects = projects_reported_by(institution=institution, period=period).prefetch_related(
        "milestones"
    )
    rows = []
    for project in projects:
        entry = stored.get(project.pk)
        rows.append(
            [
                project.pk,
                project.title,
                project.area.name,
                entry.percent if entry else None,
                entry.milestones_reached if entry else "",
                entry.note if entry else "",
                f"{project.starts_on} — {project.ends_on}",
                _milestones(project),
            ]
        )
    _data_sheet(book, offline.PROGRESS, rows)


def _values(
    book: Workbook,
    period: ReportingPeriod,
    institution: Institution,
    report: QuarterlyReport | None,
) -> None:
    stored = {v.indicator_id: v for v in report.indicator_values.all()} if report else {}
    rows = []
    for indicator in indicators_reported_by(institution=institution, period=period):
        derived = derived_value(indicator, period)
        entry = stored.get(indicator.pk)
        target = indicator.current_target(period.ends_on)
        owner = indicator.project.title if indicator.project else str(indicator.pairing)
        rows.append(
            [
                indicator.pk,
                owner,
                indicator.name,
                indicator.unit,
                target.value if target else None,
                derived,
                entry.value if entry else derived,
                entry.reason if entry else "",
            ]
        )
    _data_sheet(book, offline.VALUES, rows)


def _meta(
    book: Workbook,
    period: ReportingPeriod,
    institution: Institution,
    report: QuarterlyReport | None,
) -> None:
    """What the upload needs to find its report and to read the sheets as they were written
    (titles and headers are recorded because the upload may run in another language)."""
    sheet = book.create_sheet(offline.META_SHEET)
    rows: list[list[Any]] = [
        ["form", offline.FORM_ID],
        ["format", offline.FORMAT_VERSION],
        ["period", period.pk],
        ["institution", institution.pk],
        # A report not opened yet starts at version 1 when it is.
        ["version", report.version if report else 1],
    ]
    for spec in offline.SHEETS:
        rows.append([f"sheet:{spec.key}", str(spec.title), *(str(c.header) for c in spec.columns)])
    for row, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            put(sheet, row, column, value)
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True
