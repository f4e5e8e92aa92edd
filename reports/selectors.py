"""Reads for quarterly reporting: who is expected to report, the review list, and the
completeness and timeliness figures. Every query starts from accounts/selectors.py."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.selectors import (
    User,
    institutions_visible_to,
    programmes_visible_to,
    reports_visible_to,
    reviewable_reports,
    scope_of,
)
from pairings.models import Membership, Pairing
from programmes.models import Programme
from projects.models import Indicator, Project, ResponsibleUnit
from reports.models import QuarterlyReport, ReportingPeriod, ReportStatus
from schools.models import Institution, Region

RECEIVED = [ReportStatus.SUBMITTED, ReportStatus.APPROVED]


def expected_reporters(programme: Programme, period: ReportingPeriod) -> QuerySet[Institution]:
    """Who must report for a period: every university and college of the programme's
    consortia, and both sides of its pairings running in the period when the programme says
    so (a pairing runs in its own dates, and within its round's). The rule itself is
    reporters_by_period, shared with the completeness figures."""
    return Institution.objects.filter(pk__in=reporters_by_period(programme, [period])[period.pk])


def consortium_for(programme: Programme, institution: Institution) -> int | None:
    membership = (
        Membership.objects.filter(consortium__programme=programme, institution=institution)
        .working()
        .order_by("consortium_id")
        .first()
    )
    return membership.consortium_id if membership else None


def period_get(*, user: User, pk: int) -> ReportingPeriod:
    return get_object_or_404(
        ReportingPeriod.objects.filter(
            programme__in=programmes_visible_to(user).values("pk")
        ).select_related("programme"),
        pk=pk,
    )


def report_get(*, user: User, pk: int) -> QuarterlyReport:
    return get_object_or_404(
        reports_visible_to(user)
        .select_related("period__programme__region", "institution", "consortium", "updated_by")
        .prefetch_related(
            "sections__area",
            "project_progress__project",
            "indicator_values__indicator",
            "attachments",
            "events__actor",
        ),
        pk=pk,
    )


def projects_reported_by(*, institution: Institution, period: ReportingPeriod) -> QuerySet[Project]:
    """The institution's projects running in the period: it is a responsible unit of them."""
    return (
        Project.objects.filter(
            programme=period.programme,
            pk__in=ResponsibleUnit.objects.filter(institution=institution).values("project"),
            starts_on__lte=period.ends_on,
            ends_on__gte=period.starts_on,
        )
        .select_related("area")
        .order_by("area__order", "title")
    )


def indicators_reported_by(*, institution: Institution, period: ReportingPeriod) -> list[Indicator]:
    """Quantitative indicators of its projects and of the pairings it is a party of."""
    projects = projects_reported_by(institution=institution, period=period)
    pairings = Pairing.objects.filter(programme=period.programme).filter(
        Q(supporter=institution) | Q(supported=institution)
    )
    return list(
        Indicator.objects.filter(
            Q(project__in=projects.values("pk")) | Q(pairing__in=pairings.values("pk")),
            kind="quantitative",
        )
        .with_progress_data()
        .order_by("project_id", "order", "pk")
    )


def derived_value(indicator: Indicator, period: ReportingPeriod) -> Decimal | None:
    """What the recorded activities give for the period (None: the indicator is typed in)."""
    if not indicator.is_derived:
        return None
    return indicator.value_between(period.starts_on, period.ends_on) or Decimal(0)


def my_reports(*, user: User) -> list[tuple[Institution, list]]:
    """For each institution the user reports for: its open and past periods with the report."""
    scope = scope_of(user)
    institutions = Institution.objects.filter(pk__in=scope.acting_for).order_by("name")
    result = []
    for institution in institutions:
        programmes = Programme.objects.filter(
            Q(consortia__memberships__institution=institution)
            | Q(pairing_parties_report=True, pairings__supporter=institution)
            | Q(pairing_parties_report=True, pairings__supported=institution)
        ).values("pk")
        periods = ReportingPeriod.objects.filter(programme__in=programmes).select_related(
            "programme"
        )[:40]
        reports = {
            r.period_id: r
            for r in QuarterlyReport.objects.filter(institution=institution, period__in=periods)
        }
        result.append((institution, [(p, reports.get(p.pk)) for p in periods]))
    return result


def review_list(
    *, user: User, status: str = ReportStatus.SUBMITTED, period: int | None = None
) -> QuerySet[QuarterlyReport]:
    reports = reviewable_reports(user)
    if status:
        reports = reports.filter(status=status)
    if period:
        reports = reports.filter(period_id=period)
    return reports.select_related("period__programme", "institution", "consortium").order_by(
        "period__due_on", "submitted_at", "institution__name"
    )


@dataclass
class Tally:
    label: str = ""
    expected: int = 0
    received: int = 0
    timely: int = 0

    @property
    def completeness(self) -> int | None:
        return round(self.received * 100 / self.expected) if self.expected else None

    @property
    def timeliness(self) -> int | None:
        return round(self.timely * 100 / self.expected) if self.expected else None


@dataclass
class Completeness:
    periods: list[tuple[ReportingPeriod, Tally]]
    period: ReportingPeriod | None
    by_consortium: list[Tally]
    by_province: list[Tally]
    by_institution: list[tuple[Institution, QuarterlyReport | None, bool | None]]


def reporters_by_period(
    programme: Programme, periods: list[ReportingPeriod]
) -> dict[int, set[int]]:
    """Institution pks expected to report, for every period at once (two queries whatever the
    number of periods)."""
    members = set(
        Membership.objects.filter(consortium__programme=programme)
        .working()
        .values_list("institution", flat=True)
    )
    pairings = []
    if programme.pairing_parties_report:
        pairings = list(
            Pairing.objects.filter(programme=programme).values_list(
                "supporter",
                "supported",
                "starts_on",
                "ends_on",
                "phase__starts_on",
                "phase__ends_on",
            )
        )
    result = {}
    for period in periods:
        expected = set(members)
        for supporter, supported, starts, ends, phase_starts, phase_ends in pairings:
            if (starts and starts > period.ends_on) or (ends and ends < period.starts_on):
                continue
            if phase_starts and (phase_starts > period.ends_on or phase_ends < period.starts_on):
                continue
            expected |= {supporter, supported}
        result[period.pk] = expected
    return result


def completeness(*, user: User, programme: Programme, period_pk: int | None) -> Completeness:
    """Expected vs received (completeness) and received by the due date (timeliness), per
    period, and for one period per consortium, province and institution — within scope."""
    periods = list(programme.reporting_periods.order_by("-starts_on"))
    chosen = next((p for p in periods if p.pk == period_pk), None)
    if chosen is None:
        today = timezone.localdate()
        chosen = next((p for p in periods if p.due_on <= today), periods[-1] if periods else None)
    by_period = reporters_by_period(programme, periods)
    everyone = set().union(*by_period.values()) if by_period else set()
    institutions_by_pk = {
        i.pk: i
        for i in Institution.objects.filter(pk__in=everyone)
        .filter(pk__in=institutions_visible_to(user).values("pk"))
        .select_related("region")
    }
    visible = set(institutions_by_pk)
    received: dict[int, list[QuarterlyReport]] = defaultdict(list)
    chosen_reports: dict[int, QuarterlyReport] = {}
    for report in QuarterlyReport.objects.filter(
        period__programme=programme, institution__in=visible
    ).select_related("period"):
        if report.status in RECEIVED:
            received[report.period_id].append(report)
        if chosen is not None and report.period_id == chosen.pk:
            chosen_reports[report.institution_id] = report
    rows = []
    for p in periods:
        expected_here = by_period[p.pk] & visible
        got = [r for r in received[p.pk] if r.institution_id in expected_here]
        tally = Tally(str(p.name), expected=len(expected_here), received=len(got))
        tally.timely = sum(1 for r in got if r.is_timely)
        rows.append((p, tally))
    consortia: dict[int, str] = {}
    member_of: dict[int, int] = {}
    for membership in (
        Membership.objects.filter(consortium__programme=programme, institution__in=visible)
        .working()
        .select_related("consortium")
    ):
        consortia[membership.consortium_id] = membership.consortium.name
        member_of.setdefault(membership.institution_id, membership.consortium_id)
    provinces = {r.code: r.name for r in Region.objects.filter(level="province")}
    per_consortium: dict[str, Tally] = {}
    per_province: dict[str, Tally] = {}
    institutions: list[tuple[Institution, QuarterlyReport | None, bool | None]] = []
    now_ids = by_period[chosen.pk] & visible if chosen else set()
    expected_now = sorted((institutions_by_pk[pk] for pk in now_ids), key=lambda i: i.name)
    for institution in expected_now:
        found = chosen_reports.get(institution.pk)
        got_it = found is not None and found.status in RECEIVED
        timely = found.is_timely if found is not None and got_it else None
        institutions.append((institution, found, timely))
        consortium_name = consortia.get(member_of.get(institution.pk, 0), "—")
        province = provinces.get(institution.region.code[:2], "—")
        for key, bucket in ((consortium_name, per_consortium), (province, per_province)):
            tally = bucket.setdefault(key, Tally(key))
            tally.expected += 1
            tally.received += got_it
            tally.timely += bool(timely)
    return Completeness(
        periods=rows,
        period=chosen,
        by_consortium=sorted(per_consortium.values(), key=lambda t: t.label),
        by_province=sorted(per_province.values(), key=lambda t: t.label),
        by_institution=institutions,
    )


def programmes_with_periods(*, user: User) -> QuerySet[Programme]:
    return programmes_visible_to(user).filter(reporting_periods__isnull=False).distinct()
