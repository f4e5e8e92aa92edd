"""Writes of the assessment: schemes and their versions, indicators, weights, data entered by
reviewers, scoring runs and their publication.

A scheme is frozen when its first scoring run starts: from then on its indicators and weights
cannot change (`_editable` refuses), and a new version — a copy with its data — takes the
changes. Scoring runs in Celery (assessments/tasks.py); `run_score` computes every party's
figures and writes them in one transaction.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import can_enter_assessment_data, can_manage_assessment
from assessments import metrics, rules
from assessments.models import (
    HUNDRED,
    AssessmentEntry,
    AssessmentIndicator,
    AssessmentResult,
    AssessmentRun,
    AssessmentScheme,
    AssessmentScore,
    AssessmentWeight,
    EvidenceFile,
    Rule,
    RunStatus,
    Source,
    SurveyResult,
)
from assessments.selectors import (
    Party,
    indicator_tree,
    last_published_run,
    parties_of,
    previous_scheme,
    raw_values_of_run,
    scheme_problems,
    weight_problems,
    weights_of,
)
from config.services import ProgressWriter
from config.uploads import validate_report_file
from schools.models import Institution

logger = logging.getLogger(__name__)


def _require_manager(user: User, scheme: AssessmentScheme) -> None:
    if not can_manage_assessment(user, scheme):
        raise PermissionDenied(_("只有本省教育行政部门或管理员可以管理考核评价方案。"))


def _editable(scheme: AssessmentScheme) -> None:
    if scheme.frozen:
        raise ValidationError(
            _("方案已于 %(when)s 开始评分并冻结，不能再修改指标和权重；请新建版本后修改。")
            % {"when": timezone.localtime(scheme.frozen_at).strftime("%Y-%m-%d %H:%M")}
        )


def scheme_create(*, user: User, **fields: Any) -> AssessmentScheme:
    scheme = AssessmentScheme(created_by=user, **fields)
    if scheme.programme_id:
        _require_manager(user, scheme)
    scheme.full_clean()
    scheme.save()
    return scheme


@transaction.atomic
def scheme_new_version(*, user: User, scheme: AssessmentScheme) -> AssessmentScheme:
    """A draft copy of the scheme — indicators, weights, reviewers, entered and imported data,
    survey results — numbered after the latest version of the same programme, year and basis."""
    _require_manager(user, scheme)
    latest = AssessmentScheme.objects.filter(
        programme=scheme.programme_id, year=scheme.year, basis=scheme.basis
    ).aggregate(Max("version"))["version__max"]
    copy = AssessmentScheme.objects.create(
        programme=scheme.programme,
        phase=scheme.phase,
        year=scheme.year,
        version=latest + 1,
        name=scheme.name,
        basis=scheme.basis,
        description=scheme.description,
        previous=scheme,
        created_by=user,
    )
    copy.reviewers.set(scheme.reviewers.all())
    mapping: dict[int, AssessmentIndicator] = {}
    for indicator in scheme.indicators.order_by("parent_id", "pk"):  # parents (null) first
        old_pk = indicator.pk
        indicator.pk = None
        indicator.scheme = copy
        indicator.parent = mapping[indicator.parent_id] if indicator.parent_id else None
        indicator.save()
        mapping[old_pk] = indicator
    AssessmentWeight.objects.bulk_create(
        AssessmentWeight(
            indicator=mapping[w.indicator_id], column=w.column, weight=w.weight, target=w.target
        )
        for w in AssessmentWeight.objects.filter(indicator__scheme=scheme)
    )
    for entry in AssessmentEntry.objects.filter(indicator__scheme=scheme).prefetch_related("files"):
        files = list(entry.files.all())
        entry.pk = None
        entry.indicator = mapping[entry.indicator_id]
        entry.save()
        for stored in files:
            stored.pk = None
            stored.entry = entry
            stored.save()
    SurveyResult.objects.bulk_create(
        SurveyResult(
            scheme=copy,
            region_id=s.region_id,
            respondents=s.respondents,
            score=s.score,
            import_batch_id=s.import_batch_id,
        )
        for s in scheme.surveys.all()
    )
    return copy


def indicator_save(*, user: User, indicator: AssessmentIndicator) -> AssessmentIndicator:
    """Create or change an indicator of a draft scheme."""
    _require_manager(user, indicator.scheme)
    _editable(indicator.scheme)
    indicator.full_clean()
    indicator.save()
    return indicator


def indicator_delete(*, user: User, indicator: AssessmentIndicator) -> None:
    _require_manager(user, indicator.scheme)
    _editable(indicator.scheme)
    indicator.delete()


@transaction.atomic
def weights_set(
    *,
    user: User,
    scheme: AssessmentScheme,
    weights: dict[tuple[int, str], Decimal],
    targets: dict[tuple[int, str], Decimal | None] | None = None,
) -> None:
    """Replace the scheme's weights (and per-column targets). Each level must add up to 100
    in every column; otherwise nothing is saved and every wrong sum is named."""
    _require_manager(user, scheme)
    _editable(scheme)
    targets = targets or {}
    for (_pk, _column), weight in weights.items():
        if not (Decimal(0) <= weight <= HUNDRED):
            raise ValidationError(_("权重须在 0 到 100 之间。"))
    problems = weight_problems(scheme, weights)
    if problems:
        raise ValidationError(problems)
    indicators = set(scheme.indicators.values_list("pk", flat=True))
    AssessmentWeight.objects.filter(indicator__scheme=scheme).delete()
    AssessmentWeight.objects.bulk_create(
        AssessmentWeight(
            indicator_id=pk, column=column, weight=weight, target=targets.get((pk, column))
        )
        for (pk, column), weight in weights.items()
        if pk in indicators and column in scheme.columns
    )


@transaction.atomic
def entry_record(
    *,
    user: User,
    indicator: AssessmentIndicator,
    party: Institution,
    value: Decimal,
    evidence: str,
    target: Decimal | None = None,
    last_year: Decimal | None = None,
    files: list[UploadedFile] | None = None,
) -> AssessmentEntry:
    """A reviewer's value (or manual score) for one party, with evidence; replaces an
    earlier value of the same party (the history keeps it)."""
    scheme = indicator.scheme
    if not can_enter_assessment_data(user, scheme):
        raise PermissionDenied(_("您不是该方案的评审人，不能录入考核数据。"))
    if indicator.source not in (Source.ENTERED, Source.IMPORTED):
        raise ValidationError(
            _("“%(indicator)s”的数据由系统计算，不能录入。") % {"indicator": indicator}
        )
    if party.pk not in {p.institution.pk for p in parties_of(scheme)}:
        raise ValidationError(_("“%(party)s”不是本方案的被考核单位。") % {"party": party})
    entry = AssessmentEntry.objects.filter(indicator=indicator, party=party).first()
    entry = entry or AssessmentEntry(indicator=indicator, party=party)
    entry.value, entry.target, entry.last_year = value, target, last_year
    entry.evidence, entry.source, entry.recorded_by = evidence, Source.ENTERED, user
    entry.full_clean()
    entry.save()
    for upload in files or []:
        EvidenceFile.create_from(
            upload, content_type=validate_report_file(upload), uploaded_by=user, entry=entry
        )
    return entry


@transaction.atomic
def run_start(*, user: User, scheme: AssessmentScheme) -> AssessmentRun:
    """Freeze the scheme (if not yet) and queue a scoring run; refused while the scheme has
    problems (each named) or another run of it is under way."""
    _require_manager(user, scheme)
    scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
    problems = scheme_problems(scheme)
    if problems:
        raise ValidationError(problems)
    _fail_stale(scheme)
    if scheme.runs.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
        raise ValidationError(_("该方案正在评分，请等待完成后再发起。"))
    if not scheme.frozen:
        scheme.frozen_at = timezone.now()
        scheme.save(update_fields=["frozen_at"])
    run = AssessmentRun.objects.create(scheme=scheme, started_by=user)
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


STALE_AFTER = dt.timedelta(minutes=15)


def _fail_stale(scheme: AssessmentScheme) -> None:
    """A run with no progress for 15 minutes (its worker died, the queue lost it) fails, so
    it does not block the next one."""
    before = timezone.now() - STALE_AFTER
    AssessmentRun.objects.filter(
        scheme=scheme, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).filter(Q(heartbeat_at__lt=before) | Q(heartbeat_at=None, created_at__lt=before)).update(
        status=RunStatus.FAILED,
        error=_("评分中断（超过 15 分钟没有进度），请重新发起。"),
        finished_at=timezone.now(),
    )


def _enqueue(run_pk: int) -> None:
    from assessments.tasks import assessment_score

    try:
        assessment_score.delay(run_pk)
    except Exception:
        logger.exception("Could not queue assessment run %s", run_pk)
        AssessmentRun.objects.filter(pk=run_pk).update(
            status=RunStatus.FAILED,
            error=_("暂时无法连接后台处理服务，评分未能开始，请稍后重新发起。"),
            finished_at=timezone.now(),
        )


@dataclass
class Input:
    """What one party brings to one indicator before scoring."""

    raw: Decimal | None = None
    last_year: Decimal | None = None
    target: Decimal | None = None
    trace: dict[str, Any] = field(default_factory=dict)


def _inputs(
    scheme: AssessmentScheme, leaf: AssessmentIndicator, parties: list[Party], last: dict
) -> dict[int, Input]:
    """Every party's raw value (with trace), last year's value and own target."""
    ids = [p.institution.pk for p in parties]
    out: dict[int, Input] = {pk: Input() for pk in ids}
    if leaf.source == Source.COMPUTED:
        now = metrics.computed(scheme, leaf.metric, leaf.template, ids, scheme.year)
        before = (
            metrics.computed(scheme, leaf.metric, leaf.template, ids, scheme.year - 1)
            if leaf.value_added
            else {}
        )
        for pk in ids:
            if pk in now:
                out[pk].raw = now[pk].value
                out[pk].trace = {"source": "computed", "metric": leaf.metric, **now[pk].trace}
            if pk in before:
                out[pk].last_year = before[pk].value
                out[pk].trace["last_year"] = before[pk].trace
    elif leaf.source == Source.SURVEY:
        by_region = {s.region_id: s for s in scheme.surveys.all()}
        previous = previous_scheme(scheme)
        earlier_surveys = {s.region_id: s for s in previous.surveys.all()} if previous else {}
        for party in parties:
            survey = by_region.get(party.institution.region_id)
            if survey is not None:
                out[party.institution.pk].raw = survey.score
                out[party.institution.pk].trace = {
                    "source": "survey",
                    "region": party.institution.region.name,
                    "respondents": survey.respondents,
                }
            earlier = earlier_surveys.get(party.institution.region_id)
            if earlier is not None:
                out[party.institution.pk].last_year = earlier.score
    else:
        for entry in leaf.entries.select_related("recorded_by", "import_batch"):
            if entry.party_id not in out:
                continue
            item = out[entry.party_id]
            item.raw, item.target, item.last_year = entry.value, entry.target, entry.last_year
            item.trace = {
                "source": entry.source,
                "entry": entry.pk,
                "by": entry.recorded_by.get_full_name() or entry.recorded_by.username
                if entry.recorded_by
                else "",
                "at": timezone.localtime(entry.recorded_at).strftime("%Y-%m-%d %H:%M"),
                "evidence": entry.evidence[:200],
                "batch": entry.import_batch_id,
            }
    if leaf.value_added:
        for pk, item in out.items():
            if item.last_year is None and (leaf.code, pk) in last:
                item.last_year = last[(leaf.code, pk)]
                item.trace["last_year_from"] = "previous_run"
    return out


@dataclass
class _Row:
    indicator: AssessmentIndicator
    score: Decimal
    weight: Decimal
    weighted: Decimal
    item: Input = field(default_factory=Input)
    measure: Decimal | None = None
    target: Decimal | None = None
    note: str = ""


def _score_leaf(
    leaf: AssessmentIndicator, item: Input, column: str, weight: Decimal, column_target: Any
) -> _Row:
    # A copy per row: a party assessed in two columns is ranked in two groups.
    row = _Row(leaf, Decimal(0), weight, Decimal(0), replace(item, trace=dict(item.trace)))
    if item.raw is None:
        row.note = _("无数据，计 0 分")
        return row
    row.measure = rules.measure_of(item.raw, item.last_year, leaf.value_added)
    if row.measure is None:
        row.note = _("缺少上年值（或上年值为 0），无法计算增值，计 0 分")
        return row
    if leaf.rule == Rule.THRESHOLD:
        row.target = leaf.threshold
    else:
        row.target = item.target if item.target is not None else column_target
        if row.target is None:
            row.target = leaf.target
    if leaf.rule != Rule.RANKING:
        scored = rules.score_one(
            leaf.rule,
            row.measure,
            target=row.target,
            bar=leaf.threshold,
            direction=leaf.direction,
            below=leaf.below_score,
        )
        row.score, row.note = scored.score, scored.note
    return row


def run_score(run_pk: int) -> AssessmentRun | None:
    """Score every party of the run's scheme and store the figures (the Celery task's body)."""
    updated = AssessmentRun.objects.filter(pk=run_pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, heartbeat_at=timezone.now()
    )
    if not updated:
        return None
    run = AssessmentRun.objects.select_related("scheme__programme__region").get(pk=run_pk)
    scheme = run.scheme
    progress = ProgressWriter(AssessmentRun.objects.filter(pk=run_pk))
    parties = parties_of(scheme)
    tree = indicator_tree(scheme)
    leaves = [leaf for top, children in tree for leaf in children or [top]]
    last = raw_values_of_run(last_published_run(previous_scheme(scheme)))
    inputs: dict[int, dict[int, Input]] = {}
    for number, leaf in enumerate(leaves):
        progress(number, len(leaves) + 1, _("正在收集数据：%(indicator)s") % {"indicator": leaf})
        inputs[leaf.pk] = _inputs(scheme, leaf, parties, last)
    progress(len(leaves), len(leaves) + 1, _("正在计分"))
    rows = _score_parties(tree, parties, inputs)
    with transaction.atomic():
        _store(run, parties, rows)
        AssessmentRun.objects.filter(pk=run_pk).update(
            status=RunStatus.DONE, progress=100, stage="", finished_at=timezone.now()
        )
    run.refresh_from_db()
    return run


def _score_parties(
    tree: list[tuple[AssessmentIndicator, list[AssessmentIndicator]]],
    parties: list[Party],
    inputs: dict[int, dict[int, Input]],
) -> dict[int, list[_Row]]:
    """Per party (by index), its rows: leaves first scored alone, ranking leaves then scored
    within each group, then first-level subtotals (Σ child score × child weight ÷ 100)."""
    leaf_rows: dict[tuple[int, int], _Row] = {}
    for index, party in enumerate(parties):
        for top, children in tree:
            top_weight = _weight(top, party.column)
            if not top_weight:
                continue
            for leaf in children or [top]:
                weight = top_weight if leaf is top else _weight(leaf, party.column)
                if not weight:
                    continue
                item = inputs[leaf.pk][party.institution.pk]
                row = _score_leaf(leaf, item, party.column, weight, _target(leaf, party.column))
                leaf_rows[(index, leaf.pk)] = row
    _rank_leaves(parties, leaf_rows)
    out: dict[int, list[_Row]] = defaultdict(list)
    for index, party in enumerate(parties):
        for top, children in tree:
            top_weight = _weight(top, party.column)
            if not top_weight:
                continue
            if not children:
                row = leaf_rows[(index, top.pk)]
                row.weighted = rules.weighted(row.score, row.weight)
                out[index].append(row)
                continue
            mine = [leaf_rows[(index, c.pk)] for c in children if (index, c.pk) in leaf_rows]
            for row in mine:
                row.weighted = rules.weighted(row.score, row.weight)
            subtotal = sum((r.weighted for r in mine), Decimal(0))
            out[index].append(_Row(top, subtotal, top_weight, rules.weighted(subtotal, top_weight)))
            out[index].extend(mine)
    return out


def _rank_leaves(parties: list[Party], leaf_rows: dict[tuple[int, int], _Row]) -> None:
    groups: dict[tuple[str, int], dict[int, Decimal]] = defaultdict(dict)
    for (index, leaf_pk), row in leaf_rows.items():
        if row.indicator.rule == Rule.RANKING and row.measure is not None:
            groups[(parties[index].group, leaf_pk)][index] = row.measure
    for (_group, leaf_pk), measures in groups.items():
        sample = leaf_rows[(next(iter(measures)), leaf_pk)].indicator
        for index, (rank, scored) in rules.ranking(
            measures, sample.direction, sample.floor_score
        ).items():
            row = leaf_rows[(index, leaf_pk)]
            row.score = scored.score
            row.item.trace = {**row.item.trace, "rank": rank, "ranked": len(measures)}


def _weight(indicator: AssessmentIndicator, column: str) -> Decimal:
    weight = weights_of(indicator).get(column)
    return weight.weight if weight else Decimal(0)


def _target(indicator: AssessmentIndicator, column: str) -> Decimal | None:
    weight = weights_of(indicator).get(column)
    return weight.target if weight else None


def _store(run: AssessmentRun, parties: list[Party], rows: dict[int, list[_Row]]) -> None:
    run.results.all().delete()  # a retried run starts again
    totals: dict[int, Decimal] = {}
    for index, party_rows in rows.items():
        totals[index] = sum(
            (r.weighted for r in party_rows if r.indicator.parent_id is None), Decimal(0)
        )
    by_group: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for index, party in enumerate(parties):
        by_group[party.group][index] = totals.get(index, Decimal(0))
    results = []
    for group, group_totals in by_group.items():
        ranks = rules.competition_ranks(group_totals)
        for index, total in group_totals.items():
            party = parties[index]
            results.append(
                AssessmentResult(
                    run=run,
                    party=party.institution,
                    column=party.column,
                    group=group,
                    total=total,
                    rank=ranks[index],
                    group_size=len(group_totals),
                )
            )
    AssessmentResult.objects.bulk_create(results)  # PostgreSQL and SQLite return the keys
    by_index = {(r.party_id, r.column): r for r in results}
    scores = []
    for index, party_rows in rows.items():
        party = parties[index]
        result = by_index[(party.institution.pk, party.column)]
        for row in party_rows:
            scores.append(
                AssessmentScore(
                    result=result,
                    indicator=row.indicator,
                    raw=row.item.raw,
                    last_year=row.item.last_year,
                    measure=row.measure,
                    target=row.target,
                    score=row.score,
                    weight=row.weight,
                    weighted=row.weighted,
                    note=row.note[:255],
                    trace=row.item.trace,
                )
            )
    AssessmentScore.objects.bulk_create(scores, batch_size=2000)


def run_fail(run_pk: int, message: str) -> None:
    AssessmentRun.objects.filter(pk=run_pk).exclude(status=RunStatus.DONE).update(
        status=RunStatus.FAILED, error=message, finished_at=timezone.now()
    )


@transaction.atomic
def run_publish(*, user: User, run: AssessmentRun) -> AssessmentRun:
    """Publish a finished run: the assessed parties see their own results. A scheme has one
    published run at a time; publishing another replaces it."""
    _require_manager(user, run.scheme)
    if run.status != RunStatus.DONE:
        raise ValidationError(_("评分尚未完成，不能发布。"))
    AssessmentRun.objects.filter(scheme__programme=run.scheme.programme_id).filter(
        scheme__year=run.scheme.year, scheme__basis=run.scheme.basis
    ).exclude(pk=run.pk).update(published_at=None, published_by=None)
    run.published_at, run.published_by = timezone.now(), user
    run.save(update_fields=["published_at", "published_by"])
    return run


def run_withdraw(*, user: User, run: AssessmentRun) -> AssessmentRun:
    _require_manager(user, run.scheme)
    run.published_at, run.published_by = None, None
    run.save(update_fields=["published_at", "published_by"])
    return run


def run_requeue(run_pk: int) -> None:
    """Back to the queue after a transient error (the retry scores it again from scratch)."""
    AssessmentRun.objects.filter(pk=run_pk, status=RunStatus.RUNNING).update(
        status=RunStatus.QUEUED
    )
