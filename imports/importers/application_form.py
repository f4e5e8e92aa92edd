"""申报书 — the application form of a candidate college (seed 001, annex 2) as a workbook.

The system writes the template: a cover (申报学校, 学校负责人, 推荐单位, 申报日期), teachers by
age, degree and title, students, the normal majors, enrolment and employment per year
2016–2021, the city's and the province's support measures, and the texts of sections 一…六 as
long cells. Importing a filled copy for a programme (and round) creates or updates the college's
Application (created as recommended when the province's summary table has not made it yet) and
replaces the structured contents of its 申报书, row by row, showing what is new or changed.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.selectors import User, can_import
from imports.importers.base import (
    Check,
    Importer,
    ProgrammeRoundForm,
    ProgressCallback,
    RowOutcome,
    RowStatus,
    diff,
    formula_problem,
    no_progress,
    register,
)
from imports.workbook import (
    Column,
    Problem,
    Row,
    Table,
    TableError,
    Workbook,
    clean_long_text,
    clean_text,
    did_you_mean,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    text_key,
)
from imports.xlsx import SheetSpec, build_workbook
from outputs.exporters.base import param_pk
from programmes.models import (
    APPLICATION_YEARS,
    TEACHER_DIMENSIONS,
    Accreditation,
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationMajor,
    ApplicationStatus,
    ApplicationTeacherCount,
    ApplicationYear,
    FirstClassMajor,
    MajorLevel,
    Phase,
    Programme,
    SupportKind,
    SupportLevel,
    SupportMeasure,
    TeacherCategory,
    TeacherDimension,
)
from programmes.models.application import DIMENSION_OF, cooperation_city_only, teacher_total_errors
from schools.models import Institution, InstitutionKind, KindGroup, Region, RegionLevel

# ---------------------------------------------------------------------------------------------
# Labels as people write them

_REMARK = re.compile(r"[(\[【][^)\]】]*[)\]】]")
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[.、)])+"
)
_QUOTES = re.compile(r"[“”\"'‘’「」《》]")
_DASHES = re.compile(r"[‐‑‒–—―－﹣−~～至]")
TOTAL_KEYS = {"合计", "小计", "总计", "总数", "合计人数"}


def label_key(value: Any) -> str:
    """What two spellings of a row label have in common: no bracketed remark (（盖章）, （人）),
    no numbering (二、1.), no leading 其中, quotes and dash variants made one."""
    key = _REMARK.sub("", text_key(value))
    key = _NUMBERING.sub("", key)
    key = _QUOTES.sub("", key).replace("周岁", "岁")
    key = _DASHES.sub("-", key)
    key = key.strip("*:：")
    return key.removeprefix("其中").strip("*:：")


@dataclass(frozen=True)
class Item:
    """One line of a two-column sheet (封面, 在校生, 文字材料): the label the template writes in
    its first column, the field it fills, and other labels people use for it."""

    field: str
    label: Any  # lazy translation
    aliases: tuple[str, ...] = ()
    hint: Any = ""

    def label_keys(self) -> set[str]:
        return {label_key(text) for text in (str(self.label), *self.aliases)}


COVER = _l("封面")
TEACHERS = _l("教师结构")
STUDENTS = _l("在校生")
MAJORS = _l("师范类专业")
YEARS = _l("招生就业")
MEASURES = _l("地方支持措施")
TEXTS = _l("文字材料")

COVER_ITEMS = (
    Item(
        "school",
        _l("申报学校"),
        ("申报学校（盖章）", "学校名称", "学校全称", "申报单位"),
        _l("学校全称，与系统中登记的单位名称一致。"),
    ),
    Item("head_name", _l("学校负责人"), ("学校负责人（签字）", "负责人"), _l("姓名。")),
    Item(
        "recommender_name",
        _l("推荐单位"),
        ("推荐单位（盖章）",),
        _l("省级教育行政部门全称，如“四川省教育厅”。"),
    ),
    Item("declared_on", _l("申报日期"), ("填报日期", "日期"), _l("如 2022-02-25。")),
)
STUDENT_ITEMS = (
    Item(
        "students_total",
        _l("全日制在校生总数"),
        ("在校生总数", "全日制在校生", "在校生", "学生总数"),
        _l("全校全日制在校学生人数。"),
    ),
    Item("undergraduates", _l("其中：本科生"), ("本科在校生", "本科")),
    Item("junior_college_students", _l("其中：专科生"), ("专科在校生", "专科", "高职专科生")),
    Item("masters", _l("其中：硕士研究生"), ("硕士生", "硕士")),
    Item("doctorates", _l("其中：博士研究生"), ("博士生", "博士")),
    Item(
        "normal_students",
        _l("其中：师范类专业在校生"),
        ("师范生", "师范生人数", "师范类在校生"),
        _l("各师范类专业在校生之和。"),
    ),
)
TEXT_ITEMS = (
    Item(
        "basic_situation",
        _l("一、学校基本情况"),
        (),
        _l(
            "办学历史、基础条件，学科、专业设置，教学、科研平台等。教师和学生人数填在「教师结构」「在校生」表。"
        ),
    ),
    Item(
        "normal_disciplines",
        _l("二、1. 师范类学科专业情况"),
        (),
        _l(
            "专业设置，特色学科专业、特色课程，学科建设、人才培养模式、教学改革等。专业清单填在「师范类专业」表。"
        ),
    ),
    Item(
        "normal_students_notes",
        _l("二、2. 师范类专业学生情况"),
        (),
        _l("补充说明。分年度招生、就业人数填在「招生就业」表。"),
    ),
    Item(
        "normal_teachers_notes",
        _l("二、3. 师范类专业教师情况"),
        (),
        _l("教学研究情况等。教师数量和结构填在「教师结构」表。"),
    ),
    Item("basic_education_service", _l("二、4. 服务基础教育情况")),
    Item("development_plan", _l("三、学校“十四五”发展规划"), ("十四五发展规划", "发展规划")),
    Item("improvement_plan", _l("四、学校提质计划实施方案"), ("提质计划实施方案",)),
    Item(
        "support_notes",
        _l("五、地方支持措施"),
        (),
        _l("总体说明。具体措施逐条填在「地方支持措施」表。"),
    ),
    Item(
        "other_material",
        _l("六、认为重要的其他情况或支撑材料"),
        ("其他情况或支撑材料", "其他情况"),
    ),
)
# Sections annex 2 requires; the others point to sheets where the figures are.
ESSENTIAL_TEXTS = {
    "basic_situation",
    "normal_disciplines",
    "basic_education_service",
    "development_plan",
    "improvement_plan",
}

CATEGORY_ALIASES: dict[Any, tuple[str, ...]] = {
    TeacherCategory.AGE_35: ("35岁以下", "35岁及以下"),
    TeacherCategory.AGE_36_45: ("36-45岁", "36岁-45岁"),
    TeacherCategory.AGE_46_55: ("46-55岁", "46岁-55岁"),
    TeacherCategory.AGE_56: ("56岁以上", "56岁及以上"),
    TeacherCategory.DOCTORATE: ("博士", "博士学位"),
    TeacherCategory.MASTER: ("硕士", "硕士学位"),
    TeacherCategory.BACHELOR: ("本科", "学士及以下", "本科及以下学历", "其他学历"),
    TeacherCategory.SENIOR: ("正高", "正高级职称", "教授"),
    TeacherCategory.ASSOCIATE: ("副高", "副高级职称", "副教授"),
    TeacherCategory.INTERMEDIATE: ("中级职称", "讲师"),
    TeacherCategory.JUNIOR: ("初级", "初级及以下", "未定级", "助教", "初级及其他"),
}
LEVEL_ALIASES: dict[Any, tuple[str, ...]] = {
    SupportLevel.CITY: ("市级", "地市", "州级", "市（州）级", "地（市、州、盟）级"),
    SupportLevel.PROVINCE: ("省", "省级教育行政部门"),
}
MAJOR_LEVEL_ALIASES: dict[Any, tuple[str, ...]] = {
    MajorLevel.UNDERGRADUATE: ("本科层次", "本"),
    MajorLevel.JUNIOR_COLLEGE: ("专科层次", "高职", "专"),
}
FIRST_CLASS_ALIASES: dict[Any, tuple[str, ...]] = {FirstClassMajor.NONE: ("无", "不是", "—", "-")}
ACCREDITATION_ALIASES: dict[Any, tuple[str, ...]] = {
    Accreditation.NONE: ("否", "无", "—", "-"),
    Accreditation.LEVEL_1: ("一级", "1级"),
    Accreditation.LEVEL_2: ("二级", "2级"),
    Accreditation.LEVEL_3: ("三级", "3级"),
}


def _item_columns(item_header: Any, value_header: Any, value_help: Any, width: int) -> list[Column]:
    return [
        Column("item", item_header, aliases=("项目", "栏目"), required=True, width=30),
        Column(
            "value",
            value_header,
            aliases=("内容", "填写内容"),
            required=True,
            help=value_help,
            width=width,
        ),
        Column("hint", _l("说明"), aliases=("填写说明", "备注"), width=48),
    ]


COVER_COLUMNS = _item_columns(_l("项目"), _l("内容"), _l("封面各项，均须填写。"), 40)
STUDENT_COLUMNS = _item_columns(_l("类别"), _l("人数"), _l("人数，填阿拉伯数字；没有请填 0。"), 14)
TEXT_COLUMNS = _item_columns(
    _l("部分"),
    _l("内容"),
    _l("可直接从 Word 粘贴，保留分段；每格最多 32,767 字。"),
    100,
)
TEACHER_COLUMNS = [
    Column("dimension", _l("分类"), aliases=("维度",), width=10),
    Column("category", _l("类别"), aliases=("项目",), required=True, width=16),
    Column(
        "all_teachers",
        _l("全校专任教师（人）"),
        aliases=("全校专任教师", "专任教师", "全校"),
        required=True,
        help=_l("人数；没有请填 0。"),
        width=18,
    ),
    Column(
        "normal_teachers",
        _l("其中：师范类专业专任教师（人）"),
        aliases=("师范类专业专任教师", "师范类专业教师", "师范类"),
        required=True,
        help=_l("其中承担师范类专业教学的专任教师人数；没有请填 0。"),
        width=24,
    ),
]
MAJOR_COLUMNS = [
    Column("name", _l("专业名称"), aliases=("专业",), required=True, example="小学教育", width=18),
    Column(
        "code",
        _l("专业代码"),
        aliases=("代码",),
        help=_l("普通高等学校本科（专科）专业目录中的代码，如 040107。"),
        example="040107",
        width=12,
    ),
    Column("level", _l("层次"), choices=("本科", "专科"), example="本科", width=8),
    Column(
        "started_year", _l("开设年份"), aliases=("设置年份", "开办年份"), example="2003", width=10
    ),
    Column(
        "students", _l("在校生数（人）"), aliases=("在校生数", "在校生"), example="860", width=12
    ),
    Column(
        "first_class",
        _l("一流专业建设点"),
        aliases=("一流专业",),
        choices=("国家级", "省级", "否"),
        example="省级",
        width=14,
    ),
    Column(
        "accreditation",
        _l("师范类专业认证"),
        aliases=("专业认证", "认证"),
        choices=("第三级", "第二级", "第一级", "未认证"),
        example="第二级",
        width=14,
    ),
    Column(
        "note",
        _l("特色与说明"),
        aliases=("说明", "备注", "特色"),
        example="省级特色专业；“UGS”协同培养模式",
        width=40,
    ),
]
YEAR_COLUMNS = [
    Column("year", _l("年份"), aliases=("年度",), required=True, width=8),
    Column(
        "enrolled",
        _l("师范类专业招生数（人）"),
        aliases=("招生人数", "招生数", "师范生招生数"),
        required=True,
        width=12,
    ),
    Column("enrolled_local", _l("其中：本省生源（人）"), aliases=("本省生源",), width=12),
    Column(
        "source_regions",
        _l("学生主要生源地"),
        aliases=("主要生源地", "生源地"),
        help=_l("如：四川省（阿坝州、甘孜州、凉山州）。"),
        width=24,
    ),
    Column(
        "graduates",
        _l("师范类专业毕业生数（人）"),
        aliases=("毕业生人数", "毕业生数", "毕业人数"),
        required=True,
        width=12,
    ),
    Column("employed", _l("就业人数（人）"), aliases=("就业数",), required=True, width=10),
    Column(
        "teaching",
        _l("其中：到中小学（幼儿园）任教（人）"),
        aliases=("到中小学任教", "中小学任教人数", "从教人数"),
        required=True,
        width=14,
    ),
    Column(
        "teaching_rural",
        _l("其中：到乡村学校任教（人）"),
        aliases=("到乡村学校任教", "到乡村中小学任教"),
        width=12,
    ),
    Column(
        "teaching_regions",
        _l("到中小学任教学生的主要就业区域"),
        aliases=("主要就业区域", "就业区域"),
        width=24,
    ),
    Column(
        "employed_underdeveloped",
        _l("到国家乡村振兴重点帮扶县、脱贫县、边境县就业（人）"),
        aliases=("到重点帮扶县、脱贫县、边境县就业", "欠发达县就业"),
        required=True,
        width=18,
    ),
    Column("industries", _l("主要就业行业"), aliases=("就业行业",), width=20),
]
MEASURE_COLUMNS = [
    Column(
        "level",
        _l("层级"),
        aliases=("级别",),
        required=True,
        choices=("地市级", "省级"),
        example="地市级",
        width=10,
    ),
    Column(
        "number",
        _l("序号"),
        help=_l("每个层级内从 1 起编号；空着按顺序编号。"),
        example="1",
        width=6,
    ),
    Column(
        "authority",
        _l("提出单位"),
        aliases=("单位",),
        help=_l("地市级人民政府或省级教育行政部门。"),
        example="××市人民政府",
        width=20,
    ),
    Column(
        "kind",
        _l("类别"),
        choices=tuple(str(label) for label in SupportKind.labels),
        example=str(SupportKind.FUNDING.label),
        width=18,
    ),
    Column(
        "content",
        _l("具体措施"),
        aliases=("措施", "支持措施", "内容"),
        required=True,
        help=_l("明确具体、已与相关部门达成一致、能够切实落实的措施。"),
        example="2022—2025 年每年安排专项经费支持学校师范类专业建设。",
        width=60,
    ),
    Column("amount", _l("经费（万元）"), aliases=("金额", "经费"), example="500", width=12),
    Column(
        "agreed",
        _l("已与相关部门达成一致"),
        aliases=("是否已达成一致", "达成一致"),
        choices=("是", "否"),
        example="是",
        width=12,
    ),
]

CHOICE_FIELDS: dict[str, tuple[type[models.TextChoices], dict[Any, tuple[str, ...]]]] = {
    "level": (MajorLevel, MAJOR_LEVEL_ALIASES),
    "first_class": (FirstClassMajor, FIRST_CLASS_ALIASES),
    "accreditation": (Accreditation, ACCREDITATION_ALIASES),
}
YEAR_COUNTS = ("enrolled", "graduates", "employed", "teaching", "employed_underdeveloped")
YEAR_OPTIONAL_COUNTS = ("enrolled_local", "teaching_rural")
YEAR_TEXTS = ("source_regions", "teaching_regions", "industries")
_MAJOR_CODE = re.compile(r"\d{6}[TK]{0,2}")


# ---------------------------------------------------------------------------------------------
# The plan a check leaves for apply


@dataclass
class _Plan:
    programme: Programme
    phase: Phase | None
    institution: Institution
    province: Region
    prefecture: Region | None
    application: Application | None
    recommended_by: Institution | None
    document: ApplicationDocument | None
    fields: dict[str, Any] = field(default_factory=dict)
    teachers: dict[str, dict[str, Any]] = field(default_factory=dict)
    majors: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    years: dict[int, dict[str, Any]] = field(default_factory=dict)
    measures: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)


@dataclass
class _Old:
    """What the college's 申报书 holds now (all empty when there is none)."""

    document: ApplicationDocument | None = None
    teachers: dict[str, ApplicationTeacherCount] = field(default_factory=dict)
    majors: dict[tuple[str, str], ApplicationMajor] = field(default_factory=dict)
    years: dict[int, ApplicationYear] = field(default_factory=dict)
    measures: dict[tuple[str, int], SupportMeasure] = field(default_factory=dict)


