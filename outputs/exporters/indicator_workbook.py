"""指标数据表 — one row per institution × indicator × reporting period, for a consortium or a
province, written in openpyxl's write-only mode (constant memory whatever the row count)."""

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from accounts.selectors import (
    User,
    consortia_visible_to,
    indicators_visible_to,
    oversees_region,
    programmes_visible_to,
    provinces_overseen_by,
    reports_visible_to,
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
from outputs.xlsx import is_formula_like, workbook_bytes, write_only_cell
from outputs.xlsx_stream import write_table
from pairings.models import Consortium, Membership, Pairing
from programmes.models import Programme
from projects.models import Indicator, ResponsibleUnit
from projects.models.indicators import target_on
from projects.progress import sums_by_period
from projects.selectors import period_values_of
from reports.models import IndicatorValue, ReportingPeriod
from reports.selectors import RECEIVED
from schools.models import Institution, Region

HEADERS = [
    (_l("省份"), 10),
    (_l("单位"), 28),
    (_l("单位类型"), 16),
    (_l("项目 / 结对"), 36),
    (_l("内容领域"), 14),
    (_l("指标"), 30),
    (_l("计量单位"), 10),
    (_l("报送期"), 14),
    (_l("开始日期"), 12),
    (_l("结束日期"), 12),
    (_l("本期数值"), 12),
    (_l("数据来源"), 12),
    (_l("当期目标值"), 12),
    (_l("目标期间"), 22),
]


class WorkbookForm(ExportForm):
    programme = forms.ModelChoiceField(label=_l("计划"), queryset=Programme.objects.none())
    consortium = forms.ModelChoiceField(
        label=_l("组团"), queryset=Consortium.objects.none(), required=False
    )
    province = forms.ModelChoiceField(
        label=_l("省份"), queryset=Region.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit("programme", programmes_visible_to(self.user).order_by("name"))
        self.limit("consortium", consortia_visible_to(self.user).order_by("name"))
        self.limit("province", provinces_overseen_by(self.user).order_by("code"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        consortium, province = data.get("consortium"), data.get("province")
        if bool(consortium) == bool(province):
            raise forms.ValidationError(_("请选择一个组团或一个省份（二选一）。"))
        programme = data.get("programme")
        if consortium and programme and consortium.programme_id != programme.pk:
            self.add_error("consortium", _("该组团不属于所选计划。"))
        return data


def _institutions(params: dict[str, Any]) -> Any:
    if params.get("consortium"):
        return Institution.objects.filter(
            pk__in=Membership.objects.filter(consortium=params["consortium"])
            .working()
            .values("institution")
        )
    province = Region.objects.get(pk=params["province"])
    return Institution.objects.filter(region__code__startswith=province.code)


def workbook_rows(
    *, user: User, params: dict[str, Any], progress: ProgressCallback
) -> tuple[int, Iterator[list[Any]]]:
    """The number of rows and the rows themselves (a generator: nothing held but the inputs)."""
    programme = Programme.objects.get(pk=params["programme"])
    institutions = {
        i.pk: i for i in _institutions(params).select_related("region").order_by("region", "name")
    }
    provinces = {r.code: r.name for r in Region.objects.filter(level="province")}
    units = ResponsibleUnit.objects.filter(
        institution__in=list(institutions), project__programme=programme
    ).values_list("project", "institution")
    owners: dict[int, set[int]] = defaultdict(set)
    for project, institution in units:
        owners[project].add(institution)
    pairing_owners: dict[int, set[int]] = defaultdict(set)
    for pk, supporter, supported in (
        Pairing.objects.filter(programme=programme)
        .filter(Q(supporter__in=list(institutions)) | Q(supported__in=list(institutions)))
        .values_list("pk", "supporter", "supported")
    ):
        pairing_owners[pk] = {supporter, supported} & set(institutions)
    indicators = list(
        indicators_visible_to(user)
        .filter(Q(project__in=list(owners)) | Q(pairing__in=list(pairing_owners)))
        .filter(kind="quantitative")
        .select_related("project__area", "pairing__supporter", "pairing__supported")
        .prefetch_related("targets__phase", "activities")
        .order_by("project_id", "pairing_id", "order", "pk")
    )
    periods = list(ReportingPeriod.objects.filter(programme=programme).order_by("starts_on"))
    # What the quarterly reports say, by (institution, indicator) → period → value.
    reported: dict[tuple[int, int], dict[int, Decimal | None]] = defaultdict(dict)
    # Only reports the user may read, and only once submitted (a draft is not a figure yet).
    for institution, period, indicator_pk, value in IndicatorValue.objects.filter(
        report__in=reports_visible_to(user).filter(status__in=RECEIVED).values("pk"),
        report__period__programme=programme,
        report__institution__in=list(institutions),
        value__isnull=False,
    ).values_list("report__institution", "report__period", "indicator", "value"):
        reported[(institution, indicator_pk)][period] = value
    per_institution: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        holders = (
            owners[indicator.project_id]
            if indicator.project_id
            else pairing_owners[indicator.pairing_id or 0]
        )
        for institution in holders:
            per_institution[institution].append(indicator)
    total = sum(len(v) for v in per_institution.values()) * len(periods)
    recorded_values = period_values_of(indicators)

    def rows() -> Iterator[list[Any]]:
        done = reported_at = 0
        typed, derived, from_report = _("填报"), _("活动汇总"), _("季度报告")
        pairing_area = _("结对指标")
        period_parts = [(p.pk, [p.name, p.starts_on, p.ends_on]) for p in periods]
        spans = [(p.starts_on, p.ends_on) for p in periods]
        per_indicator: dict[int, list[tuple[Decimal | None, Decimal | None, str]]] = {}
        for institution_pk, own in per_institution.items():
            institution = institutions[institution_pk]
            province = provinces.get(institution.region.code[:2], "") if institution.region else ""
            kind = institution.get_kind_display()  # translated once, not per row
            for indicator in own:
                if indicator.pk not in per_indicator:
                    # Once per indicator, whichever institutions share it: values, targets.
                    spans_of_targets = indicator.target_spans()
                    chosen = [target_on(spans_of_targets, p.ends_on) for p in periods]
                    per_indicator[indicator.pk] = [
                        (value, t.value if t else None, t.label if t else "")
                        for value, t in zip(
                            sums_by_period(recorded_values[indicator.pk], spans),
                            chosen,
                            strict=True,
                        )
                    ]
                owner = indicator.project.title if indicator.project else str(indicator.pairing)
                area = indicator.project.area.name if indicator.project else pairing_area
                recorded = derived if indicator.is_derived else typed
                prefix = [province, institution.name, kind, owner, area]
                prefix += [indicator.name, indicator.unit]
                typed_in = reported.get((institution_pk, indicator.pk), {})
                for (period_pk, period_cells), (computed, target_value, target_label) in zip(
                    period_parts, per_indicator[indicator.pk], strict=True
                ):
                    value = typed_in.get(period_pk)
                    source = from_report
                    if value is None:
                        value, source = computed, recorded
                    yield [
                        *prefix,
                        *period_cells,
                        value,
                        source if value is not None else "",
                        target_value,
                        target_label,
                    ]
                done += len(periods)
                if done - reported_at >= 5000:
                    reported_at = done
                    progress(done, total, _("已写入 %(n)s 行") % {"n": done})

    return total, rows()


def indicator_workbook(total: int, rows: Iterator[list[Any]]) -> bytes:
    """Streamed (outputs/xlsx_stream.py): constant memory, whatever the number of rows."""
    return write_table(
        sheet_name=_("指标数据"),
        headers=[(str(label), width) for label, width in HEADERS],
        rows=rows,
        total=total,
    )


def indicator_workbook_openpyxl(total: int, rows: Iterator[list[Any]]) -> bytes:
    """The same workbook through openpyxl's write-only mode (bench_outputs compares them)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("指标数据"))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{total + 1}"
    for index, (_label, width) in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    sheet.append(
        [write_only_cell(sheet, str(label), font=bold, fill=fill) for label, _w in HEADERS]
    )
    for row in rows:
        sheet.append([write_only_cell(sheet, v) if is_formula_like(v) else v for v in row])
    return workbook_bytes(workbook)


@register
class IndicatorWorkbookExporter(Exporter):
    kind = "indicator_workbook_xlsx"
    name = _l("指标数据表（Excel）")
    description = _l(
        "组团或本省每个单位、每项指标、每个报送期一行，含本期数值、来源和当期目标，可筛选。"
    )
    form_class = WorkbookForm

    @classmethod
    def allowed(cls, user: User, params: dict[str, Any]) -> bool:
        if not programmes_visible_to(user).filter(pk=param_pk(params, "programme")).exists():
            return False
        if params.get("consortium"):
            return consortia_visible_to(user).filter(pk=params["consortium"]).exists()
        province = Region.objects.filter(pk=param_pk(params, "province"), level="province").first()
        return province is not None and oversees_region(user, province)

    def title(self) -> str:
        programme = Programme.objects.get(pk=self.params["programme"])
        if self.params.get("consortium"):
            subject = Consortium.objects.get(pk=self.params["consortium"]).name
        else:
            subject = Region.objects.get(pk=self.params["province"]).name
        return _("%(subject)s · %(programme)s 指标数据表") % {
            "subject": subject,
            "programme": programme.short_name,
        }

    def run(self, progress: ProgressCallback) -> Output:
        total, rows = workbook_rows(user=self.user, params=self.params, progress=progress)
        data = indicator_workbook(total, rows)
        filename = _("%(title)s.xlsx") % {"title": self.title().replace(" · ", "-")}
        return Output(filename=filename, content_type=XLSX, data=data)
