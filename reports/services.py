"""The quarterly reporting loop: fill and save (with optimistic concurrency), submit with
validation, return with comments, approve (one or many), reopen after locking. Every
transition writes a ReportEvent."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.selectors import can_edit_periods, can_fill_report, can_review_report
from config.uploads import validate_report_file
from dashboards.services import summaries_refresh_later, summaries_reports_changed
from programmes.models import ContentArea
from projects.models import Indicator, Project
from reports.models import (
    IndicatorValue,
    ProjectProgress,
    QuarterlyReport,
    ReportAttachment,
    ReportEvent,
    ReportingPeriod,
    ReportSection,
    ReportStatus,
)
from reports.selectors import consortium_for, expected_reporters
from schools.models import Institution

SECTION_FIELDS = ["work_done", "outcomes", "problems", "next_plan"]
REPORT_FIELDS = ["highlights", "contact_name", "contact_phone", "contact_email"]
LABELS = {
    "work_done": _l("本季度工作"),
    "outcomes": _l("取得成效"),
    "problems": _l("存在问题"),
    "next_plan": _l("下季度计划"),
    "highlights": _l("典型经验"),
    "contact_name": _l("信息员姓名"),
    "contact_phone": _l("联系电话"),
    "contact_email": _l("电子邮箱"),
}


@dataclass(frozen=True)
class Change:
    label: str
    theirs: str  # what the other person saved
    mine: str  # what this person tried to save


class EditConflict(Exception):
    """Someone saved the report after this person opened it."""

    def __init__(self, report: QuarterlyReport, changes: list[Change]) -> None:
        super().__init__("conflict")
        self.report = report
        self.changes = changes


def _event(
    report: QuarterlyReport,
    user: User | None,
    to_status: str,
    comment: str = "",
    sections: dict[str, str] | None = None,
) -> ReportEvent:
    event = ReportEvent.objects.create(
        report=report,
        from_status=report.status,
        to_status=to_status,
        actor=user,
        comment=comment,
        section_comments=sections or {},
    )
    report.status = to_status
    return event


@transaction.atomic
def report_open(
    *, user: User, period: ReportingPeriod, institution: Institution
) -> QuarterlyReport:
    """The institution's report for the period, created (as a draft) on first use."""
    report = QuarterlyReport.objects.filter(period=period, institution=institution).first()
    if report is not None:
        return report
    if not expected_reporters(period.programme, period).filter(pk=institution.pk).exists():
        raise ValidationError(
            _("“%(name)s”不在“%(programme)s”的报送单位之列。")
            % {"name": institution.name, "programme": period.programme.short_name}
        )
    report = QuarterlyReport(
        period=period,
        institution=institution,
        consortium_id=consortium_for(period.programme, institution),
    )
    if not can_fill_report(user, report):
        raise PermissionDenied(_("只有本单位的联系人或信息员可以填报本单位的报告。"))
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # opened by a colleague at the same moment
        return QuarterlyReport.objects.get(period=period, institution=institution)
    ReportEvent.objects.create(report=report, to_status=ReportStatus.DRAFT, actor=user)
    summaries_reports_changed([report])
    return report


def _snapshot(report: QuarterlyReport) -> dict[str, tuple[str, str]]:
    """Every editable value of the stored report: key → (label, text)."""
    values = {f: (str(LABELS[f]), str(getattr(report, f))) for f in REPORT_FIELDS}
    for section in report.sections.select_related("area"):
        for f in SECTION_FIELDS:
            label = f"{section.area.name} · {LABELS[f]}"
            values[f"section:{section.area_id}:{f}"] = (label, getattr(section, f))
    for progress in report.project_progress.select_related("project"):
        values[f"progress:{progress.project_id}"] = (
            f"{progress.project.title} · {_('完成进度')}",
            "" if progress.percent is None else str(progress.percent),
        )
    for value in report.indicator_values.select_related("indicator"):
        values[f"value:{value.indicator_id}"] = (
            value.indicator.name,
            "" if value.value is None else f"{value.value.normalize():f}",
        )
    return values


def _posted(
    fields: dict[str, Any],
    sections: dict[int, dict[str, str]],
    progress: dict[int, dict[str, Any]],
    values: dict[int, dict[str, Any]],
) -> dict[str, str]:
    mine = {f: str(fields.get(f, "")) for f in REPORT_FIELDS}
    for area_id, data in sections.items():
        for f in SECTION_FIELDS:
            mine[f"section:{area_id}:{f}"] = data.get(f, "")
    for project_id, data in progress.items():
        percent = data.get("percent")
        mine[f"progress:{project_id}"] = "" if percent is None else str(percent)
    for indicator_id, data in values.items():
        value = data.get("value")
        mine[f"value:{indicator_id}"] = "" if value is None else f"{Decimal(value).normalize():f}"
    return mine


