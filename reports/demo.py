"""Demo reporting (run by load_demo after the projects; idempotent): every programme's periods
up to today, and a year of the BNU consortium's quarterly reports with their review — most
approved, one late, one awaiting review, one returned, one missing — plus 华南师范大学's
Guangdong reports, the latest quarter left open for scnu_contact to fill in the browser.
The texts are invented (示例)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from pairings.models import Consortium
from programmes.models import ContentArea, Programme
from reports.models import QuarterlyReport, ReportingPeriod
from reports.periods import periods_ensure
from reports.selectors import derived_value, indicators_reported_by, projects_reported_by
from reports.services import report_open, report_return, report_save, report_submit, reports_approve
from schools.models import Institution


def _fill_and_submit(
    admin: Any, period: ReportingPeriod, institution: Institution, late_days: int = 0
) -> QuarterlyReport:
    day = period.due_on - dt.timedelta(days=3)
    report = report_open(user=admin, period=period, institution=institution)
    projects = list(projects_reported_by(institution=institution, period=period))
    indicators = indicators_reported_by(institution=institution, period=period)
    areas = ContentArea.objects.filter(programme=period.programme)
    report_save(
        user=admin,
        report=report,
        version=report.version,
        fields={
            "contact_name": "示例信息员",
            "contact_phone": "010-00000000",
            "highlights": f"{institution.name}{period.name}典型经验（示例）。",
        },
        sections={
            a.pk: {
                "work_done": f"{a.name}：本季度按计划推进（示例）。",
                "next_plan": "继续推进（示例）。",
            }
            for a in areas
        },
        progress={p.pk: {"percent": 50} for p in projects},
        values={
            i.pk: {
                "value": derived_value(i, period) or Decimal(0),
                "derived": derived_value(i, period),
            }
            for i in indicators
        },
        today=day,
    )
    report_submit(user=admin, report=report, projects=projects, indicators=indicators, today=day)
    submitted = timezone.make_aware(
        dt.datetime.combine(period.due_on + dt.timedelta(days=late_days - 2), dt.time(10))
    )
    QuarterlyReport.objects.filter(pk=report.pk).update(
        submitted_at=submitted, first_submitted_at=submitted
    )
    return report


def build_reports() -> None:
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        return
    Programme.objects.filter(slug__in=["guangdong", "jiangxi", "leshan-meigu"]).update(
        pairing_parties_report=True
    )
    today = timezone.localdate()
    for programme in Programme.objects.all():
        periods_ensure(programme, today)

    consortium = Consortium.objects.filter(name="北京师范大学组团").first()
    if (
        consortium is not None
        and not QuarterlyReport.objects.filter(consortium=consortium).exists()
    ):
        periods = list(
            ReportingPeriod.objects.filter(
                programme=consortium.programme, starts_on__year=2025
            ).order_by("starts_on")
        )
        members = list(
            Institution.objects.filter(
                memberships__consortium=consortium,
                memberships__role__in=["lead", "supporting", "supported"],
            )
            .distinct()
            .order_by("name")
        )
        for number, period in enumerate(periods, start=1):
            approve = []
            for institution in members:
                name = institution.name
                last = number == len(periods)
                if last and name == "西昌民族幼儿师范高等专科学校":
                    continue  # 示例: never reported
                late = 5 if (number == 2 and name == "阿坝师范学院") else 0
                report = _fill_and_submit(admin, period, institution, late)
                if last and name == "阜阳师范大学":
                    continue  # awaiting review
                if last and name == "阿坝师范学院":
                    report_return(
                        user=admin,
                        report=report,
                        comment="请补充本季度项目经费使用情况（示例）。",
                        sections={"人才队伍建设": "请写明引进人才的人数和方式（示例）。"},
                    )
                    continue
                approve.append(report)
            reports_approve(user=admin, reports=approve)

    scnu = Institution.objects.filter(name="华南师范大学").first()
    guangdong = Programme.objects.filter(slug="guangdong").first()
    if scnu and guangdong and not QuarterlyReport.objects.filter(institution=scnu).exists():
        done = ReportingPeriod.objects.filter(
            Q(programme=guangdong), Q(starts_on__year=2026), Q(locks_on__lt=today)
        ).order_by("starts_on")
        reports_approve(user=admin, reports=[_fill_and_submit(admin, p, scnu) for p in done])
