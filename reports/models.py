"""Quarterly reporting (信息报送): periods, one report per institution per period with its
sections, project progress, indicator values and attachments, the review events, and the
in-app notifications that reminders leave behind."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.uploads import StoredFile


class ReportingPeriod(models.Model):
    """报送期 — one quarter of a programme, with the dates it opens, is due and locks."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("计划"),
        on_delete=models.CASCADE,
        related_name="reporting_periods",
    )
    name = models.CharField(_("名称"), max_length=32)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    opens_on = models.DateField(_("开放填报日期"))
    due_on = models.DateField(_("截止日期"))
    locks_on = models.DateField(
        _("锁定日期"), help_text=_("此日之后未经组团办公室重新开放不能再修改。")
    )

    class Meta:
        verbose_name = _("报送期")
        verbose_name_plural = _("报送期")
        ordering = ["programme", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "starts_on"], name="period_unique_start"),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("opens_on")) & Q(locks_on__gte=F("due_on")),
                name="period_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.short_name} · {self.name}"

    def clean(self) -> None:
        if self.opens_on and self.due_on and self.locks_on:
            if self.due_on < self.opens_on:
                raise ValidationError({"due_on": _("截止日期不能早于开放填报日期。")})
            if self.locks_on < self.due_on:
                raise ValidationError({"locks_on": _("锁定日期不能早于截止日期。")})


def arrived_by(moment: dt.datetime, due_on: dt.date) -> bool:
    """Whether something that arrived at `moment` came by the end of the due date (local)."""
    return timezone.localtime(moment).date() <= due_on


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交待审核")
    RETURNED = "returned", _("退回修改")
    APPROVED = "approved", _("审核通过")


