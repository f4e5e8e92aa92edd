"""Indicators (指标): templates set by a programme, taken on by projects and pairings, with
targets per year or round and actuals per reporting period (typed, or derived from activities).
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.choices import (
    ActivityKind,
    ActualSource,
    Aggregation,
    Direction,
    IndicatorKind,
    ParticipantKind,
    TargetBasis,
    TemplateScope,
)
from projects.progress import (
    PeriodValue,
    Progress,
    actual_in_period,
    deliverable_progress,
    quantitative_progress,
    quarter_of,
)


class IndicatorDefinition(models.Model):
    """The fields an indicator and the template it came from share."""

    name = models.CharField(_("指标名称"), max_length=200)
    kind = models.CharField(
        _("指标类型"),
        max_length=16,
        choices=IndicatorKind.choices,
        default=IndicatorKind.QUANTITATIVE,
    )
    unit = models.CharField(
        _("计量单位"), max_length=32, blank=True, help_text=_("如：学时、人、次、%")
    )
    direction = models.CharField(
        _("方向"), max_length=8, choices=Direction.choices, default=Direction.INCREASE
    )
    aggregation = models.CharField(
        _("汇总方式"), max_length=8, choices=Aggregation.choices, default=Aggregation.SUM
    )
    source = models.CharField(
        _("实际值来源"), max_length=24, choices=ActualSource.choices, default=ActualSource.MANUAL
    )
    activity_kind = models.CharField(
        _("只统计此类活动"),
        max_length=24,
        choices=ActivityKind.choices,
        blank=True,
        help_text=_("由活动汇总时可限定活动类型；留空则统计关联到本指标的全部活动。"),
    )
    participant_kind = models.CharField(
        _("统计的参与人员"),
        max_length=16,
        choices=ParticipantKind.choices,
        default=ParticipantKind.ALL,
    )
    description = models.TextField(_("说明 / 依据"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def clean_definition(self) -> dict[str, Any]:
        errors: dict[str, Any] = {}
        if self.kind == IndicatorKind.DELIVERABLE and self.source != ActualSource.MANUAL:
            errors["source"] = _("成果清单类指标按清单逐项勾选，不能由活动汇总。")
        if self.source == ActualSource.ACTIVITY_PARTICIPANTS and not self.participant_kind:
            errors["participant_kind"] = _("请选择要统计的参与人员。")
        return errors

    @property
    def is_derived(self) -> bool:
        return self.source != ActualSource.MANUAL


class IndicatorTemplate(IndicatorDefinition):
    """指标模板 — a programme's standard indicator that projects and pairings take on."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("计划"),
        on_delete=models.CASCADE,
        related_name="indicator_templates",
    )
    code = models.CharField(_("编号"), max_length=16)
    applies_to = models.CharField(
        _("适用于"), max_length=8, choices=TemplateScope.choices, default=TemplateScope.BOTH
    )
    target_basis = models.CharField(
        _("目标周期"), max_length=16, choices=TargetBasis.choices, default=TargetBasis.PER_YEAR
    )
    target_value = models.DecimalField(
        _("目标值"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("文件未规定数值时留空，由采用的项目或结对自行商定。"),
    )
    checklist = models.TextField(
        _("成果清单"), blank=True, help_text=_("成果清单类指标：每行一项，采用时生成清单。")
    )

    class Meta:
        verbose_name = _("指标模板")
        verbose_name_plural = _("指标模板")
        ordering = ["programme", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="template_unique_code")
        ]

    def clean(self) -> None:
        errors = self.clean_definition()
        if errors:
            raise ValidationError(errors)

    def checklist_items(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]

    def applies_to_projects(self) -> bool:
        return self.applies_to in {TemplateScope.PROJECT, TemplateScope.BOTH}

    def applies_to_pairings(self) -> bool:
        return self.applies_to in {TemplateScope.PAIRING, TemplateScope.BOTH}


TargetSpan = tuple["IndicatorTarget", dt.date, dt.date]


def target_on(spans: list[TargetSpan], today: dt.date) -> "IndicatorTarget | None":
    """The target whose period contains today, else the last one that ended, else the first
    one to come (`spans`: Indicator.target_spans(), computed once when asking for many days)."""
    if not spans:
        return None
    for target, starts_on, ends_on in spans:
        if starts_on <= today <= ends_on:
            return target
    past = [target for target, _starts_on, ends_on in spans if ends_on < today]
    return past[-1] if past else spans[0][0]


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def with_progress_data(self) -> "IndicatorQuerySet":
        """Everything `progress()` reads, in a fixed number of queries."""
        return self.select_related(
            "project", "pairing__phase", "project__pairing"
        ).prefetch_related("targets__phase", "actuals", "items", "activities")


