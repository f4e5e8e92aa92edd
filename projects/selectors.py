"""Reads for the projects app. Every query starts from a scoping function of
accounts/selectors.py, so nothing outside the user's scope is reachable."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import (
    User,
    activities_visible_to,
    indicators_visible_to,
    meetings_visible_to,
    pairings_visible_to,
    plans_visible_to,
    projects_visible_to,
    visits_visible_to,
)
from pairings.choices import MemberRole
from pairings.models import Consortium, Pairing
from programmes.models import ContentArea
from projects.choices import PlanStatus, ProjectStatus
from projects.models import (
    Activity,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    Meeting,
    Milestone,
    PlanVersion,
    Project,
    ResponsibleUnit,
    SchoolPlan,
    Visit,
)
from projects.progress import PeriodValue, Progress
from schools.models import Institution


@dataclass(frozen=True)
class ProjectFilters:
    programme: int | None = None
    consortium: int | None = None
    area: int | None = None
    status: str = ""
    unit: int | None = None
    year: int | None = None
    q: str = ""


def project_list(*, user: User, filters: ProjectFilters | None = None) -> QuerySet[Project]:
    f = filters or ProjectFilters()
    projects = projects_visible_to(user)
    if f.programme:
        projects = projects.filter(programme_id=f.programme)
    if f.consortium:
        projects = projects.filter(
            Q(consortium_id=f.consortium) | Q(pairing__consortium_id=f.consortium)
        )
    if f.area:
        projects = projects.filter(area_id=f.area)
    if f.status:
        projects = projects.filter(status=f.status)
    if f.unit:
        projects = projects.filter(
            pk__in=ResponsibleUnit.objects.filter(institution_id=f.unit).values("project")
        )
    if f.year:
        projects = projects.filter(starts_on__year__lte=f.year, ends_on__year__gte=f.year)
    if f.q:
        projects = projects.filter(title__icontains=f.q)
    today = timezone.localdate()
    return (
        projects.with_parts()
        .annotate(
            milestone_count=Count("milestones", distinct=True),
            overdue_count=Count(
                "milestones",
                filter=Q(milestones__done_on__isnull=True, milestones__due_on__lt=today),
                distinct=True,
            ),
        )
        .order_by("programme__starts_on", "area__order", "starts_on", "pk")
    )


def project_get(*, user: User, pk: int) -> Project:
    """The project with everything its page shows, or 404 when out of scope."""
    return get_object_or_404(
        projects_visible_to(user)
        .with_parts()
        .select_related("programme", "pairing__phase")
        .prefetch_related(
            "beneficiaries",
            "members__institution",
            "milestones",
            "plans",
            Prefetch("status_changes__changed_by"),
            Prefetch("indicators", queryset=Indicator.objects.with_progress_data()),
            Prefetch(
                "activities",
                queryset=Activity.objects.select_related("organiser").order_by("-starts_on"),
            ),
        ),
        pk=pk,
    )


def filter_choices(*, user: User) -> dict[str, list]:
    """What the project filters offer: only what the user can see."""
    visible = projects_visible_to(user)
    return {
        "areas": list(
            ContentArea.objects.filter(pk__in=visible.values("area")).select_related("programme")
        ),
        "units": list(
            Institution.objects.filter(responsible_for__project__in=visible.values("pk"))
            .distinct()
            .order_by("name")
        ),
        "consortia": list(
            Consortium.objects.filter(
                Q(pk__in=visible.values("consortium"))
                | Q(pk__in=visible.values("pairing__consortium"))
            ).order_by("name")
        ),
    }


def indicator_get(*, user: User, pk: int) -> Indicator:
    return get_object_or_404(
        indicators_visible_to(user)
        .with_progress_data()
        .select_related("template", "pairing__supporter", "pairing__supported")
        .prefetch_related("activities__organiser", "actuals__recorded_by"),
        pk=pk,
    )


def pairing_get(*, user: User, pk: int) -> Pairing:
    return get_object_or_404(pairings_visible_to(user).with_parties(), pk=pk)


def activity_list(
    *,
    user: User,
    consortium: int | None = None,
    kind: str = "",
    year: int | None = None,
    project: int | None = None,
) -> QuerySet[Activity]:
    activities = activities_visible_to(user)
    if consortium:
        activities = activities.filter(consortium_id=consortium)
    if kind:
        activities = activities.filter(kind=kind)
    if year:
        activities = activities.filter(starts_on__year=year)
    if project:
        activities = activities.filter(project_id=project)
    return activities.select_related(
        "organiser", "project", "consortium", "pairing__supporter", "pairing__supported"
    ).order_by("-starts_on", "-pk")


def activity_get(*, user: User, pk: int) -> Activity:
    return get_object_or_404(
        activities_visible_to(user)
        .select_related(
            "organiser", "project", "consortium", "pairing__supporter", "pairing__supported"
        )
        .prefetch_related("indicators"),
        pk=pk,
    )


def plan_list(
    *, user: User, consortium: int | None = None, status: str = ""
) -> QuerySet[SchoolPlan]:
    plans = plans_visible_to(user)
    if consortium:
        plans = plans.filter(consortium_id=consortium)
    if status:
        plans = plans.filter(status=status)
    return (
        plans.select_related("consortium", "phase", "college", "supporter")
        .prefetch_related("versions", "assignments__expert", "versions__reviews")
        .order_by("consortium__name", "phase__number", "college__name")
    )


def plan_get(*, user: User, pk: int) -> SchoolPlan:
    return get_object_or_404(
        plans_visible_to(user)
        .select_related("consortium__programme", "phase", "college", "supporter")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=PlanVersion.objects.select_related("created_by").prefetch_related(
                    "attachments", "reviews__expert"
                ),
            ),
            "assignments__expert",
            "events__actor",
            "events__version",
            "projects__area",
        ),
        pk=pk,
    )


# Visit compliance (seed 000 §四(五)) -------------------------------------------------------


@dataclass
class ComplianceRow:
    visiting: Institution
    required: str  # what the rule asks
    visits: list[Visit] = field(default_factory=list)
    is_lead_rule: bool = False

    @property
    def ok(self) -> bool:
        return bool(self.visits)


def _active_in(pairing: Pairing, year: int) -> bool:
    phase = pairing.phase
    starts_on = pairing.starts_on or (phase.starts_on if phase else None)
    ends_on = pairing.ends_on or (phase.ends_on if phase else None)
    if starts_on and starts_on.year > year:
        return False
    return not (ends_on and ends_on.year < year)


def visit_compliance(*, consortium: Consortium, year: int) -> list[ComplianceRow]:
    """Who has met the yearly field-visit rule, and who is missing:
    each supporting university's responsible leader visits each paired college at least once a
    year, and the lead university's leader visits at least one of the consortium's colleges."""
    visits = list(
        Visit.objects.filter(
            consortium=consortium, is_responsible_leader=True, starts_on__year=year
        ).order_by("starts_on")
    )
    by_pair: dict[tuple[int, int], list[Visit]] = defaultdict(list)
    for visit in visits:
        by_pair[(visit.visiting_id, visit.visited_id)].append(visit)
    rows = []
    pairings = consortium.pairings.select_related("supporter", "supported", "phase")
    for pairing in pairings:
        if not _active_in(pairing, year):
            continue
        rows.append(
            ComplianceRow(
                visiting=pairing.supporter,
                required=_("分管校领导实地调研结对院校“%(college)s”至少 1 次")
                % {"college": pairing.supported.name},
                visits=by_pair[(pairing.supporter_id, pairing.supported_id)],
            )
        )
    colleges = [
        m.institution
        for m in consortium.memberships.filter(role=MemberRole.SUPPORTED).select_related(
            "institution"
        )
    ]
    college_ids = {c.pk for c in colleges}
    rows.insert(
        0,
        ComplianceRow(
            visiting=consortium.lead,
            required=_("牵头高校分管校领导实地调研组团内至少 1 所薄弱院校"),
            visits=[
                v
                for v in visits
                if v.visiting_id == consortium.lead_id and v.visited_id in college_ids
            ],
            is_lead_rule=True,
        ),
    )
    return rows


# Consortium overview -------------------------------------------------------------------------


@dataclass
class Overview:
    statuses: list[tuple[str, Any]]
    rows: list[tuple[ContentArea, list[tuple[str, int]]]]  # area → (status, projects) in order
    due: list[Milestone]
    overdue: list[Milestone]
    behind: list[tuple[Indicator, Progress]]
    project_total: int


def consortium_overview(*, user: User, consortium: Consortium, days: int = 30) -> Overview:
    today = timezone.localdate()
    projects = projects_visible_to(user).filter(
        Q(consortium=consortium) | Q(pairing__consortium=consortium)
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ProjectStatus.values, 0))
    total = 0
    for row in projects.values("area", "status").annotate(n=Count("pk")).order_by():
        counts[row["area"]][row["status"]] = row["n"]
        total += row["n"]
    open_milestones = Milestone.objects.filter(
        project__in=projects.values("pk"), done_on__isnull=True
    ).select_related("project")
    indicators = indicators_visible_to(user).filter(
        Q(project__in=projects.values("pk")) | Q(pairing__consortium=consortium)
    )
    behind = []
    for indicator in indicators.with_progress_data().select_related(
        "pairing__supporter", "pairing__supported"
    ):
        progress = indicator.progress(today)
        if progress is not None and progress.behind:
            behind.append((indicator, progress))
    behind.sort(key=lambda pair: (pair[1].ratio or 0) - pair[1].expected)
    return Overview(
        statuses=list(ProjectStatus.choices),
        rows=[
            (area, list(counts[area.pk].items()))
            for area in consortium.programme.content_areas.all()
        ],
        due=list(
            open_milestones.filter(
                due_on__gte=today, due_on__lte=today + dt.timedelta(days=days)
            ).order_by("due_on")
        ),
        overdue=list(open_milestones.filter(due_on__lt=today).order_by("due_on")[:50]),
        behind=behind,
        project_total=total,
    )


def visit_list(*, user: User, consortium: Consortium, year: int | None = None) -> QuerySet[Visit]:
    visits = visits_visible_to(user).filter(consortium=consortium)
    if year:
        visits = visits.filter(starts_on__year=year)
    return visits.select_related("visiting", "visited", "created_by")


def visit_get(*, user: User, pk: int) -> Visit:
    return get_object_or_404(visits_visible_to(user).select_related("consortium"), pk=pk)


def meeting_list(*, user: User, consortium: Consortium) -> QuerySet[Meeting]:
    return (
        meetings_visible_to(user)
        .filter(consortium=consortium)
        .prefetch_related("attendees")
        .order_by("-held_on", "-pk")
    )


def meeting_get(*, user: User, pk: int) -> Meeting:
    return get_object_or_404(
        meetings_visible_to(user).select_related("consortium").prefetch_related("attendees"), pk=pk
    )


def plan_summary(plans: list[SchoolPlan]) -> list[tuple[str, Any, int]]:
    """(status, label, number of plans), for the coordinator's view of the review state."""
    return [
        (value, label, sum(1 for p in plans if p.status == value))
        for value, label in PlanStatus.choices
    ]


