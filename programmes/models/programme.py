"""Programmes (计划 / 行动 / 工程), their phases or rounds, and their content areas (4+X)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ProgrammeLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    PREFECTURAL = "prefectural", _("市级")
    INSTITUTIONAL = "institutional", _("院校级")


class ReportingCadence(models.TextChoices):
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    HALF_YEARLY = "half_yearly", _("每半年")
    YEARLY = "yearly", _("每年")


class PhaseKind(models.TextChoices):
    PHASE = "phase", _("阶段")
    ROUND = "round", _("轮次")


class Programme(models.Model):
    """计划 / 行动 / 工程 — one programme run in this installation."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    short_name = models.CharField(_("简称"), max_length=64)
    slug = models.SlugField(_("标识"), max_length=64, unique=True)
    level = models.CharField(_("级别"), max_length=16, choices=ProgrammeLevel.choices)
    issuing_authority = models.CharField(_("发文单位"), max_length=128)
    document_number = models.CharField(_("文号"), max_length=64, blank=True)
    issued_on = models.DateField(_("发文日期"), null=True, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    region = models.ForeignKey(
        "schools.Region",
        verbose_name=_("实施地区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        help_text=_("省级及以下的计划填写其实施的省或地区；国家级留空。"),
    )
    reporting_cadence = models.CharField(
        _("信息报送周期"),
        max_length=16,
        choices=ReportingCadence.choices,
        default=ReportingCadence.QUARTERLY,
    )
    min_supporting_members = models.PositiveSmallIntegerField(
        _("组团最少帮扶高校数（M）"),
        null=True,
        blank=True,
        help_text=_("“1+M+N”组团中 M 的下限，如师范教育协同提质计划为 3；不组团的计划留空。"),
    )
    exchange_funding_per_person_year = models.DecimalField(
        _("交流人员经费下限（元/人·年）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("支教、跟岗等交流人员的工作经费标准，如广东省为每人每年不低于 4 万元。"),
    )
    pairing_parties_report = models.BooleanField(
        _("结对双方报送"),
        default=False,
        help_text=_("勾选后，结对的支援方和受援方每期都须报送；组团计划由组团成员报送。"),
    )
    description = models.TextField(_("简介"), blank=True)

    class Meta:
        verbose_name = _("计划")
        verbose_name_plural = _("计划")
        ordering = ["starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="programme_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
        if self.level == ProgrammeLevel.NATIONAL and self.region_id:
            raise ValidationError({"region": _("国家级计划不设实施地区。")})
        if self.level != ProgrammeLevel.NATIONAL and self.level and not self.region_id:
            raise ValidationError({"region": _("省级及以下的计划必须填写实施地区。")})

    @property
    def uses_consortia(self) -> bool:
        return self.min_supporting_members is not None


class Phase(models.Model):
    """阶段 / 轮次 — a dated part of a programme (Guangdong's three rounds, Leshan's two phases)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="phases"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=PhaseKind.choices)
    number = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("名称"), max_length=64)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))

    class Meta:
        verbose_name = _("阶段 / 轮次")
        verbose_name_plural = _("阶段 / 轮次")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="phase_unique_number"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="phase_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.short_name} · {self.name}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
        if not self.programme_id or not self.starts_on or not self.ends_on:
            return
        programme = self.programme
        if self.starts_on < programme.starts_on or self.ends_on > programme.ends_on:
            raise ValidationError(
                _("“%(name)s”的日期必须在计划期限（%(start)s 至 %(end)s）之内。")
                % {"name": self.name, "start": programme.starts_on, "end": programme.ends_on}
            )
        overlapping = (
            Phase.objects.filter(programme=programme)
            .exclude(pk=self.pk)
            .filter(starts_on__lte=self.ends_on, ends_on__gte=self.starts_on)
            .first()
        )
        if overlapping:
            raise ValidationError(
                _("“%(name)s”与“%(other)s”的日期重叠。")
                % {"name": self.name, "other": overlapping.name}
            )


class ContentArea(models.Model):
    """帮扶内容 — an area of support, e.g. the national programme's 4+X."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="content_areas"
    )
    code = models.CharField(_("编号"), max_length=16)
    name = models.CharField(_("名称"), max_length=64)
    description = models.TextField(_("说明"), blank=True)
    is_featured = models.BooleanField(
        _("特色项目（X）"), default=False, help_text=_("组团自行设计的特色项目，即“4+X”中的 X。")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("帮扶内容领域")
        verbose_name_plural = _("帮扶内容领域")
        ordering = ["programme", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="content_area_unique_code"),
            models.UniqueConstraint(fields=["programme", "name"], name="content_area_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
