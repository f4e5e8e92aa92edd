"""Activities (活动): what happened — trainings, exchanges, volunteer deployments, lectures."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from projects.choices import ActivityKind, ActualSource, ParticipantKind


class Activity(models.Model):
    """活动 — one training, exchange, volunteer deployment, lecture or meeting."""

    consortium = models.ForeignKey(
        "pairings.Consortium",
        verbose_name=_("组团"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    pairing = models.ForeignKey(
        "pairings.Pairing",
        verbose_name=_("结对"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("所属项目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    indicators = models.ManyToManyField(
        "projects.Indicator",
        verbose_name=_("计入指标"),
        blank=True,
        related_name="activities",
        help_text=_("本次活动计入哪些由活动汇总的指标。"),
    )
    kind = models.CharField(_("活动类型"), max_length=24, choices=ActivityKind.choices)
    title = models.CharField(_("活动名称"), max_length=200)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        "schools.Institution",
        verbose_name=_("组织单位"),
        on_delete=models.PROTECT,
        related_name="organised_activities",
    )
    teachers = models.PositiveIntegerField(_("教师（人次）"), default=0)
    principals = models.PositiveIntegerField(_("校长 / 管理干部（人次）"), default=0)
    students = models.PositiveIntegerField(_("学生 / 师范生（人次）"), default=0)
    volunteers = models.PositiveIntegerField(_("志愿者（人次）"), default=0)
    hours = models.DecimalField(
        _("学时"),
        max_digits=8,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("每名参训人员获得的学时；非培训类活动可填 0。"),
    )
    description = models.TextField(_("活动内容"), blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(consortium__isnull=False) | Q(pairing__isnull=False),
                name="activity_has_consortium_or_pairing",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("结束日期不能早于开始日期。")
        if not self.consortium_id and not self.pairing_id and not self.project_id:
            errors["project"] = _("请选择活动所属的项目、结对或组团。")
        project = self.project
        if project is not None and self.starts_on and not project.covers(self.starts_on):
            errors["starts_on"] = _("活动日期须在所属项目期限（%(start)s 至 %(end)s）之内。") % {
                "start": project.starts_on,
                "end": project.ends_on,
            }
        if (
            project is not None
            and self.pairing_id
            and project.pairing_id
            and project.pairing_id != self.pairing_id
        ):
            errors["pairing"] = _("所选结对与项目所属结对不一致。")
        if errors:
            raise ValidationError(errors)

    @property
    def participants(self) -> int:
        return self.teachers + self.principals + self.students + self.volunteers

    def measure(self, source: str, participant_kind: str) -> Decimal:
        """This activity's contribution to an indicator derived from activities."""
        if source == ActualSource.ACTIVITY_COUNT:
            return Decimal(1)
        if source == ActualSource.ACTIVITY_HOURS:
            return self.hours
        if participant_kind == ParticipantKind.ALL:
            return Decimal(self.participants)
        return Decimal(getattr(self, participant_kind))