def _check_editable(report: QuarterlyReport, today: dt.date) -> None:
    reason = report.lock_reason(today)
    if reason:
        raise ValidationError(reason)


@transaction.atomic
def report_save(
    *,
    user: User,
    report: QuarterlyReport,
    version: int,
    fields: dict[str, Any],
    sections: dict[int, dict[str, str]],
    progress: dict[int, dict[str, Any]],
    values: dict[int, dict[str, Any]],
    today: dt.date | None = None,
) -> QuarterlyReport:
    """Save the whole form as it stands. If someone saved since `version` was read, nothing
    is written and EditConflict lists what they changed next to what this user typed."""
    report = (
        QuarterlyReport.objects.select_for_update(of=("self",))
        .select_related("period")
        .get(pk=report.pk)
    )
    if not can_fill_report(user, report):
        raise PermissionDenied(_("只有本单位的联系人或信息员可以填报本单位的报告。"))
    _check_editable(report, today or timezone.localdate())
    if report.version != version:
        theirs = _snapshot(report)
        mine = _posted(fields, sections, progress, values)
        changes = [
            Change(label=theirs[key][0], theirs=theirs[key][1], mine=mine[key])
            for key in mine
            if key in theirs and theirs[key][1] != mine[key]
        ]
        raise EditConflict(report, changes)
    for f in REPORT_FIELDS:
        setattr(report, f, fields.get(f, ""))
    report.version += 1
    report.updated_by = user
    report.full_clean(exclude=["period", "institution", "consortium"])
    report.save()
    areas = set(
        ContentArea.objects.filter(programme=report.period.programme_id).values_list(
            "pk", flat=True
        )
    )
    for area_id, data in sections.items():
        if area_id not in areas:
            continue
        ReportSection.objects.update_or_create(
            report=report, area_id=area_id, defaults={f: data.get(f, "") for f in SECTION_FIELDS}
        )
    for project_id, data in progress.items():
        ProjectProgress.objects.update_or_create(
            report=report,
            project_id=project_id,
            defaults={
                "percent": data.get("percent"),
                "milestones_reached": data.get("milestones_reached", ""),
                "note": data.get("note", ""),
            },
        )
    for indicator_id, data in values.items():
        IndicatorValue.objects.update_or_create(
            report=report,
            indicator_id=indicator_id,
            defaults={
                "value": data.get("value"),
                "derived": data.get("derived"),
                "reason": data.get("reason", ""),
            },
        )
    return report


def submit_errors(
    report: QuarterlyReport, projects: list[Project], indicators: list[Indicator]
) -> list[str]:
    """Everything missing or wrong before a report can be submitted, each named in Chinese."""
    errors = []
    if not report.contact_name.strip():
        errors.append(_("请填写信息员姓名。"))
    if not report.contact_phone.strip():
        errors.append(_("请填写信息员联系电话。"))
    sections = {s.area_id: s for s in report.sections.all()}
    for area in ContentArea.objects.filter(programme=report.period.programme_id):
        section = sections.get(area.pk)
        if section is None or not section.work_done.strip():
            errors.append(
                _("“%(area)s”：请填写本季度工作（没有开展请写“无”）。") % {"area": area.name}
            )
        if section is None or not section.next_plan.strip():
            errors.append(_("“%(area)s”：请填写下季度计划。") % {"area": area.name})
    progress = {p.project_id: p for p in report.project_progress.all()}
    for project in projects:
        entry = progress.get(project.pk)
        if entry is None or entry.percent is None:
            errors.append(_("项目“%(title)s”：请填写完成进度。") % {"title": project.title})
    values = {v.indicator_id: v for v in report.indicator_values.all()}
    for indicator in indicators:
        value = values.get(indicator.pk)
        if value is None or value.value is None:
            errors.append(_("指标“%(name)s”：请填写本期数值。") % {"name": indicator.name})
        elif value.overridden and not value.reason.strip():
            errors.append(
                _("指标“%(name)s”：本期数值与活动记录汇总的 %(derived)s 不同，请说明修改原因。")
                % {"name": indicator.name, "derived": f"{(value.derived or 0):f}"}
            )
    return errors