class Indicator(IndicatorDefinition):
    """指标 — what a project or a pairing measures itself by."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
    )
    pairing = models.ForeignKey(
        "pairings.Pairing",
        verbose_name=_("结对"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
    )
    template = models.ForeignKey(
        IndicatorTemplate,
        verbose_name=_("来源模板"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
    )
    baseline = models.DecimalField(
        _("基线值"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False, pairing__isnull=True)
                | Q(project__isnull=True, pairing__isnull=False),
                name="indicator_belongs_to_project_or_pairing",
            ),
            models.UniqueConstraint(
                fields=["project", "template"],
                condition=Q(template__isnull=False, project__isnull=False),
                name="indicator_template_once_per_project",
            ),
            models.UniqueConstraint(
                fields=["pairing", "template"],
                condition=Q(template__isnull=False, pairing__isnull=False),
                name="indicator_template_once_per_pairing",
            ),
        ]

    def clean(self) -> None:
        errors = self.clean_definition()
        if bool(self.project_id) == bool(self.pairing_id):
            errors["project"] = _("指标须属于一个项目或一个结对（二选一）。")
        if errors:
            raise ValidationError(errors)

    def owner_period(self) -> tuple[dt.date | None, dt.date | None]:
        if self.project is not None:
            return self.project.starts_on, self.project.ends_on
        pairing = self.pairing
        assert pairing is not None
        if pairing.starts_on and pairing.ends_on:
            return pairing.starts_on, pairing.ends_on
        if pairing.phase is not None:
            return pairing.phase.starts_on, pairing.phase.ends_on
        return pairing.starts_on, pairing.ends_on

    def period_values(self) -> list[PeriodValue]:
        """What was recorded: typed actuals per reporting period, or one value per counted
        activity on its date (so any period — a quarter, a month, a round — sums exactly)."""
        if not self.is_derived:
            return [PeriodValue(a.starts_on, a.ends_on, a.value) for a in self.actuals.all()]
        return [
            PeriodValue(
                activity.starts_on,
                activity.starts_on,
                activity.measure(self.source, self.participant_kind),
            )
            for activity in self.activities.all()
            if not self.activity_kind or activity.kind == self.activity_kind
        ]

    def value_between(self, starts_on: dt.date, ends_on: dt.date) -> Decimal | None:
        """The sum of what was recorded in [starts_on, ends_on] (None: nothing recorded)."""
        return actual_in_period(self.period_values(), starts_on, ends_on, Aggregation.SUM)

    def quarterly_values(self) -> list[PeriodValue]:
        """The recorded values by calendar quarter, for display."""
        if not self.is_derived:
            return sorted(self.period_values(), key=lambda v: v.starts_on)
        per_quarter: dict[tuple[dt.date, dt.date], Decimal] = defaultdict(Decimal)
        for value in self.period_values():
            per_quarter[quarter_of(value.starts_on)] += value.value
        return [PeriodValue(s, e, v) for (s, e), v in sorted(per_quarter.items())]

    def target_spans(self) -> list[TargetSpan]:
        """The targets with their periods, earliest first (for target_on)."""
        spans = [(t, *t.period()) for t in self.targets.all()]
        return sorted(spans, key=lambda span: span[1])

    def current_target(self, today: dt.date) -> "IndicatorTarget | None":
        return target_on(self.target_spans(), today)

    def progress_for(self, target: "IndicatorTarget", today: dt.date) -> Progress:
        starts_on, ends_on = target.period()
        return quantitative_progress(
            target=target.value,
            starts_on=starts_on,
            ends_on=ends_on,
            values=self.period_values(),
            aggregation=self.aggregation,
            direction=self.direction,
            baseline=self.baseline,
            today=today,
        )

    def progress(self, today: dt.date | None = None) -> Progress | None:
        today = today or timezone.localdate()
        if self.kind == IndicatorKind.DELIVERABLE:
            items = list(self.items.all())
            starts_on, ends_on = self.owner_period()
            return deliverable_progress(
                done=sum(1 for i in items if i.done_on),
                total=len(items),
                starts_on=starts_on,
                ends_on=ends_on,
                today=today,
            )
        target = self.current_target(today)
        return None if target is None else self.progress_for(target, today)


class IndicatorTarget(models.Model):
    """目标值 — the target of an indicator for one year or for one round / phase."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    phase = models.ForeignKey(
        "programmes.Phase",
        verbose_name=_("轮次 / 阶段"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicator_targets",
    )
    value = models.DecimalField(_("目标值"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("目标值")
        verbose_name_plural = _("目标值")
        ordering = ["indicator", "year", "phase__number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=False, phase__isnull=True)
                | Q(year__isnull=True, phase__isnull=False),
                name="target_year_or_phase",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(year__isnull=False),
                name="target_unique_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "phase"],
                condition=Q(phase__isnull=False),
                name="target_unique_phase",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"

    def clean(self) -> None:
        if (self.year is None) == (self.phase_id is None):
            raise ValidationError(_("目标值须对应一个年度或一个轮次（二选一）。"))
        if self.year is not None and not 2000 <= self.year <= 2100:
            raise ValidationError({"year": _("年度须为四位数的年份。")})

    @property
    def label(self) -> str:
        return str(self.phase.name) if self.phase is not None else f"{self.year}"

    def period(self) -> tuple[dt.date, dt.date]:
        if self.phase is not None:
            return self.phase.starts_on, self.phase.ends_on
        assert self.year is not None
        return dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)


class IndicatorActual(models.Model):
    """实际值 — the value an indicator reached in one reporting period (typed in)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="actuals"
    )
    starts_on = models.DateField(_("报送期开始"))
    ends_on = models.DateField(_("报送期结束"))
    value = models.DecimalField(_("实际值"), max_digits=12, decimal_places=2)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("填报时间"), auto_now=True)

    class Meta:
        verbose_name = _("实际值")
        verbose_name_plural = _("实际值")
        ordering = ["indicator", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "starts_on"], name="actual_unique_period"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="actual_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("报送期结束日期不能早于开始日期。")})
        if self.indicator_id and self.indicator.is_derived:
            raise ValidationError(
                _("指标“%(name)s”的实际值由活动记录自动汇总，不能手工填报。")
                % {"name": self.indicator.name}
            )


class DeliverableItem(models.Model):
    """成果清单项 — one deliverable of a checklist indicator (e.g. one of Leshan's 五个一)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="items"
    )
    title = models.CharField(_("成果"), max_length=200)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    evidence = models.CharField(_("佐证"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("成果清单项")
        verbose_name_plural = _("成果清单项")
        ordering = ["indicator", "order", "id"]

    def __str__(self) -> str:
        return self.title