def period_values_of(indicators: list[Indicator]) -> dict[int, list[PeriodValue]]:
    """`indicator.period_values()` for many indicators, reading typed actuals as plain rows
    (no model instances: the indicator workbook reads 100,000 of them). Derived indicators
    use their prefetched activities."""
    typed = [i.pk for i in indicators if not i.is_derived]
    values: dict[int, list[PeriodValue]] = {pk: [] for pk in typed}
    for indicator_pk, starts_on, ends_on, value in IndicatorActual.objects.filter(
        indicator__in=typed
    ).values_list("indicator", "starts_on", "ends_on", "value"):
        values[indicator_pk].append(PeriodValue(starts_on, ends_on, value))
    for indicator in indicators:
        if indicator.is_derived:
            values[indicator.pk] = indicator.period_values()
    return values


def indicators_ready_for(
    indicators: QuerySet[Indicator], day: dt.date, *, also_from: dt.date | None = None
) -> list[Indicator]:
    """The indicators with what `progress(today=day)` reads — and no more: the targets in force
    on `day` (all targets of an indicator that has none in force, for its fallback) and the
    actuals from the earliest of those targets' starts (or `also_from`, for a period's own
    value). A quarterly summary over fourteen
    years of quarters then reads one year of actuals instead of all of them. The targets and
    actuals prefetched are that subset: use the result for progress only."""
    in_force = Q(year=day.year, phase__isnull=True) | Q(
        phase__starts_on__lte=day, phase__ends_on__gte=day
    )
    rows = list(
        indicators.select_related("project", "pairing__phase", "project__pairing").prefetch_related(
            Prefetch(
                "targets", queryset=IndicatorTarget.objects.filter(in_force).select_related("phase")
            ),
            "items",
            "activities",
        )
    )
    without = [i for i in rows if not i.targets.all()]
    for indicator in without:
        indicator._prefetched_objects_cache.pop("targets", None)  # type: ignore[attr-defined]
    prefetch_related_objects(without, "targets__phase")
    starts = [span[1] for indicator in rows for span in indicator.target_spans()]
    since = min([*starts, also_from or day, day])
    prefetch_related_objects(
        rows, Prefetch("actuals", queryset=IndicatorActual.objects.filter(ends_on__gte=since))
    )
    return rows
