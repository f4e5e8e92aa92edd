"""Reads of the assessment: who is assessed under a scheme, the tree with its weights, the
problems that stop scoring, last year's values, and the comparison of zones in a run.

Who may see what is decided in accounts/selectors.py; these functions take what it allowed.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from assessments.models import (
    HUNDRED,
    AssessmentIndicator,
    AssessmentResult,
    AssessmentRun,
    AssessmentScheme,
    AssessmentScore,
    AssessmentWeight,
    Basis,
    Column,
    Metric,
    RunStatus,
    Source,
)
from assessments.rules import rounded
from pairings.models import Pairing
from schools.models import Institution, KindGroup, RegionLevel

LEVEL_LABELS = {
    RegionLevel.PREFECTURE: _l("地级市"),
    RegionLevel.COUNTY: _l("县（市、区）"),
    "university": _l("高等学校"),
}


@dataclass(frozen=True)
class Party:
    """One assessed party under a scheme: an institution in one column, ranked in a group
    (the column and the level: cities with cities, counties with counties)."""

    institution: Institution
    column: str
    level: str

    @property
    def group(self) -> str:
        return f"{self.column}:{self.level}"


LEVEL_ORDER = [RegionLevel.PREFECTURE, RegionLevel.COUNTY, "university"]


def group_order(group: str) -> tuple[int, int]:
    """Groups in the order of the columns (珠三角 before 粤东粤西粤北), cities before counties."""
    column, _sep, level = group.partition(":")
    columns, levels = list(Column.values), list(LEVEL_ORDER)
    return (
        columns.index(column) if column in columns else len(columns),
        levels.index(level) if level in levels else len(levels),
    )


def group_label(group: str) -> str:
    column, _sep, level = group.partition(":")
    return f"{Column(column).label} · {LEVEL_LABELS.get(level, level)}"


def parties_of(scheme: AssessmentScheme) -> list[Party]:
    """The assessed parties. By zone: every city and county education bureau of the
    programme's province whose region has an assessment zone (annex 4 assesses all city and
    county governments). By kind of party: the supporting regions (bureaus), supporting
    universities and supported regions of the programme's pairings (of its round if set)."""
    if scheme.basis == Basis.ZONE:
        bureaus = Institution.objects.filter(
            kind__in=KindGroup.LOCAL_BUREAU, region__zone__in=scheme.columns
        ).select_related("region")
        province = scheme.programme.region
        if province is not None:
            bureaus = bureaus.filter(region__code__startswith=province.code)
        return [Party(b, b.region.zone, b.region.level) for b in bureaus.order_by("region__code")]
    pairings = Pairing.objects.filter(programme=scheme.programme_id)
    if scheme.phase_id:
        pairings = pairings.filter(phase=scheme.phase_id)
    supporters = Institution.objects.filter(pk__in=pairings.values("supporter"))
    supported = Institution.objects.filter(pk__in=pairings.values("supported"))
    parties = []
    for institution in supporters.filter(
        Q(kind__in=KindGroup.LOCAL_BUREAU) | Q(kind__in=KindGroup.HIGHER)
    ).select_related("region"):
        if institution.kind in KindGroup.HIGHER:
            parties.append(Party(institution, Column.SUPPORTING_UNIVERSITY, "university"))
        else:
            parties.append(Party(institution, Column.SUPPORTING_REGION, institution.region.level))
    for institution in supported.filter(kind__in=KindGroup.LOCAL_BUREAU).select_related("region"):
        parties.append(Party(institution, Column.SUPPORTED_REGION, institution.region.level))
    return sorted(parties, key=lambda p: (p.column, p.institution.region.code, p.institution.name))


