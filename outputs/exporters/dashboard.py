"""看板数据表 — every table of the provincial dashboard, for the filters it was asked with,
one sheet per chart (the same selectors as the page, so the figures agree)."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from accounts.selectors import User, can_view_province_dashboard
from dashboards.charts import heat_table
from dashboards.filters import Filters, filters_from
from dashboards.selectors import Dashboard, dashboard_build
from outputs.exporters.base import XLSX, Exporter, ExportForm, Output, ProgressCallback, register
from outputs.xlsx import put, workbook_bytes

FILTERS = ("programme", "round", "period", "region", "institution", "kind", "indicator", "metric")
BOLD = Font(bold=True)


class DashboardForm(ExportForm):
    """The dashboard's filters as the page posts them (checked again by `allowed`)."""

    programme = forms.CharField(label=_l("计划"), max_length=64)
    round = forms.CharField(label=_l("轮次"), max_length=8, required=False)
    period = forms.CharField(label=_l("季度"), max_length=12, required=False)
    region = forms.CharField(label=_l("地区代码"), max_length=12, required=False)
    institution = forms.CharField(label=_l("单位"), max_length=12, required=False)
    kind = forms.CharField(label=_l("单位类型"), max_length=32, required=False)
    indicator = forms.CharField(label=_l("关注指标"), max_length=16, required=False)
    metric = forms.CharField(label=_l("热力图"), max_length=16, required=False)


def _filters(user: User, params: dict[str, Any]) -> Filters:
    query = QueryDict(mutable=True)
    for name in FILTERS:
        if params.get(name):
            query[name] = str(params[name])
    return filters_from(user=user, params=query)


def _sheet(
    book: Workbook, title: str, headers: Iterable[Any], rows: Iterable[Iterable[Any]]
) -> Worksheet:
    sheet = book.create_sheet(title)
    headers = list(headers)
    for column, header in enumerate(headers, start=1):
        put(sheet, 1, column, str(header), font=BOLD)
        sheet.column_dimensions[get_column_letter(column)].width = 22 if column == 1 else 14
    for r, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            put(sheet, r, column, value)
    sheet.freeze_panes = "B2"
    return sheet


def _percent(value: int | None) -> Any:
    return "" if value is None else value / 100


