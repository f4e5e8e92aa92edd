"""考核结果 — the two outputs of a scoring run for the province: the workbook of every figure
(totals by ranking group, each indicator's score with where its value came from, the zones
compared, the scheme's indicators and weights) and the PDF report. Only the managers of the
assessment have them; the assessed parties read their own results on the result pages."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from accounts.selectors import User, assessment_programmes_managed_by, can_manage_assessment
from assessments.models import (
    AssessmentIndicator,
    AssessmentResult,
    AssessmentRun,
    AssessmentScheme,
    AssessmentScore,
    Column,
    Metric,
    Rule,
    RunStatus,
    Source,
)
from assessments.selectors import (
    GroupSummary,
    describe_trace,
    first_level_means,
    group_label,
    group_order,
    indicator_tree,
    run_comparison,
)
from outputs.exporters.base import (
    PDF,
    XLSX,
    Exporter,
    ExportForm,
    Output,
    ProgressCallback,
    param_pk,
    register,
)
from outputs.pdf import render_pdf
from outputs.xlsx import put, workbook_bytes

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
SCORE = "0.00"


class RunForm(ExportForm):
    run = forms.ModelChoiceField(label=_l("评分"), queryset=AssessmentRun.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit(
            "run",
            AssessmentRun.objects.filter(
                status=RunStatus.DONE,
                scheme__programme__in=assessment_programmes_managed_by(self.user),
            ).select_related("scheme"),
        )


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator of the scheme with its weight and own target in each column."""

    indicator: AssessmentIndicator
    weights: list[Decimal | None]
    targets: list[Decimal | None]

    @property
    def level(self) -> int:
        return self.indicator.level

    @property
    def source(self) -> str:
        """The data source, with the metric a computed value counts."""
        i = self.indicator
        if not i.source:
            return ""
        text = str(i.get_source_display())
        if i.source == Source.COMPUTED and i.metric:
            text += f"：{Metric(i.metric).label}"
            if i.template is not None:
                text += f"（{i.template.name}）"
        return text

    @property
    def standard(self) -> Decimal | None:
        """The target, or the bar of a threshold indicator (as scoring reads them)."""
        i = self.indicator
        return i.threshold if i.rule == Rule.THRESHOLD else i.target


@dataclass(frozen=True)
class Ranked:
    """One party's result with its scores in the scheme's order (first-level ones apart)."""

    result: AssessmentResult
    top: list[AssessmentScore | None]
    scores: list[AssessmentScore]


@dataclass(frozen=True)
class Group:
    group: str
    label: str
    rows: list[Ranked]


@dataclass(frozen=True)
class RunFigures:
    run: AssessmentRun
    scheme: AssessmentScheme
    columns: list[Column]
    indicators: list[IndicatorRow]
    top: list[AssessmentIndicator]
    groups: list[Group]
    comparison: list[GroupSummary]
    means: list[tuple[str, list[Decimal | None]]]

    @property
    def column_targets(self) -> bool:
        """Whether any column sets its own target (then the tables show them)."""
        return any(t is not None for row in self.indicators for t in row.targets)


def run_figures(run: AssessmentRun) -> RunFigures:
    """Everything both outputs show, in a fixed number of queries whatever the size of the
    run (scores are read in one query and arranged in Python)."""
    scheme = run.scheme
    tree = indicator_tree(scheme)
    columns = [Column(c) for c in scheme.columns]
    ordered = [i for top, children in tree for i in [top, *children]]
    indicators = []
    for indicator in ordered:
        weights = {w.column: w for w in indicator.weights.all()}
        indicators.append(
            IndicatorRow(
                indicator=indicator,
                weights=[weights[c].weight if c in weights else None for c in columns],
                targets=[weights[c].target if c in weights else None for c in columns],
            )
        )
    by_result: dict[int, dict[int, AssessmentScore]] = {}
    for score in AssessmentScore.objects.filter(result__run=run).select_related("indicator"):
        by_result.setdefault(score.result_id, {})[score.indicator_id] = score
    top = [i for i, _children in tree]
    groups: dict[str, list[Ranked]] = {}
    for result in run.results.select_related("party__region").order_by(
        "group", "rank", "party__name"
    ):
        mine = by_result.get(result.pk, {})
        groups.setdefault(result.group, []).append(
            Ranked(
                result=result,
                top=[mine.get(i.pk) for i in top],
                scores=[mine[i.pk] for i in ordered if i.pk in mine],
            )
        )
    _top, means = first_level_means(run)
    return RunFigures(
        run=run,
        scheme=scheme,
        columns=columns,
        indicators=indicators,
        top=top,
        groups=[
            Group(g, group_label(g), rows)
            for g, rows in sorted(groups.items(), key=lambda item: group_order(item[0]))
        ],
        comparison=run_comparison(run.results.all()),
        means=means,
    )


