"""Field visits (调查研究) and the consortium's meetings (联席会议, 领导小组会议)."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pairings.choices import MemberRole
from projects.choices import MeetingKind


class Visit(models.Model):
    """调研走访 — a visit by a university's leader to a college of the consortium."""

    consortium = models.ForeignKey(
        "pairings.Consortium",
        verbose_name=_("组团"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    visiting = models.ForeignKey(
        "schools.Institution",
        verbose_name=_("调研单位"),
        on_delete=models.PROTECT,
        related_name="visits_made",
    )
    leader_name = models.CharField(_("带队领导"), max_length=64)
    leader_post = models.CharField(_("职务"), max_length=100, help_text=_("如：副校长（分管）"))
    is_responsible_leader = models.BooleanField(
        _("分管校领导带队"),
        default=True,
        help_text=_("计入“分管校领导每年实地调研不少于 1 次”的要求。"),
    )
    visited = models.ForeignKey(
        "schools.Institution",
        verbose_name=_("被调研院校"),
        on_delete=models.PROTECT,
        related_name="visits_received",
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    purpose = models.TextField(_("调研目的"))
    findings = models.TextField(_("主要发现"), blank=True)
    follow_up = models.TextField(_("后续举措"), blank=True)
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
        verbose_name = _("调研走访")
        verbose_name_plural = _("调研走访")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="visit_ends_after_start"
            ),
            models.CheckConstraint(condition=~Q(visiting=F("visited")), name="visit_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.visiting} → {self.visited}（{self.starts_on}）"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("结束日期不能早于开始日期。")
        if self.consortium_id and self.visiting_id and self.visited_id:
            if self.visiting_id == self.visited_id:
                errors["visited"] = _("调研单位和被调研院校不能相同。")
            roles = self.consortium.roles_by_institution()
            universities = {MemberRole.LEAD, MemberRole.SUPPORTING}
            if not roles.get(self.visiting_id, set()) & universities:
                errors["visiting"] = _("“%(name)s”不是该组团的牵头或帮扶高校。") % {
                    "name": self.visiting.name
                }
            if MemberRole.SUPPORTED not in roles.get(self.visited_id, set()):
                errors["visited"] = _("“%(name)s”不是该组团的重点支持院校。") % {
                    "name": self.visited.name
                }
        if errors:
            raise ValidationError(errors)


class Meeting(models.Model):
    """联席会议 / 领导小组会议 — a meeting of the consortium's bodies, with minutes."""

    consortium = models.ForeignKey(
        "pairings.Consortium",
        verbose_name=_("组团"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    kind = models.CharField(_("会议类型"), max_length=24, choices=MeetingKind.choices)
    title = models.CharField(_("会议名称"), max_length=200)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    attendees = models.ManyToManyField(
        "schools.Institution",
        verbose_name=_("出席单位"),
        blank=True,
        related_name="meetings_attended",
    )
    minutes = models.TextField(_("会议纪要"), blank=True)
    decisions = models.TextField(_("议定事项"), blank=True)
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
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title
