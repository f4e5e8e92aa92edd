"""The URL sweep: every URL of the site, asked by every outsider with the ids of objects that
are not theirs, never answers 200 with what they may not see, and no POST of theirs changes a
row.

The territory is the BNU consortium's work (a project of 安徽师大 for 阜阳师大 with its
indicator and activity, 阜阳师大's plan with an attachment, a visit, a meeting, 阜阳师大's
quarterly report with an attachment and its offline form, the coordinator's summary PDF) and
安徽's own provincial programme (its bulletin draft with an entry and a pushed news item, an
assessment scheme with a published run, evidence and an import of its data). The outsiders:
an anonymous visitor; an expert of the BNU committee assigned to no plan, who also runs the
other (华南师大) consortium; another province's department (广东); the contact of another
college of the same consortium (青海师大). Every page's owner then opens it (200), so the
probes asked for real objects.

PROBES names every URL pattern of the site (the admin's own excepted); a new pattern fails
`test_every_url_pattern_is_probed` until it says how to fill its arguments and who owns it.
"""

import datetime as dt
import hashlib
import html
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Affiliation, Role
from accounts.services import affiliation_add
from assessments import services as assessment_services
from assessments.models import (
    AssessmentIndicator,
    AssessmentResult,
    AssessmentRun,
    AssessmentScheme,
    Basis,
    EvidenceFile,
    Rule,
    Source,
)
from bulletins import services as bulletin_services
from bulletins.models import BulletinEntry, BulletinIssue, NewsItem, Section
from imports.models import ImportBatch
from outputs.models import JobStatus, OutputJob
from pairings.choices import PairingKind
from pairings.services import pairing_create
from programmes.models import Application, Programme, ProgrammeLevel
from projects.choices import ActivityKind
from projects.models import (
    Activity,
    Indicator,
    IndicatorTarget,
    Meeting,
    PlanAttachment,
    Project,
    SchoolPlan,
)
from projects.models import Visit as VisitModel
from projects.services import plans as plan_services
from projects.services.activities import meeting_save, visit_save
from projects.services.indicators import indicator_save
from reports import services as report_services
from reports.models import QuarterlyReport, ReportAttachment, ReportingPeriod
from schools.models import Institution
from tests.factories import ProgrammeFactory
from tests.projects.conftest import hours_template
from tests.projects.helpers import areas, make_activity, make_project
from tests.reports.conftest import make_period
from tests.world import World

# Written into every object of the territory; an outsider's page must never show it.
MARKER = "秘SWEEP7431"
PDF = b"%PDF-1.4\n" + MARKER.encode() + b"\n%%EOF\n"


@dataclass
class Territory:
    """The objects the outsiders probe, all owned by the BNU consortium, 阜阳师大 or 安徽."""

    world: World
    users: dict[str, Any]
    anhui: Programme  # 安徽's provincial programme: 安徽师大 supports 阜阳师大
    project: Project
    indicator: Indicator
    activity: Activity
    plan: SchoolPlan
    plan_attachment: PlanAttachment
    visit: VisitModel
    meeting: Meeting
    period: ReportingPeriod
    report: QuarterlyReport
    report_attachment: ReportAttachment
    job: OutputJob
    application: Application
    news: NewsItem
    issue: BulletinIssue
    entry: BulletinEntry
    scheme: AssessmentScheme
    criterion: AssessmentIndicator
    run: AssessmentRun
    result: AssessmentResult
    evidence: EvidenceFile
    batch: ImportBatch
    affiliation: Affiliation


def _user(username: str, institution: Institution, role: str, **kw: Any) -> User:
    user = get_user_model().objects.create_user(username)
    affiliation_add(user=user, institution=institution, role=role, **kw)
    return user


