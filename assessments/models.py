"""Assessment (考核评价, seed 004 annex 4): schemes of weighted indicators set up by a province,
the data they score (computed, imported, entered by reviewers, surveyed), and the scoring runs
with every party's raw values, scores, weighted scores, total and rank.

A scheme is data, not code: its indicators form a tree of two levels, every indicator has a
weight per column — the assessment zone (珠三角 / 粤东粤西粤北) or the kind of assessed party
(支援地区 / 支援高校 / 受援地区) — and each level's weights add up to 100 per column. Once a
scoring run has started the scheme is frozen; changes go into a new version.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.uploads import StoredFile
from projects.choices import Direction

HUNDRED = Decimal(100)


class Basis(models.TextChoices):
    ZONE = "zone", _("按考核区域设权重（市、县政府）")
    ROLE = "role", _("按被考核方类别设权重（结对帮扶各方）")


class Column(models.TextChoices):
    """A column of weights: an assessment zone, or a kind of assessed party."""

    PEARL_RIVER_DELTA = "prd", _("珠三角地区")
    EAST_WEST_NORTH = "ewn", _("粤东粤西粤北地区")
    SUPPORTING_REGION = "supporting_region", _("支援地区")
    SUPPORTING_UNIVERSITY = "supporting_university", _("支援高校")
    SUPPORTED_REGION = "supported_region", _("受援地区")


COLUMNS = {
    Basis.ZONE: (Column.PEARL_RIVER_DELTA, Column.EAST_WEST_NORTH),
    Basis.ROLE: (Column.SUPPORTING_REGION, Column.SUPPORTING_UNIVERSITY, Column.SUPPORTED_REGION),
}


class Rule(models.TextChoices):
    ATTAINMENT = "attainment", _("目标达成（实际 ÷ 目标，满分封顶）")
    RANKING = "ranking", _("排名（同组内按名次线性计分）")
    THRESHOLD = "threshold", _("达标（达到标准得满分）")
    YES_NO = "yes_no", _("是否（是得满分，否得 0 分）")
    MANUAL = "manual", _("评审打分（0–100 分）")


class Source(models.TextChoices):
    COMPUTED = "computed", _("系统数据自动计算")
    IMPORTED = "imported", _("Excel 导入")
    ENTERED = "entered", _("评审录入（附佐证）")
    SURVEY = "survey", _("满意度调查")


class Metric(models.TextChoices):
    """What a computed indicator counts for a party over the scheme's year."""

    REPORT_TIMELINESS = "report_timeliness", _("季度报告按时报送率（%）")
    REPORT_COMPLETENESS = "report_completeness", _("季度报告报送完整率（%）")
    VISITS = "visits", _("实地走访次数")
    MILESTONES_ON_TIME = "milestones_on_time", _("项目里程碑按期完成率（%）")
    TRAINING_HOURS = "training_hours", _("培训人学时（学时 × 参训人次）")
    INDICATOR_ACTUAL = "indicator_actual", _("计划指标实际值（季度报告汇总）")


class ValueAdded(models.TextChoices):
    NONE = "", _("不计增值（按当年值计分）")
    CHANGE = "change", _("增量（当年值 − 上年值）")
    GROWTH = "growth", _("增长率（%）")


