"""一校一策 improvement plans (提质计划): versions, expert review, attachments, transitions."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.uploads import StoredFile
from pairings.choices import MemberRole
from projects.choices import PlanStatus, Verdict


class SchoolPlan(models.Model):
    """提质计划 — the improvement plan of one supported college for one programme phase."""

    consortium = models.ForeignKey(
        "pairings.Consortium",
        verbose_name=_("组团"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    phase = models.ForeignKey(
        "programmes.Phase", verbose_name=_("阶段"), on_delete=models.PROTECT, related_name="plans"
    )
    college = models.ForeignKey(
        "schools.Institution",
        verbose_name=_("受援院校"),
        on_delete=models.PROTECT,
        related_name="improvement_plans",
    )
    supporter = models.ForeignKey(
        "schools.Institution",
        verbose_name=_("起草的帮扶高校"),
        on_delete=models.PROTECT,
        related_name="drafted_plans",
    )
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    projects = models.ManyToManyField(
        "projects.Project",
        verbose_name=_("实施项目"),
        blank=True,
        related_name="plans",
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="PlanReviewer",
        through_fields=("plan", "expert"),
        verbose_name=_("评审专家"),
        related_name="plans_to_review",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("提质计划（一校一策）")
        verbose_name_plural = _("提质计划（一校一策）")
        ordering = ["consortium", "phase__number", "college__name"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "college"], name="plan_one_per_phase"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not (self.consortium_id and self.phase_id and self.college_id and self.supporter_id):
            return
        errors: dict[str, Any] = {}
        if self.phase.programme_id != self.consortium.programme_id:
            errors["phase"] = _("所选阶段不属于该组团的计划。")
        roles = self.consortium.roles_by_institution()
        if MemberRole.SUPPORTED not in roles.get(self.college_id, set()):
            errors["college"] = _("“%(name)s”不是该组团的重点支持院校。") % {
                "name": self.college.name
            }
        if not roles.get(self.supporter_id, set()) & {MemberRole.LEAD, MemberRole.SUPPORTING}:
            errors["supporter"] = _("“%(name)s”不是该组团的帮扶高校。") % {
                "name": self.supporter.name
            }
        elif not self.consortium.pairings.filter(
            supporter_id=self.supporter_id, supported_id=self.college_id
        ).exists():
            errors["supporter"] = _(
                "“%(supporter)s”与“%(college)s”在该组团中没有结对，提质计划须由结对的帮扶高校起草。"
            ) % {"supporter": self.supporter.name, "college": self.college.name}
        duplicate = SchoolPlan.objects.filter(phase=self.phase, college=self.college).exclude(
            pk=self.pk
        )
        if duplicate.exists():
            errors["college"] = _(
                "“%(college)s”在“%(phase)s”已有提质计划，每校每阶段只能有一份。"
            ) % {
                "college": self.college.name,
                "phase": self.phase.name,
            }
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude: object = None) -> None:
        # clean() says "one plan per college per phase" with the names; say it once.
        super().validate_constraints(exclude={"college", "phase"})

    @property
    def current_version(self) -> "PlanVersion | None":
        versions = list(self.versions.all())
        return max(versions, key=lambda v: v.number) if versions else None

    @property
    def approved_version(self) -> "PlanVersion | None":
        approved = [v for v in self.versions.all() if v.approved_at]
        return max(approved, key=lambda v: v.number) if approved else None

    @property
    def is_editable(self) -> bool:
        return self.status in {PlanStatus.DRAFT, PlanStatus.RETURNED}


class PlanVersion(models.Model):
    """One version of a plan. Submitted versions are frozen: a revision is a new version."""

    plan = models.ForeignKey(
        SchoolPlan, verbose_name=_("提质计划"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("版本"))
    goals = models.TextField(_("发展目标与定位"), blank=True)
    needs = models.TextField(_("重点需求"), blank=True)
    measures = models.TextField(_("帮扶举措"), blank=True)
    research = models.TextField(
        _("调研情况"), blank=True, help_text=_("两轮调研的时间、方式与主要发现。")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("通过时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提质计划版本")
        verbose_name_plural = _("提质计划版本")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.submitted_at is not None


class PlanAttachment(StoredFile):
    """附件 — a PDF or Word file attached to a plan version (served only through a view)."""

    version = models.ForeignKey(
        PlanVersion, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to="plans/%Y/%m/")

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["version", "uploaded_at"]


class PlanReviewer(models.Model):
    """An expert assigned by the consortium office to review a plan."""

    plan = models.ForeignKey(
        SchoolPlan, verbose_name=_("提质计划"), on_delete=models.CASCADE, related_name="assignments"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("专家"),
        on_delete=models.CASCADE,
        related_name="plan_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("指派人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("指派时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评审专家指派")
        verbose_name_plural = _("评审专家指派")
        constraints = [
            models.UniqueConstraint(fields=["plan", "expert"], name="plan_reviewer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.expert}"


class PlanReview(models.Model):
    """One expert's comments and verdict on one submitted version."""

    version = models.ForeignKey(
        PlanVersion, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="reviews"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("专家"),
        on_delete=models.PROTECT,
        related_name="plan_reviews",
    )
    verdict = models.CharField(_("评审结论"), max_length=16, choices=Verdict.choices)
    comments = models.TextField(_("评审意见"))
    created_at = models.DateTimeField(_("评审时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专家评审")
        verbose_name_plural = _("专家评审")
        ordering = ["version", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "expert"], name="plan_review_once")
        ]

    def __str__(self) -> str:
        return f"{self.version} · {self.expert} · {self.get_verdict_display()}"


class PlanEvent(models.Model):
    """One transition of a plan: who, when, from, to, with which comment."""

    plan = models.ForeignKey(
        SchoolPlan, verbose_name=_("提质计划"), on_delete=models.CASCADE, related_name="events"
    )
    version = models.ForeignKey(
        PlanVersion,
        verbose_name=_("版本"),
        on_delete=models.CASCADE,
        null=True,
        related_name="events",
    )
    from_status = models.CharField(
        _("原状态"), max_length=16, choices=PlanStatus.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=16, choices=PlanStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("提质计划流转记录")
        verbose_name_plural = _("提质计划流转记录")
        ordering = ["plan", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.plan}: {self.from_status} → {self.to_status}"
