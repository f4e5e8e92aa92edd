"""Cached summaries behind the dashboards (数据看板).

The dashboards read three tables that are derived from the programme's own data and rebuilt
by `dashboards.services` — fully per programme (nightly, after imports, after generating
data) and for one period or a few indicators when a report changes — so a page aggregates a
few thousand pre-joined rows in the database instead of recomputing who owed which report and
which indicator stands where from hundreds of thousands of rows.

Every row carries the region code, assessment zone and kind of the institution it is counted
for, so any region of the drill-down (province → prefecture → county → institution) is a
prefix filter and any level's breakdown a GROUP BY on a prefix of the code.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CountedFor(models.Model):
    """Where a summary row is counted: the region code, assessment zone and kind of the
    institution it belongs to (copied, so every filter and GROUP BY stays on one table)."""

    region_code = models.CharField(_("区划代码"), max_length=12)
    zone = models.CharField(_("考核区域"), max_length=8, blank=True)
    kind = models.CharField(_("单位类型"), max_length=32)

    class Meta:
        abstract = True


class ReportSlot(CountedFor):
    """应报 — one report an institution owes for one reporting period, and how it stands."""

    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("计划"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey(
        "reports.ReportingPeriod",
        verbose_name=_("报送期"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    institution = models.ForeignKey(
        "schools.Institution", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+"
    )
    consortium = models.ForeignKey(
        "pairings.Consortium",
        verbose_name=_("组团"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    report = models.ForeignKey(
        "reports.QuarterlyReport",
        verbose_name=_("报告"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=16, blank=True, help_text=_("空：未建报告"))
    received = models.BooleanField(_("已报送"), default=False)
    timely = models.BooleanField(_("按时报送"), default=False)
    due_on = models.DateField(_("截止日期"))

    class Meta:
        verbose_name = _("应报记录")
        verbose_name_plural = _("应报记录")
        constraints = [
            models.UniqueConstraint(fields=["period", "institution"], name="slot_once_per_period")
        ]
        indexes = [
            models.Index(fields=["programme", "period", "region_code"]),
            models.Index(fields=["programme", "region_code"]),
            models.Index(fields=["consortium", "period"]),
        ]

    def __str__(self) -> str:
        return f"{self.institution_id} · {self.period_id}"


class Standing(models.TextChoices):
    ON_TRACK = "on_track", _("进度正常")
    BEHIND = "behind", _("落后于进度")
    NO_TARGET = "no_target", _("未设目标")


class IndicatorStanding(CountedFor):
    """指标进展 — one indicator's target, actual and standing in one round (or the whole
    programme when it has no rounds), counted for the institution it serves: the supported
    side of its pairing, else its project's lead unit."""

    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("计划"), on_delete=models.CASCADE, related_name="+"
    )
    phase = models.ForeignKey(
        "programmes.Phase",
        verbose_name=_("轮次 / 阶段"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    indicator = models.ForeignKey(
        "projects.Indicator", verbose_name=_("指标"), on_delete=models.CASCADE, related_name="+"
    )
    template = models.ForeignKey(
        "projects.IndicatorTemplate",
        verbose_name=_("指标模板"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    consortium = models.ForeignKey(
        "pairings.Consortium",
        verbose_name=_("组团"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    institution = models.ForeignKey(
        "schools.Institution", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+"
    )
    target = models.DecimalField(_("目标值"), max_digits=14, decimal_places=2, null=True)
    actual = models.DecimalField(_("实际值"), max_digits=14, decimal_places=2, null=True)
    percent = models.IntegerField(_("完成率（%）"), null=True)
    expected = models.IntegerField(_("时间进度（%）"), default=0)
    standing = models.CharField(_("进展"), max_length=12, choices=Standing.choices)

    class Meta:
        verbose_name = _("指标进展")
        verbose_name_plural = _("指标进展")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "phase"], name="standing_once_per_phase"),
        ]
        indexes = [
            models.Index(fields=["programme", "phase", "region_code"]),
            models.Index(fields=["consortium", "standing"]),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} · {self.phase_id}: {self.standing}"


class IndicatorTotal(CountedFor):
    """One period's reported values of a programme indicator (template), summed over the
    indicators counted for one region and kind of institution."""

    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("计划"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey(
        "reports.ReportingPeriod",
        verbose_name=_("报送期"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    template = models.ForeignKey(
        "projects.IndicatorTemplate",
        verbose_name=_("指标模板"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    total = models.DecimalField(_("合计"), max_digits=16, decimal_places=2)
    count = models.PositiveIntegerField(_("填报个数"))

    class Meta:
        verbose_name = _("指标分期合计")
        verbose_name_plural = _("指标分期合计")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "template", "region_code", "kind"], name="total_once_per_cell"
            ),
        ]
        indexes = [models.Index(fields=["programme", "template", "period"])]

    def __str__(self) -> str:
        return f"{self.template_id} · {self.period_id} · {self.region_code}: {self.total}"


class SummaryState(models.Model):
    """When a programme's summaries were last rebuilt in full, and how long it took."""

    programme = models.OneToOneField(
        "programmes.Programme", verbose_name=_("计划"), on_delete=models.CASCADE, related_name="+"
    )
    refreshed_at = models.DateTimeField(_("更新时间"))
    seconds = models.FloatField(_("用时（秒）"), default=0)

    class Meta:
        verbose_name = _("看板数据更新记录")
        verbose_name_plural = _("看板数据更新记录")

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.refreshed_at}"
