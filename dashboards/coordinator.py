"""The coordinator's dashboard (组团办公室工作台): what needs doing in one consortium today —
each list a handful of queries, whatever the consortium's size, each item a link to act on."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.selectors import User, consortia_coordinated_by
from dashboards.models import IndicatorStanding, ReportSlot, Standing
from pairings.models import Consortium
from projects.choices import PlanStatus
from projects.models import Milestone, Project, SchoolPlan
from projects.selectors import ComplianceRow, visit_compliance
from reports.models import QuarterlyReport, ReportStatus

SHOWN = 30  # items listed per section; the heading gives the full count


@dataclass
class Section:
    items: list[Any]
    count: int


@dataclass
class CoordinatorDashboard:
    consortium: Consortium
    today: dt.date
    awaiting_review: Section
    late_reports: Section
    milestones_due: Section
    milestones_overdue: int
    plans_awaiting: Section
    visits_missing: list[ComplianceRow]
    visits_required: int
    behind: Section


def coordinator_consortia(user: User) -> QuerySet[Consortium]:
    return consortia_coordinated_by(user).select_related("programme").order_by("programme", "name")


def _section(queryset: QuerySet) -> Section:
    """The first items and how many there are (two queries, whatever the number)."""
    return Section(list(queryset[:SHOWN]), queryset.count())


def coordinator_dashboard(
    consortium: Consortium, *, today: dt.date | None = None, days: int = 30
) -> CoordinatorDashboard:
    today = today or timezone.localdate()
    projects = Project.objects.filter(
        Q(consortium=consortium) | Q(pairing__consortium=consortium)
    ).values("pk")
    milestones = Milestone.objects.filter(project__in=projects, done_on__isnull=True)
    rows = visit_compliance(consortium=consortium, year=today.year)
    return CoordinatorDashboard(
        consortium=consortium,
        today=today,
        awaiting_review=_section(
            QuarterlyReport.objects.filter(consortium=consortium, status=ReportStatus.SUBMITTED)
            .select_related("institution", "period")
            .order_by("submitted_at", "pk")
        ),
        late_reports=_section(
            ReportSlot.objects.filter(consortium=consortium, due_on__lt=today, received=False)
            .select_related("institution", "period__programme", "report")
            .order_by("-due_on", "institution__name")
        ),
        milestones_due=_section(
            milestones.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=days))
            .select_related("project")
            .order_by("due_on", "pk")
        ),
        milestones_overdue=milestones.filter(due_on__lt=today).count(),
        plans_awaiting=_section(
            SchoolPlan.objects.filter(consortium=consortium, status=PlanStatus.SUBMITTED)
            .select_related("college", "phase")
            .annotate(experts=Count("assignments"))
            .order_by("experts", "college__name")
        ),
        visits_missing=[row for row in rows if not row.ok],
        visits_required=len(rows),
        behind=_section(
            IndicatorStanding.objects.filter(consortium=consortium, standing=Standing.BEHIND)
            .select_related("indicator", "institution", "phase")
            .order_by("percent", "pk")
        ),
    )
