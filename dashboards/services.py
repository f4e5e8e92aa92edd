"""Rebuilding the dashboards' cached summaries (dashboards/models.py).

`summaries_refresh(programme=…)` rebuilds one programme's three tables from scratch; it runs
nightly (beat), after an import and after the data generator. When a report changes,
`summaries_report_changed(report)` updates its slot at once, in the same transaction, and
after the commit a task recounts the indicators it reported and its period's totals.
"""

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from dashboards.models import (
    IndicatorStanding,
    IndicatorTotal,
    ReportSlot,
    Standing,
    SummaryState,
)
from pairings.models import Membership
from programmes.models import Phase, Programme
from projects.choices import Aggregation, IndicatorKind
from projects.models import Indicator, IndicatorActual, IndicatorTarget, ResponsibleUnit
from projects.progress import PeriodValue, quantitative_progress
from reports.models import (
    IndicatorValue,
    QuarterlyReport,
    ReportingPeriod,
    ReportStatus,
    arrived_by,
)
from reports.selectors import reporters_by_period
from schools.models import Institution

logger = logging.getLogger(__name__)

RECEIVED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
_deferred: ContextVar[bool] = ContextVar("summaries_deferred", default=False)
BATCH = 2000

Place = tuple[str, str, str]  # region code, zone, kind


def _places(pks: Iterable[int]) -> dict[int, Place]:
    rows = Institution.objects.filter(pk__in=set(pks)).values_list(
        "pk", "region__code", "region__zone", "kind"
    )
    return {pk: (code, zone, kind) for pk, code, zone, kind in rows}


# Report slots --------------------------------------------------------------------------------


def slots_refresh(*, programme: Programme, periods: list[ReportingPeriod] | None = None) -> int:
    """Rebuild the slots of the given periods (default: all) — who owed a report, and how
    it stands. Returns the number of slots written."""
    if periods is None:
        periods = list(programme.reporting_periods.all())
    expected = reporters_by_period(programme, periods)
    everyone = set().union(*expected.values()) if expected else set()
    places = _places(everyone)
    consortium_of: dict[int, int] = {}
    for institution_id, consortium_id in (
        Membership.objects.filter(consortium__programme=programme)
        .working()
        .order_by("consortium_id")
        .values_list("institution_id", "consortium_id")
    ):
        consortium_of.setdefault(institution_id, consortium_id)
    rows = QuarterlyReport.objects.filter(period__in=[p.pk for p in periods]).values_list(
        "pk", "period_id", "institution_id", "status", "first_submitted_at", "submitted_at"
    )
    reports = {
        (period_id, institution_id): (pk, status, first or submitted)
        for pk, period_id, institution_id, status, first, submitted in rows
    }
    slots = []
    for period in periods:
        for institution_id in sorted(expected[period.pk]):
            code, zone, kind = places[institution_id]
            report_id, status, first = reports.get((period.pk, institution_id), (None, "", None))
            received = status in RECEIVED
            slots.append(
                ReportSlot(
                    programme=programme,
                    period=period,
                    institution_id=institution_id,
                    consortium_id=consortium_of.get(institution_id),
                    report_id=report_id,
                    region_code=code,
                    zone=zone,
                    kind=kind,
                    status=status,
                    received=received,
                    timely=received and first is not None and arrived_by(first, period.due_on),
                    due_on=period.due_on,
                )
            )
    ReportSlot.objects.filter(period__in=[p.pk for p in periods]).delete()
    ReportSlot.objects.bulk_create(slots, batch_size=BATCH)
    return len(slots)


def slot_update(report: QuarterlyReport) -> None:
    """The report's slot follows its status at once (one UPDATE; no slot: not expected)."""
    received = report.status in RECEIVED
    first = report.first_submitted_at or report.submitted_at
    slot = ReportSlot.objects.filter(period=report.period_id, institution=report.institution_id)
    slot.update(
        report=report,
        status=report.status,
        received=received,
        timely=received and first is not None and arrived_by(first, report.period.due_on),
    )


# Indicator values ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """An indicator with what its standing needs: whom it is counted for, and its span."""

    pk: int
    template_id: int | None
    institution_id: int | None
    consortium_id: int | None
    aggregation: str
    direction: str
    baseline: Decimal | None
    phase_id: int | None  # a pairing's round: the only round it counts in
    starts_on: dt.date | None
    ends_on: dt.date | None


