"""One of everything people type, then every typed text replaced by hostile text.

`build_everything` adds to the test world one row of each kind users fill in (a project with
its steps, members, indicator, actuals and deliverables, activities, a visit, a meeting, a plan
reviewed by its expert, a quarterly report returned with comments and with an attachment, a
notification, a bulletin issue and a news item, an imported 申报书, an output job). `taint`
then overwrites every free-text field of every row (FREE_TEXT, checked against the models by
test_xss.py) with `value(tag, max_length)`; the tag (`T<field>.<row>`) tells which field a
text on a page came from.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from bulletins import services as bulletin_services
from bulletins.models import BulletinIssue, Section
from imports.models import ImportBatch
from outputs.models import OutputJob
from projects.models import (
    DeliverableItem,
    IndicatorActual,
    Milestone,
    Project,
    ProjectMember,
    SchoolPlan,
)
from projects.services import plans as plan_services
from projects.services.projects import project_transition
from reports.models import (
    IndicatorValue,
    Notification,
    ProjectProgress,
    QuarterlyReport,
    ReportingPeriod,
)
from reports.services import report_attachment_add, report_return, report_submit
from schools.models import Contact
from tests.imports.test_application_form import filled, imported
from tests.projects.conftest import build_work
from tests.reports.conftest import make_period
from tests.reports.helpers import fill
from tests.world import World

PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Every text a person types into the platform, by model: what `taint` overwrites.
FREE_TEXT: dict[str, list[str]] = {
    "auth.User": ["first_name", "last_name"],
    "schools.Institution": ["name", "short_name", "cluster", "address"],
    "schools.Contact": ["name", "post", "phone"],
    "programmes.Programme": [
        "name",
        "short_name",
        "issuing_authority",
        "document_number",
        "description",
    ],
    "programmes.Phase": ["name"],
    "programmes.ContentArea": ["name", "description"],
    "programmes.Application": ["contact_name", "contact_phone"],
    "programmes.ApplicationDocument": [
        "head_name",
        "recommender_name",
        "basic_situation",
        "normal_disciplines",
        "normal_students_notes",
        "normal_teachers_notes",
        "basic_education_service",
        "development_plan",
        "improvement_plan",
        "support_notes",
        "other_material",
    ],
    "programmes.ApplicationMajor": ["name", "note"],
    "programmes.ApplicationYear": ["source_regions", "teaching_regions", "industries"],
    "programmes.SupportMeasure": ["authority", "content"],
    "programmes.ApplicationEvent": ["comment"],
    "pairings.Consortium": ["name", "secretariat", "description"],
    "pairings.Pairing": ["note"],
    "projects.Project": ["title", "description", "expected_outcomes"],
    "projects.ResponsibleUnit": ["department"],
    "projects.ProjectMember": ["name", "title"],
    "projects.Milestone": ["title", "evidence"],
    "projects.ProjectStatusChange": ["comment"],
    "projects.IndicatorTemplate": ["name", "unit", "description", "checklist"],
    "projects.Indicator": ["name", "unit", "description"],
    "projects.IndicatorActual": ["note"],
    "projects.DeliverableItem": ["title", "evidence"],
    "projects.Activity": ["title", "place", "description"],
    "projects.Visit": ["leader_name", "leader_post", "purpose", "findings", "follow_up"],
    "projects.Meeting": ["title", "place", "minutes", "decisions"],
    "projects.SchoolPlan": ["title"],
    "projects.PlanVersion": ["goals", "needs", "measures", "research"],
    "projects.PlanReview": ["comments"],
    "projects.PlanEvent": ["comment"],
    "projects.PlanAttachment": ["name"],
    "reports.ReportingPeriod": ["name"],
    "reports.QuarterlyReport": ["highlights", "contact_name", "contact_phone"],
    "reports.ReportSection": ["work_done", "outcomes", "problems", "next_plan"],
    "reports.ProjectProgress": ["milestones_reached", "note"],
    "reports.IndicatorValue": ["reason"],
    "reports.ReportAttachment": ["name"],
    "reports.ReportEvent": ["comment"],
    "reports.Notification": ["message"],
    "bulletins.NewsItem": ["title", "body"],
    "bulletins.BulletinIssue": ["title", "issuing_office", "report_to", "send_to"],
    "bulletins.BulletinEntry": ["lead", "body"],
    "imports.ImportBatch": ["name", "title"],
    "outputs.OutputJob": ["title", "filename"],
    "assessments.AssessmentScheme": ["name", "description"],
    "assessments.AssessmentIndicator": ["name", "description", "unit"],
    "assessments.AssessmentEntry": ["evidence"],
    "assessments.EvidenceFile": ["name"],
    "assessments.AssessmentScore": ["note"],
}

# Text fields that are not free text, and why.
NOT_FREE_TEXT: dict[str, str] = {
    "schools.Region.*": "GB/T 2260 reference data, loaded, never typed",
    "schools.Institution.website": "stored only, shown nowhere",
    "*.email": "EmailField: the form refuses anything but an address",
    "reports.QuarterlyReport.contact_email": "EmailField, as above",
    "auth.User.username": "the sign-in name; Django's validator allows letters, digits, @.+-_",
    "auth.User.password": "a hash",
    "auth.*": "Django's permission and group names",
    "programmes.Programme.slug": "SlugField",
    "*.code": "short codes whose dots make the levels (1, 1.2), validated as such",
    "*.content_type": "chosen by the server from the checked extension",
    "*.history_change_reason": "django-simple-history bookkeeping, not used",
    "*.Historical*": "copies of the rows above, shown through the same templates",
    "reports.Notification.key": "server-made key",
    "reports.Notification.url": "server-made link (reverse())",
    "*.kind": "internal identifiers",
    "*.stage": "progress text the server writes",
    "*.error": "error text the server writes (it quotes file names: those are tainted)",
    "assessments.AssessmentResult.group": "ranking group key",
    "dashboards.*": "figures computed from the rows above",
}

APPS = (
    "auth",
    "schools",
    "programmes",
    "pairings",
    "projects",
    "reports",
    "bulletins",
    "imports",
    "outputs",
    "assessments",
    "dashboards",
)


def is_excluded(model: type[models.Model], field: Any) -> bool:
    label = model._meta.label
    name = field.name
    keys = {
        f"{label}.{name}",
        f"{label}.*",
        f"*.{name}",
        f"{model._meta.app_label}.*",
    }
    if model.__name__.startswith("Historical"):
        keys.add("*.Historical*")
    return bool(keys & NOT_FREE_TEXT.keys())


def text_fields() -> list[tuple[type[models.Model], Any]]:
    """Every CharField and TextField of ours that holds text (no choices, not a file)."""
    found: list[tuple[type[models.Model], Any]] = []
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if (
                    isinstance(field, models.CharField | models.TextField)
                    and not field.choices
                    and not isinstance(field, models.FileField)
                ):
                    found.append((model, field))
    return found


def taint(value: Callable[[str, int | None], str]) -> dict[str, str]:
    """Overwrite every free-text field of every row; returns tag → field (label.name)."""
    tags = {}
    number = 0
    for label, names in FREE_TEXT.items():
        model = apps.get_model(label)
        for name in names:
            number += 1
            field = model._meta.get_field(name)
            for pk in model._default_manager.values_list("pk", flat=True):
                tag = f"T{number}.{pk}"
                tags[tag] = f"{label}.{name}"
                text = value(tag, field.max_length)
                model._default_manager.filter(pk=pk).update(**{name: text})
    return tags


@dataclass
class Everything:
    project: Project
    plan: SchoolPlan
    period: ReportingPeriod
    report: QuarterlyReport
    issue: BulletinIssue
    batch: ImportBatch

    def export_params(self, world: World, typed: str) -> dict[str, dict[str, Any]]:
        """What each exporter that runs on the test world is asked for (the scoring run's two
        need a Guangdong of their own); `typed` goes where the request itself carries text."""
        return {
            "bulletin_pdf": {"issue": self.issue.pk},
            "consortium_summary_pdf": {
                "consortium": world.consortium.pk,
                "period": self.period.pk,
                "overview": typed,
            },
            "report_form_xlsx": {"period": self.period.pk, "institution": world.fynu.pk},
            "indicator_workbook_xlsx": {
                "programme": world.programme.pk,
                "consortium": world.consortium.pk,
            },
            "summary_table_xlsx": {
                "programme": world.programme.pk,
                "province": world.region("安徽省").pk,
                "filler": typed,
            },
            "round_setup_xlsx": {"programme": world.programme.pk, "phase": world.phase.pk},
            "dashboard": {"programme": world.programme.slug, "region": "34"},
        }


def build_everything(world: World) -> Everything:
    """One row of each kind people fill in, on the test world, mostly through the services."""
    admin = world.users["admin"]
    work = build_work(world)
    project = work.project
    Milestone.objects.create(project=project, title="启动", due_on=dt.date(2024, 3, 1))
    ProjectMember.objects.create(
        project=project, name="张三", institution=world.ahnu, position="leader"
    )
    IndicatorActual.objects.create(
        indicator=work.indicator,
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2024, 3, 31),
        value=Decimal(5),
        recorded_by=admin,
        note="说明",
    )
    DeliverableItem.objects.create(indicator=work.indicator, title="成果", evidence="佐证")
    project_transition(user=admin, project=project, to_status="active", comment="启动")
    Contact.objects.create(institution=world.fynu, name="联系人", post="处长", phone="0558")

    plan = work.plan
    plan_services.plan_review(
        user=world.users["bnu_expert"], plan=plan, verdict="revise", comments="请修改"
    )
    plan_services.plan_attachment_add(
        user=world.users["ahnu_contact"],
        plan=plan,
        upload=SimpleUploadedFile("方案.pdf", PDF_BYTES, content_type="application/pdf"),
    )

    period = make_period(world)
    report = fill(world.users["fynu_contact"], period, world.fynu, submit=False)
    ProjectProgress.objects.create(report=report, project=project, percent=50, note="说明")
    IndicatorValue.objects.create(
        report=report, indicator=work.indicator, derived=Decimal(1), reason="原因"
    )
    report_attachment_add(
        user=world.users["fynu_contact"],
        report=report,
        upload=SimpleUploadedFile("照片.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    report = report_submit(
        user=world.users["fynu_contact"], report=report, projects=[], indicators=[]
    )
    report = report_return(user=world.users["bnu_coordinator"], report=report, comment="请补充")
    Notification.objects.create(user=admin, key="security", message="通知", url="/reports/")

    news = bulletin_services.news_push(
        user=world.users["fynu_info"],
        programme=world.programme,
        institution=world.fynu,
        title="送教下乡",
        body="正文",
    )
    issue = bulletin_services.issue_create(
        user=admin, programme=world.programme, issued_on=dt.date(2025, 1, 1), issuing_office="办"
    )
    issue = bulletin_services.issue_update(user=admin, issue=issue, report_to="报", send_to="送")
    bulletin_services.entry_create(
        user=admin, issue=issue, section=Section.PROVINCIAL, lead="导语", body="正文"
    )
    bulletin_services.entry_add_from_news(user=admin, issue=issue, item=news)

    batch = imported(world, filled())
    OutputJob.objects.create(
        kind="report_form_xlsx",
        title="离线填报表",
        requested_by=admin,
        file=ContentFile(b"x", name="out.xlsx"),
        filename="离线填报表.xlsx",
    )
    return Everything(project, plan, period, report, issue, batch)
