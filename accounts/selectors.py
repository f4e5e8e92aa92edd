"""What each user may see: one scoping function per model, built from the guardian grants.

Every page, download, export and API reaches data through these functions (STYLE rule 3).
A user's scope is read once per request (a handful of queries, whatever the data size) and
then turned into subquery filters, so a page's query count does not grow with the data.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, PermissionsMixin
from django.db.models import Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from accounts.models import Affiliation, Role
from accounts.permissions import ACT, COORDINATE, OVERSEE, REVIEW
from assessments.models import AssessmentResult, AssessmentRun, AssessmentScheme
from bulletins.models import BulletinIssue, IssueStatus, NewsItem
from imports.models import ImportBatch
from outputs.models import OutputJob
from pairings.models import Consortium, Membership, Pairing, PairingQuerySet
from programmes.models import Application, Programme
from projects.models import (
    Activity,
    Indicator,
    Meeting,
    PlanReviewer,
    Project,
    ResponsibleUnit,
    SchoolPlan,
    Visit,
)
from projects.models.indicators import IndicatorQuerySet
from projects.models.project import ProjectQuerySet
from reports.models import QuarterlyReport
from schools.models import Institution, Region

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Scope:
    is_admin: bool
    coordinated: frozenset[int]  # consortia the user coordinates
    reviewing: frozenset[int]  # consortia whose plans the user reviews as an expert
    acting_for: frozenset[int]  # institutions the user acts for
    provinces: frozenset[str]  # region codes of the provinces the user oversees


def _ids(user: User, perm: str, klass: type) -> frozenset:
    objects: QuerySet = get_objects_for_user(
        user,
        perm,
        klass=klass,
        use_groups=True,
        with_superuser=False,
        accept_global_perms=False,
    )
    return frozenset(objects.values_list("pk", flat=True))


def scope_of(user: User) -> Scope:
    """The user's grants, read once and remembered on the user object for the request."""
    cached = getattr(user, "_xtzt_scope", None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        scope = Scope(False, frozenset(), frozenset(), frozenset(), frozenset())
    elif getattr(user, "is_superuser", False):
        scope = Scope(True, frozenset(), frozenset(), frozenset(), frozenset())
    else:
        scope = Scope(
            is_admin=False,
            coordinated=_ids(user, COORDINATE, Consortium),
            reviewing=_ids(user, REVIEW, Consortium),
            acting_for=_ids(user, ACT, Institution),
            provinces=frozenset(
                Region.objects.filter(pk__in=_ids(user, OVERSEE, Region)).values_list(
                    "code", flat=True
                )
            ),
        )
    user._xtzt_scope = scope  # type: ignore[union-attr]
    return scope


def _within(field: str, codes: frozenset[str]) -> Q:
    """Rows whose `field` region code lies in one of the provinces (never true when none)."""
    if not codes:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__code__startswith": code}) for code in codes))


def _member_consortia(scope: Scope) -> QuerySet:
    """Consortia the user belongs to: coordinated, or with one of their institutions as a
    university or college member. A provincial department's seat at the joint meeting does
    not widen its province scope to the other members."""
    memberships = Membership.objects.filter(institution__in=scope.acting_for).working()
    return Consortium.objects.filter(
        Q(pk__in=scope.coordinated) | Q(pk__in=memberships.values("consortium"))
    ).values("pk")


def consortia_visible_to(user: User) -> QuerySet[Consortium]:
    scope = scope_of(user)
    if scope.is_admin:
        return Consortium.objects.all()
    in_province = Membership.objects.filter(_within("institution__region", scope.provinces))
    return Consortium.objects.filter(
        Q(pk__in=_member_consortia(scope)) | Q(pk__in=in_province.values("consortium"))
    )


def pairings_visible_to(user: User) -> PairingQuerySet:
    scope = scope_of(user)
    if scope.is_admin:
        return Pairing.objects.all()
    return Pairing.objects.filter(
        Q(consortium__in=_member_consortia(scope))
        | Q(supporter__in=scope.acting_for)
        | Q(supported__in=scope.acting_for)
        | _within("supporter__region", scope.provinces)
        | _within("supported__region", scope.provinces)
    )


def institutions_visible_to(user: User) -> QuerySet[Institution]:
    """Own institutions, members of own consortia, the other side of visible pairings, and
    every institution of an overseen province."""
    scope = scope_of(user)
    if scope.is_admin:
        return Institution.objects.all()
    pairings = pairings_visible_to(user)
    members = Membership.objects.filter(consortium__in=_member_consortia(scope))
    return Institution.objects.filter(
        Q(pk__in=scope.acting_for)
        | Q(pk__in=members.values("institution"))
        | Q(pk__in=pairings.values("supporter"))
        | Q(pk__in=pairings.values("supported"))
        | _within("region", scope.provinces)
    )


def programmes_visible_to(user: User) -> QuerySet[Programme]:
    scope = scope_of(user)
    if scope.is_admin:
        return Programme.objects.all()
    return Programme.objects.filter(
        Q(pk__in=consortia_visible_to(user).values("programme"))
        | Q(pk__in=pairings_visible_to(user).values("programme"))
        | _within("region", scope.provinces)
    )


def consortia_coordinated_by(user: User) -> QuerySet[Consortium]:
    """The consortia whose office the user is (all of them for administrators)."""
    scope = scope_of(user)
    if scope.is_admin:
        return Consortium.objects.all()
    return Consortium.objects.filter(pk__in=scope.coordinated)


def can_coordinate(user: User, consortium: Consortium) -> bool:
    scope = scope_of(user)
    return scope.is_admin or consortium.pk in scope.coordinated


def affiliations_of_consortium(consortium: Consortium) -> QuerySet[Affiliation]:
    """Everyone acting for a member institution, or holding a role in this consortium."""
    return (
        Affiliation.objects.filter(
            Q(institution__memberships__consortium=consortium) | Q(consortium=consortium)
        )
        .exclude(Q(role__in=[Role.COORDINATOR, Role.EXPERT]) & ~Q(consortium=consortium))
        .select_related("user", "institution", "consortium")
        .distinct()
        .order_by("institution__name", "role", "user__last_name")
    )


def consortium_history(consortium: Consortium) -> list:
    """Changes to the consortium's members and to the roles of its people, newest first."""
    people = Affiliation.history.filter(
        Q(institution__memberships__consortium=consortium) | Q(consortium=consortium)
    ).select_related("history_user", "user", "institution")
    members = Membership.history.filter(consortium=consortium).select_related(
        "history_user", "institution"
    )
    rows = [*people.distinct()[:200], *members[:200]]
    return sorted(rows, key=lambda r: r.history_date, reverse=True)


# Support projects, indicators, activities, plans, visits and meetings (projects app).


def projects_visible_to(user: User) -> ProjectQuerySet:
    """Projects of visible consortia and pairings, and those an own institution runs or
    benefits from."""
    scope = scope_of(user)
    if scope.is_admin:
        return Project.objects.all()
    beneficiaries = Project.beneficiaries.through
    return Project.objects.filter(
        Q(consortium__in=consortia_visible_to(user).values("pk"))
        | Q(pairing__in=pairings_visible_to(user).values("pk"))
        | Q(
            pk__in=ResponsibleUnit.objects.filter(institution__in=scope.acting_for).values(
                "project"
            )
        )
        | Q(pk__in=beneficiaries.objects.filter(institution__in=scope.acting_for).values("project"))
    )


def projects_editable_by(user: User) -> ProjectQuerySet:
    """The same rule as can_edit_project, as a queryset (for choices)."""
    scope = scope_of(user)
    if scope.is_admin:
        return Project.objects.all()
    return Project.objects.filter(
        Q(consortium__in=scope.coordinated)
        | Q(pairing__consortium__in=scope.coordinated)
        | Q(
            pk__in=ResponsibleUnit.objects.filter(institution__in=scope.acting_for).values(
                "project"
            )
        )
    )


def can_edit_project(user: User, project: Project) -> bool:
    """Coordinators of the project's consortium and people acting for one of its responsible
    units edit it (units prefetched: no query)."""
    scope = scope_of(user)
    if scope.is_admin or project.owner_consortium_id in scope.coordinated:
        return True
    return any(unit.institution_id in scope.acting_for for unit in project.units.all())


def indicators_visible_to(user: User) -> IndicatorQuerySet:
    scope = scope_of(user)
    if scope.is_admin:
        return Indicator.objects.all()
    return Indicator.objects.filter(
        Q(project__in=projects_visible_to(user).values("pk"))
        | Q(pairing__in=pairings_visible_to(user).values("pk"))
    )


def can_edit_pairing_work(user: User, pairing: Pairing) -> bool:
    """Coordinators of the pairing's consortium and either party edit its indicators."""
    scope = scope_of(user)
    return (
        scope.is_admin
        or pairing.consortium_id in scope.coordinated
        or pairing.supporter_id in scope.acting_for
        or pairing.supported_id in scope.acting_for
    )


def can_edit_indicator(user: User, indicator: Indicator) -> bool:
    """Who edits the project or the pairing edits its indicators."""
    if indicator.project is not None:
        project = Project.objects.prefetch_related("units").get(pk=indicator.project.pk)
        return can_edit_project(user, project)
    assert indicator.pairing is not None
    return can_edit_pairing_work(user, indicator.pairing)


def activities_visible_to(user: User) -> QuerySet[Activity]:
    scope = scope_of(user)
    if scope.is_admin:
        return Activity.objects.all()
    return Activity.objects.filter(
        Q(consortium__in=consortia_visible_to(user).values("pk"))
        | Q(pairing__in=pairings_visible_to(user).values("pk"))
        | Q(project__in=projects_visible_to(user).values("pk"))
        | Q(organiser__in=scope.acting_for)
    )


def can_edit_activity(user: User, activity: Activity) -> bool:
    scope = scope_of(user)
    if scope.is_admin or activity.organiser_id in scope.acting_for:
        return True
    pairing, project = activity.pairing, activity.project
    consortium_id = activity.consortium_id or (pairing.consortium_id if pairing else None)
    if consortium_id in scope.coordinated:
        return True
    return project is not None and can_edit_project(user, project)


def plans_visible_to(user: User) -> QuerySet[SchoolPlan]:
    """Coordinators see every plan of their consortium; the college and its drafting
    university see their own; experts only the plans assigned to them; a provincial department
    the plans of its province's colleges."""
    scope = scope_of(user)
    if scope.is_admin:
        return SchoolPlan.objects.all()
    assigned = PlanReviewer.objects.filter(
        expert_id=user.pk, plan__consortium__in=scope.reviewing
    ).values("plan")
    return SchoolPlan.objects.filter(
        Q(consortium__in=scope.coordinated)
        | Q(college__in=scope.acting_for)
        | Q(supporter__in=scope.acting_for)
        | Q(pk__in=assigned)
        | _within("college__region", scope.provinces)
    )


def can_draft_plan(user: User, plan: SchoolPlan) -> bool:
    """The drafting university and the college write the plan; the office may help."""
    scope = scope_of(user)
    return (
        scope.is_admin
        or plan.consortium_id in scope.coordinated
        or plan.supporter_id in scope.acting_for
        or plan.college_id in scope.acting_for
    )


def can_edit_visit(user: User, visit: Visit) -> bool:
    """The consortium office and the visiting university record and correct visits."""
    scope = scope_of(user)
    return (
        scope.is_admin
        or visit.consortium_id in scope.coordinated
        or visit.visiting_id in scope.acting_for
    )


def can_review_plan(user: User, plan: SchoolPlan) -> bool:
    """An expert of the plan's consortium whom the office assigned to it."""
    scope = scope_of(user)
    return plan.consortium_id in scope.reviewing and any(
        a.expert_id == user.pk for a in plan.assignments.all()
    )


def visits_visible_to(user: User) -> QuerySet[Visit]:
    return Visit.objects.filter(consortium__in=consortia_visible_to(user).values("pk"))


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    return Meeting.objects.filter(consortium__in=consortia_visible_to(user).values("pk"))


def consortia_for_new_work(user: User) -> QuerySet[Consortium]:
    """Consortia in which the user may start projects and plans: those they coordinate or
    belong to as a university or college."""
    scope = scope_of(user)
    if scope.is_admin:
        return Consortium.objects.all()
    return Consortium.objects.filter(pk__in=_member_consortia(scope))


def pairings_for_new_work(user: User) -> PairingQuerySet:
    """Pairings for which the user may start projects: either party, or the office."""
    scope = scope_of(user)
    if scope.is_admin:
        return Pairing.objects.all()
    return Pairing.objects.filter(
        Q(consortium__in=scope.coordinated)
        | Q(supporter__in=scope.acting_for)
        | Q(supported__in=scope.acting_for)
    )


# Quarterly reports (reports app).


def reports_visible_to(user: User) -> QuerySet[QuarterlyReport]:
    """Own institutions' reports, every report of a coordinated consortium, and the reports of
    an overseen province's institutions."""
    scope = scope_of(user)
    if scope.is_admin:
        return QuarterlyReport.objects.all()
    return QuarterlyReport.objects.filter(
        Q(institution__in=scope.acting_for)
        | Q(consortium__in=scope.coordinated)
        | _within("institution__region", scope.provinces)
    )


def can_fill_report(user: User, report: QuarterlyReport) -> bool:
    scope = scope_of(user)
    return scope.is_admin or report.institution_id in scope.acting_for


def can_review_report(user: User, report: QuarterlyReport) -> bool:
    """The consortium office reviews its members' reports; reports outside consortia (the
    provincial programmes' pairings) are reviewed by the programme's provincial department."""
    scope = scope_of(user)
    if scope.is_admin:
        return True
    if report.consortium_id is not None:
        return report.consortium_id in scope.coordinated
    return _oversees(scope, report.period.programme.region)


def _oversees(scope: Scope, region: Region | None) -> bool:
    """Whether the region lies in one of the provinces the user oversees."""
    return region is not None and any(region.code.startswith(p) for p in scope.provinces)


def oversees_region(user: User, region: Region) -> bool:
    """Administrators, and the provincial department of the province the region lies in."""
    scope = scope_of(user)
    return scope.is_admin or _oversees(scope, region)


def can_view_province_dashboard(user: User) -> bool:
    """Administrators and provincial departments; the dashboard itself keeps each department
    to its own province (dashboards/filters.py)."""
    scope = scope_of(user)
    return scope.is_admin or bool(scope.provinces)


def dashboard_programmes_of(user: User) -> QuerySet[Programme]:
    """Programmes a provincial dashboard may show: all for administrators; for a provincial
    department those of its province, and national ones with a member or pairing party in
    it (programmes_visible_to's rule, narrowed to what a dashboard needs: one cheap query)."""
    scope = scope_of(user)
    if scope.is_admin:
        return Programme.objects.all()
    if not scope.provinces:
        return Programme.objects.none()
    national = Q(region__isnull=True)
    members = Membership.objects.filter(
        _within("institution__region", scope.provinces),
        consortium__programme__region__isnull=True,
    ).values("consortium__programme")
    parties = Pairing.objects.filter(programme__region__isnull=True).filter(
        _within("supporter__region", scope.provinces)
        | _within("supported__region", scope.provinces)
    )
    return Programme.objects.filter(
        _within("region", scope.provinces)
        | (national & Q(pk__in=members))
        | (national & Q(pk__in=parties.values("programme")))
    )


def provinces_overseen_by(user: User) -> QuerySet[Region]:
    scope = scope_of(user)
    provinces = Region.objects.filter(level="province")
    return provinces if scope.is_admin else provinces.filter(code__in=scope.provinces)


def can_edit_periods(user: User, programme: Programme) -> bool:
    """Who owns the programme's reporting calendar: administrators; the coordinator when the
    programme has a single consortium; the provincial department of a provincial programme
    without consortia. Where several consortia share a programme (the national one), its
    dates are the ministry's: one consortium's office cannot move the others' deadlines."""
    scope = scope_of(user)
    if scope.is_admin:
        return True
    consortia = list(programme.consortia.values_list("pk", flat=True))
    if consortia:
        return len(consortia) == 1 and consortia[0] in scope.coordinated
    return _oversees(scope, programme.region)


def reviewable_reports(user: User) -> QuerySet[QuarterlyReport]:
    """The same rule as can_review_report, as a queryset (the review list)."""
    scope = scope_of(user)
    if scope.is_admin:
        return QuarterlyReport.objects.all()
    return QuarterlyReport.objects.filter(
        Q(consortium__in=scope.coordinated)
        | (Q(consortium__isnull=True) & _within("period__programme__region", scope.provinces))
    )


# Output jobs (outputs app).


def output_jobs_visible_to(user: User) -> QuerySet[OutputJob]:
    """Everyone sees and downloads only the jobs they asked for; the download view checks
    again that the exporter still allows them its subject (a role taken away since)."""
    if not user.is_authenticated:
        return OutputJob.objects.none()
    return OutputJob.objects.filter(requested_by_id=user.pk)


# Imports (imports app) and applications (programmes app).


def can_import(user: User) -> bool:
    """Bulk imports rewrite institutions, regions and pairings across provinces, so they are
    for administrators: superusers and holders of the global imports.run_import permission."""
    return (
        isinstance(user, PermissionsMixin)
        and user.is_active
        and user.has_perm("imports.run_import")
    )


def import_batches_visible_to(user: User) -> QuerySet[ImportBatch]:
    """Importers see every import (they share the work of a round); anyone else the imports
    they uploaded (a provincial department its assessment data)."""
    if can_import(user):
        return ImportBatch.objects.all()
    if not user.is_authenticated or not user.is_active:
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(uploaded_by_id=user.pk)


def applications_visible_to(user: User) -> QuerySet[Application]:
    """Importers see every application; a provincial department those of its province; a
    college the ones it made."""
    scope = scope_of(user)
    if scope.is_admin or can_import(user):
        return Application.objects.all()
    return Application.objects.filter(
        Q(institution__in=scope.acting_for) | _within("province", scope.provinces)
    )


def can_decide_application(user: User) -> bool:
    """Moving applications through review and selection is the ministry's: importers."""
    return can_import(user)


# Bulletins (bulletins app).


def bulletin_programmes_edited_by(user: User) -> frozenset[int]:
    """Programmes whose bulletin the user edits: the programme's office, by the same rule as
    its reporting calendar (can_edit_periods). One query per visible programme, and
    programmes are few (one per programme document, not per institution)."""
    scope = scope_of(user)
    if scope.is_admin:
        return frozenset(Programme.objects.values_list("pk", flat=True))
    return frozenset(
        programme.pk
        for programme in programmes_visible_to(user).select_related("region")
        if can_edit_periods(user, programme)
    )


def can_edit_bulletin(user: User, programme: Programme) -> bool:
    return can_edit_periods(user, programme)


def can_push_news(user: User, programme: Programme, institution: Institution) -> bool:
    """Anyone acting for the institution pushes its news to a programme they can see (a
    provincial officer acts for the department, and sees the province's programmes)."""
    scope = scope_of(user)
    return (
        institution.pk in scope.acting_for
        and programmes_visible_to(user).filter(pk=programme.pk).exists()
    )


def news_institutions_of(user: User) -> QuerySet[Institution]:
    """The units whose news the user may push."""
    return Institution.objects.filter(pk__in=scope_of(user).acting_for)


def news_items_visible_to(user: User) -> QuerySet[NewsItem]:
    """Own institutions' news, and every item of a programme whose bulletin the user edits."""
    scope = scope_of(user)
    if scope.is_admin:
        return NewsItem.objects.all()
    return NewsItem.objects.filter(
        Q(institution__in=scope.acting_for) | Q(programme__in=bulletin_programmes_edited_by(user))
    )


def bulletin_issues_visible_to(user: User) -> QuerySet[BulletinIssue]:
    """Published issues of every visible programme; drafts only for the programme's office."""
    scope = scope_of(user)
    if scope.is_admin:
        return BulletinIssue.objects.all()
    return BulletinIssue.objects.filter(
        Q(
            status=IssueStatus.PUBLISHED,
            programme__in=programmes_visible_to(user).values("pk"),
        )
        | Q(programme__in=bulletin_programmes_edited_by(user))
    )


def can_see_bulletin_issue(user: User, issue: BulletinIssue) -> bool:
    """The rule of bulletin_issues_visible_to for one issue (programme loaded by the caller)."""
    if issue.status != IssueStatus.PUBLISHED:
        return can_edit_bulletin(user, issue.programme)
    return programmes_visible_to(user).filter(pk=issue.programme_id).exists()


def assessment_programmes_managed_by(user: User) -> QuerySet[Programme]:
    """Programmes whose assessment the user sets up, scores and publishes: all for
    administrators; a provincial department those of its province (seed 004: the province
    assesses its cities, counties and universities)."""
    scope = scope_of(user)
    if scope.is_admin:
        return Programme.objects.all()
    return Programme.objects.filter(_within("region", scope.provinces))


def can_manage_assessment(user: User, scheme: AssessmentScheme) -> bool:
    scope = scope_of(user)
    return scope.is_admin or _oversees(scope, scheme.programme.region)


def can_enter_assessment_data(user: User, scheme: AssessmentScheme) -> bool:
    """Managers, and the reviewers named on the scheme."""
    if can_manage_assessment(user, scheme):
        return True
    return user.pk is not None and scheme.reviewers.filter(pk=int(user.pk)).exists()


def assessment_results_visible_to(user: User) -> QuerySet[AssessmentResult]:
    """Managers see every result of their programmes, published or not; an assessed party
    sees its own results once the province has published them; nobody else any."""
    scope = scope_of(user)
    managed = assessment_programmes_managed_by(user)
    return AssessmentResult.objects.filter(
        Q(run__scheme__programme__in=managed)
        | Q(party__in=scope.acting_for, run__published_at__isnull=False)
    )


def assessment_runs_visible_to(user: User) -> QuerySet[AssessmentRun]:
    """Runs of managed programmes; published runs in which the user's institution has a
    result (such users see only their own rows in them)."""
    scope = scope_of(user)
    own = AssessmentResult.objects.filter(party__in=scope.acting_for).values("run")
    return AssessmentRun.objects.filter(
        Q(scheme__programme__in=assessment_programmes_managed_by(user))
        | Q(pk__in=own, published_at__isnull=False)
    )


def assessment_schemes_visible_to(user: User) -> QuerySet[AssessmentScheme]:
    """Schemes of managed programmes, schemes the user reviews, and schemes with a published
    run the user's institution is assessed in (to read the indicators it was scored on)."""
    if not user.is_authenticated or user.pk is None:
        return AssessmentScheme.objects.none()
    published = assessment_runs_visible_to(user).filter(published_at__isnull=False)
    return AssessmentScheme.objects.filter(
        Q(programme__in=assessment_programmes_managed_by(user))
        | Q(reviewers=user.pk)
        | Q(pk__in=published.values("scheme"))
    ).distinct()