def _subjects(programme: Programme, indicator_ids: Iterable[int] | None = None) -> list[Subject]:
    """The programme's quantitative indicators, each counted for the supported side of its
    pairing (directly or through its project), else for its project's lead unit."""
    indicators = Indicator.objects.filter(
        Q(project__programme=programme) | Q(pairing__programme=programme),
        kind=IndicatorKind.QUANTITATIVE,
    )
    if indicator_ids is not None:
        indicators = indicators.filter(pk__in=list(indicator_ids))
    rows = list(
        indicators.values_list(
            "pk",
            "template_id",
            "aggregation",
            "direction",
            "baseline",
            "project_id",
            "pairing__supported_id",
            "pairing__consortium_id",
            "pairing__phase_id",
            "pairing__starts_on",
            "pairing__ends_on",
            "project__pairing__supported_id",
            "project__pairing__consortium_id",
            "project__consortium_id",
            "project__starts_on",
            "project__ends_on",
        )
    )
    lead_of: dict[int, int] = {}
    unpaired = [r[5] for r in rows if r[5] is not None and r[11] is None]
    if unpaired:
        for project_id, institution_id in (
            ResponsibleUnit.objects.filter(project__in=unpaired)
            .order_by("project_id", "-order", "-id")
            .values_list("project_id", "institution_id")
        ):
            lead_of[project_id] = institution_id  # the last one written is the first unit
    subjects = []
    for (
        pk,
        template_id,
        aggregation,
        direction,
        baseline,
        project_id,
        pairing_supported,
        pairing_consortium,
        pairing_phase,
        pairing_starts,
        pairing_ends,
        project_supported,
        project_pairing_consortium,
        project_consortium,
        project_starts,
        project_ends,
    ) in rows:
        if project_id is None:
            institution = pairing_supported
            consortium = pairing_consortium
            phase, starts_on, ends_on = pairing_phase, pairing_starts, pairing_ends
        else:
            institution = project_supported or lead_of.get(project_id)
            consortium = project_consortium or project_pairing_consortium
            phase, starts_on, ends_on = None, project_starts, project_ends
        subjects.append(
            Subject(
                pk,
                template_id,
                institution,
                consortium,
                aggregation,
                direction,
                baseline,
                phase,
                starts_on,
                ends_on,
            )
        )
    return subjects


def _values(
    programme: Programme,
    periods: dict[int, ReportingPeriod],
    *,
    indicator_ids: list[int] | None = None,
    period_ids: list[int] | None = None,
) -> dict[int, dict[int, Decimal]]:
    """indicator → period → value: what the received reports gave (the higher one when both
    parties of a pairing report the same indicator), else what was typed on the indicator."""
    reported = IndicatorValue.objects.filter(
        report__period__programme=programme, report__status__in=RECEIVED, value__isnull=False
    )
    if indicator_ids is not None:
        reported = reported.filter(indicator__in=indicator_ids)
    if period_ids is not None:
        reported = reported.filter(report__period__in=period_ids)
    values: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for indicator_id, period_id, value in (
        reported.values("indicator_id", "report__period_id")
        .annotate(value=Max("value"))
        .values_list("indicator_id", "report__period_id", "value")
        .order_by()
    ):
        values[indicator_id][period_id] = value
    period_by_start = {p.starts_on: p.pk for p in periods.values()}
    typed = IndicatorActual.objects.filter(
        Q(indicator__project__programme=programme) | Q(indicator__pairing__programme=programme),
        starts_on__in=list(period_by_start),
    )
    if indicator_ids is not None:
        typed = typed.filter(indicator__in=indicator_ids)
    for indicator_id, starts_on, value in typed.values_list("indicator_id", "starts_on", "value"):
        period_id = period_by_start[starts_on]
        if period_ids is None or period_id in period_ids:
            values[indicator_id].setdefault(period_id, value)
    return values


# Indicator standings and totals --------------------------------------------------------------


def _round_target(
    targets: list[tuple[int | None, int | None, Decimal]],
    phase: Phase | None,
    span: tuple[dt.date, dt.date],
    aggregation: str,
    today: dt.date,
) -> Decimal | None:
    """The indicator's target for the round: the round's own target, else its years' targets
    (added up for a cumulative indicator; the current — or last — year's for a level)."""
    if phase is not None:
        for _year, phase_id, value in targets:
            if phase_id == phase.pk:
                return value
    years = sorted(
        (year, value)
        for year, _phase_id, value in targets
        if year is not None and span[0].year <= year <= span[1].year
    )
    if not years:
        return None
    if aggregation == Aggregation.SUM:
        return sum((value for _year, value in years), Decimal(0))
    now = [value for year, value in years if year <= today.year]
    return now[-1] if now else years[0][1]


