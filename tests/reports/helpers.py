"""Filling reports through the services, as the report page does."""

from django.contrib.auth.models import User

from reports.models import QuarterlyReport, ReportingPeriod
from reports.services import report_open, report_save, report_submit
from schools.models import Institution

FULL = {"work_done": "开展培训", "next_plan": "继续培训"}


def fill(
    user: User,
    period: ReportingPeriod,
    institution: Institution,
    *,
    sections: dict | None = None,
    contact: bool = True,
    submit: bool = True,
) -> QuarterlyReport:
    report = report_open(user=user, period=period, institution=institution)
    areas = period.programme.content_areas.all()
    report = report_save(
        user=user,
        report=report,
        version=report.version,
        fields={"contact_name": "王信息员", "contact_phone": "0558-1234567"} if contact else {},
        sections=sections if sections is not None else {a.pk: FULL for a in areas},
        progress={},
        values={},
    )
    if submit:
        report = report_submit(user=user, report=report, projects=[], indicators=[])
    return report