def indicator_tree(
    scheme: AssessmentScheme,
) -> list[tuple[AssessmentIndicator, list[AssessmentIndicator]]]:
    """First-level indicators with their children, weights prefetched (two queries)."""
    indicators = list(
        scheme.indicators.select_related("template")
        .prefetch_related("weights")
        .order_by("order", "code")
    )
    children: dict[int, list[AssessmentIndicator]] = defaultdict(list)
    for indicator in indicators:
        if indicator.parent_id is not None:
            children[indicator.parent_id].append(indicator)
    return [(i, children[i.pk]) for i in indicators if i.parent_id is None]


def weights_of(indicator: AssessmentIndicator) -> dict[str, AssessmentWeight]:
    """The indicator's weight row per column (absent where none is set), from prefetched
    weights."""
    return {w.column: w for w in indicator.weights.all()}


def weight_problems(scheme: AssessmentScheme, weights: dict[tuple[int, str], Decimal]) -> list[str]:
    """Each level's weights must add up to 100 in every column: the first-level indicators,
    and the children of every first-level indicator that counts in that column."""
    problems = []
    tree = indicator_tree(scheme)
    for column in scheme.columns:
        label = Column(column).label
        top = sum((weights.get((i.pk, column), Decimal(0)) for i, _c in tree), Decimal(0))
        if top != HUNDRED:
            problems.append(
                _("%(column)s：一级指标权重合计为 %(sum)s，应为 100。")
                % {"column": label, "sum": _number(top)}
            )
        for indicator, children in tree:
            if not children or not weights.get((indicator.pk, column)):
                continue
            total = sum((weights.get((c.pk, column), Decimal(0)) for c in children), Decimal(0))
            if total != HUNDRED:
                problems.append(
                    _("%(column)s：“%(indicator)s”的二级指标权重合计为 %(sum)s，应为 100。")
                    % {"column": label, "indicator": indicator, "sum": _number(total)}
                )
    return problems


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def scheme_problems(scheme: AssessmentScheme) -> list[str]:
    """What stops a scheme from being scored, in Chinese, each naming the indicator or column."""
    tree = indicator_tree(scheme)
    if not tree:
        return [_("方案还没有指标。")]
    problems = []
    for indicator, children in tree:
        for leaf in children or [indicator]:
            if not leaf.rule:
                problems.append(_("“%(indicator)s”尚未设置计分规则。") % {"indicator": leaf})
        if children and indicator.rule:
            problems.append(
                _("“%(indicator)s”有二级指标，按二级指标加权计分，不应再设置计分规则。")
                % {"indicator": indicator}
            )
    weights = {
        (i.pk, column): w.weight
        for top, children in tree
        for i in [top, *children]
        for column, w in weights_of(i).items()
    }
    return problems + weight_problems(scheme, weights)


def previous_scheme(scheme: AssessmentScheme) -> AssessmentScheme | None:
    """Last year's scheme of the same programme and basis (its latest version)."""
    return (
        AssessmentScheme.objects.filter(
            programme=scheme.programme_id, basis=scheme.basis, year=scheme.year - 1
        )
        .order_by("-version")
        .first()
    )


def last_published_run(scheme: AssessmentScheme | None) -> AssessmentRun | None:
    if scheme is None:
        return None
    return (
        AssessmentRun.objects.filter(
            scheme__programme=scheme.programme_id,
            scheme__basis=scheme.basis,
            scheme__year=scheme.year,
            status=RunStatus.DONE,
            published_at__isnull=False,
        )
        .order_by("-published_at")
        .first()
    )


def raw_values_of_run(run: AssessmentRun | None) -> dict[tuple[str, int], Decimal]:
    """(indicator code, party) → raw value of a run (last year's values for value-added)."""
    if run is None:
        return {}
    rows = AssessmentScore.objects.filter(result__run=run, raw__isnull=False).values_list(
        "indicator__code", "result__party", "raw"
    )
    return {(code, party): raw for code, party, raw in rows if raw is not None}


@dataclass(frozen=True)
class GroupSummary:
    group: str
    label: str
    parties: int
    mean: Decimal
    median: Decimal
    best: Decimal
    worst: Decimal