class QuarterlyReport(models.Model):
    """季度报告 — what one institution did in one reporting period."""

    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("报送期"), on_delete=models.CASCADE, related_name="reports"
    )
    institution = models.ForeignKey(
        "schools.Institution",
        verbose_name=_("报送单位"),
        on_delete=models.PROTECT,
        related_name="quarterly_reports",
    )
    consortium = models.ForeignKey(
        "pairings.Consortium",
        verbose_name=_("组团"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quarterly_reports",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("版本号"), default=1)
    highlights = models.TextField(
        _("典型经验"), blank=True, help_text=_("可供简报采用的典型经验与亮点。")
    )
    contact_name = models.CharField(_("信息员姓名"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审核通过时间"), null=True, blank=True)
    reopened = models.BooleanField(
        _("已重新开放"), default=False, help_text=_("锁定日期之后由组团办公室重新开放修改。")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("季度报告")
        verbose_name_plural = _("季度报告")
        ordering = ["-period__starts_on", "institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "institution"], name="report_one_per_institution"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.period.name}"

    def lock_reason(self, today: dt.date) -> str:
        """Why the report cannot be edited now, and who can change that ("" = editable)."""
        who = _("组团办公室（协调人）") if self.consortium_id else _("省级教育行政部门")
        if self.status == ReportStatus.APPROVED:
            return str(
                _("报告已审核通过，内容已锁定。如需修改，请联系%(who)s重新开放。") % {"who": who}
            )
        if self.status == ReportStatus.SUBMITTED:
            return str(_("报告已提交，正在等待审核；审核退回后才能修改。"))
        if today < self.period.opens_on and not self.reopened:
            return str(_("报送期将于 %(date)s 开放填报。") % {"date": self.period.opens_on})
        if today > self.period.locks_on and not self.reopened:
            return str(
                _("报送期已于 %(date)s 锁定。如需补报或修改，请联系%(who)s重新开放。")
                % {"date": self.period.locks_on, "who": who}
            )
        return ""

    def can_be_reopened(self, today: dt.date) -> bool:
        """Approved reports, and reports left unsubmitted past their lock date."""
        if self.status == ReportStatus.APPROVED:
            return True
        return self.status != ReportStatus.SUBMITTED and bool(self.lock_reason(today))

    @property
    def is_timely(self) -> bool | None:
        """First submitted by the end of the due date (None: not submitted yet). A report
        returned and resubmitted keeps the time it first arrived."""
        first = self.first_submitted_at or self.submitted_at
        if first is None:
            return None
        return arrived_by(first, self.period.due_on)


class ReportSection(models.Model):
    """The narrative of one content area (4+X) in a report."""

    report = models.ForeignKey(
        QuarterlyReport, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="sections"
    )
    area = models.ForeignKey(
        "programmes.ContentArea",
        verbose_name=_("内容领域"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    work_done = models.TextField(_("本季度工作"), blank=True)
    outcomes = models.TextField(_("取得成效"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_plan = models.TextField(_("下季度计划"), blank=True)

    class Meta:
        verbose_name = _("报告分项")
        verbose_name_plural = _("报告分项")
        ordering = ["report", "area__order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "area"], name="section_one_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.area}"


class ProjectProgress(models.Model):
    """A project's progress as the report states it."""

    report = models.ForeignKey(
        QuarterlyReport,
        verbose_name=_("报告"),
        on_delete=models.CASCADE,
        related_name="project_progress",
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    percent = models.PositiveSmallIntegerField(
        _("完成进度（%）"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    milestones_reached = models.TextField(_("本季度完成的实施步骤"), blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("项目进展")
        verbose_name_plural = _("项目进展")
        constraints = [
            models.UniqueConstraint(fields=["report", "project"], name="progress_one_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.percent}%"


class IndicatorValue(models.Model):
    """An indicator's value for the period, as reported. `derived` keeps what the activities
    gave; a value that differs needs a reason."""

    report = models.ForeignKey(
        QuarterlyReport,
        verbose_name=_("报告"),
        on_delete=models.CASCADE,
        related_name="indicator_values",
    )
    indicator = models.ForeignKey(
        "projects.Indicator", verbose_name=_("指标"), on_delete=models.CASCADE, related_name="+"
    )
    value = models.DecimalField(_("本期数值"), max_digits=12, decimal_places=2, null=True)
    derived = models.DecimalField(
        _("由活动汇总的数值"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    reason = models.CharField(_("修改原因"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("指标填报值")
        verbose_name_plural = _("指标填报值")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="value_one_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"

    @property
    def overridden(self) -> bool:
        return self.derived is not None and self.value is not None and self.value != self.derived


class ReportAttachment(StoredFile):
    """A photo, PDF or Office file attached to a report (served only through a view)."""

    report = models.ForeignKey(
        QuarterlyReport,
        verbose_name=_("报告"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("文件"), upload_to="reports/%Y/%m/")

    class Meta:
        verbose_name = _("报告附件")
        verbose_name_plural = _("报告附件")
        ordering = ["report", "uploaded_at"]


class ReportEvent(models.Model):
    """One step of a report's timeline: who, when, from, to, comment (and per-section ones)."""

    report = models.ForeignKey(
        QuarterlyReport, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(
        _("原状态"), max_length=16, choices=ReportStatus.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=16, choices=ReportStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("意见"), blank=True)
    section_comments: Any = models.JSONField(_("分项意见"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报告流转记录")
        verbose_name_plural = _("报告流转记录")
        ordering = ["report", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report}: {self.from_status} → {self.to_status}"


class Notification(models.Model):
    """站内通知 — one message to one user; `key` makes every reminder happen once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    key = models.CharField(_("事件标识"), max_length=120)
    message = models.CharField(_("内容"), max_length=255)
    url = models.CharField(_("链接"), max_length=255, blank=True)
    emailed = models.BooleanField(_("已发送邮件"), default=False)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_event")
        ]

    def __str__(self) -> str:
        return self.message


class ReminderSettings(models.Model):
    """A user's choice about reminder emails (in-app notifications always arrive)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="reminder_settings",
    )
    email_reminders = models.BooleanField(_("接收提醒邮件"), default=True)

    class Meta:
        verbose_name = _("提醒设置")
        verbose_name_plural = _("提醒设置")

    def __str__(self) -> str:
        return f"{self.user}: {self.email_reminders}"