def _spans(programme: Programme, today: dt.date) -> list[tuple[Phase | None, dt.date, dt.date]]:
    """The rounds that have begun (or the whole programme when it has none)."""
    phases = [p for p in programme.phases.all() if p.starts_on <= today]
    if not programme.phases.exists():
        return [(None, programme.starts_on, programme.ends_on)]
    return [(p, p.starts_on, p.ends_on) for p in phases]


def standings_refresh(
    *,
    programme: Programme,
    indicator_ids: list[int] | None = None,
    today: dt.date | None = None,
) -> int:
    """Rebuild the standings of the given indicators (default: all the programme's)."""
    today = today or timezone.localdate()
    subjects = [s for s in _subjects(programme, indicator_ids) if s.institution_id]
    periods = {p.pk: p for p in programme.reporting_periods.all()}
    values = _values(programme, periods, indicator_ids=indicator_ids)
    targets: dict[int, list[tuple[int | None, int | None, Decimal]]] = defaultdict(list)
    target_rows = IndicatorTarget.objects.filter(
        Q(indicator__project__programme=programme) | Q(indicator__pairing__programme=programme)
    )
    if indicator_ids is not None:
        target_rows = target_rows.filter(indicator__in=indicator_ids)
    for indicator_id, year, phase_id, value in target_rows.values_list(
        "indicator_id", "year", "phase_id", "value"
    ):
        targets[indicator_id].append((year, phase_id, value))
    places = _places(s.institution_id for s in subjects if s.institution_id)
    spans = _spans(programme, today)
    rows = []
    for subject in subjects:
        assert subject.institution_id is not None
        code, zone, kind = places[subject.institution_id]
        series = [
            PeriodValue(periods[period_id].starts_on, periods[period_id].ends_on, value)
            for period_id, value in values.get(subject.pk, {}).items()
        ]
        for phase, starts_on, ends_on in spans:
            if subject.phase_id is not None and (phase is None or phase.pk != subject.phase_id):
                continue
            if (subject.starts_on and subject.starts_on > ends_on) or (
                subject.ends_on and subject.ends_on < starts_on
            ):
                continue
            target = _round_target(
                targets[subject.pk], phase, (starts_on, ends_on), subject.aggregation, today
            )
            progress = quantitative_progress(
                target=target if target is not None else Decimal(0),
                starts_on=starts_on,
                ends_on=ends_on,
                values=series,
                aggregation=subject.aggregation,
                direction=subject.direction,
                baseline=subject.baseline,
                today=today,
            )
            if target is None:
                standing, percent = Standing.NO_TARGET, None
            else:
                standing = Standing.BEHIND if progress.behind else Standing.ON_TRACK
                percent = progress.percent
            rows.append(
                IndicatorStanding(
                    programme=programme,
                    phase=phase,
                    indicator_id=subject.pk,
                    template_id=subject.template_id,
                    consortium_id=subject.consortium_id,
                    institution_id=subject.institution_id,
                    region_code=code,
                    zone=zone,
                    kind=kind,
                    target=target,
                    actual=progress.actual,
                    percent=percent,
                    expected=round(progress.expected * 100),
                    standing=standing,
                )
            )
    stale = IndicatorStanding.objects.filter(programme=programme)
    if indicator_ids is not None:
        stale = stale.filter(indicator__in=indicator_ids)
    stale.delete()
    IndicatorStanding.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def totals_refresh(*, programme: Programme, period_ids: list[int] | None = None) -> int:
    """Rebuild the per-period totals of the programme indicators, by region and kind."""
    subjects = [s for s in _subjects(programme) if s.template_id and s.institution_id]
    periods = {p.pk: p for p in programme.reporting_periods.all()}
    values = _values(programme, periods, period_ids=period_ids)
    places = _places(s.institution_id for s in subjects if s.institution_id)
    cells: dict[tuple[int, int, str, str], list] = {}
    for subject in subjects:
        assert subject.institution_id is not None and subject.template_id is not None
        code, zone, kind = places[subject.institution_id]
        for period_id, value in values.get(subject.pk, {}).items():
            cell = cells.setdefault(
                (period_id, subject.template_id, code, kind), [zone, Decimal(0), 0]
            )
            cell[1] += value
            cell[2] += 1
    stale = IndicatorTotal.objects.filter(programme=programme)
    if period_ids is not None:
        stale = stale.filter(period__in=period_ids)
    stale.delete()
    IndicatorTotal.objects.bulk_create(
        (
            IndicatorTotal(
                programme=programme,
                period_id=period_id,
                template_id=template_id,
                region_code=code,
                zone=zone,
                kind=kind,
                total=total,
                count=count,
            )
            for (period_id, template_id, code, kind), (zone, total, count) in cells.items()
        ),
        batch_size=BATCH,
    )
    return len(cells)