def _shown(value: Any, choices: type[models.TextChoices] | None = None) -> Any:
    """A value as the preview shows it: choice labels, short excerpts of long texts."""
    if choices is not None:
        return str(choices(value).label) if value in choices.values else value
    if isinstance(value, str) and len(value) > 60:
        return Truncator(value.replace("\n", " ")).chars(60)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


class ApplicationFormImportForm(ProgrammeRoundForm):
    file = forms.FileField(
        label=_l("申报书（Excel）"), help_text=_l("用本页提供的模板填写的 .xlsx 文件。")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].help_text = _l("申报属于某一轮次时选择，与导入汇总表时的选择一致。")


@register
class ApplicationFormImporter(Importer):
    kind = "application_form"
    name = _l("重点支持学校申报书")
    description = _l(
        "按教育部附件 2《师范教育协同提质计划重点支持学校申报书》填写：封面、教师结构、在校生、"
        "师范类专业、2016—2021 年分年度招生就业、地市级和省级支持措施、文字材料。"
        "导入后生成或更新该校的申报记录。"
    )
    template_name = _l("重点支持学校申报书模板")
    form_class = ApplicationFormImportForm

    def __init__(self, params: dict[str, Any], *, user: Any) -> None:
        super().__init__(params, user=user)
        self._plan: _Plan | None = None
        self._counts: dict[str, int] = {}

    @classmethod
    def allowed(cls, user: User, params: dict[str, Any]) -> bool:
        if not can_import(user):
            return False
        # Importers work across every programme (like the other importers).
        programme = Programme.objects.filter(pk=param_pk(params, "programme")).first()
        if programme is None:
            return False
        phase = param_pk(params, "phase")
        return not phase or programme.phases.filter(pk=phase).exists()

    def title(self) -> str:
        programme = Programme.objects.filter(pk=param_pk(self.params, "programme")).first()
        phase = Phase.objects.filter(pk=param_pk(self.params, "phase")).first()
        parts = [
            str(self.name),
            programme.short_name if programme else "",
            phase.name if phase else "",
        ]
        return " · ".join(p for p in parts if p)

    # -----------------------------------------------------------------------------------------
    # The template

    def template(self) -> bytes:
        years = APPLICATION_YEARS
        instructions = [
            _(
                "本模板对应教育部《师范教育协同提质计划重点支持学校申报书》"
                "（教师厅函〔2022〕2号附件 2）。"
            ),
            _(
                "请不要修改工作表名称，也不要删改各表第一列的栏目名称；灰色斜体的示例行导入时自动跳过，可以删除。"
            ),
            _("人数一律填阿拉伯数字，没有请填 0；可以写“1,234”或全角数字，不要填百分比。"),
            _(
                "「教师结构」按年龄、学历、职称分别填写，每位教师在每种分类中只计一次，三种分类的合计应相等。"
            )
            + _("师范类专业专任教师是全校专任教师的一部分。"),
            _(
                "「招生就业」%(first)d—%(last)d 年每年一行；就业人数不能多于毕业生数，"
                "到中小学任教和到重点帮扶县、脱贫县、边境县就业的人数不能多于就业人数。"
            )
            % {"first": years[0], "last": years[-1]},
            _(
                "「地方支持措施」中，学校所在地（市、州、盟）和省（区、市）的措施分别逐条填写；基础教育教师队伍建设合作计划只能由地市级提出。"
            ),
            _("「文字材料」对应申报书正文一至六部分，可直接从 Word 粘贴。"),
            _(
                "导入时选择计划（和轮次），系统按“申报学校”全称匹配单位；再次导入同一学校的申报书会更新原有内容，文件中删去的专业、措施也会从系统中删除。"
            ),
        ]
        sheets = [
            SheetSpec(
                title=str(COVER),
                columns=COVER_COLUMNS,
                rows=[(str(i.label), "", str(i.hint)) for i in COVER_ITEMS],
                intro=_("申报书封面。"),
            ),
            SheetSpec(
                title=str(TEACHERS),
                columns=TEACHER_COLUMNS,
                rows=[
                    (
                        str(TeacherDimension(dimension).label),
                        str(TeacherCategory(c).label),
                        None,
                        None,
                    )
                    for dimension, categories in TEACHER_DIMENSIONS.items()
                    for c in categories
                ],
                intro=_("专任教师的年龄、学历、职称结构（申报书一、二.3）。"),
            ),
            SheetSpec(
                title=str(STUDENTS),
                columns=STUDENT_COLUMNS,
                rows=[(str(i.label), None, str(i.hint)) for i in STUDENT_ITEMS],
                intro=_("学生规模（申报书一）。"),
            ),
            SheetSpec(
                title=str(MAJORS),
                columns=MAJOR_COLUMNS,
                example=[c.example for c in MAJOR_COLUMNS],
                intro=_("师范类专业，每个专业一行（申报书二.1）。"),
            ),
            SheetSpec(
                title=str(YEARS),
                columns=YEAR_COLUMNS,
                rows=[(year,) for year in years],
                intro=_("师范类专业分年度招生和就业情况（申报书二.2）。"),
            ),
            SheetSpec(
                title=str(MEASURES),
                columns=MEASURE_COLUMNS,
                example=[c.example for c in MEASURE_COLUMNS],
                intro=_("地市级、省级分别提出的具体支持措施，每条一行（申报书五）。"),
            ),
            SheetSpec(
                title=str(TEXTS),
                columns=TEXT_COLUMNS,
                rows=[(str(i.label), "", str(i.hint)) for i in TEXT_ITEMS],
                intro=_("申报书正文（一至六部分）。"),
            ),
        ]
        return build_workbook(
            title=_("师范教育协同提质计划重点支持学校申报书"),
            instructions=instructions,
            sheets=sheets,
        )

    # -----------------------------------------------------------------------------------------
    # Checking

    def check(self, book: Workbook, progress: ProgressCallback = no_progress) -> Check:
        check = Check()
        self._plan = None
        self._counts = {}
        specs = [
            (COVER, COVER_COLUMNS),
            (TEACHERS, TEACHER_COLUMNS),
            (STUDENTS, STUDENT_COLUMNS),
            (MAJORS, MAJOR_COLUMNS),
            (YEARS, YEAR_COLUMNS),
            (MEASURES, MEASURE_COLUMNS),
            (TEXTS, TEXT_COLUMNS),
        ]
        tables: dict[str, Table] = {}
        for index, (title, columns) in enumerate(specs):
            progress(index, len(specs) + 1, _("读取「%(sheet)s」") % {"sheet": title})
            sheet = book.sheet(str(title))
            if sheet is None:
                check.problems.append(
                    Problem(
                        _("缺少工作表「%(sheet)s」。请使用系统生成的申报书模板填写。")
                        % {"sheet": title},
                        sheet=str(title),
                    )
                )
                continue
            try:
                table = sheet.table(columns)
            except TableError as error:
                check.problems.extend(error.problems)
                continue
            check.add_table_warnings(table)
            tables[str(title)] = table

        fields: dict[str, Any] = {"is_demo": bool(self.params.get("is_demo"))}
        plan: _Plan | None = None
        old = _Old()
        teachers: dict[str, dict[str, Any]] = {}
        majors: dict[tuple[str, str], dict[str, Any]] = {}
        years: dict[int, dict[str, Any]] = {}
        measures: dict[tuple[str, int], dict[str, Any]] = {}
        cover = tables.get(str(COVER))
        if cover is not None:
            plan, old = self._cover(check, cover, fields)
        if str(TEACHERS) in tables:
            teachers = self._teachers(check, tables[str(TEACHERS)], old)
        if str(STUDENTS) in tables:
            self._students(check, tables[str(STUDENTS)], fields, old)
        if str(MAJORS) in tables:
            majors = self._majors(check, tables[str(MAJORS)], old)
        if str(YEARS) in tables:
            years = self._years(check, tables[str(YEARS)], old)
        if str(MEASURES) in tables:
            measures = self._measures(check, tables[str(MEASURES)], old)
        if str(TEXTS) in tables:
            self._items_into(check, tables[str(TEXTS)], TEXT_ITEMS, fields, old, _text_value)
        progress(len(specs), len(specs) + 1, _("核对"))
        if plan is not None and check.ok:
            plan.fields = fields
            plan.teachers, plan.majors, plan.years, plan.measures = (
                teachers,
                majors,
                years,
                measures,
            )
            self._note_removals(check, plan, old)
            self._plan = plan
        self._counts = check.counts()
        return check

    # The cover: which college, which application

    def _cover(
        self, check: Check, table: Table, fields: dict[str, Any]
    ) -> tuple[_Plan | None, _Old]:
        found = self._items(check, table, COVER_ITEMS)
        plan: _Plan | None = None
        old = _Old()
        school_row = found.get("school")
        outcome: RowOutcome | None = None
        if school_row is not None:
            row, raw = school_row
            outcome = RowOutcome(table.sheet, row.number, clean_text(raw) or str(_("申报学校")))
            check.rows.append(outcome)
            plan = self._application_plan(check, table, outcome, clean_text(raw))
            if plan is not None:
                old = self._old(plan.application)
                plan.document = old.document
                outcome.label = _("%(school)s的申报") % {"school": plan.institution.name}

        for item in COVER_ITEMS[1:]:
            if item.field not in found:
                continue
            row, raw = found[item.field]
            item_outcome = RowOutcome(table.sheet, row.number, str(item.label))
            check.rows.append(item_outcome)
            value, problem = _cover_value(item, raw)
            if problem:
                check.error(item_outcome, table, "value", problem)
                continue
            fields[item.field] = value
            if item.field == "recommender_name" and plan is not None:
                self._recommender(check, table, item_outcome, plan, value)
            self._finish(item_outcome, old.document, [(item.field, value, None)])
        if plan is not None and outcome is not None and outcome.status != RowStatus.ERROR:
            if plan.application is None:
                outcome.status = RowStatus.NEW
                diff(outcome.changes, _("状态"), "", ApplicationStatus.RECOMMENDED.label)
                diff(outcome.changes, _("推荐省份"), "", plan.province.name)
            else:
                outcome.status = RowStatus.UNCHANGED
                old_recommender = plan.application.recommended_by
                if plan.recommended_by is not None and old_recommender != plan.recommended_by:
                    diff(
                        outcome.changes,
                        _("推荐单位"),
                        old_recommender.name if old_recommender else "",
                        plan.recommended_by.name,
                    )
            if old.document is not None and old.document.is_demo != fields["is_demo"]:
                diff(outcome.changes, _("示例数据"), old.document.is_demo, fields["is_demo"])
        return plan, old

    def _application_plan(
        self, check: Check, table: Table, outcome: RowOutcome, name: str
    ) -> _Plan | None:
        """The college named on the cover and its application in this programme (round)."""
        if not name:
            check.error(outcome, table, "value", _("请填写申报学校全称。"))
            return None
        key = text_key(name)
        colleges = list(
            Institution.objects.filter(kind__in=KindGroup.HIGHER).select_related("region")
        )
        matches = [c for c in colleges if text_key(c.name) == key]
        if not matches:
            matches = [c for c in colleges if c.short_name and text_key(c.short_name) == key]
        if len(matches) != 1:
            if matches:
                message = _("简称“%(name)s”对应多所学校（%(list)s），请填写学校全称。") % {
                    "name": name,
                    "list": "、".join(c.name for c in matches),
                }
            else:
                message = _(
                    "系统中找不到高校“%(name)s”%(hint)s。请填写学校全称，或先导入汇总表登记该校。"
                ) % {"name": name, "hint": did_you_mean(name, (c.name for c in colleges))}
            check.error(outcome, table, "value", message)
            return None
        institution = matches[0]
        if institution.kind not in KindGroup.TEACHER_EDUCATION_HIGHER:
            check.error(
                outcome,
                table,
                "value",
                _("“%(name)s”是%(kind)s；申报学校须为师范院校或开展教师教育的院校。")
                % {"name": institution.name, "kind": institution.get_kind_display()},
            )
            return None
        code = institution.region.code
        province = Region.objects.filter(code=code[:2], level=RegionLevel.PROVINCE).first()
        if province is None:
            check.error(
                outcome,
                table,
                "value",
                _("“%(name)s”所在地区不在任何省份之下，请先在单位信息中更正。")
                % {"name": institution.name},
            )
            return None
        prefecture = Region.objects.filter(code=code[:4], level=RegionLevel.PREFECTURE).first()
        programme = Programme.objects.filter(pk=param_pk(self.params, "programme")).first()
        if programme is None:
            check.error(outcome, table, "value", _("所选计划已不存在，请重新选择。"))
            return None
        phase = programme.phases.filter(pk=param_pk(self.params, "phase")).first()
        applications = Application.objects.filter(
            programme=programme, institution=institution
        ).select_related("recommended_by", "phase")
        application = (
            applications.filter(phase=phase) if phase else applications.filter(phase=None)
        ).first()
        if application is None and phase is None:
            elsewhere = applications.exclude(phase=None).first()
            if elsewhere is not None and elsewhere.phase is not None:
                check.error(
                    outcome,
                    table,
                    "value",
                    _("“%(name)s”在本计划的“%(phase)s”已有申报，请在导入时选择该轮次。")
                    % {"name": institution.name, "phase": elsewhere.phase.name},
                )
                return None
        return _Plan(
            programme=programme,
            phase=phase,
            institution=institution,
            province=province,
            prefecture=prefecture,
            application=application,
            recommended_by=application.recommended_by if application else None,
            document=None,
        )

    def _recommender(
        self, check: Check, table: Table, outcome: RowOutcome, plan: _Plan, name: str
    ) -> None:
        """Link the provincial department named on the cover, when the system knows it."""
        key = text_key(name)
        departments = list(
            Institution.objects.filter(kind=InstitutionKind.PROVINCIAL_DEPARTMENT).select_related(
                "region"
            )
        )
        department = next(
            (d for d in departments if key in {text_key(d.name), text_key(d.short_name or d.name)}),
            None,
        )
        if department is None:
            check.warnings.append(
                Problem(
                    _("系统中没有“%(name)s”这个省级教育行政部门，只记录封面上的名称。")
                    % {"name": name},
                    sheet=table.sheet,
                    row=outcome.row,
                    column=table.header("value"),
                )
            )
            return
        if department.region.code[:2] != plan.province.code:
            check.error(
                outcome,
                table,
                "value",
                _(
                    "推荐单位应为“%(school)s”所在省份（%(province)s）的省级教育行政部门，而不是“%(name)s”。"
                )
                % {"school": plan.institution.name, "province": plan.province.name, "name": name},
            )
            return
        plan.recommended_by = department

    def _old(self, application: Application | None) -> _Old:
        if application is None:
            return _Old()
        document = (
            ApplicationDocument.objects.filter(application=application)
            .prefetch_related("teacher_counts", "majors", "years", "measures")
            .first()
        )
        if document is None:
            return _Old()
        return _Old(
            document=document,
            teachers={t.category: t for t in document.teacher_counts.all()},
            majors={(text_key(m.name), m.level): m for m in document.majors.all()},
            years={y.year: y for y in document.years.all()},
            measures={(m.level, m.number): m for m in document.measures.all()},
        )

    # Two-column sheets

    def _items(
        self, check: Check, table: Table, items: Iterable[Item]
    ) -> dict[str, tuple[Row, Any]]:
        """field → (row, value) for the labelled lines of a two-column sheet."""
        items = list(items)
        by_key = {key: item for item in items for key in item.label_keys()}
        found: dict[str, tuple[Row, Any]] = {}
        refused: set[str] = set()
        for row in table.rows:
            label = clean_text(row.values.get("item"))
            value = row.values.get("value")
            item = by_key.get(label_key(label))
            if item is None:
                if clean_text(value) and label_key(label) not in TOTAL_KEYS:
                    check.warnings.append(
                        Problem(
                            _("“%(label)s”不是本表的栏目，这一行没有导入。")
                            % {"label": label or "—"},
                            sheet=table.sheet,
                            row=row.number,
                            column=table.header("item"),
                        )
                    )
                continue
            if item.field in found:
                outcome = RowOutcome(table.sheet, row.number, str(item.label))
                check.rows.append(outcome)
                check.error(
                    outcome,
                    table,
                    "item",
                    _("“%(label)s”重复出现（第一次在第 %(row)d 行）。")
                    % {"label": item.label, "row": found[item.field][0].number},
                )
                continue
            if "value" in row.formulas:
                outcome = RowOutcome(table.sheet, row.number, str(item.label))
                check.rows.append(outcome)
                check.error(outcome, table, "value", _formula_problem(row.formulas["value"]))
                refused.add(item.field)
                continue
            found[item.field] = (row, value)
        for item in items:
            if item.field not in found and item.field not in refused:
                check.problems.append(
                    Problem(
                        _("缺少“%(label)s”这一行；请保留模板第一列的各个栏目。")
                        % {"label": item.label},
                        sheet=table.sheet,
                        column=table.header("item"),
                    )
                )
        return found

    def _items_into(
        self,
        check: Check,
        table: Table,
        items: tuple[Item, ...],
        fields: dict[str, Any],
        old: _Old,
        read: Callable[[Any], tuple[Any, str]],
    ) -> dict[str, RowOutcome]:
        """Read the labelled lines into `fields`; field → the outcome of its row."""
        outcomes: dict[str, RowOutcome] = {}
        for name, (row, raw) in self._items(check, table, items).items():
            item = next(i for i in items if i.field == name)
            outcome = RowOutcome(table.sheet, row.number, str(item.label))
            check.rows.append(outcome)
            outcomes[name] = outcome
            value, problem = read(raw)
            if problem:
                check.error(outcome, table, "value", problem)
                continue
            fields[name] = value
            if name in ESSENTIAL_TEXTS and not value:
                check.warnings.append(
                    Problem(
                        _("“%(label)s”没有填写内容，申报书应包含这一部分。")
                        % {"label": item.label},
                        sheet=table.sheet,
                        row=row.number,
                        column=table.header("value"),
                    )
                )
            self._finish(outcome, old.document, [(name, value, None)])
        return outcomes

    def _students(self, check: Check, table: Table, fields: dict[str, Any], old: _Old) -> None:
        outcomes = self._items_into(check, table, STUDENT_ITEMS, fields, old, _student_value)
        if all(i.field in fields for i in STUDENT_ITEMS):
            candidate = ApplicationDocument(**{i.field: fields[i.field] for i in STUDENT_ITEMS})
            for name, message in candidate.student_errors().items():
                check.error(outcomes[name], table, "value", message)

    # Teachers

    def _teachers(self, check: Check, table: Table, old: _Old) -> dict[str, dict[str, Any]]:
        lookup: dict[str, str] = {label_key(c.label): c.value for c in TeacherCategory}
        for value, aliases in CATEGORY_ALIASES.items():
            lookup.update({label_key(a): value for a in aliases})
        found: dict[str, dict[str, Any]] = {}
        outcomes: dict[str, RowOutcome] = {}
        for row in table.rows:
            label = clean_text(row.values.get("category"))
            key = label_key(label)
            if key in TOTAL_KEYS or label_key(row.values.get("dimension")) in TOTAL_KEYS:
                continue  # a total row of the person's own: the sums are checked below
            numbers = [row.values.get("all_teachers"), row.values.get("normal_teachers")]
            if not label and not any(clean_text(n) for n in numbers):
                continue  # a dimension heading on a line of its own
            category: str | None = lookup.get(key)
            outcome = RowOutcome(table.sheet, row.number, label or "—")
            check.rows.append(outcome)
            if category is None:
                check.error(
                    outcome,
                    table,
                    "category",
                    (
                        _("“%(value)s”不是教师结构的类别%(hint)s。")
                        % {
                            "value": label,
                            "hint": did_you_mean(label, (str(c.label) for c in TeacherCategory)),
                        }
                        if label
                        else _("请填写类别。")
                    ),
                )
                continue
            heading = TeacherDimension(DIMENSION_OF[category]).label
            outcome.label = f"{heading} · {TeacherCategory(category).label}"
            if category in found:
                check.error(
                    outcome,
                    table,
                    "category",
                    _("“%(label)s”重复出现（第一次在第 %(row)d 行）。")
                    % {"label": TeacherCategory(category).label, "row": outcomes[category].row},
                )
                continue
            values: dict[str, Any] = {"category": category}
            for key in ("all_teachers", "normal_teachers"):
                values[key] = _required_count(check, outcome, table, row, key)
            if outcome.status == RowStatus.ERROR:
                continue
            for name, message in ApplicationTeacherCount(**values).count_errors().items():
                check.error(outcome, table, name, message)
            outcomes[category] = outcome
            found[category] = values
            self._finish(
                outcome,
                old.teachers.get(category),
                [(k, values[k], None) for k in ("all_teachers", "normal_teachers")],
                model=ApplicationTeacherCount,
            )
        for missing in TeacherCategory:
            if missing in outcomes:
                continue
            check.problems.append(
                Problem(
                    _("缺少“%(label)s”一行（没有请填 0）。") % {"label": missing.label},
                    sheet=table.sheet,
                    column=table.header("category"),
                )
            )
        counts = {c: (v["all_teachers"], v["normal_teachers"]) for c, v in found.items()}
        for dimension, column, message in teacher_total_errors(counts):
            last = TEACHER_DIMENSIONS[dimension][-1]
            check.error(outcomes[last], table, column, message)
        return found

    # Majors

    def _majors(
        self, check: Check, table: Table, old: _Old
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """Majors by (name, level): a college may run 学前教育 both as 本科 and as 专科."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        rows_of: dict[tuple[str, str], int] = {}
        this_year = timezone.localdate().year
        for order, row in enumerate(table.rows, start=1):
            name = clean_text(row.values.get("name"))
            outcome = RowOutcome(table.sheet, row.number, name or "—")
            check.rows.append(outcome)
            if not name:
                check.error(outcome, table, "name", _("请填写专业名称。"))
            elif len(name) > 64:
                check.error(outcome, table, "name", _("超过 64 个字。"))
            values: dict[str, Any] = {"name": name, "order": order}
            values["code"] = _major_code(check, outcome, table, row)
            for key, (choices, aliases) in CHOICE_FIELDS.items():
                default = MajorLevel.UNDERGRADUATE if key == "level" else ""
                values[key] = _choice(check, outcome, table, row, key, choices, aliases, default)
            started, problem = parse_int(_year_text(row.values.get("started_year")))
            if not problem and started is not None and not 1900 <= started <= this_year:
                problem = _("开设年份应在 1900—%(year)d 年之间。") % {"year": this_year}
            if problem:
                check.error(outcome, table, "started_year", problem)
            values["started_year"] = started
            values["students"] = _optional_count(check, outcome, table, row, "students")
            values["note"] = clean_long_text(row.values.get("note"))
            major = (text_key(name), values["level"])
            if name and major in rows_of:
                check.error(
                    outcome,
                    table,
                    "name",
                    _("专业“%(name)s”（%(level)s）重复出现（第一次在第 %(row)d 行）。")
                    % {
                        "name": name,
                        "level": MajorLevel(values["level"]).label,
                        "row": rows_of[major],
                    },
                )
            rows_of.setdefault(major, row.number)
            if outcome.status == RowStatus.ERROR:
                continue
            found[major] = values
            self._finish(
                outcome,
                old.majors.get(major),
                [(k, values[k], CHOICE_FIELDS.get(k, (None,))[0]) for k in values],
                model=ApplicationMajor,
            )
        if found and all(v["students"] is None for v in found.values()):
            check.warnings.append(
                Problem(
                    _("各专业都没有填写在校生数。"),
                    sheet=table.sheet,
                    column=table.header("students"),
                )
            )
        return found

    # Years

    def _years(self, check: Check, table: Table, old: _Old) -> dict[int, dict[str, Any]]:
        found: dict[int, dict[str, Any]] = {}
        seen: dict[int, int] = {}
        for row in table.rows:
            text = clean_text(row.values.get("year"))
            rest = [v for k, v in row.values.items() if k != "year" and clean_text(v)]
            if label_key(text) in TOTAL_KEYS:
                continue  # a total row: the figures are per year
            if text and not rest and not re.search(r"\d", text):
                check.warnings.append(
                    Problem(
                        _("“%(text)s”不是年份，这一行作为说明文字跳过。")
                        % {"text": Truncator(text).chars(30)},
                        sheet=table.sheet,
                        row=row.number,
                    )
                )
                continue
            outcome = RowOutcome(table.sheet, row.number, _("%(year)s 年") % {"year": text or "—"})
            check.rows.append(outcome)
            year, problem = parse_int(_year_text(row.values.get("year")))
            if problem or year is None:
                check.error(
                    outcome,
                    table,
                    "year",
                    _("“%(value)s”不是年份，请填写四位数字，如 2018。") % {"value": text}
                    if text
                    else _("请填写年份。"),
                )
                year = None
            values: dict[str, Any] = {"year": year}
            for key in YEAR_COUNTS:
                values[key] = _required_count(check, outcome, table, row, key)
            for key in YEAR_OPTIONAL_COUNTS:
                values[key] = _optional_count(check, outcome, table, row, key)
            for key in YEAR_TEXTS:
                values[key] = clean_text(row.values.get(key))
                if len(values[key]) > 255:
                    check.error(outcome, table, key, _("超过 255 个字，请精简。"))
            if year is not None:
                outcome.label = _("%(year)d 年") % {"year": year}
                if year in seen:
                    check.error(
                        outcome,
                        table,
                        "year",
                        _("%(year)d 年重复出现（第一次在第 %(row)d 行）。")
                        % {"year": year, "row": seen[year]},
                    )
                    continue
                seen[year] = row.number
            if outcome.status == RowStatus.ERROR:
                continue
            for name, message in ApplicationYear(**values).figure_errors().items():
                check.error(outcome, table, name, message)
            if outcome.status == RowStatus.ERROR or year is None:
                continue
            found[year] = values
            self._finish(
                outcome,
                old.years.get(year),
                [(k, v, None) for k, v in values.items()],
                model=ApplicationYear,
            )
        missing = [str(y) for y in APPLICATION_YEARS if y not in seen]
        if missing:
            check.problems.append(
                Problem(
                    _(
                        "缺少 %(years)s 年的数据：%(first)d—%(last)d 年每年一行，"
                        "没有招生或毕业生的年份请填 0。"
                    )
                    % {
                        "years": "、".join(missing),
                        "first": APPLICATION_YEARS[0],
                        "last": APPLICATION_YEARS[-1],
                    },
                    sheet=table.sheet,
                    column=table.header("year"),
                )
            )
        return found

    # Support measures

    def _measures(
        self, check: Check, table: Table, old: _Old
    ) -> dict[tuple[str, int], dict[str, Any]]:
        found: dict[tuple[str, int], dict[str, Any]] = {}
        rows_of: dict[tuple[str, int], int] = {}
        for row in table.rows:
            outcome = RowOutcome(table.sheet, row.number, "—")
            check.rows.append(outcome)
            level = _choice(check, outcome, table, row, "level", SupportLevel, LEVEL_ALIASES, None)
            if level is None and outcome.status != RowStatus.ERROR:
                check.error(outcome, table, "level", _("请选择层级：地市级或省级。"))
            number, problem = parse_int(row.values.get("number"), minimum=1)
            if problem:
                check.error(outcome, table, "number", problem)
            if number is None and level is not None:
                used = [n for lv, n in rows_of if lv == level]
                number = max(used, default=0) + 1
            kind = _choice(check, outcome, table, row, "kind", SupportKind, {}, SupportKind.OTHER)
            content = clean_long_text(row.values.get("content"))
            if not content:
                check.error(outcome, table, "content", _("请填写具体措施。"))
            authority = clean_text(row.values.get("authority"))
            if len(authority) > 128:
                check.error(outcome, table, "authority", _("超过 128 个字。"))
            amount = _amount(check, outcome, table, row)
            agreed: bool | None = None
            if clean_text(row.values.get("agreed")):
                agreed, problem = parse_bool(row.values.get("agreed"))
                if problem:
                    check.error(outcome, table, "agreed", problem)
            if level is None or number is None:
                continue
            outcome.label = f"{SupportLevel(level).label} {number}"
            if kind == SupportKind.TEACHER_COOPERATION and level != SupportLevel.CITY:
                check.error(outcome, table, "kind", cooperation_city_only())
            if (level, number) in rows_of:
                check.error(
                    outcome,
                    table,
                    "number",
                    _("%(level)s第 %(number)d 条重复（第一次在第 %(row)d 行），请更正序号。")
                    % {
                        "level": SupportLevel(level).label,
                        "number": number,
                        "row": rows_of[(level, number)],
                    },
                )
            rows_of.setdefault((level, number), row.number)
            if outcome.status == RowStatus.ERROR:
                continue
            if agreed is False:
                check.warnings.append(
                    Problem(
                        _(
                            "这条措施尚未与相关部门达成一致；"
                            "附件 2 要求所提措施已达成一致、能够切实落实。"
                        ),
                        sheet=table.sheet,
                        row=row.number,
                        column=table.header("agreed"),
                    )
                )
            values = {
                "level": level,
                "number": number,
                "authority": authority,
                "kind": kind,
                "content": content,
                "amount": amount,
                "agreed": agreed,
            }
            found[(level, number)] = values
            self._finish(
                outcome,
                old.measures.get((level, number)),
                [
                    (k, v, SupportKind if k == "kind" else None)
                    for k, v in values.items()
                    if k not in ("level", "number")
                ],
                model=SupportMeasure,
            )
        for level in SupportLevel:
            if not any(lv == level for lv, _n in rows_of):
                check.warnings.append(
                    Problem(
                        _(
                            "没有%(level)s支持措施；附件 2 要求学校所在地（市、州、盟）"
                            "和省（区、市）分别提出具体支持措施。"
                        )
                        % {"level": level.label},
                        sheet=table.sheet,
                    )
                )
        return found

    # Outcomes

    def _finish(
        self,
        outcome: RowOutcome,
        old: models.Model | None,
        values: list[tuple[str, Any, type[models.TextChoices] | None]],
        *,
        model: type[models.Model] = ApplicationDocument,
    ) -> None:
        """New, updated or unchanged against what is stored, with the differences (an error
        stays an error)."""
        if outcome.status == RowStatus.ERROR:
            return
        if old is None:
            outcome.status = RowStatus.NEW
            return
        for name, new, choices in values:
            before = getattr(old, name)
            if before != new:
                diff(
                    outcome.changes,
                    getattr(model._meta.get_field(name), "verbose_name", name),
                    _shown(before, choices),
                    _shown(new, choices),
                )
        outcome.status = RowStatus.UPDATED if outcome.changes else RowStatus.UNCHANGED

    def _note_removals(self, check: Check, plan: _Plan, old: _Old) -> None:
        """Rows the file no longer has are deleted on import: said on the application's row."""
        outcome = next((o for o in check.rows if o.sheet == str(COVER)), None)
        if outcome is None:
            return
        removed = [
            _("师范类专业“%(name)s”（%(level)s）")
            % {"name": m.name, "level": m.get_level_display()}
            for key, m in old.majors.items()
            if key not in plan.majors
        ] + [
            _("%(level)s支持措施第 %(number)d 条")
            % {"level": m.get_level_display(), "number": m.number}
            for key, m in old.measures.items()
            if key not in plan.measures
        ]
        for label in removed:
            diff(outcome.changes, _("删除"), label, "")
        if outcome.status == RowStatus.UNCHANGED and outcome.changes:
            outcome.status = RowStatus.UPDATED

    # -----------------------------------------------------------------------------------------
    # Writing

    def apply(self, progress: ProgressCallback = no_progress) -> dict[str, int]:
        plan = self._plan
        if plan is None:
            raise RuntimeError("apply() needs a successful check() first")
        application = plan.application
        if application is None:
            application = Application(
                programme=plan.programme,
                phase=plan.phase,
                institution=plan.institution,
                province=plan.province,
                prefecture=plan.prefecture,
                recommended_by=plan.recommended_by,
            )
            application.full_clean()
            application.save()
            ApplicationEvent.objects.create(
                application=application,
                from_status="",
                to_status=application.status,
                by=self.user if getattr(self.user, "pk", None) else None,
                comment=_("导入申报书时创建（汇总表中尚无该校）。"),
            )
        elif plan.recommended_by is not None and application.recommended_by != plan.recommended_by:
            application.recommended_by = plan.recommended_by
            application.save(update_fields=["recommended_by", "updated_at"])

        document = plan.document or ApplicationDocument(application=application)
        if document.pk is None or any(getattr(document, k) != v for k, v in plan.fields.items()):
            for key, value in plan.fields.items():
                setattr(document, key, value)
            document.full_clean()
            document.save()
        old = self._old(application) if plan.document is not None else _Old()
        total = 4
        progress(0, total, _("写入教师结构"))
        _sync(document, ApplicationTeacherCount, old.teachers, plan.teachers)
        progress(1, total, _("写入师范类专业"))
        _sync(document, ApplicationMajor, old.majors, plan.majors)
        progress(2, total, _("写入招生就业"))
        _sync(document, ApplicationYear, old.years, plan.years)
        progress(3, total, _("写入地方支持措施"))
        _sync(document, SupportMeasure, old.measures, plan.measures)
        return {
            key: self._counts.get(key, 0)
            for key in (RowStatus.NEW, RowStatus.UPDATED, RowStatus.UNCHANGED)
        }


def _sync(
    document: ApplicationDocument,
    model: type[models.Model],
    old: dict[Any, Any],
    wanted: dict[Any, dict[str, Any]],
) -> None:
    """Make the document's rows of `model` exactly `wanted`: delete what the file dropped first
    (so a freed key can be reused), then update what changed and create what is new."""
    for key, row in old.items():
        if key not in wanted:
            row.delete()
    for key, values in wanted.items():
        row = old.get(key)
        if row is None:
            row = model(document=document, **values)
        elif all(getattr(row, name) == value for name, value in values.items()):
            continue
        else:
            for name, value in values.items():
                setattr(row, name, value)
        row.full_clean()
        row.save()


# ---------------------------------------------------------------------------------------------
# Cells


def _formula_problem(formula: str) -> str:
    if formula.startswith("#"):
        return formula_problem(formula)
    return _(
        "公式“%(formula)s”没有计算结果（文件不是用 Excel 保存的）。请在 Excel 中打开并保存后"
        "重新上传，或直接填写数字。"
    ) % {"formula": formula}


def _cover_value(item: Item, raw: Any) -> tuple[Any, str]:
    if item.field == "declared_on":
        date, problem = parse_date(raw)
        if not problem and date is None:
            problem = _("请填写申报日期。")
        return date, problem
    text = clean_text(raw)
    limit = getattr(ApplicationDocument._meta.get_field(item.field), "max_length", 0)
    if not text:
        return text, _("请填写%(item)s。") % {"item": item.label}
    if len(text) > limit:
        return text, _("超过 %(limit)d 个字。") % {"limit": limit}
    return text, ""


def _text_value(raw: Any) -> tuple[Any, str]:
    return clean_long_text(raw), ""


def _student_value(raw: Any) -> tuple[Any, str]:
    number, problem = _count(raw)
    if not problem and number is None:
        problem = _("请填写人数，没有请填 0。")
    return number, problem


def _count(raw: Any) -> tuple[int | None, str]:
    """A number of people: “1,234”, “１２”, “12 人”, 12.0 are read; a percentage is refused."""
    text = clean_text(raw)
    if text.endswith("%"):
        return None, _("“%(value)s”是百分比，这里请填写人数。") % {"value": text}
    if isinstance(raw, str):
        raw = re.sub(r"\s*[人名个]$", "", text)
        raw = re.sub(r"^(\d+)\.0+$", r"\1", raw)
    return parse_int(raw)


def _cell_count(
    check: Check, outcome: RowOutcome, table: Table, row: Row, key: str
) -> tuple[int | None, bool]:
    """(the count or None, whether the cell was blank)."""
    if key in row.formulas:
        check.error(outcome, table, key, _formula_problem(row.formulas[key]))
        return None, False
    raw = row.values.get(key)
    if not clean_text(raw):
        return None, True
    number, problem = _count(raw)
    if problem:
        check.error(outcome, table, key, problem)
    return number, False


def _required_count(
    check: Check, outcome: RowOutcome, table: Table, row: Row, key: str
) -> int | None:
    number, blank = _cell_count(check, outcome, table, row, key)
    if blank:
        check.error(outcome, table, key, _("请填写人数，没有请填 0。"))
    return number


def _optional_count(
    check: Check, outcome: RowOutcome, table: Table, row: Row, key: str
) -> int | None:
    return _cell_count(check, outcome, table, row, key)[0]


def _year_text(raw: Any) -> Any:
    """2018, “2018年”, “2018 年度”, “２０１８” → something parse_int reads."""
    if isinstance(raw, str):
        return re.sub(r"\s*年度?$", "", clean_text(raw))
    if isinstance(raw, dt.date):
        return raw.year
    return raw


def _choice(
    check: Check,
    outcome: RowOutcome,
    table: Table,
    row: Row,
    key: str,
    choices: type[models.TextChoices],
    aliases: dict[Any, tuple[str, ...]],
    default: str | None,
) -> str | None:
    """The choice a cell names (label or a usual alias), the default when blank, None on error."""
    text = clean_text(row.values.get(key))
    if not text:
        return default
    lookup = {label_key(label): value for value, label in choices.choices}
    for value, names in aliases.items():
        lookup.update({label_key(n): value for n in names})
    found = lookup.get(label_key(text))
    if found is None:
        check.error(
            outcome,
            table,
            key,
            _("“%(value)s”不是可选的值，请从下拉列表中选择：%(choices)s。")
            % {"value": text, "choices": "、".join(str(label) for label in choices.labels)},
        )
    return found


def _major_code(check: Check, outcome: RowOutcome, table: Table, row: Row) -> str:
    raw = row.values.get("code")
    if isinstance(raw, int | float) and not isinstance(raw, bool) and float(raw).is_integer():
        return str(int(raw)).zfill(6)  # 040107 typed as a number loses its leading zero
    code = clean_text(raw).upper()
    if code and not _MAJOR_CODE.fullmatch(code):
        check.error(
            outcome,
            table,
            "code",
            _(
                "“%(value)s”不是专业代码：应为 6 位数字，"
                "特设专业加 T、国家控制布点专业加 K，如 040107。"
            )
            % {"value": code},
        )
    return code


def _amount(check: Check, outcome: RowOutcome, table: Table, row: Row) -> Decimal | None:
    raw = row.values.get("amount")
    if isinstance(raw, str):
        raw = re.sub(r"\s*万元?$", "", clean_text(raw))
    if isinstance(raw, str) and raw.endswith("元"):
        check.error(outcome, table, "amount", _("请以万元为单位填写数字，如 500。"))
        return None
    amount, problem = parse_decimal(raw)
    if not problem and amount is not None and not 0 <= amount < 10**10:
        problem = _("经费应为 0 至 100 亿万元之间的数字（单位：万元）。")
    if problem:
        check.error(outcome, table, "amount", problem)
        return None
    return None if amount is None else amount.quantize(Decimal("0.01"))