def _subject(run: AssessmentRun) -> str:
    """“2025 年度考核 · 第 1 版” — the scheme and version the run scored."""
    return _("%(scheme)s · 第 %(version)s 版") % {
        "scheme": run.scheme.name,
        "version": run.scheme.version,
    }


def _filename(run: AssessmentRun, what: str, extension: str) -> str:
    return _("%(scheme)s-第%(version)s版-%(what)s.%(extension)s") % {
        "scheme": run.scheme.name,
        "version": run.scheme.version,
        "what": what,
        "extension": extension,
    }


class RunExporter(Exporter):
    """What both outputs share: the parameter (a finished run) and who may have it."""

    form_class = RunForm

    @classmethod
    def allowed(cls, user: User, params: dict[str, Any]) -> bool:
        run = (
            AssessmentRun.objects.select_related("scheme__programme__region")
            .filter(pk=param_pk(params, "run"))
            .first()
        )
        return run is not None and can_manage_assessment(user, run.scheme)

    def _scoring_run(self) -> AssessmentRun:
        return AssessmentRun.objects.select_related("scheme__programme").get(pk=self.params["run"])


def _table(
    sheet: Worksheet,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    start: int = 1,
    widths: Sequence[int] = (),
    formats: dict[int, str] | None = None,
) -> int:
    """A header row and the rows under it from row `start`; returns the next free row.
    `formats` gives number formats by column (1-based); text goes through `put`."""
    formats = formats or {}
    for column, header in enumerate(headers, start=1):
        put(sheet, start, column, str(header), font=BOLD, alignment=WRAP)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    r = start
    for r, row in enumerate(rows, start=start + 1):
        for column, value in enumerate(row, start=1):
            cell = put(sheet, r, column, value)
            if column in formats and isinstance(value, Decimal | int):
                cell.number_format = formats[column]
    return r + 1


def _totals_sheet(book: Workbook, f: RunFigures) -> None:
    sheet = book.active
    sheet.title = _("总表")
    headers: list[Any] = [_("名次"), _("被考核单位"), _("所在地区"), _("考核类别"), _("总分")]
    for indicator in f.top:
        headers += [f"{indicator} · {_('得分')}", f"{indicator} · {_('加权得分')}"]
    rows = []
    for group in f.groups:
        for ranked in group.rows:
            result = ranked.result
            cells: list[Any] = []
            for score in ranked.top:
                cells += [score.score, score.weighted] if score else ["", ""]
            rows.append(
                [
                    result.rank,
                    result.party.display_name,
                    result.party.region.name if result.party.region else "",
                    group.label,
                    result.total,
                    *cells,
                ]
            )
    formats = dict.fromkeys(range(5, len(headers) + 1), SCORE)
    last = _table(
        sheet, headers, rows, widths=[6, 24, 12, 22, 9] + [12] * 2 * len(f.top), formats=formats
    )
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(last - 1, 1)}"


def _details_sheet(book: Workbook, f: RunFigures) -> None:
    sheet = book.create_sheet(_("指标得分明细"))
    headers = [
        _("考核类别"),
        _("被考核单位"),
        _("指标编号"),
        _("指标名称"),
        _("原始值"),
        _("上年值"),
        _("计分值"),
        _("目标 / 标准"),
        _("得分"),
        _("权重"),
        _("加权得分"),
        _("说明"),
        _("数据来源"),
    ]
    rows = (
        [
            group.label,
            ranked.result.party.display_name,
            score.indicator.code,
            score.indicator.name,
            score.raw,
            score.last_year,
            score.measure,
            score.target,
            score.score,
            score.weight,
            score.weighted,
            score.note,
            describe_trace(score.trace),
        ]
        for group in f.groups
        for ranked in group.rows
        for score in ranked.scores
    )
    _table(
        sheet,
        headers,
        rows,
        widths=[22, 24, 8, 36, 11, 11, 11, 11, 9, 8, 9, 28, 60],
        formats={**dict.fromkeys(range(5, 12), SCORE), 10: "General"},
    )
    sheet.freeze_panes = "C2"


