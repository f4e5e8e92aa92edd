"""Support projects (帮扶项目): responsible units, project group, milestones, status history."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.choices import MemberPosition, ProjectStatus

NOT_NEGATIVE = [MinValueValidator(Decimal(0))]


class ProjectQuerySet(models.QuerySet["Project"]):
    def with_parts(self) -> "ProjectQuerySet":
        return self.select_related(
            "programme", "area", "consortium", "pairing__supporter", "pairing__supported"
        ).prefetch_related("units__institution")


class Project(models.Model):
    """帮扶项目 — a piece of support in one content area, run by a project group (项目组)."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("计划"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    area = models.ForeignKey(
        "programmes.ContentArea",
        verbose_name=_("帮扶内容领域"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    consortium = models.ForeignKey(
        "pairings.Consortium",
        verbose_name=_("组团"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    pairing = models.ForeignKey(
        "pairings.Pairing",
        verbose_name=_("结对"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        help_text=_("属于某一结对的项目选择结对；面向整个组团的项目留空。"),
    )
    title = models.CharField(_("项目名称"), max_length=200)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    beneficiaries = models.ManyToManyField(
        "schools.Institution",
        verbose_name=_("受益单位"),
        blank=True,
        related_name="benefiting_projects",
    )
    budget_planned = models.DecimalField(
        _("计划经费（元）"), max_digits=12, decimal_places=2, default=0, validators=NOT_NEGATIVE
    )
    budget_spent = models.DecimalField(
        _("已支出经费（元）"), max_digits=12, decimal_places=2, default=0, validators=NOT_NEGATIVE
    )
    exchange_person_years = models.DecimalField(
        _("交流人员（人·年）"),
        max_digits=6,
        decimal_places=1,
        default=0,
        validators=NOT_NEGATIVE,
        help_text=_("支教、跟岗、挂职等交流人员的人数乘以年数。"),
    )
    exchange_funding = models.DecimalField(
        _("交流人员工作经费（元）"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=NOT_NEGATIVE,
    )
    description = models.TextField(_("项目内容"), blank=True)
    expected_outcomes = models.TextField(_("预期成果"), blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("项目变更记录"), excluded_fields=["updated_at"])

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶项目")
        verbose_name_plural = _("帮扶项目")
        ordering = ["programme", "area__order", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="project_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(consortium__isnull=False) | Q(pairing__isnull=False),
                name="project_has_consortium_or_pairing",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("结束日期不能早于开始日期。")
        if not self.programme_id:
            if errors:
                raise ValidationError(errors)
            return
        programme = self.programme
        if self.area_id and self.area.programme_id != programme.pk:
            errors["area"] = _("帮扶内容领域“%(area)s”不属于计划“%(programme)s”。") % {
                "area": self.area,
                "programme": programme.short_name,
            }
        consortium, pairing = self.consortium, self.pairing
        if consortium is None and pairing is None:
            errors["consortium"] = _("请选择项目所属的组团或结对。")
        if consortium is not None and consortium.programme_id != programme.pk:
            errors["consortium"] = _("所选组团不属于该计划。")
        if pairing is not None:
            if pairing.programme_id != programme.pk:
                errors["pairing"] = _("所选结对不属于该计划。")
            elif consortium is not None and pairing.consortium_id != consortium.pk:
                errors["pairing"] = _("所选结对不属于所选组团。")
        within = (
            not self.starts_on
            or not self.ends_on
            or "ends_on" in errors
            or (programme.starts_on <= self.starts_on and self.ends_on <= programme.ends_on)
        )
        if not within:
            errors["ends_on"] = _("项目期限须在计划期限（%(start)s 至 %(end)s）之内。") % {
                "start": programme.starts_on,
                "end": programme.ends_on,
            }
        minimum = programme.exchange_funding_per_person_year
        if minimum and self.exchange_person_years:
            required = minimum * self.exchange_person_years
            if (self.exchange_funding or 0) < required:
                errors["exchange_funding"] = _(
                    "交流人员工作经费不得低于每人每年 %(min)s 元："
                    "%(years)s 人·年至少需要 %(required)s 元。"
                ) % {
                    "min": f"{minimum:,.0f}",
                    "years": self.exchange_person_years,
                    "required": f"{required:,.0f}",
                }
        if errors:
            raise ValidationError(errors)

    @property
    def owner_consortium_id(self) -> int | None:
        """The consortium the project belongs to, directly or through its pairing."""
        if self.consortium_id:
            return self.consortium_id
        return self.pairing.consortium_id if self.pairing is not None else None

    @property
    def lead_unit(self) -> "ResponsibleUnit | None":
        units = list(self.units.all())
        return units[0] if units else None

    def covers(self, day: dt.date) -> bool:
        """Whether `day` falls within the project's dates (unknown dates cover every day)."""
        if not (self.starts_on and self.ends_on):
            return True
        return self.starts_on <= day <= self.ends_on

    @property
    def budget_share_spent(self) -> int | None:
        if not self.budget_planned:
            return None
        return round(self.budget_spent / self.budget_planned * 100)


class ResponsibleUnit(models.Model):
    """责任单位 — an institution (and optionally its department) responsible for a project.

    The first unit is the lead unit (牵头单位), as the seeds list them.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="units"
    )
    institution = models.ForeignKey(
        "schools.Institution",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="responsible_for",
    )
    department = models.CharField(
        _("部门"), max_length=100, blank=True, help_text=_("如：继续教育学院、发展规划处")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["project", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "institution", "department"], name="responsible_unit_unique"
            )
        ]

    def __str__(self) -> str:
        if self.department:
            return f"{self.institution.name} · {self.department}"
        return self.institution.name


class ProjectMember(models.Model):
    """项目组成员 — a person in the project group (not necessarily a user of this site)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("姓名"), max_length=64)
    institution = models.ForeignKey(
        "schools.Institution",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_memberships",
    )
    title = models.CharField(_("职务 / 职称"), max_length=64, blank=True)
    position = models.CharField(
        _("项目组职责"),
        max_length=16,
        choices=MemberPosition.choices,
        default=MemberPosition.MEMBER,
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("项目组成员")
        verbose_name_plural = _("项目组成员")
        ordering = ["project", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """实施步骤 — a dated step of a project; done when it has a done date."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("步骤"), max_length=200)
    due_on = models.DateField(_("计划完成日期"))
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    evidence = models.TextField(
        _("完成佐证"), blank=True, help_text=_("如：会议纪要、培训通知、成果文件名称或链接")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("实施步骤")
        verbose_name_plural = _("实施步骤")
        ordering = ["project", "due_on", "order", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.done_on and self.done_on > timezone.localdate():
            raise ValidationError({"done_on": _("实际完成日期不能晚于今天。")})
        project = self.project if self.project_id else None
        if project is not None and self.due_on and not project.covers(self.due_on):
            raise ValidationError(
                {
                    "due_on": _("计划完成日期须在项目期限（%(start)s 至 %(end)s）之内。")
                    % {"start": project.starts_on, "end": project.ends_on}
                }
            )

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.done_on is None and self.due_on < (today or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()


class ProjectStatusChange(models.Model):
    """One change of a project's status: who, when, from, to, and why."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("原状态"), max_length=16, choices=ProjectStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=16, choices=ProjectStatus.choices)
    comment = models.TextField(_("说明"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目状态变更")
        verbose_name_plural = _("项目状态变更")
        ordering = ["project", "-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project}: {self.from_status} → {self.to_status}"