@transaction.atomic
def report_submit(
    *,
    user: User,
    report: QuarterlyReport,
    projects: list[Project],
    indicators: list[Indicator],
    today: dt.date | None = None,
) -> QuarterlyReport:
    report = (
        QuarterlyReport.objects.select_for_update(of=("self",))
        .select_related("period")
        .get(pk=report.pk)
    )
    if not can_fill_report(user, report):
        raise PermissionDenied(_("只有本单位的联系人或信息员可以提交本单位的报告。"))
    _check_editable(report, today or timezone.localdate())
    errors = submit_errors(report, projects, indicators)
    if errors:
        raise ValidationError(errors)
    report.submitted_at = timezone.now()
    report.first_submitted_at = report.first_submitted_at or report.submitted_at
    _event(report, user, ReportStatus.SUBMITTED)
    report.save(update_fields=["status", "submitted_at", "first_submitted_at", "updated_at"])
    summaries_reports_changed([report])
    return report


def _locked_for_review(user: User, report: QuarterlyReport) -> QuarterlyReport:
    report = (
        QuarterlyReport.objects.select_for_update(of=("self",))
        .select_related("period__programme__region")
        .get(pk=report.pk)
    )
    if not can_review_report(user, report):
        raise PermissionDenied(_("只有组团办公室（或省级教育行政部门）可以审核该报告。"))
    return report


@transaction.atomic
def report_return(
    *, user: User, report: QuarterlyReport, comment: str, sections: dict[str, str] | None = None
) -> QuarterlyReport:
    """Send a submitted report back with a comment (and comments per section)."""
    report = _locked_for_review(user, report)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("只能退回已提交待审核的报告。"))
    sections = {k: v.strip() for k, v in (sections or {}).items() if v.strip()}
    if not comment.strip() and not sections:
        raise ValidationError({"comment": _("退回时请写明修改意见。")})
    _event(report, user, ReportStatus.RETURNED, comment.strip(), sections)
    report.save(update_fields=["status", "updated_at"])
    summaries_reports_changed([report])
    return report


@transaction.atomic
def reports_approve(*, user: User, reports: list[QuarterlyReport], comment: str = "") -> int:
    """Approve submitted reports (one or many at once); the others are left as they are."""
    approved = []
    for report in reports:
        report = _locked_for_review(user, report)
        if report.status != ReportStatus.SUBMITTED:
            continue
        report.approved_at = timezone.now()
        _event(report, user, ReportStatus.APPROVED, comment)
        report.save(update_fields=["status", "approved_at", "updated_at"])
        approved.append(report)
    summaries_reports_changed(approved)
    return len(approved)


@transaction.atomic
def report_reopen(*, user: User, report: QuarterlyReport, reason: str) -> QuarterlyReport:
    """Unlock a report (approved, or past its lock date) for changes; the reason is recorded."""
    report = _locked_for_review(user, report)
    if not reason.strip():
        raise ValidationError({"reason": _("重新开放须说明原因。")})
    if not report.can_be_reopened(timezone.localdate()):
        raise ValidationError(_("只能重新开放已审核通过或已过锁定日期的报告。"))
    report.reopened = True
    report.approved_at = None
    to_status = ReportStatus.RETURNED if report.status == ReportStatus.APPROVED else report.status
    _event(report, user, to_status, _("重新开放：%(reason)s") % {"reason": reason.strip()})
    report.save(update_fields=["status", "reopened", "approved_at", "updated_at"])
    summaries_reports_changed([report])
    return report


@transaction.atomic
def report_attachment_add(
    *, user: User, report: QuarterlyReport, upload: UploadedFile
) -> ReportAttachment:
    report = (
        QuarterlyReport.objects.select_for_update(of=("self",))
        .select_related("period")
        .get(pk=report.pk)
    )
    if not can_fill_report(user, report):
        raise PermissionDenied(_("只有本单位的联系人或信息员可以上传附件。"))
    _check_editable(report, timezone.localdate())
    content_type = validate_report_file(upload)
    return ReportAttachment.create_from(
        upload, content_type=content_type, uploaded_by=user, report=report
    )


def period_update(*, user: User, period: ReportingPeriod, **dates: dt.date) -> ReportingPeriod:
    if not can_edit_periods(user, period.programme):
        raise PermissionDenied(_("只有组团办公室可以调整报送期。"))
    for name, value in dates.items():
        setattr(period, name, value)
    period.full_clean()
    period.save()
    summaries_refresh_later(period.programme_id)  # the due date decides what counts as late
    return period