def _comparison_sheet(book: Workbook, f: RunFigures) -> None:
    sheet = book.create_sheet(_("区域比较"))
    after = _table(
        sheet,
        [_("考核类别"), _("单位数"), _("平均分"), _("中位数"), _("最高分"), _("最低分")],
        [[g.label, g.parties, g.mean, g.median, g.best, g.worst] for g in f.comparison],
        widths=[24] + [14] * max(5, len(f.top)),
        formats={2: "0", **dict.fromkeys(range(3, 7), SCORE)},
    )
    put(sheet, after + 1, 1, _("各一级指标平均得分（百分制）"), font=BOLD)
    _table(
        sheet,
        [_("考核类别"), *[str(i) for i in f.top]],
        [[label, *["" if v is None else v for v in values]] for label, values in f.means],
        start=after + 2,
        formats=dict.fromkeys(range(2, len(f.top) + 2), SCORE),
    )
    sheet.freeze_panes = "A2"


def _scheme_sheet(book: Workbook, f: RunFigures) -> None:
    sheet = book.create_sheet(_("指标与权重"))
    targets = f.column_targets
    headers: list[Any] = [
        _("指标编号"),
        _("指标名称"),
        _("级别"),
        _("计分规则"),
        _("数据来源"),
        _("计量单位"),
        _("增值评价"),
        _("目标 / 标准"),
    ]
    headers += [_("权重 · %(column)s") % {"column": c.label} for c in f.columns]
    if targets:
        headers += [_("目标 · %(column)s") % {"column": c.label} for c in f.columns]
    rows = []
    for row in f.indicators:
        i = row.indicator
        rows.append(
            [
                i.code,
                i.name,
                _("一级") if row.level == 1 else _("二级"),
                str(i.get_rule_display()) if i.rule else "",
                row.source,
                i.unit,
                str(i.get_value_added_display()) if i.value_added else "",
                row.standard,
                *["" if w is None else w for w in row.weights],
                *(["" if t is None else t for t in row.targets] if targets else []),
            ]
        )
    _table(
        sheet,
        headers,
        rows,
        widths=[8, 40, 6, 24, 30, 10, 14, 11] + [13] * (len(headers) - 8),
        formats={8: "General"},
    )
    sheet.freeze_panes = "C2"


def results_workbook(f: RunFigures) -> Workbook:
    book = Workbook()
    _totals_sheet(book, f)
    _details_sheet(book, f)
    _comparison_sheet(book, f)
    _scheme_sheet(book, f)
    return book


@register
class AssessmentResultsExporter(RunExporter):
    kind = "assessment_results"
    name = _l("考核结果（Excel）")
    description = _l(
        "一次评分的全部数据：各排名组的名次与总分、每个指标的原始值、得分、权重和数据来源、"
        "区域比较，以及方案的指标与权重。"
    )

    def title(self) -> str:
        return _("考核结果 · %(subject)s") % {"subject": _subject(self._scoring_run())}

    def run(self, progress: ProgressCallback) -> Output:
        run = self._scoring_run()
        progress(0, 2, _("正在读取评分结果"))
        figures = run_figures(run)
        progress(1, 2, _("正在写入工作簿"))
        data = workbook_bytes(results_workbook(figures))
        progress(2, 2, _("完成"))
        return Output(_filename(run, _("考核结果"), "xlsx"), XLSX, data)


@register
class AssessmentReportExporter(RunExporter):
    kind = "assessment_report"
    name = _l("考核结果报告（PDF）")
    description = _l(
        "考核方案、指标与权重、区域比较和各排名组的名次表，供印发和存档。",
    )
    queue = "pdf"

    def title(self) -> str:
        return _("考核结果报告 · %(subject)s") % {"subject": _subject(self._scoring_run())}

    def run(self, progress: ProgressCallback) -> Output:
        run = self._scoring_run()
        progress(0, 2, _("正在读取评分结果"))
        figures = run_figures(run)
        progress(1, 2, _("正在排版 PDF"))
        data = render_pdf("outputs/pdf/assessment_report.html", {"f": figures})
        progress(2, 2, _("完成"))
        return Output(_filename(run, _("考核结果报告"), "pdf"), PDF, data)