class AssessmentScheme(models.Model):
    """考核评价方案 — one programme's indicators and weights for one year, in versions."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("计划"),
        on_delete=models.PROTECT,
        related_name="assessment_schemes",
    )
    phase = models.ForeignKey(
        "programmes.Phase",
        verbose_name=_("轮次"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("只考核该轮次结对的各方；不选则为计划的全部结对。"),
    )
    year = models.PositiveSmallIntegerField(
        _("考核年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    name = models.CharField(_("方案名称"), max_length=200)
    basis = models.CharField(_("权重依据"), max_length=8, choices=Basis.choices)
    description = models.TextField(_("说明"), blank=True)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评审人"),
        blank=True,
        related_name="assessment_schemes_reviewed",
        help_text=_("可录入评审打分和佐证数据的人员。"),
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("上一版本"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    frozen_at = models.DateTimeField(
        _("冻结时间"), null=True, blank=True, help_text=_("开始评分时冻结，之后只能建新版本。")
    )

    class Meta:
        verbose_name = _("考核评价方案")
        verbose_name_plural = _("考核评价方案")
        ordering = ["programme", "-year", "basis", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "basis", "version"], name="scheme_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{_('第 %(n)s 版') % {'n': self.version}}）"

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def columns(self) -> tuple[Column, ...]:
        return COLUMNS[Basis(self.basis)]

    def clean(self) -> None:
        phase = self.phase if self.phase_id else None
        if phase is not None and self.programme_id and phase.programme_id != self.programme_id:
            raise ValidationError({"phase": _("所选轮次不属于该计划。")})


class AssessmentIndicator(models.Model):
    """考核指标 — a first-level indicator (a group) or a second-level one (scored)."""

    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("方案"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("一级指标"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("不选则为一级指标。"),
    )
    code = models.CharField(_("编号"), max_length=16, help_text=_("如“1”“1.2”"))
    name = models.CharField(_("指标名称"), max_length=200)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    description = models.TextField(_("评分标准说明"), blank=True)
    rule = models.CharField(_("计分规则"), max_length=16, choices=Rule.choices, blank=True)
    source = models.CharField(_("数据来源"), max_length=16, choices=Source.choices, blank=True)
    metric = models.CharField(_("自动计算口径"), max_length=24, choices=Metric.choices, blank=True)
    template = models.ForeignKey(
        "projects.IndicatorTemplate",
        verbose_name=_("计划指标"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("口径为“计划指标实际值”时选择。"),
    )
    unit = models.CharField(_("计量单位"), max_length=32, blank=True)
    direction = models.CharField(
        _("方向"), max_length=16, choices=Direction.choices, default=Direction.INCREASE
    )
    value_added = models.CharField(
        _("增值评价"), max_length=8, choices=ValueAdded.choices, blank=True
    )
    target = models.DecimalField(
        _("目标值"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("目标达成计分用；各栏可另设目标，导入数据也可逐方给出目标。"),
    )
    threshold = models.DecimalField(
        _("达标标准"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    below_score = models.DecimalField(
        _("未达标得分"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(HUNDRED)],
    )
    floor_score = models.DecimalField(
        _("排名末位得分"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(HUNDRED)],
        help_text=_("排名计分：第一名 100 分，末位得此分，其间按名次线性递减。"),
    )

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["scheme", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="assessment_indicator_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def level(self) -> int:
        return 1 if self.parent_id is None else 2

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.parent_id is not None:
            parent = self.parent
            if parent.parent_id is not None:  # type: ignore[union-attr]
                errors["parent"] = _("指标体系只有两级：二级指标的上级必须是一级指标。")
            elif parent.scheme_id != self.scheme_id:  # type: ignore[union-attr]
                errors["parent"] = _("上级指标不属于同一方案。")
        if self.rule:
            if not self.source:
                errors["source"] = _("请选择数据来源。")
            if self.source == Source.COMPUTED and not self.metric:
                errors["metric"] = _("数据来源为系统自动计算时，请选择计算口径。")
            if self.metric == Metric.INDICATOR_ACTUAL and not self.template_id:
                errors["template"] = _("口径为“计划指标实际值”时，请选择计划指标。")
            if self.rule == Rule.THRESHOLD and self.threshold is None:
                errors["threshold"] = _("达标计分须填写达标标准。")
            if self.rule == Rule.MANUAL and self.source not in (Source.ENTERED, Source.IMPORTED):
                errors["source"] = _("评审打分的数据来源应为评审录入或 Excel 导入。")
            if self.rule in (Rule.MANUAL, Rule.YES_NO) and self.value_added:
                errors["value_added"] = _("评审打分和是否类指标不计增值。")
        if self.source != Source.COMPUTED and self.metric:
            errors["metric"] = _("只有系统自动计算的指标才选择计算口径。")
        if errors:
            raise ValidationError(errors)


class AssessmentWeight(models.Model):
    """权重 — an indicator's weight in one column (zone or kind of party), and that column's
    own target where it differs."""

    indicator = models.ForeignKey(
        AssessmentIndicator,
        verbose_name=_("指标"),
        on_delete=models.CASCADE,
        related_name="weights",
    )
    column = models.CharField(_("权重栏"), max_length=24, choices=Column.choices)
    weight = models.DecimalField(
        _("权重"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(HUNDRED)],
    )
    target = models.DecimalField(
        _("本栏目标值"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("指标权重")
        verbose_name_plural = _("指标权重")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "column"], name="weight_one_per_column")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.get_column_display()} · {self.weight}"


class AssessmentEntry(models.Model):
    """考核数据 — one party's value of one indicator, imported from Excel or entered by a
    reviewer with evidence; optionally its own target and last year's value."""

    indicator = models.ForeignKey(
        AssessmentIndicator,
        verbose_name=_("指标"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    party = models.ForeignKey(
        "schools.Institution",
        verbose_name=_("被考核单位"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    value = models.DecimalField(_("数值 / 得分"), max_digits=14, decimal_places=2)
    target = models.DecimalField(
        _("目标值"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    last_year = models.DecimalField(
        _("上年值"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    evidence = models.TextField(_("佐证说明"), blank=True)
    import_batch = models.ForeignKey(
        "imports.ImportBatch",
        verbose_name=_("导入记录"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("考核数据变更记录"))

    class Meta:
        verbose_name = _("考核数据")
        verbose_name_plural = _("考核数据")
        ordering = ["indicator", "party"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "party"], name="entry_one_per_party"),
            models.CheckConstraint(
                condition=Q(source__in=[Source.IMPORTED, Source.ENTERED]),
                name="entry_imported_or_entered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.party} · {self.value}"

    def clean(self) -> None:
        if self.source == Source.ENTERED and not self.evidence.strip():
            raise ValidationError({"evidence": _("评审录入的数据须填写佐证说明。")})
        manual = self.indicator_id and self.indicator.rule == Rule.MANUAL
        if manual and self.value is not None and not (Decimal(0) <= self.value <= HUNDRED):
            raise ValidationError({"value": _("评审打分须在 0 到 100 分之间。")})


class EvidenceFile(StoredFile):
    """A file attached to an entered value as evidence (served only through a view)."""

    entry = models.ForeignKey(
        AssessmentEntry,
        verbose_name=_("考核数据"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    file = models.FileField(_("文件"), upload_to="assessments/%Y/%m/")

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["entry", "uploaded_at"]


class SurveyResult(models.Model):
    """满意度调查结果 — the public satisfaction survey of one region, imported per region."""

    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("方案"),
        on_delete=models.CASCADE,
        related_name="surveys",
    )
    region = models.ForeignKey(
        "schools.Region", verbose_name=_("地区"), on_delete=models.CASCADE, related_name="+"
    )
    respondents = models.PositiveIntegerField(_("有效样本数"))
    score = models.DecimalField(
        _("满意度（0–100）"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(HUNDRED)],
    )
    import_batch = models.ForeignKey(
        "imports.ImportBatch",
        verbose_name=_("导入记录"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("导入时间"), auto_now=True)

    class Meta:
        verbose_name = _("满意度调查结果")
        verbose_name_plural = _("满意度调查结果")
        ordering = ["scheme", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "region"], name="survey_one_per_region")
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.score}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("评分中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class AssessmentRun(models.Model):
    """评分 — one scoring of a scheme over the data of the day, run by Celery; published
    runs are what the assessed parties see."""

    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("方案"), on_delete=models.PROTECT, related_name="runs"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    stage = models.CharField(_("当前步骤"), max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def published(self) -> bool:
        return self.published_at is not None

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class AssessmentResult(models.Model):
    """One assessed party's result in a run: its column, total and rank within its group
    (the same column and the same level: cities with cities, counties with counties)."""

    run = models.ForeignKey(
        AssessmentRun, verbose_name=_("评分"), on_delete=models.CASCADE, related_name="results"
    )
    party = models.ForeignKey(
        "schools.Institution",
        verbose_name=_("被考核单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    column = models.CharField(_("考核类别"), max_length=24, choices=Column.choices)
    group = models.CharField(_("排名组"), max_length=32)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField(_("组内名次"))
    group_size = models.PositiveIntegerField(_("组内单位数"))

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["run", "column", "group", "rank", "party__name"]
        constraints = [
            models.UniqueConstraint(fields=["run", "party", "column"], name="result_one_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.party} · {self.total}"


class AssessmentScore(models.Model):
    """One indicator of one result: the raw value and where it came from (trace), last
    year's value and the measure scored, the target, the score (0–100), the weight and the
    weighted score. First-level rows hold the weighted sum of their children."""

    result = models.ForeignKey(
        AssessmentResult,
        verbose_name=_("考核结果"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    indicator = models.ForeignKey(
        AssessmentIndicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+"
    )
    raw = models.DecimalField(_("原始值"), max_digits=14, decimal_places=2, null=True)
    last_year = models.DecimalField(_("上年值"), max_digits=14, decimal_places=2, null=True)
    measure = models.DecimalField(_("计分值"), max_digits=14, decimal_places=2, null=True)
    target = models.DecimalField(_("目标 / 标准"), max_digits=14, decimal_places=2, null=True)
    score = models.DecimalField(_("得分（百分制）"), max_digits=6, decimal_places=2)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2)
    weighted = models.DecimalField(_("加权得分"), max_digits=6, decimal_places=2)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    trace: Any = models.JSONField(_("数据来源明细"), default=dict, blank=True)

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        ordering = ["result", "indicator__order", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["result", "indicator"], name="score_one_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.score}"
