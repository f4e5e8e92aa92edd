"""Applications (申报) of candidate colleges to a programme round: the row a province's summary
table (汇总表) recommends and the application form (申报书) fills in, and its selection workflow
recommended → reviewed → site visit → selected / not selected.

The 申报书 (seed 001, annex 2) is kept as structured rows — cover facts and texts on
ApplicationDocument; teachers by age, degree and title; normal majors; enrolment and employment
per year 2016–2021; the city's and the province's support measures — so that reviewers compare
colleges by their figures, and the rules between the figures live here, once."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Imported rather than named by string so that Programme and Phase register before Application:
# code that walks the app's models and deletes them in reverse order (the demo test's clean-up)
# then reaches the applications before the programmes and rounds they protect.
from programmes.models.programme import Phase, Programme


class ApplicationStatus(models.TextChoices):
    RECOMMENDED = "recommended", _("已推荐")
    REVIEWED = "reviewed", _("材料审核通过")
    SITE_VISIT = "site_visit", _("实地考察")
    SELECTED = "selected", _("入选")
    NOT_SELECTED = "not_selected", _("未入选")


# Where an application may go next. A decision can be reopened (back to recommended) when the
# ministry revisits it; everything else moves forward one step or drops out.
APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    ApplicationStatus.RECOMMENDED: frozenset(
        {ApplicationStatus.REVIEWED, ApplicationStatus.NOT_SELECTED}
    ),
    ApplicationStatus.REVIEWED: frozenset(
        {ApplicationStatus.SITE_VISIT, ApplicationStatus.NOT_SELECTED}
    ),
    ApplicationStatus.SITE_VISIT: frozenset(
        {ApplicationStatus.SELECTED, ApplicationStatus.NOT_SELECTED}
    ),
    ApplicationStatus.SELECTED: frozenset({ApplicationStatus.RECOMMENDED}),
    ApplicationStatus.NOT_SELECTED: frozenset({ApplicationStatus.RECOMMENDED}),
}


class Application(models.Model):
    """申报 — a college recommended by its province for a programme (round)."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("计划"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    phase = models.ForeignKey(
        Phase,
        verbose_name=_("阶段 / 轮次"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    institution = models.ForeignKey(
        "schools.Institution",
        verbose_name=_("申报学校"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    province = models.ForeignKey(
        "schools.Region",
        verbose_name=_("推荐省份"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "province"},
    )
    recommended_by = models.ForeignKey(
        "schools.Institution",
        verbose_name=_("推荐单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("省级教育行政部门。"),
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    prefecture = models.ForeignKey(
        "schools.Region",
        verbose_name=_("所在地（地、市、州、盟）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    underdeveloped_counties = models.ManyToManyField(
        "schools.Region",
        verbose_name=_("欠发达县"),
        blank=True,
        related_name="+",
        help_text=_("所在地市所辖的国家乡村振兴重点帮扶县、脱贫县、边境县。"),
    )
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系方式"), max_length=64, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.RECOMMENDED,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("申报")
        verbose_name_plural = _("申报")
        ordering = ["programme", "province__code", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "phase", "institution"],
                condition=Q(phase__isnull=False),
                name="application_unique_in_round",
            ),
            models.UniqueConstraint(
                fields=["programme", "institution"],
                condition=Q(phase__isnull=True),
                name="application_unique_without_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution}（{self.programme.short_name}）"

    def can_move_to(self, status: str) -> bool:
        return status in APPLICATION_TRANSITIONS.get(self.status, frozenset())


class ApplicationEvent(models.Model):
    """申报状态变更 — who moved an application from which status to which, and why."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(
        _("原状态"), max_length=16, choices=ApplicationStatus.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=16, choices=ApplicationStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    comment = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("申报状态变更")
        verbose_name_plural = _("申报状态变更")
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application}: {self.from_status} → {self.to_status}"


# ---------------------------------------------------------------------------------------------
# 申报书 — the contents of the application form (seed 001, annex 2), one per application.

# Annex 2 asks for enrolment and employment "2016—2021 年分年度": the six years before the call.
APPLICATION_YEARS = range(2016, 2022)


class TeacherDimension(models.TextChoices):
    AGE = "age", _("年龄")
    DEGREE = "degree", _("学历")
    TITLE = "title", _("职称")


class TeacherCategory(models.TextChoices):
    AGE_35 = "age_35", _("35岁及以下")
    AGE_36_45 = "age_36_45", _("36—45岁")
    AGE_46_55 = "age_46_55", _("46—55岁")
    AGE_56 = "age_56", _("56岁及以上")
    DOCTORATE = "doctorate", _("博士研究生")
    MASTER = "master", _("硕士研究生")
    BACHELOR = "bachelor", _("本科及以下")
    SENIOR = "senior", _("正高级")
    ASSOCIATE = "associate", _("副高级")
    INTERMEDIATE = "intermediate", _("中级")
    JUNIOR = "junior", _("初级及未定级")


# Every teacher falls in exactly one category of each dimension, so each dimension adds up to
# the same number of teachers.
TEACHER_DIMENSIONS: dict[str, tuple[str, ...]] = {
    TeacherDimension.AGE: (
        TeacherCategory.AGE_35,
        TeacherCategory.AGE_36_45,
        TeacherCategory.AGE_46_55,
        TeacherCategory.AGE_56,
    ),
    TeacherDimension.DEGREE: (
        TeacherCategory.DOCTORATE,
        TeacherCategory.MASTER,
        TeacherCategory.BACHELOR,
    ),
    TeacherDimension.TITLE: (
        TeacherCategory.SENIOR,
        TeacherCategory.ASSOCIATE,
        TeacherCategory.INTERMEDIATE,
        TeacherCategory.JUNIOR,
    ),
}
DIMENSION_OF = {c: d for d, categories in TEACHER_DIMENSIONS.items() for c in categories}


class MajorLevel(models.TextChoices):
    UNDERGRADUATE = "undergraduate", _("本科")
    JUNIOR_COLLEGE = "junior_college", _("专科")


class FirstClassMajor(models.TextChoices):
    NONE = "", _("否")
    PROVINCIAL = "provincial", _("省级")
    NATIONAL = "national", _("国家级")


class Accreditation(models.TextChoices):
    """师范类专业认证 — the ministry's three-level accreditation of normal majors."""

    NONE = "", _("未认证")
    LEVEL_1 = "level_1", _("第一级")
    LEVEL_2 = "level_2", _("第二级")
    LEVEL_3 = "level_3", _("第三级")


class SupportLevel(models.TextChoices):
    CITY = "city", _("地市级")
    PROVINCE = "province", _("省级")


class SupportKind(models.TextChoices):
    FUNDING = "funding", _("经费投入")
    POLICY = "policy", _("政策支持")
    COORDINATION = "coordination", _("协调机制")
    TEACHER_COOPERATION = "teacher_cooperation", _("基础教育教师队伍建设合作计划")
    OTHER = "other", _("其他")


class ApplicationDocument(models.Model):
    """申报书 — the facts and texts of the application form (annex 2) for one application."""

    application = models.OneToOneField(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="document"
    )
    head_name = models.CharField(_("学校负责人"), max_length=64)
    recommender_name = models.CharField(
        _("推荐单位（封面）"), max_length=128, help_text=_("封面上填写的省级教育行政部门。")
    )
    declared_on = models.DateField(_("申报日期"))
    students_total = models.PositiveIntegerField(_("全日制在校生总数"))
    undergraduates = models.PositiveIntegerField(_("本科生"))
    junior_college_students = models.PositiveIntegerField(_("专科生"))
    masters = models.PositiveIntegerField(_("硕士研究生"))
    doctorates = models.PositiveIntegerField(_("博士研究生"))
    normal_students = models.PositiveIntegerField(_("师范类专业在校生"))
    basic_situation = models.TextField(
        _("一、学校基本情况"),
        blank=True,
        help_text=_("办学历史、基础条件，学科、专业设置，教学、科研平台等。"),
    )
    normal_disciplines = models.TextField(
        _("二、1. 师范类学科专业情况"),
        blank=True,
        help_text=_("专业设置，特色学科专业、特色课程，学科建设、人才培养模式、教学改革等。"),
    )
    normal_students_notes = models.TextField(_("二、2. 师范类专业学生情况（说明）"), blank=True)
    normal_teachers_notes = models.TextField(
        _("二、3. 师范类专业教师情况（教学研究等）"), blank=True
    )
    basic_education_service = models.TextField(_("二、4. 服务基础教育情况"), blank=True)
    development_plan = models.TextField(_("三、学校“十四五”发展规划"), blank=True)
    improvement_plan = models.TextField(_("四、学校提质计划实施方案"), blank=True)
    support_notes = models.TextField(_("五、地方支持措施（说明）"), blank=True)
    other_material = models.TextField(_("六、认为重要的其他情况或支撑材料"), blank=True)
    is_demo = models.BooleanField(
        _("示例数据"), default=False, help_text=_("由示例数据生成，其中的数字和文字均为虚构。")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("申报书")
        verbose_name_plural = _("申报书")
        constraints = [
            models.CheckConstraint(
                condition=Q(normal_students__lte=F("students_total")),
                name="application_document_normal_within_total",
            ),
        ]

    def __str__(self) -> str:
        return str(self.application)

    def student_errors(self) -> dict[str, str]:
        """The student figures that contradict each other, by field."""
        errors: dict[str, str] = {}
        levels = [self.undergraduates, self.junior_college_students, self.masters, self.doctorates]
        total = self.students_total
        # Not equal: the total may also count preparatory or international students.
        if total is not None and all(n is not None for n in levels):
            counted = sum(n for n in levels if n is not None)
            if counted > total:
                errors["students_total"] = gettext(
                    "本科生、专科生、硕士和博士研究生合计 %(sum)d 人，"
                    "多于全日制在校生总数 %(total)d 人。"
                ) % {"sum": counted, "total": total}
        if total is not None and self.normal_students is not None and self.normal_students > total:
            errors["normal_students"] = gettext(
                "师范类专业在校生 %(normal)d 人，多于全日制在校生总数 %(total)d 人。"
            ) % {"normal": self.normal_students, "total": total}
        return errors

    def clean(self) -> None:
        errors = self.student_errors()
        if errors:
            raise ValidationError(errors)

    def teacher_table(self) -> list[dict[str, Any]]:
        """Teachers by dimension with subtotals, for display (counts prefetched: no query)."""
        counts = {c.category: c for c in self.teacher_counts.all()}
        table = []
        for dimension, categories in TEACHER_DIMENSIONS.items():
            rows = [counts[c] for c in categories if c in counts]
            table.append(
                {
                    "dimension": TeacherDimension(dimension).label,
                    "rows": rows,
                    "all_teachers": sum(r.all_teachers for r in rows),
                    "normal_teachers": sum(r.normal_teachers for r in rows),
                }
            )
        return table

    def measures_by_level(self) -> list[tuple[str, list["SupportMeasure"]]]:
        """(level label, measures) for 地市级 then 省级 (measures prefetched: no query)."""
        measures = list(self.measures.all())
        return [
            (str(level.label), [m for m in measures if m.level == level]) for level in SupportLevel
        ]


def teacher_total_errors(
    counts: dict[str, tuple[int, int]],
) -> list[tuple[str, str, str]]:
    """(dimension, "all_teachers" or "normal_teachers", message) for each dimension whose total
    differs from the others'; `counts` maps category → (all teachers, normal-major teachers)."""
    errors: list[tuple[str, str, str]] = []
    for index, field in enumerate(("all_teachers", "normal_teachers")):
        totals = {
            dimension: sum(counts[c][index] for c in categories)
            for dimension, categories in TEACHER_DIMENSIONS.items()
            if all(c in counts for c in categories)
        }
        if len(set(totals.values())) <= 1:
            continue
        # The total most dimensions agree on is taken as right; with no majority, all are named.
        values = list(totals.values())
        usual = max(set(values), key=values.count)
        agreed = values.count(usual) > 1
        for dimension, total in totals.items():
            if agreed and total == usual:
                continue
            others = "、".join(
                gettext("按%(dimension)s %(total)d 人")
                % {"dimension": TeacherDimension(d).label, "total": t}
                for d, t in totals.items()
                if d != dimension
            )
            errors.append(
                (
                    dimension,
                    field,
                    gettext(
                        "按%(dimension)s合计 %(total)d 人，与其他分类的合计（%(others)s）不一致；"
                        "每位教师在每种分类中只计一次，各分类合计应相等。"
                    )
                    % {
                        "dimension": TeacherDimension(dimension).label,
                        "total": total,
                        "others": others,
                    },
                )
            )
    return errors


class ApplicationTeacherCount(models.Model):
    """申报书教师结构 — full-time teachers of one age band, degree or title."""

    document = models.ForeignKey(
        ApplicationDocument,
        verbose_name=_("申报书"),
        on_delete=models.CASCADE,
        related_name="teacher_counts",
    )
    category = models.CharField(_("类别"), max_length=16, choices=TeacherCategory.choices)
    all_teachers = models.PositiveIntegerField(_("全校专任教师"))
    normal_teachers = models.PositiveIntegerField(_("其中：师范类专业专任教师"))

    class Meta:
        verbose_name = _("申报书教师结构")
        verbose_name_plural = _("申报书教师结构")
        ordering = ["document", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "category"], name="application_teacher_unique_category"
            ),
            models.CheckConstraint(
                condition=Q(normal_teachers__lte=F("all_teachers")),
                name="application_teacher_normal_within_all",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.all_teachers}"

    @property
    def dimension(self) -> str:
        return DIMENSION_OF[self.category]

    def count_errors(self) -> dict[str, str]:
        if (
            self.normal_teachers is not None
            and self.all_teachers is not None
            and self.normal_teachers > self.all_teachers
        ):
            return {
                "normal_teachers": gettext(
                    "师范类专业专任教师 %(normal)d 人，多于全校专任教师 %(all)d 人。"
                )
                % {"normal": self.normal_teachers, "all": self.all_teachers}
            }
        return {}

    def clean(self) -> None:
        errors = self.count_errors()
        if errors:
            raise ValidationError(errors)


class ApplicationMajor(models.Model):
    """申报书师范类专业 — one normal major the college offers."""

    document = models.ForeignKey(
        ApplicationDocument,
        verbose_name=_("申报书"),
        on_delete=models.CASCADE,
        related_name="majors",
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    name = models.CharField(_("专业名称"), max_length=64)
    code = models.CharField(_("专业代码"), max_length=10, blank=True)
    level = models.CharField(
        _("层次"), max_length=16, choices=MajorLevel.choices, default=MajorLevel.UNDERGRADUATE
    )
    started_year = models.PositiveSmallIntegerField(_("开设年份"), null=True, blank=True)
    students = models.PositiveIntegerField(_("在校生数"), null=True, blank=True)
    first_class = models.CharField(
        _("一流专业建设点"), max_length=16, choices=FirstClassMajor.choices, blank=True
    )
    accreditation = models.CharField(
        _("师范类专业认证"), max_length=16, choices=Accreditation.choices, blank=True
    )
    note = models.TextField(_("特色与说明"), blank=True)

    class Meta:
        verbose_name = _("申报书师范类专业")
        verbose_name_plural = _("申报书师范类专业")
        ordering = ["document", "order", "id"]
        constraints = [
            # 学前教育 may be offered both as 本科 and as 专科.
            models.UniqueConstraint(
                fields=["document", "name", "level"], name="application_major_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApplicationYear(models.Model):
    """申报书分年度情况 — one year's enrolment and employment of the normal majors."""

    document = models.ForeignKey(
        ApplicationDocument,
        verbose_name=_("申报书"),
        on_delete=models.CASCADE,
        related_name="years",
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    enrolled = models.PositiveIntegerField(_("师范类专业招生数"))
    enrolled_local = models.PositiveIntegerField(_("其中：本省生源"), null=True, blank=True)
    source_regions = models.CharField(_("学生主要生源地"), max_length=255, blank=True)
    graduates = models.PositiveIntegerField(_("师范类专业毕业生数"))
    employed = models.PositiveIntegerField(_("就业人数"))
    teaching = models.PositiveIntegerField(_("其中：到中小学（幼儿园）任教"))
    teaching_rural = models.PositiveIntegerField(_("其中：到乡村学校任教"), null=True, blank=True)
    teaching_regions = models.CharField(
        _("到中小学任教学生的主要就业区域"), max_length=255, blank=True
    )
    employed_underdeveloped = models.PositiveIntegerField(
        _("到国家乡村振兴重点帮扶县、脱贫县、边境县就业")
    )
    industries = models.CharField(_("主要就业行业"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("申报书分年度招生就业")
        verbose_name_plural = _("申报书分年度招生就业")
        ordering = ["document", "year"]
        constraints = [
            models.UniqueConstraint(fields=["document", "year"], name="application_year_unique"),
            models.CheckConstraint(
                condition=Q(employed__lte=F("graduates")),
                name="application_year_employed_within_graduates",
            ),
            models.CheckConstraint(
                condition=Q(teaching__lte=F("employed")),
                name="application_year_teaching_within_employed",
            ),
            models.CheckConstraint(
                condition=Q(employed_underdeveloped__lte=F("employed")),
                name="application_year_underdeveloped_within_employed",
            ),
        ]

    # (part, whole): the part is counted among the whole, so it cannot be larger.
    PARTS = (
        ("enrolled_local", "enrolled"),
        ("employed", "graduates"),
        ("teaching", "employed"),
        ("teaching_rural", "teaching"),
        ("employed_underdeveloped", "employed"),
    )

    def __str__(self) -> str:
        return str(self.year)

    def figure_errors(self) -> dict[str, str]:
        """The figures larger than the figure they are part of, by field."""
        errors: dict[str, str] = {}
        if self.year is not None and self.year not in APPLICATION_YEARS:
            errors["year"] = gettext("年份应在 %(first)d—%(last)d 年之间。") % {
                "first": APPLICATION_YEARS[0],
                "last": APPLICATION_YEARS[-1],
            }
        for part, whole in self.PARTS:
            a, b = getattr(self, part), getattr(self, whole)
            if a is not None and b is not None and a > b:
                errors.setdefault(
                    part,
                    gettext("“%(part)s”%(a)d 人，多于“%(whole)s”%(b)d 人。")
                    % {
                        "part": getattr(self._meta.get_field(part), "verbose_name", part),
                        "a": a,
                        "whole": getattr(self._meta.get_field(whole), "verbose_name", whole),
                        "b": b,
                    },
                )
        return errors

    def clean(self) -> None:
        errors = self.figure_errors()
        if errors:
            raise ValidationError(errors)

    @property
    def employment_rate(self) -> Decimal | None:
        """就业率 (%), one decimal."""
        if not self.graduates:
            return None
        return (Decimal(self.employed) * 100 / self.graduates).quantize(Decimal("0.1"))

    @property
    def teaching_rate(self) -> Decimal | None:
        """Share of the employed who teach in schools or kindergartens (%), one decimal."""
        if not self.employed:
            return None
        return (Decimal(self.teaching) * 100 / self.employed).quantize(Decimal("0.1"))


class SupportMeasure(models.Model):
    """地方支持措施 — one concrete measure the college's city or province commits to."""

    document = models.ForeignKey(
        ApplicationDocument,
        verbose_name=_("申报书"),
        on_delete=models.CASCADE,
        related_name="measures",
    )
    level = models.CharField(_("层级"), max_length=16, choices=SupportLevel.choices)
    number = models.PositiveSmallIntegerField(_("序号"))
    authority = models.CharField(_("提出单位"), max_length=128, blank=True)
    kind = models.CharField(
        _("类别"), max_length=32, choices=SupportKind.choices, default=SupportKind.OTHER
    )
    content = models.TextField(_("具体措施"))
    amount = models.DecimalField(
        _("经费（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    agreed = models.BooleanField(
        _("已与相关部门达成一致"), null=True, blank=True, help_text=_("空白表示未说明。")
    )

    class Meta:
        verbose_name = _("地方支持措施")
        verbose_name_plural = _("地方支持措施")
        ordering = ["document", "level", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "level", "number"], name="support_measure_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(kind="teacher_cooperation", level="city")
                | ~Q(kind="teacher_cooperation"),
                name="support_measure_cooperation_city_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.number}"

    def clean(self) -> None:
        if self.kind == SupportKind.TEACHER_COOPERATION and self.level != SupportLevel.CITY:
            raise ValidationError({"kind": cooperation_city_only()})


def cooperation_city_only() -> str:
    """Annex 2 §五: only the city (地市级) may add its teacher-workforce cooperation plan."""
    return gettext("“基础教育教师队伍建设合作计划”只能由地市级提出（附件 2 第五部分）。")