def dashboard_workbook(d: Dashboard) -> Workbook:
    f = d.filters
    book = Workbook()
    overview = book.active
    overview.title = _("概览")
    lines: list[tuple[Any, Any]] = [
        (_("计划"), f.programme.short_name),
        (_("轮次"), f.phase.name if f.phase else "—"),
        (_("季度"), f.period.name if f.period else "—"),
        (_("地区 / 单位"), " › ".join(name for name, _q in f.breadcrumbs())),
        (_("单位类型"), f.kind or _("全部")),
        ("", ""),
        (_("参与单位"), d.institutions),
        (_("结对"), d.pairings),
        (_("帮扶项目"), d.projects),
        (_("应报"), d.tally.expected),
        (_("已报"), d.tally.received),
        (_("按时"), d.tally.timely),
        (_("报送完整率"), _percent(d.tally.completeness)),
        (_("按时报送率"), _percent(d.tally.timeliness)),
        (_("逾期未按时报送"), d.tally.late),
        (_("待审核"), d.tally.awaiting),
        (_("指标进度正常"), d.standings.get("on_track", 0)),
        (_("指标落后"), d.standings.get("behind", 0)),
        (_("实地调研应完成"), d.visits_required),
        (_("实地调研已完成"), d.visits_done),
    ]
    for r, (label, value) in enumerate(lines, start=1):
        put(overview, r, 1, str(label), font=BOLD)
        cell = put(overview, r, 2, value)
        if label in (_("报送完整率"), _("按时报送率")) and value != "":
            cell.number_format = "0%"
    overview.column_dimensions["A"].width = 18
    overview.column_dimensions["B"].width = 48

    periods = [str(p.name) for p in f.periods]
    for metric, title in (("completeness", _("报送完整率")), ("timeliness", _("按时报送率"))):
        rows = []
        for child, cells in heat_table(d):
            values = [
                _percent(c.tally.completeness if metric == "completeness" else c.tally.timeliness)
                for c in cells
            ]
            rows.append([child.name, *values])
        sheet = _sheet(book, title, [d.child_level, *periods], rows)
        for row in sheet.iter_rows(min_row=2, min_col=2):
            for cell in row:
                cell.number_format = "0%"

    _sheet(
        book,
        _("下钻"),
        [
            d.child_level,
            _("参与单位"),
            _("支援结对"),
            _("受援结对"),
            _("应报"),
            _("已报"),
            _("按时"),
            _("逾期"),
            _("指标正常"),
            _("指标落后"),
        ],
        [
            [
                c.name,
                c.institutions,
                c.pairings_supporting,
                c.pairings_supported,
                c.tally.expected,
                c.tally.received,
                c.tally.timely,
                c.tally.late,
                c.on_track,
                c.behind,
            ]
            for c in d.children
        ],
    )
    zone_headers = [
        f"{label} · {suffix}" for _z, label in d.zones for suffix in (_("实际"), _("目标"))
    ]
    _sheet(
        book,
        _("指标完成情况"),
        [
            _("指标"),
            _("计量单位"),
            _("目标"),
            _("实际"),
            _("完成率"),
            _("差距"),
            _("落后指标数"),
            _("指标数"),
            *zone_headers,
        ],
        [
            [
                template.name,
                template.unit,
                a.target_value,
                a.actual,
                _percent(a.percent),
                a.gap,
                a.behind,
                a.indicators,
                *[
                    value
                    for zone, _label in d.zones
                    for value in (
                        (per_zone[zone].actual, per_zone[zone].target_value)
                        if zone in per_zone
                        else ("", "")
                    )
                ],
            ]
            for template, a, per_zone in d.indicators
        ],
    )
    if f.template is not None:
        _sheet(
            book,
            _("关注指标分地区"),
            [d.child_level, _("目标"), _("实际"), _("完成率"), _("差距")],
            [
                [
                    c.name,
                    c.attainment.target_value,
                    c.attainment.actual,
                    _percent(c.attainment.percent),
                    c.attainment.gap,
                ]
                for c in d.children
            ],
        )
    _sheet(
        book,
        _("季度趋势"),
        [
            _("季度"),
            _("应报"),
            _("已报"),
            _("按时"),
            _("完整率"),
            _("按时率"),
            f.template.name if f.template else _("关注指标"),
        ],
        [
            [
                str(p.name),
                t.expected,
                t.received,
                t.timely,
                _percent(t.completeness),
                _percent(t.timeliness),
                a.actual,
            ]
            for p, t, a, _z in d.trend
        ],
    )
    _sheet(
        book,
        _("构成"),
        [_("类别"), _("名称"), _("数量")],
        [
            *[[_("参与单位"), label, n] for label, n in d.institutions_by_kind],
            *[[_("结对"), label, n] for label, n in d.pairings_by_kind],
            *[[_("帮扶项目"), area, total] for area, _counts, total in d.projects_by_area],
        ],
    )
    return book


@register
class DashboardExporter(Exporter):
    kind = "dashboard"
    name = _l("看板数据表")
    description = _l("省级数据看板当前视图的全部数据表（概览、热力图、下钻、指标、趋势）。")
    form_class = DashboardForm

    @classmethod
    def allowed(cls, user: User, params: dict[str, Any]) -> bool:
        if not can_view_province_dashboard(user):
            return False
        try:
            _filters(user, params)
        except Http404:
            return False
        return True

    def title(self) -> str:
        f = _filters(self.user, self.params)
        when = f" · {f.period.name}" if f.period else ""
        return _("%(place)s数据看板%(when)s") % {"place": f.place_name, "when": when}

    def run(self, progress: ProgressCallback) -> Output:
        progress(0, 2, _("正在汇总"))
        dashboard = dashboard_build(_filters(self.user, self.params))
        progress(1, 2, _("正在写入工作簿"))
        data = workbook_bytes(dashboard_workbook(dashboard))
        progress(2, 2, _("完成"))
        place = dashboard.filters.place_name
        return Output(_("%(place)s数据看板.xlsx") % {"place": place}, XLSX, data)
