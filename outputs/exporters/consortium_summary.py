"""季度工作汇总 — the consortium office's quarterly summary of all its member institutions
(seed 000 §四(四)), as a PDF typeset for Chinese."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.selectors import User, can_coordinate, consortia_coordinated_by
from outputs.charts import Bar, bar_chart
from outputs.exporters.base import (
    PDF,
    Exporter,
    ExportForm,
    Output,
    ProgressCallback,
    param_pk,
    register,
)
from outputs.models import OutputJob
from outputs.pdf import render_pdf
from pairings.choices import MemberRole
from pairings.models import Consortium, Membership, Pairing
from programmes.models import ContentArea
from projects.choices import Aggregation, Direction
from projects.models import Indicator, Milestone, Project, ResponsibleUnit
from projects.progress import Progress
from projects.selectors import indicators_ready_for
from reports.models import QuarterlyReport, ReportingPeriod
from reports.selectors import RECEIVED
from schools.models import Institution


class SummaryForm(ExportForm):
    consortium = forms.ModelChoiceField(label=_l("组团"), queryset=Consortium.objects.none())
    period = forms.ModelChoiceField(label=_l("报送期"), queryset=ReportingPeriod.objects.none())
    overview = forms.CharField(
        label=_l("综述"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_l("写在汇总报告开头的本季度工作综述，由组团办公室撰写。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        consortia = consortia_coordinated_by(self.user).select_related("programme").order_by("name")
        self.limit("consortium", consortia)
        self.limit(
            "period",
            ReportingPeriod.objects.filter(
                programme__in=consortia.values("programme")
            ).select_related("programme"),
        )
        # The overview last written for this consortium and period, to edit rather than retype.
        initial = self.initial
        if (
            not self.is_bound
            and initial.get("period")
            and consortia.filter(pk=param_pk(initial, "consortium")).exists()
        ):
            last = (
                OutputJob.objects.filter(
                    kind=ConsortiumSummaryExporter.kind,
                    params__consortium=param_pk(initial, "consortium"),
                    params__period=param_pk(initial, "period"),
                )
                .order_by("-created_at")
                .first()
            )
            if last is not None:
                self.initial["overview"] = last.params.get("overview", "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        consortium, period = data.get("consortium"), data.get("period")
        if consortium and period and consortium.programme_id != period.programme_id:
            self.add_error("period", _("该报送期不属于所选组团的计划。"))
        return data


@dataclass
class IndicatorRow:
    """One indicator of the institution — summed over its projects when the same indicator
    (same template, or same name and unit) is counted in several and adds up (累计)."""

    name: str
    unit: str
    owners: list[str]
    target: Decimal | None
    actual: Decimal | None
    this_period: Decimal | None
    percent: int | None
    expected: int | None
    behind: bool


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return b if a is None else a if b is None else a + b


@dataclass(frozen=True)
class Part:
    """One indicator's figures for the quarter, before rows are merged."""

    indicator: Indicator
    result: Progress | None
    this_period: Decimal | None
    owner: str


def _indicator_row(parts: list[Part]) -> IndicatorRow:
    """One row: a single indicator keeps its own progress (baseline, direction); several
    summed ones are measured against the summed target, on the straight line weighted by
    each part's target."""
    first = parts[0]
    row = IndicatorRow(
        name=first.indicator.name,
        unit=first.indicator.unit,
        owners=[p.owner for p in parts],
        target=None,
        actual=None,
        this_period=None,
        percent=None,
        expected=None,
        behind=False,
    )
    for part in parts:
        row.target = _add(row.target, part.result.target if part.result else None)
        row.actual = _add(row.actual, part.result.actual if part.result else None)
        row.this_period = _add(row.this_period, part.this_period)
    if len(parts) == 1:
        result = first.result
        if result is not None:
            row.percent, row.behind = result.percent, result.behind
            row.expected = round(result.expected * 100)
        return row
    if row.target and all(p.result and p.result.target is not None for p in parts):
        weighted = sum(
            (
                p.result.target * Decimal(p.result.expected)
                for p in parts
                if p.result and p.result.target
            ),
            Decimal(0),
        )
        ratio = float((row.actual or 0) / row.target)
        expected = float(weighted / row.target)
        row.percent, row.expected = round(ratio * 100), round(expected * 100)
        row.behind = ratio < 1 and ratio < expected
    return row


@dataclass
class ProjectRow:
    project: Project
    percent: int | None
    milestones_reached: str
    note: str
    milestones: list[Milestone]  # due or done this quarter, or overdue
    done_before: int = 0  # done in an earlier quarter
    later: int = 0  # due after this quarter
    indicators: int = 0
    reached: int = 0
    behind: int = 0