def run_comparison(results: QuerySet[AssessmentResult]) -> list[GroupSummary]:
    """Totals compared between ranking groups (珠三角 cities vs 粤东粤西粤北 cities …)."""
    totals: dict[str, list[Decimal]] = defaultdict(list)
    for group, total in results.values_list("group", "total"):
        totals[group].append(total)
    return [
        GroupSummary(
            group=group,
            label=group_label(group),
            parties=len(values),
            mean=rounded(sum(values, Decimal(0)) / len(values)),
            median=rounded(Decimal(median(values))),
            best=max(values),
            worst=min(values),
        )
        for group, values in sorted(totals.items(), key=lambda item: group_order(item[0]))
    ]


def first_level_means(
    run: AssessmentRun,
) -> tuple[list[AssessmentIndicator], list[tuple[str, list[Decimal | None]]]]:
    """Each group's mean score (out of 100) on each first-level indicator: where zones differ."""
    top = list(run.scheme.indicators.filter(parent=None).order_by("order", "code"))
    sums: dict[tuple[str, int], list[Decimal]] = defaultdict(list)
    rows = AssessmentScore.objects.filter(result__run=run, indicator__parent=None).values_list(
        "result__group", "indicator", "score"
    )
    groups: set[str] = set()
    for group, indicator_pk, score in rows:
        sums[(group, indicator_pk)].append(score)
        groups.add(group)
    table = []
    for group in sorted(groups, key=group_order):
        means: list[Decimal | None] = []
        for indicator in top:
            values = sums.get((group, indicator.pk))
            means.append(rounded(sum(values, Decimal(0)) / len(values)) if values else None)
        table.append((group_label(group), means))
    return top, table


def describe_trace(trace: dict) -> str:
    """Where a figure came from, in words (result pages and exports): the counts a computed
    value was made of, who imported or entered a value and with what evidence, the survey,
    the rank."""
    if not trace:
        return ""
    parts = []
    source = trace.get("source")
    if source == "computed":
        metric = trace.get("metric", "")
        label = Metric(metric).label if metric in Metric.values else metric
        counts = []
        for key, name in TRACE_COUNTS:
            if key in trace:
                counts.append(f"{name} {trace[key]}")
        if "template" in trace:
            counts.append(_("计划指标 %(code)s") % {"code": trace["template"]})
        if "period" in trace:
            counts.append(_("取 %(period)s") % {"period": trace["period"]})
        parts.append(
            _("系统计算：%(metric)s（%(counts)s）") % {"metric": label, "counts": "，".join(counts)}
        )
    elif source in (Source.IMPORTED, Source.ENTERED):
        how = _("Excel 导入") if source == Source.IMPORTED else _("评审录入")
        if trace.get("batch"):
            how += _("（导入记录 #%(n)s）") % {"n": trace["batch"]}
        who = "，".join(x for x in (trace.get("by"), trace.get("at")) if x)
        parts.append(f"{how}{'：' + who if who else ''}")
        if trace.get("evidence"):
            parts.append(_("佐证：%(text)s") % {"text": trace["evidence"]})
    elif source == "survey":
        parts.append(
            _("满意度调查：%(region)s，有效样本 %(n)s")
            % {"region": trace.get("region", ""), "n": trace.get("respondents", "")}
        )
    if trace.get("last_year_from") == "previous_run":
        parts.append(_("上年值取自上年度已发布的考核结果"))
    if "rank" in trace:
        parts.append(
            _("组内第 %(rank)s 名 / 共 %(n)s") % {"rank": trace["rank"], "n": trace["ranked"]}
        )
    return "；".join(parts)


TRACE_COUNTS = [
    ("due", _l("应报")),
    ("timely", _l("按时")),
    ("received", _l("已报")),
    ("made", _l("走访")),
    ("hosted", _l("接待")),
    ("on_time", _l("按期完成")),
    ("trainings", _l("培训次数")),
    ("person_hours", _l("人学时")),
    ("quarters", _l("季度数")),
]