# Entry points --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refreshed:
    slots: int
    standings: int
    totals: int
    seconds: float


@transaction.atomic
def summaries_refresh(*, programme: Programme, today: dt.date | None = None) -> Refreshed:
    """Rebuild all three summaries of one programme (one transaction: pages never see a
    half-built summary)."""
    started = time.perf_counter()
    slots = slots_refresh(programme=programme)
    standings = standings_refresh(programme=programme, today=today)
    totals = totals_refresh(programme=programme)
    seconds = time.perf_counter() - started
    SummaryState.objects.update_or_create(
        programme=programme, defaults={"refreshed_at": timezone.now(), "seconds": seconds}
    )
    return Refreshed(slots, standings, totals, seconds)


@contextmanager
def summaries_deferred() -> Iterator[None]:
    """For bulk writers (the demo loader): no per-report or per-indicator refresh inside;
    the caller rebuilds the summaries once at the end."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def summaries_refresh_later(programme_id: int) -> None:
    """After the current transaction commits, rebuild the programme's summaries in a task
    (pairings, memberships or periods changed: who owes reports may have changed)."""
    if _deferred.get():
        return
    from dashboards import tasks

    transaction.on_commit(lambda: _queue_or_run(tasks.summaries_refresh, programme_id))


def summaries_indicators_changed(indicator_ids: list[int]) -> None:
    """Indicators (or their targets, or typed actuals) changed: their standings are
    recounted after the commit (the per-quarter totals follow at the nightly rebuild)."""
    if _deferred.get():
        return
    from dashboards import tasks

    transaction.on_commit(lambda: _queue_or_run(tasks.indicators_summaries_refresh, indicator_ids))


def indicators_summaries_refresh(*, indicator_ids: list[int]) -> None:
    by_programme: dict[int, list[int]] = defaultdict(list)
    for pk, project_programme, pairing_programme in Indicator.objects.filter(
        pk__in=indicator_ids
    ).values_list("pk", "project__programme_id", "pairing__programme_id"):
        by_programme[project_programme or pairing_programme].append(pk)
    for programme in Programme.objects.filter(pk__in=list(by_programme)):
        standings_refresh(programme=programme, indicator_ids=by_programme[programme.pk])


def summaries_reports_changed(reports: list[QuarterlyReport]) -> None:
    """Reports were opened, submitted, returned, approved or reopened: their slots follow now;
    their indicators' standings and their periods' totals are recounted after the commit."""
    if not reports or _deferred.get():
        return
    for report in reports:
        slot_update(report)
    from dashboards import tasks

    ids = [r.pk for r in reports]
    transaction.on_commit(lambda: _queue_or_run(tasks.reports_summaries_refresh, ids))


def _queue_or_run(task: Any, *args: Any) -> None:
    """Queue a recount after the commit; when the broker cannot be reached, recount here.

    The change it follows is already saved: failing the request now would tell the user it was
    not (and invite a second submission). The page waits a moment longer instead.
    """
    try:
        task.delay(*args)
    except Exception:
        logger.warning("Broker unreachable: %s runs in the request", task.name, exc_info=True)
        task.apply(args=args)


@transaction.atomic
def reports_summaries_refresh(*, reports: list[QuarterlyReport]) -> None:
    by_programme: dict[int, list[QuarterlyReport]] = defaultdict(list)
    for report in reports:
        by_programme[report.period.programme_id].append(report)
    for group in by_programme.values():
        programme = group[0].period.programme
        indicator_ids = list(
            IndicatorValue.objects.filter(report__in=[r.pk for r in group])
            .values_list("indicator_id", flat=True)
            .distinct()
        )
        if indicator_ids:
            standings_refresh(programme=programme, indicator_ids=indicator_ids)
        totals_refresh(programme=programme, period_ids=sorted({r.period_id for r in group}))