@dataclass
class MemberSection:
    institution: Institution
    role: str
    report: QuarterlyReport | None
    narratives: list[tuple[ContentArea, Any]] = field(default_factory=list)
    projects: list[ProjectRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    chart: str = ""

    @property
    def received(self) -> bool:
        return self.report is not None and self.report.status in RECEIVED

    @property
    def timely(self) -> bool | None:
        return self.report.is_timely if self.received and self.report else None


@dataclass
class Summary:
    consortium: Consortium
    period: ReportingPeriod
    overview: str
    generated_on: dt.date
    office: str
    members: list[MemberSection]

    @property
    def expected(self) -> int:
        return len(self.members)

    @property
    def received(self) -> int:
        return sum(1 for m in self.members if m.received)

    @property
    def timely(self) -> int:
        return sum(1 for m in self.members if m.timely)

    @property
    def missing(self) -> list[MemberSection]:
        return [m for m in self.members if not m.received]

    @property
    def late(self) -> list[MemberSection]:
        return [m for m in self.members if m.received and m.timely is False]

    def percent(self, count: int) -> int | None:
        return round(count * 100 / self.expected) if self.expected else None

    @property
    def completeness(self) -> int | None:
        return self.percent(self.received)

    @property
    def timeliness(self) -> int | None:
        return self.percent(self.timely)


def summary_build(
    consortium: Consortium,
    period: ReportingPeriod,
    *,
    overview: str = "",
    progress: ProgressCallback | None = None,
) -> Summary:
    """Everything the summary shows, in a fixed number of queries whatever the number of
    members, projects and indicators (rows are grouped in Python after bulk reads)."""
    step = progress or (lambda done, total, stage: None)
    # One entry per institution, with all its roles (a lead university also supports).
    roles = dict(MemberRole.choices)
    members_roles: dict[Institution, list[str]] = {}
    for membership in (
        Membership.objects.filter(consortium=consortium)
        .working()
        .select_related("institution__region")
        .order_by("order", "pk")
    ):
        label = str(roles.get(membership.role, membership.role))
        labels = members_roles.setdefault(membership.institution, [])
        if label not in labels:
            labels.append(label)
    institution_ids = [i.pk for i in members_roles]
    areas = list(ContentArea.objects.filter(programme=period.programme_id))
    reports = {
        r.institution_id: r
        for r in QuarterlyReport.objects.filter(period=period, institution__in=institution_ids)
        .select_related("period")
        .prefetch_related("sections", "project_progress", "indicator_values")
    }
    step(1, 10, _("读取项目与指标"))
    projects = list(
        Project.objects.filter(
            programme=period.programme_id,
            pk__in=ResponsibleUnit.objects.filter(institution__in=institution_ids).values(
                "project"
            ),
            starts_on__lte=period.ends_on,
            ends_on__gte=period.starts_on,
        )
        .select_related("area")
        .prefetch_related("units", "milestones")
        .order_by("area__order", "title")
    )
    projects_of: dict[int, list[Project]] = defaultdict(list)
    institutions_of: dict[int, set[int]] = defaultdict(set)  # project pk → member pks
    for project in projects:
        for unit in project.units.all():
            if unit.institution_id in institution_ids:
                if unit.institution_id not in institutions_of[project.pk]:
                    projects_of[unit.institution_id].append(project)
                institutions_of[project.pk].add(unit.institution_id)
    pairings = list(
        Pairing.objects.filter(programme=period.programme_id).filter(
            Q(supporter__in=institution_ids) | Q(supported__in=institution_ids)
        )
    )
    indicators = indicators_ready_for(
        Indicator.objects.filter(
            Q(project__in=[p.pk for p in projects]) | Q(pairing__in=[p.pk for p in pairings]),
            kind="quantitative",
        )
        .select_related("project__area", "pairing__supporter", "pairing__supported")
        .order_by("project_id", "order", "pk"),
        period.ends_on,
        also_from=period.starts_on,
    )
    indicators_of: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        if indicator.project_id:
            owners = institutions_of[indicator.project_id]
        else:
            pairing = indicator.pairing
            assert pairing is not None
            owners = {pairing.supporter_id, pairing.supported_id} & set(institution_ids)
        for institution_id in owners:
            indicators_of[institution_id].append(indicator)
    members = []
    for number, (institution, labels) in enumerate(members_roles.items(), start=1):
        step(number, len(members_roles) + 1, _("正在整理：%(name)s") % {"name": institution.name})
        members.append(
            _member_section(
                institution,
                "、".join(labels),
                reports.get(institution.pk),
                areas,
                projects_of[institution.pk],
                indicators_of[institution.pk],
                period,
            )
        )
    office = consortium.secretariat or _("%(name)s办公室") % {"name": consortium.name}
    return Summary(
        consortium=consortium,
        period=period,
        overview=overview,
        generated_on=timezone.localdate(),
        office=office,
        members=members,
    )


def _member_section(
    institution: Institution,
    role: str,
    report: QuarterlyReport | None,
    areas: list[ContentArea],
    projects: list[Project],
    indicators: list[Indicator],
    period: ReportingPeriod,
) -> MemberSection:
    section = MemberSection(institution=institution, role=role, report=report)
    # A draft or returned report is the institution's work in progress: not printed.
    if report is not None and report.status not in RECEIVED:
        report = None
    sections = {s.area_id: s for s in report.sections.all()} if report else {}
    progress_rows = {p.project_id: p for p in report.project_progress.all()} if report else {}
    values = {v.indicator_id: v for v in report.indicator_values.all()} if report else {}
    section.narratives = [(area, sections.get(area.pk)) for area in areas]
    for project in projects:
        row = progress_rows.get(project.pk)
        project_row = ProjectRow(
            project=project,
            percent=row.percent if row else None,
            milestones_reached=row.milestones_reached if row else "",
            note=row.note if row else "",
            milestones=[],
        )
        # A quarterly summary shows the quarter's steps and the overdue ones; the rest as counts.
        for milestone in project.milestones.all():
            if milestone.done_on and milestone.done_on < period.starts_on:
                project_row.done_before += 1
            elif not milestone.done_on and milestone.due_on > period.ends_on:
                project_row.later += 1
            else:
                project_row.milestones.append(milestone)
        section.projects.append(project_row)
    project_rows = {row.project.pk: row for row in section.projects}
    by_area: dict[str, list[float]] = defaultdict(list)
    expected_by_area: dict[str, list[float]] = defaultdict(list)
    grouped: dict[Any, list[Part]] = defaultdict(list)
    for indicator in indicators:
        result = indicator.progress(today=period.ends_on)
        value = values.get(indicator.pk)
        this_period = (
            value.value
            if value is not None and value.value is not None
            else indicator.value_between(period.starts_on, period.ends_on)
        )
        owner = indicator.project.title if indicator.project else str(indicator.pairing)
        if indicator.project_id in project_rows and result is not None:
            tally = project_rows[indicator.project_id]
            tally.indicators += 1
            tally.reached += result.reached
            tally.behind += result.behind
        if result is not None and result.ratio is not None:
            area = indicator.project.area.name if indicator.project else _("结对指标")
            by_area[area].append(result.ratio)
            expected_by_area[area].append(result.expected)
        # Counts that add up (a sum, upwards, from zero) merge across projects; any other
        # indicator keeps its own row and the progress rules of projects/progress.py.
        summable = (
            indicator.aggregation == Aggregation.SUM
            and indicator.direction == Direction.INCREASE
            and indicator.baseline is None
        )
        key = (
            (indicator.template_id or (indicator.name, indicator.unit))
            if summable
            else ("one", indicator.pk)
        )
        grouped[key].append(Part(indicator, result, this_period, owner))
    section.indicators = [_indicator_row(parts) for parts in grouped.values()]
    if by_area:
        bars = [
            Bar(
                label=area,
                percent=round(sum(ratios) * 100 / len(ratios)),
                expected=round(sum(expected_by_area[area]) * 100 / len(expected_by_area[area])),
            )
            for area, ratios in by_area.items()
        ]
        section.chart = bar_chart(bars, title=_("各领域指标平均完成率（竖线：按进度应达到）"))
    return section


@register
class ConsortiumSummaryExporter(Exporter):
    kind = "consortium_summary_pdf"
    name = _l("季度工作汇总（PDF）")
    description = _l(
        "组团全体成员单位本季度工作汇总：封面、综述、报送完整率与及时率、各单位分领域进展、"
        "项目与实施步骤、指标完成情况与图表、亮点，以及迟报、未报单位附录。"
    )
    queue = "pdf"
    form_class = SummaryForm

    @classmethod
    def allowed(cls, user: User, params: dict[str, Any]) -> bool:
        consortium = Consortium.objects.filter(pk=param_pk(params, "consortium")).first()
        return consortium is not None and can_coordinate(user, consortium)

    def _subject(self) -> tuple[Consortium, ReportingPeriod]:
        consortium = Consortium.objects.select_related("programme").get(
            pk=self.params["consortium"]
        )
        period = ReportingPeriod.objects.select_related("programme").get(pk=self.params["period"])
        return consortium, period

    def title(self) -> str:
        consortium, period = self._subject()
        return _("%(consortium)s · %(period)s 季度工作汇总") % {
            "consortium": consortium.name,
            "period": period.name,
        }

    def run(self, progress: ProgressCallback) -> Output:
        consortium, period = self._subject()
        summary = summary_build(
            consortium, period, overview=self.params.get("overview", ""), progress=progress
        )
        progress(len(summary.members), len(summary.members) + 1, _("正在排版 PDF"))
        data = render_pdf("outputs/pdf/consortium_summary.html", {"s": summary})
        filename = _("%(consortium)s-%(period)s-季度工作汇总.pdf") % {
            "consortium": consortium.name,
            "period": period.name,
        }
        return Output(filename=filename, content_type=PDF, data=data)