def build_territory(world: World, capture: Callable) -> Territory:
    """`capture` is pytest-django's django_capture_on_commit_callbacks (the scoring run
    is queued on commit)."""
    admin, ahnu_contact = world.users["admin"], world.users["ahnu_contact"]
    fynu_contact, anhui_edu = world.users["fynu_contact"], world.users["anhui_edu"]
    # The BNU committee's expert (assigned to no plan) also runs the other consortium.
    affiliation_add(
        user=world.users["bnu_expert"],
        institution=Institution.objects.get(name="华南师范大学"),
        role=Role.COORDINATOR,
        consortium=world.other_consortium,
    )
    users = {
        **world.users,
        "anon": None,
        "qhnu_contact": _user("qhnu_contact", world.qhnu, Role.CONTACT),
    }
    # The BNU consortium's work; an indicator template for the project and pairing to adopt.
    areas(world)
    hours_template(world)
    project = make_project(
        world,
        title=f"协同教研{MARKER}",
        units=[world.ahnu, world.fynu],
        pairing=world.pairings[1],
        starts_on=dt.date(2024, 1, 1),
    )
    indicator = indicator_save(
        user=admin,
        indicator=Indicator(project=project, name=f"送教人次{MARKER}"),
        targets=[IndicatorTarget(year=2025, value=Decimal(10))],
    )
    activity = make_activity(world, project, day=dt.date(2025, 3, 1), kind=ActivityKind.TRAINING)
    Activity.objects.filter(pk=activity.pk).update(title=f"送教下乡{MARKER}", organiser=world.ahnu)
    plan = plan_services.plan_create(
        user=ahnu_contact,
        consortium=world.consortium,
        phase=world.phase,
        college=world.fynu,
        supporter=world.ahnu,
        title=f"阜阳师大提质计划{MARKER}",
    )
    plan_attachment = plan_services.plan_attachment_add(
        user=ahnu_contact,
        plan=plan,
        upload=SimpleUploadedFile("计划.pdf", PDF, content_type="application/pdf"),
    )
    visit = visit_save(
        user=admin,
        visit=VisitModel(
            consortium=world.consortium,
            visiting=world.ahnu,
            visited=world.fynu,
            leader_name="王校长",
            leader_post="副校长",
            starts_on=dt.date(2025, 3, 1),
            ends_on=dt.date(2025, 3, 2),
            purpose=f"调研{MARKER}",
        ),
    )
    meeting = meeting_save(
        user=admin,
        meeting=Meeting(
            consortium=world.consortium,
            kind="joint",
            title=f"联席会议{MARKER}",
            held_on=dt.date(2025, 1, 1),
        ),
        attendees=[world.bnu, world.fynu],
    )
    period = make_period(world)
    report = report_services.report_open(user=fynu_contact, period=period, institution=world.fynu)
    report = report_services.report_save(
        user=fynu_contact,
        report=report,
        version=report.version,
        fields={"highlights": f"亮点{MARKER}"},
        sections={},
        progress={},
        values={},
    )
    report_attachment = report_services.report_attachment_add(
        user=fynu_contact,
        report=report,
        upload=SimpleUploadedFile("照片.pdf", PDF, content_type="application/pdf"),
    )
    job = OutputJob.objects.create(
        kind="consortium_summary_pdf",
        params={"consortium": world.consortium.pk, "period": period.pk},
        title=f"季度工作汇总{MARKER}",
        requested_by=world.users["bnu_coordinator"],
        status=JobStatus.DONE,
        file=ContentFile(PDF, name="summary.pdf"),
        filename="summary.pdf",
        content_type="application/pdf",
    )
    application = Application.objects.create(
        programme=world.programme,
        phase=world.phase,
        institution=world.fynu,
        province=world.region("安徽"),
        contact_name=f"李老师{MARKER}",
    )
    # 安徽's provincial programme: its bulletin and its assessment.
    anhui = ProgrammeFactory.create(
        name=f"安徽省协同提质行动{MARKER}",
        short_name=f"安徽协同{MARKER}",
        slug="anhui-sweep",
        level=ProgrammeLevel.PROVINCIAL,
        region=world.region("安徽"),
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    pairing_create(
        programme=anhui,
        kind=PairingKind.UNIVERSITY_COLLEGE,
        supporter=world.ahnu,
        supported=world.fynu,
    )
    news = bulletin_services.news_push(
        user=world.users["fynu_info"],
        programme=anhui,
        institution=world.fynu,
        title=f"送教下乡{MARKER}",
        body="阜阳师范大学组织教师送教下乡。",
    )
    issue = bulletin_services.issue_create(user=anhui_edu, programme=anhui)
    entry = bulletin_services.entry_create(
        user=anhui_edu, issue=issue, section=Section.PROVINCIAL, lead=MARKER, body="正文。"
    )
    bulletin_services.entry_create(
        user=anhui_edu, issue=issue, section=Section.PROVINCIAL, body="第二条。"
    )
    scheme = assessment_services.scheme_create(
        user=anhui_edu, programme=anhui, year=2025, name=f"结对考核{MARKER}", basis=Basis.ROLE
    )
    criterion = assessment_services.indicator_save(
        user=anhui_edu,
        indicator=AssessmentIndicator(
            scheme=scheme,
            code="1",
            name=f"帮扶实绩{MARKER}",
            rule=Rule.MANUAL,
            source=Source.ENTERED,
        ),
    )
    assessment_services.weights_set(
        user=anhui_edu,
        scheme=scheme,
        weights={(criterion.pk, column): Decimal(100) for column in scheme.columns},
    )
    entry_row = assessment_services.entry_record(
        user=anhui_edu,
        indicator=criterion,
        party=world.ahnu,
        value=Decimal(90),
        evidence="总结",
        files=[SimpleUploadedFile("佐证.pdf", PDF, content_type="application/pdf")],
    )
    with capture(execute=True):
        run = assessment_services.run_start(user=anhui_edu, scheme=scheme)
    run = assessment_services.run_publish(user=anhui_edu, run=AssessmentRun.objects.get(pk=run.pk))
    batch = ImportBatch.objects.create(
        kind="assessment_data",
        params={"scheme": scheme.pk},
        title=f"考核数据{MARKER}",
        file=ContentFile(PDF, name="data.xlsx"),
        name="data.xlsx",
        size=len(PDF),
        content_type="application/octet-stream",
        uploaded_by=anhui_edu,
    )
    return Territory(
        world=world,
        users=users,
        anhui=anhui,
        project=project,
        indicator=indicator,
        activity=Activity.objects.get(pk=activity.pk),
        plan=plan,
        plan_attachment=plan_attachment,
        visit=visit,
        meeting=meeting,
        period=period,
        report=report,
        report_attachment=report_attachment,
        job=job,
        application=application,
        news=news,
        issue=issue,
        entry=entry,
        scheme=scheme,
        criterion=criterion,
        run=run,
        result=run.results.get(party=world.ahnu),
        evidence=entry_row.files.get(),
        batch=batch,
        affiliation=Affiliation.objects.get(user=fynu_contact),
    )


# Who probes: nobody here may see or change anything of the territory (but what `seen_by`
# grants them: 青海师大 is a member of the same consortium). Each holds grants as close to the
# territory as they come without reaching it.
OUTSIDERS = ["anon", "bnu_expert", "guangdong_edu", "qhnu_contact"]
PEER = frozenset({"qhnu_contact"})

OBJECT, OWN, SELF, OPEN = "object", "own", "self", "open"


@dataclass(frozen=True)
class Probe:
    """How to probe one URL pattern.

    kind OBJECT: the URL names territory objects: an outsider's GET and POST answer 403 or
    404 (anonymous: the sign-in page; but for `seen_by`) and the POST changes nothing.
    kind OWN: the user's own scope (lists, new-object forms; foreign ids go in the query or
    POST data): any answer, but a page must not show the MARKER (but to `seen_by`), and a
    POST changes nothing. kind SELF: the user's own account (nothing of anyone else's) and
    kind OPEN: public pages (sign-in, health): not probed.
    """

    kind: str
    owner: str | None = None  # who opens the page (GET 200)
    actor: str | None = None  # who may make the POST, when not the owner
    args: Callable[[Territory], tuple] = lambda t: ()
    query: Callable[[Territory], str] = lambda t: ""
    post: bool = False  # a POST changes state (checked for outsiders; CSRF-checked)
    data: Callable[[Territory], dict] = lambda t: {}
    seen_by: frozenset[str] = frozenset()
    owner_sees_marker: bool = False  # the owner's page shows the marker (a list of theirs)
    refused_to: str = ""  # where an OWN POST sends back what it refuses (with a message)

    @property
    def post_only(self) -> bool:
        """No owner but a POST: an action button's URL (a GET answers 405, checked)."""
        return self.post and self.owner is None

    @property
    def doer(self) -> str | None:
        """Who may make the POST ("anon": no sign-in needed)."""
        return self.actor or self.owner

    def url(self, name: str, t: Territory) -> str:
        query = self.query(t)
        return reverse(name, args=self.args(t)) + (f"?{query}" if query else "")


def _pk(attribute: str) -> Callable[[Territory], tuple]:
    return lambda t: (getattr(t, attribute).pk,)


def _consortium(t: Territory) -> tuple:
    return (t.world.consortium.pk,)


PROBES: dict[str, Probe] = {
    "home": Probe(SELF),
    "healthz": Probe(OPEN),
    "ready": Probe(OPEN),
    "login": Probe(OPEN, post=True, actor="anon"),
    "logout": Probe(OPEN, post=True, actor="fynu_contact"),
    "password_change": Probe(SELF, owner="fynu_contact", post=True),
    "password_change_done": Probe(SELF),
    "password_reset": Probe(OPEN, post=True, actor="anon"),
    "password_reset_done": Probe(OPEN),
    "password_reset_confirm": Probe(
        OPEN, post=True, actor="anon", args=lambda t: ("MQ", "set-password")
    ),
    "password_reset_complete": Probe(OPEN),
    "set_language": Probe(OPEN, post=True, actor="anon"),
    # Programmes and applications.
    "programmes:list": Probe(OWN, owner="anhui_edu", owner_sees_marker=True),
    "programmes:detail": Probe(OBJECT, owner="anhui_edu", args=lambda t: (t.anhui.slug,)),
    "programmes:application_list": Probe(OWN, owner="fynu_contact", owner_sees_marker=True),
    "programmes:application_detail": Probe(OBJECT, owner="fynu_contact", args=_pk("application")),
    "programmes:application_move": Probe(
        OBJECT,
        actor="admin",
        args=_pk("application"),
        post=True,
        data=lambda t: {"to_status": "selected", "comment": "x"},
    ),
    "programmes:application_add_to_consortium": Probe(
        OBJECT,
        actor="admin",
        args=_pk("application"),
        post=True,
        data=lambda t: {"consortium": t.world.consortium.pk},
    ),
    "pairings:consortium": Probe(OBJECT, owner="bnu_coordinator", args=_consortium, seen_by=PEER),
    # Projects, indicators, activities.
    "projects:list": Probe(OWN, owner="ahnu_contact", seen_by=PEER, owner_sees_marker=True),
    "projects:create": Probe(OWN, owner="ahnu_contact", post=True),
    "projects:detail": Probe(OBJECT, owner="ahnu_contact", args=_pk("project"), seen_by=PEER),
    "projects:edit": Probe(OBJECT, owner="ahnu_contact", args=_pk("project"), post=True),
    "projects:status": Probe(
        OBJECT,
        actor="ahnu_contact",
        args=_pk("project"),
        post=True,
        data=lambda t: {"to_status": "active", "comment": "x"},
    ),
    "projects:pairing": Probe(
        OBJECT, owner="ahnu_contact", args=lambda t: (t.world.pairings[1].pk,), seen_by=PEER
    ),
    "projects:adopt": Probe(
        OBJECT,
        actor="ahnu_contact",
        args=_pk("project"),
        post=True,
        data=lambda t: {"template": "all"},
    ),
    "projects:pairing_adopt": Probe(
        OBJECT,
        actor="ahnu_contact",
        args=lambda t: (t.world.pairings[1].pk,),
        post=True,
        data=lambda t: {"template": "all"},
    ),
    "projects:indicator_create": Probe(
        OBJECT, owner="ahnu_contact", args=_pk("project"), post=True
    ),
    "projects:pairing_indicator_create": Probe(
        OBJECT, owner="ahnu_contact", args=lambda t: (t.world.pairings[1].pk,), post=True
    ),
    "projects:indicator": Probe(
        OBJECT,
        owner="ahnu_contact",
        args=_pk("indicator"),
        post=True,
        seen_by=PEER,
        data=lambda t: {"period": "2025-1", "value": "5", "note": "x"},
    ),
    "projects:indicator_edit": Probe(
        OBJECT, owner="ahnu_contact", args=_pk("indicator"), post=True
    ),
    "projects:templates": Probe(OBJECT, owner="anhui_edu", args=lambda t: (t.anhui.slug,)),
    "projects:activities": Probe(OWN, owner="ahnu_contact", seen_by=PEER, owner_sees_marker=True),
    "projects:activity_create": Probe(
        OWN,
        owner="ahnu_contact",
        post=True,
        data=lambda t: {
            "project": t.project.pk,
            "kind": ActivityKind.TRAINING,
            "title": "x",
            "starts_on": "2025-03-01",
            "ends_on": "2025-03-01",
            "organiser": t.world.ahnu.pk,
        },
    ),
    "projects:activity_edit": Probe(OBJECT, owner="ahnu_contact", args=_pk("activity"), post=True),
    # Plans.
    "projects:plans": Probe(OWN, owner="fynu_contact"),
    "projects:plan_create": Probe(
        OWN,
        owner="fynu_contact",
        post=True,
        data=lambda t: {
            "consortium": t.world.consortium.pk,
            "phase": t.world.phase.pk,
            "college": t.world.fynu.pk,
            "supporter": t.world.ahnu.pk,
            "title": "x",
        },
    ),
    "projects:plan": Probe(OBJECT, owner="fynu_contact", args=_pk("plan")),
    "projects:plan_edit": Probe(
        OBJECT,
        owner="fynu_contact",
        args=_pk("plan"),
        post=True,
        data=lambda t: {"goals": "x"},
    ),
    "projects:plan_action": Probe(
        OBJECT, actor="fynu_contact", args=lambda t: (t.plan.pk, "submit"), post=True
    ),
    "projects:attachment": Probe(OBJECT, owner="fynu_contact", args=_pk("plan_attachment")),
    # A consortium's overview, visits and meetings.
    "projects:overview": Probe(OBJECT, owner="bnu_coordinator", args=_consortium, seen_by=PEER),
    "projects:visits": Probe(OBJECT, owner="bnu_coordinator", args=_consortium, seen_by=PEER),
    "projects:visit_create": Probe(
        OBJECT,
        owner="ahnu_contact",
        args=_consortium,
        post=True,
        seen_by=PEER,
        data=lambda t: {
            "visiting": t.world.ahnu.pk,
            "visited": t.world.fynu.pk,
            "leader_name": "x",
            "leader_post": "x",
            "starts_on": "2025-04-01",
            "ends_on": "2025-04-01",
            "purpose": "x",
        },
    ),
    "projects:visit_edit": Probe(OBJECT, owner="ahnu_contact", args=_pk("visit"), post=True),
    "projects:meetings": Probe(OBJECT, owner="bnu_coordinator", args=_consortium, seen_by=PEER),
    "projects:meeting_edit": Probe(OBJECT, owner="bnu_coordinator", args=_pk("meeting"), post=True),
    "projects:meeting_create": Probe(
        OBJECT,
        owner="bnu_coordinator",
        args=_consortium,
        post=True,
        data=lambda t: {"kind": "joint", "title": "x", "held_on": "2025-05-01"},
    ),
    # Quarterly reports.
    "reports:mine": Probe(OWN, owner="fynu_contact"),
    "reports:fill": Probe(
        OBJECT,
        owner="fynu_contact",
        args=lambda t: (t.period.pk, t.world.fynu.pk),
        post=True,
        data=lambda t: {"version": t.report.version, "highlights": "x"},
    ),
    "reports:detail": Probe(OBJECT, owner="fynu_contact", args=_pk("report")),
    "reports:action": Probe(
        OBJECT, actor="bnu_coordinator", args=lambda t: (t.report.pk, "approve"), post=True
    ),
    "reports:review": Probe(OWN, owner="bnu_coordinator"),
    "reports:approve_selected": Probe(
        OWN,
        actor="bnu_coordinator",
        post=True,
        data=lambda t: {"report": [t.report.pk]},
        refused_to="reports:review",
    ),
    "reports:completeness": Probe(OBJECT, owner="anhui_edu", args=lambda t: (t.anhui.slug,)),
    "reports:period_edit": Probe(
        OBJECT,
        owner="admin",
        args=_pk("period"),
        post=True,
        data=lambda t: {"opens_on": "2025-01-01", "due_on": "2025-01-02", "locks_on": "2025-01-03"},
    ),
    "reports:attachment": Probe(OBJECT, owner="fynu_contact", args=_pk("report_attachment")),
    "reports:notifications": Probe(SELF, owner="fynu_contact", post=True),
    "reports:upload_offline": Probe(
        OBJECT, owner="fynu_contact", args=lambda t: (t.period.pk, t.world.fynu.pk), post=True
    ),
    # Outputs.
    "outputs:list": Probe(OWN, owner="bnu_coordinator", owner_sees_marker=True),
    "outputs:new": Probe(
        OWN,
        owner="bnu_coordinator",
        post=True,
        args=lambda t: ("consortium_summary_pdf",),
        query=lambda t: f"consortium={t.world.consortium.pk}&period={t.period.pk}",
        data=lambda t: {"consortium": t.world.consortium.pk, "period": t.period.pk},
    ),
    "outputs:detail": Probe(OBJECT, owner="bnu_coordinator", args=_pk("job")),
    "outputs:status": Probe(OBJECT, owner="bnu_coordinator", args=_pk("job")),
    "outputs:download": Probe(OBJECT, owner="bnu_coordinator", args=_pk("job")),
    # The bulletin.
    "bulletins:index": Probe(OWN, owner="anhui_edu", owner_sees_marker=True),
    "bulletins:news": Probe(OWN, owner="fynu_info", owner_sees_marker=True),
    "bulletins:push": Probe(
        OWN,
        owner="fynu_info",
        post=True,
        data=lambda t: {
            "programme": t.anhui.pk,
            "institution": t.world.fynu.pk,
            "title": "x",
            "body": "x",
            "section": Section.LOCAL,
        },
    ),
    "bulletins:decline": Probe(OBJECT, actor="anhui_edu", args=_pk("news"), post=True),
    "bulletins:issues": Probe(OBJECT, owner="anhui_edu", args=lambda t: (t.anhui.slug,)),
    "bulletins:create": Probe(OBJECT, actor="anhui_edu", args=lambda t: (t.anhui.slug,), post=True),
    "bulletins:issue": Probe(OBJECT, owner="anhui_edu", args=_pk("issue")),
    "bulletins:edit": Probe(
        OBJECT,
        owner="anhui_edu",
        args=_pk("issue"),
        post=True,
        data=lambda t: {"issuing_office": "x", "issued_on": "2025-01-01"},
    ),
    "bulletins:publish": Probe(OBJECT, actor="anhui_edu", args=_pk("issue"), post=True),
    "bulletins:entry_add": Probe(
        OBJECT,
        actor="anhui_edu",
        args=_pk("issue"),
        post=True,
        data=lambda t: {"news_item": t.news.pk, "section": Section.LOCAL},
    ),
    "bulletins:entry_new": Probe(
        OBJECT,
        actor="anhui_edu",
        args=_pk("issue"),
        post=True,
        data=lambda t: {"section": Section.LOCAL, "body": "x"},
    ),
    "bulletins:entry_edit": Probe(
        OBJECT,
        owner="anhui_edu",
        args=_pk("entry"),
        post=True,
        data=lambda t: {"section": Section.LOCAL, "body": "x"},
    ),
    "bulletins:entry_delete": Probe(OBJECT, actor="anhui_edu", args=_pk("entry"), post=True),
    "bulletins:entry_move": Probe(
        OBJECT, actor="anhui_edu", args=lambda t: (t.entry.pk, "down"), post=True
    ),
    # Imports.
    "imports:list": Probe(OWN, owner="anhui_edu", owner_sees_marker=True),
    "imports:new": Probe(
        OWN,
        owner="anhui_edu",
        post=True,
        args=lambda t: ("assessment_data",),
        data=lambda t: {
            "scheme": t.scheme.pk,
            "file": SimpleUploadedFile("data.xlsx", b"PK\x03\x04"),
        },
    ),
    "imports:template": Probe(
        OWN,
        owner="anhui_edu",
        args=lambda t: ("assessment_data",),
        query=lambda t: f"scheme={t.scheme.pk}",
        owner_sees_marker=True,
    ),
    "imports:detail": Probe(OBJECT, owner="anhui_edu", args=_pk("batch")),
    "imports:status": Probe(OBJECT, owner="anhui_edu", args=_pk("batch")),
    "imports:confirm": Probe(OBJECT, actor="anhui_edu", args=_pk("batch"), post=True),
    "imports:discard": Probe(OBJECT, actor="anhui_edu", args=_pk("batch"), post=True),
    "imports:file": Probe(OBJECT, owner="anhui_edu", args=_pk("batch")),
    # People of a consortium.
    "accounts:people": Probe(
        OBJECT,
        owner="bnu_coordinator",
        args=_consortium,
        post=True,
        data=lambda t: {
            "full_name": "x",
            "email": "x@example.cn",
            "institution": t.world.fynu.pk,
            "role": Role.CONTACT,
        },
    ),
    "accounts:remove": Probe(
        OBJECT,
        actor="bnu_coordinator",
        args=lambda t: (t.world.consortium.pk, t.affiliation.pk),
        post=True,
    ),
    "accounts:history": Probe(OBJECT, owner="bnu_coordinator", args=_consortium),
    # Institutions and regions: every signed-in user reads the tree, scoped.
    "schools:institution_list": Probe(OWN, owner="fynu_contact"),
    "schools:institution": Probe(
        OBJECT, owner="fynu_contact", args=lambda t: (t.world.fynu.pk,), seen_by=PEER
    ),
    "schools:regions": Probe(OWN, owner="fynu_contact"),
    "schools:region": Probe(OWN, owner="fynu_contact", args=lambda t: ("34",)),
    # Dashboards.
    "dashboards:province": Probe(
        OWN, owner="anhui_edu", query=lambda t: f"institution={t.world.fynu.pk}"
    ),
    "dashboards:late": Probe(OWN, owner="anhui_edu", query=lambda t: "region=34"),
    "dashboards:coordinator": Probe(OWN, owner="bnu_coordinator"),
    "dashboards:coordinator_for": Probe(OBJECT, owner="bnu_coordinator", args=_consortium),
    # Assessments.
    "assessments:list": Probe(OWN, owner="anhui_edu", owner_sees_marker=True),
    "assessments:new": Probe(
        OWN,
        owner="anhui_edu",
        post=True,
        data=lambda t: {"programme": t.anhui.pk, "year": "2026", "name": "x", "basis": Basis.ROLE},
    ),
    "assessments:scheme": Probe(OBJECT, owner="anhui_edu", args=_pk("scheme")),
    "assessments:indicator_new": Probe(
        OBJECT,
        owner="anhui_edu",
        args=_pk("scheme"),
        post=True,
        data=lambda t: {"code": "2", "name": "x", "rule": Rule.MANUAL, "source": Source.ENTERED},
    ),
    "assessments:indicator_edit": Probe(
        OBJECT,
        owner="anhui_edu",
        args=lambda t: (t.scheme.pk, t.criterion.pk),
        post=True,
        data=lambda t: {"code": "1", "name": "x", "rule": Rule.MANUAL, "source": Source.ENTERED},
    ),
    "assessments:indicator_delete": Probe(
        OBJECT, actor="anhui_edu", args=lambda t: (t.scheme.pk, t.criterion.pk), post=True
    ),
    "assessments:weights": Probe(OBJECT, owner="anhui_edu", args=_pk("scheme"), post=True),
    "assessments:version": Probe(OBJECT, actor="anhui_edu", args=_pk("scheme"), post=True),
    "assessments:data": Probe(OBJECT, owner="anhui_edu", args=_pk("scheme")),
    "assessments:entry": Probe(
        OBJECT,
        owner="anhui_edu",
        post=True,
        args=lambda t: (t.scheme.pk, t.criterion.pk, t.world.ahnu.pk),
        data=lambda t: {"value": "1", "evidence": "x"},
    ),
    "assessments:run_start": Probe(OBJECT, actor="anhui_edu", args=_pk("scheme"), post=True),
    "assessments:run": Probe(OBJECT, owner="anhui_edu", args=_pk("run")),
    "assessments:run_status": Probe(OBJECT, owner="anhui_edu", args=_pk("run")),
    "assessments:run_publish": Probe(
        OBJECT, actor="anhui_edu", args=_pk("run"), post=True, data=lambda t: {"withdraw": "1"}
    ),
    "assessments:result": Probe(OBJECT, owner="ahnu_contact", args=_pk("result")),
    "assessments:evidence": Probe(OBJECT, owner="anhui_edu", args=_pk("evidence")),
}


def url_patterns() -> Iterator[tuple[str, URLPattern]]:
    """Every named URL pattern of the site with its namespaced name, without the admin's own."""

    def walk(patterns: list, namespace: str) -> Iterator[tuple[str, URLPattern]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                inner = pattern.namespace or ""
                prefix = f"{namespace}{inner}:" if inner else namespace
                yield from walk(pattern.url_patterns, prefix)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"unnamed URL pattern {pattern.pattern}"
                yield f"{namespace}{pattern.name}", pattern

    yield from walk(get_resolver().url_patterns, "")


def test_every_url_pattern_is_probed() -> None:
    names = {name for name, _pattern in url_patterns()}
    assert not names - set(PROBES), (
        f"new URL patterns: add them to PROBES: {sorted(names - set(PROBES))}"
    )
    assert not set(PROBES) - names, f"gone from the site: {sorted(set(PROBES) - names)}"


# What signing in writes (sessions, sign-in records, the last sign-in time): the rest of the
# database must stay as it was.
UNWATCHED = {"sessions.session"}
UNWATCHED_APPS = {"axes"}
UNWATCHED_FIELDS = {"last_login"}


def fingerprint() -> dict[str, str]:
    """A digest of every watched table's rows (raw SQL: some 70 tables, read after each POST)."""
    digests = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            label = model._meta.label_lower
            if label in UNWATCHED or model._meta.app_label in UNWATCHED_APPS:
                continue
            quote = connection.ops.quote_name
            columns = ", ".join(
                quote(str(f.column))  # concrete fields always have one
                for f in model._meta.concrete_fields
                if f.name not in UNWATCHED_FIELDS
            )
            table = quote(model._meta.db_table)  # names from the models, not from input
            cursor.execute(f"SELECT {columns} FROM {table} ORDER BY 1")  # noqa: S608
            digests[label] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return digests


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


def body_text(response: Any) -> str:
    """What a response shows: its text, or the text of an Office file's parts."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            parts = (book.read(n).decode("utf-8", "replace") for n in book.namelist())
            return html.unescape("".join(parts))
    return content.decode("utf-8", "replace")


class Clients(dict):
    """One test client per role, signed in once (anonymous for "anon")."""

    def __init__(self, users: dict[str, Any]) -> None:
        super().__init__()
        self.users = users

    def __missing__(self, role: str) -> Client:
        client = self[role] = Client()
        if self.users[role] is not None:
            client.force_login(self.users[role])
        return client


def _to_sign_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _get_failure(probe: Probe, role: str, response: Any) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"GET {status}"
    if role == "anon":
        return None if _to_sign_in(response) else f"GET {status}, not the sign-in page"
    if role in probe.seen_by:
        return None
    if probe.kind == OBJECT and status not in (403, 404, 405):  # 405: a POST-only URL
        where = f" → {response['Location']}" if status == 302 else ""
        return f"GET {status}{where}"
    if status == 200 and MARKER in body_text(response):
        return "GET 200 shows the territory"
    return None


def _post_failure(probe: Probe, role: str, response: Any) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"POST {status}"
    if role == "anon":
        return None if _to_sign_in(response) else f"POST {status}, not the sign-in page"
    # Who may see the page may get it back (200, the POST ignored) but is never sent on.
    refusals = (200, 403, 404) if probe.kind == OWN or role in probe.seen_by else (403, 404)
    if status == 302 and probe.refused_to and response["Location"] == reverse(probe.refused_to):
        return None
    if status not in refusals:
        where = f" → {response['Location']}" if status == 302 else ""
        return f"POST {status}{where}"
    return None


@pytest.fixture
def territory(world: World, django_capture_on_commit_callbacks) -> Territory:
    return build_territory(world, django_capture_on_commit_callbacks)


def test_outsiders_never_see_or_change_the_territory(territory: Territory) -> None:
    t = territory
    clients = Clients(t.users)
    failures: list[str] = []

    def fail(role: str, name: str, url: str, problem: str) -> None:
        failures.append(f"{role:14} {name:40} {url}: {problem}")

    probed = {n: p for n, p in PROBES.items() if p.kind in (OBJECT, OWN)}
    before = fingerprint()
    for name, probe in probed.items():
        url = probe.url(name, t)
        for role in [] if probe.post_only else OUTSIDERS:
            problem = _get_failure(probe, role, clients[role].get(url))
            if problem:
                fail(role, name, url, problem)
    after = fingerprint()
    if changed(before, after):
        fail("(outsiders)", "(every GET)", "", f"changed {changed(before, after)}")
    for name, probe in probed.items():
        if not probe.post:
            continue
        url = probe.url(name, t)
        for role in OUTSIDERS:
            problem = _post_failure(probe, role, clients[role].post(url, probe.data(t)))
            if problem:
                fail(role, name, url, problem)
        before, after = after, fingerprint()
        if changed(before, after):
            fail("(outsiders)", name, url, f"POST changed {changed(before, after)}")
    # POST-only URLs say so to a GET; the owners open their pages (the probes above asked
    # for real objects, and the marker is where the owner sees it).
    for name, probe in probed.items():
        url = probe.url(name, t)
        if probe.post_only and (status := clients["bnu_expert"].get(url).status_code) != 405:
            fail("bnu_expert", name, url, f"GET {status}, not 405")
        if probe.owner is None:
            continue
        response = clients[probe.owner].get(url)
        if response.status_code != 200:
            fail(probe.owner, name, url, f"owner gets {response.status_code}")
        elif probe.owner_sees_marker and MARKER not in body_text(response):
            fail(probe.owner, name, url, "the owner's page lacks the marker")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
