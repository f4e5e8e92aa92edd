"""The 申报书 importer: the template the system writes, filled in as a college would, imported
through the import services; the structured record and the page that shows it; re-imports,
messy cells, and every kind of error placed at its sheet, row and column with nothing saved."""

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from imports.importers.application_form import ApplicationFormImporter
from imports.models import ImportBatch, ImportStatus
from imports.services import XLSX, batch_confirm, batch_upload
from programmes.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationMajor,
    ApplicationStatus,
    ApplicationYear,
    SupportKind,
    SupportLevel,
    TeacherCategory,
)
from schools.models import Institution, InstitutionKind
from tests.world import World

pytestmark = pytest.mark.django_db

# The example college's figures (invented for the test): teachers by category, (all, normal).
TEACHERS = {
    "35岁及以下": (210, 90),
    "36—45岁": (260, 120),
    "46—55岁": (150, 60),
    "56岁及以上": (30, 10),
    "博士研究生": (60, 25),
    "硕士研究生": (430, 190),
    "本科及以下": (160, 65),
    "正高级": (50, 20),
    "副高级": (180, 80),
    "中级": (300, 130),
    "初级及未定级": (120, 50),
}
STUDENTS = {
    "全日制在校生总数": 12800,
    "其中：本科生": 11200,
    "其中：专科生": 1600,
    "其中：硕士研究生": 0,
    "其中：博士研究生": 0,
    "其中：师范类专业在校生": 6900,
}
MAJORS: list[list[Any]] = [
    ["小学教育", "040107", "本科", 2013, 1400, "省级", "第二级", "藏汉双语方向"],
    ["学前教育", "040106", "本科", 2013, 1300, "否", "未认证", ""],
    ["数学与应用数学", "070101", "本科", 2014, 600, "", "", ""],
]
# year: enrolled, local, source, graduates, employed, teaching, rural, regions, key counties, trades
YEARS: dict[int, list[Any]] = {
    2016: [
        1500,
        1300,
        "四川省（阿坝州、甘孜州、凉山州）",
        1200,
        1100,
        800,
        500,
        "阿坝州",
        300,
        "教育",
    ],
    2017: [1550, 1330, "四川省", 1250, 1150, 820, 510, "阿坝州", 310, "教育"],
    2018: [1600, 1380, "四川省", 1300, 1200, 850, 520, "阿坝州、甘孜州", 320, "教育"],
    2019: [1650, 1400, "四川省", 1350, 1250, 880, 530, "甘孜州", 330, "教育"],
    2020: [1700, 1450, "四川省", 1400, 1300, 900, 540, "凉山州", 340, "教育"],
    2021: [1750, 1500, "四川省", 1450, 1350, 950, 560, "凉山州", 350, "教育"],
}
MEASURES: list[list[Any]] = [
    ["地市级", 1, "阿坝州人民政府", "经费投入", "每年安排专项经费支持师范类专业建设。", 500, "是"],
    [
        "地市级",
        2,
        "阿坝州人民政府",
        "基础教育教师队伍建设合作计划",
        "州内各县与学校共建教师发展中心。",
        None,
        "是",
    ],
    ["省级", 1, "四川省教育厅", "政策支持", "在硕士学位授权审核中给予倾斜支持。", None, "是"],
]
TEXTS = {
    "一、学校基本情况": "学校地处汶川县水磨镇。\n第二段：学科专业设置。",
    "二、1. 师范类学科专业情况": "师范类专业覆盖学前、小学和中学。",
    "二、4. 服务基础教育情况": "长期承担藏区教师培训。",
    "三、学校“十四五”发展规划": "建设高水平师范学院。",
    "四、学校提质计划实施方案": "依托组团帮扶，重点提升师资水平。",
    "六、认为重要的其他情况或支撑材料": "无。",
}


def rows_by_label(sheet: Worksheet, column: int = 1) -> dict[str, int]:
    return {
        str(sheet.cell(row=r, column=column).value): r
        for r in range(2, sheet.max_row + 1)
        if sheet.cell(row=r, column=column).value is not None
    }


def fill(book: Workbook, *, school: str = "阿坝师范学院") -> None:
    """Fill the system's template as the college would."""
    cover = book["封面"]
    labels = rows_by_label(cover)
    for label, value in {
        "申报学校": school,
        "学校负责人": "张三",
        "推荐单位": "四川省教育厅",
        "申报日期": "2022-02-25",
    }.items():
        cover.cell(row=labels[label], column=2, value=value)
    teachers = book["教师结构"]
    labels = rows_by_label(teachers, column=2)
    for label, (all_teachers, normal) in TEACHERS.items():
        teachers.cell(row=labels[label], column=3, value=all_teachers)
        teachers.cell(row=labels[label], column=4, value=normal)
    students = book["在校生"]
    labels = rows_by_label(students)
    for label, number in STUDENTS.items():
        students.cell(row=labels[label], column=2, value=number)
    majors = book["师范类专业"]
    for offset, values in enumerate(MAJORS):
        for column, value in enumerate(values, start=1):
            majors.cell(row=3 + offset, column=column, value=value)
    years = book["招生就业"]
    labels = rows_by_label(years)
    for year, values in YEARS.items():
        for column, value in enumerate(values, start=2):
            years.cell(row=labels[str(year)], column=column, value=value)
    measures = book["地方支持措施"]
    for offset, values in enumerate(MEASURES):
        for column, value in enumerate(values, start=1):
            measures.cell(row=3 + offset, column=column, value=value)
    texts = book["文字材料"]
    labels = rows_by_label(texts)
    for label, text in TEXTS.items():
        texts.cell(row=labels[label], column=2, value=text)


def template_book() -> Workbook:
    return load_workbook(io.BytesIO(ApplicationFormImporter({}, user=None).template()))


def to_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filled(change: Callable[[Workbook], Any] | None = None, **kwargs: Any) -> bytes:
    book = template_book()
    fill(book, **kwargs)
    if change is not None:
        change(book)
    return to_bytes(book)


def upload(world: World, data: bytes, *, phase: bool = True, user: Any = None) -> ImportBatch:
    params: dict[str, Any] = {"programme": world.programme.pk}
    params["phase"] = world.phase.pk if phase else None
    return batch_upload(
        user=user or world.users["admin"],
        kind="application_form",
        params=params,
        upload=SimpleUploadedFile("阿坝师范学院申报书.xlsx", data, content_type=XLSX),
    )


def imported(world: World, data: bytes, **kwargs: Any) -> ImportBatch:
    batch = upload(world, data, **kwargs)
    assert batch.status == ImportStatus.READY, (batch.error, batch.problems)
    batch = batch_confirm(user=world.users["admin"], batch=batch)
    assert batch.status == ImportStatus.APPLIED, (batch.error, batch.problems)
    return batch


def problem_texts(batch: ImportBatch) -> list[str]:
    return [f"{p['sheet']}|{p['row']}|{p['column']}|{p['message']}" for p in batch.problems]


# ---------------------------------------------------------------------------------------------
# The template


def test_template_has_every_part_of_annex_2(world: World) -> None:
    book = template_book()
    assert [name for name in book.sheetnames if name != "选项"] == [
        "填写说明",
        "封面",
        "教师结构",
        "在校生",
        "师范类专业",
        "招生就业",
        "地方支持措施",
        "文字材料",
    ]
    assert book["选项"].sheet_state == "hidden"
    assert set(rows_by_label(book["封面"])) == {"申报学校", "学校负责人", "推荐单位", "申报日期"}
    assert [int(y) for y in rows_by_label(book["招生就业"])] == list(range(2016, 2022))
    assert set(rows_by_label(book["教师结构"], column=2)) == set(TEACHERS)
    assert "六、认为重要的其他情况或支撑材料" in rows_by_label(book["文字材料"])
    measures = book["地方支持措施"]
    validated = {str(v.sqref).split(":")[0] for v in measures.data_validations.dataValidation}
    assert {"A2", "D2", "G2"} <= validated  # 层级, 类别, 已达成一致 as dropdowns
    assert measures["A2"].value == "地市级" and measures["A2"].font.i  # the example row
    guide = " ".join(str(c.value) for row in book["填写说明"].iter_rows() for c in row if c.value)
    assert "2016—2021" in guide and "三种分类的合计应相等" in guide


def test_template_download_page(client, world: World) -> None:
    client.force_login(world.users["admin"])
    response = client.get(reverse("imports:template", args=["application_form"]))
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content))["封面"]["A1"].value == "项目"


# ---------------------------------------------------------------------------------------------
# Importing


def test_import_creates_the_application_and_the_structured_form(client, world: World) -> None:
    sichuan = Institution.objects.create(
        name="四川省教育厅",
        kind=InstitutionKind.PROVINCIAL_DEPARTMENT,
        region=world.region("四川省"),
    )
    batch = imported(world, filled())
    assert batch.applied_counts["new"] == batch.row_count

    application = Application.objects.get(institution=world.abtc)
    assert application.status == ApplicationStatus.RECOMMENDED
    assert application.phase == world.phase
    assert application.province == world.region("四川省")
    assert application.prefecture == world.region("阿坝州")
    assert application.recommended_by == sichuan
    event = ApplicationEvent.objects.get(application=application)
    assert (event.from_status, event.to_status, event.by) == (
        "",
        ApplicationStatus.RECOMMENDED,
        world.users["admin"],
    )

    document = application.document
    assert document.head_name == "张三" and str(document.declared_on) == "2022-02-25"
    assert (document.students_total, document.normal_students) == (12800, 6900)
    assert document.basic_situation == "学校地处汶川县水磨镇。\n第二段：学科专业设置。"
    assert not document.is_demo
    doctors = document.teacher_counts.get(category=TeacherCategory.DOCTORATE)
    assert (doctors.all_teachers, doctors.normal_teachers) == (60, 25)
    assert document.teacher_counts.count() == 11
    assert list(document.majors.values_list("name", "code", "first_class", "accreditation")) == [
        ("小学教育", "040107", "provincial", "level_2"),
        ("学前教育", "040106", "", ""),
        ("数学与应用数学", "070101", "", ""),
    ]
    y2018 = document.years.get(year=2018)
    assert (y2018.enrolled, y2018.graduates, y2018.employed, y2018.teaching) == (
        1600,
        1300,
        1200,
        850,
    )
    assert (y2018.employed_underdeveloped, y2018.teaching_regions) == (320, "阿坝州、甘孜州")
    assert document.years.count() == 6
    funding = document.measures.get(level=SupportLevel.CITY, number=1)
    assert (funding.kind, funding.amount, funding.agreed) == (
        SupportKind.FUNDING,
        Decimal("500.00"),
        True,
    )
    assert document.measures.filter(level=SupportLevel.PROVINCE).count() == 1

    client.force_login(world.users["admin"])
    body = client.get(reverse("programmes:application_detail", args=[application.pk])).content
    text = body.decode()
    for shown in (
        "阿坝师范学院",
        "张三",
        "2022-02-25",
        "12800",
        "35岁及以下",
        "数学与应用数学",
        "四川省（阿坝州、甘孜州、凉山州）",
        "92.3%",  # 2018: 1200 of 1300 graduates employed
        "在硕士学位授权审核中给予倾斜支持。",
        "学校地处汶川县水磨镇。<br>第二段",
        "建设高水平师范学院。",
        "导入申报书时创建",
    ):
        assert shown in text, shown


def test_import_updates_the_application_the_summary_table_made(world: World) -> None:
    application = Application.objects.create(
        programme=world.programme,
        phase=world.phase,
        institution=world.abtc,
        province=world.region("四川省"),
        contact_name="李四",
        status=ApplicationStatus.REVIEWED,
    )
    batch = upload(world, filled())
    assert batch.status == ImportStatus.READY
    cover = next(row for row in batch.preview if row["sheet"] == "封面")
    assert cover["status"] == "unchanged" and cover["label"] == "阿坝师范学院的申报"
    assert batch.counts["new"] == batch.row_count - 1
    assert any("系统中没有“四川省教育厅”" in w["message"] for w in batch.warnings)
    batch_confirm(user=world.users["admin"], batch=batch)

    assert Application.objects.count() == 1
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REVIEWED  # the 申报书 does not move it
    assert application.contact_name == "李四"
    assert application.document.recommender_name == "四川省教育厅"
    assert not ApplicationEvent.objects.exists()


def test_a_second_import_of_the_same_file_changes_nothing(world: World) -> None:
    data = filled()
    imported(world, data)
    ids = {
        model: sorted(model.objects.values_list("pk", flat=True))
        for model in (ApplicationDocument, ApplicationMajor, ApplicationYear)
    }
    document = ApplicationDocument.objects.get()
    updated_at = document.updated_at

    batch = imported(world, data)
    assert batch.counts["unchanged"] == batch.row_count
    assert batch.applied_counts == {"new": 0, "updated": 0, "unchanged": batch.row_count}
    for model, pks in ids.items():
        assert sorted(model.objects.values_list("pk", flat=True)) == pks
    document.refresh_from_db()
    assert document.updated_at == updated_at
    assert ApplicationEvent.objects.count() == 1


def test_changes_show_their_differences_and_dropped_rows_are_deleted(world: World) -> None:
    imported(world, filled())

    def change(book: Workbook) -> None:
        book["教师结构"]["C5"] = 31  # 56岁及以上 30 → 31 ...
        book["教师结构"]["C8"] = 161  # ... and 本科及以下 160 → 161 ...
        book["教师结构"]["C12"] = 121  # ... and 初级 120 → 121: the totals still agree
        book["师范类专业"].delete_rows(5)  # 数学与应用数学
        book["文字材料"]["B7"] = "新的十四五规划。"

    batch = upload(world, filled(change))
    assert batch.status == ImportStatus.READY, batch.problems
    by_label = {row["label"]: row for row in batch.preview}
    assert by_label["年龄 · 56岁及以上"]["status"] == "updated"
    assert by_label["年龄 · 56岁及以上"]["changes"] == [["全校专任教师", "30", "31"]]
    assert by_label["小学教育"]["status"] == "unchanged"
    cover = by_label["阿坝师范学院的申报"]
    assert cover["status"] == "updated"
    assert ["删除", "师范类专业“数学与应用数学”（本科）", "—"] in cover["changes"]
    assert batch.counts["updated"] == 5
    batch = batch_confirm(user=world.users["admin"], batch=batch)
    assert batch.status == ImportStatus.APPLIED
    assert list(ApplicationMajor.objects.values_list("name", flat=True)) == ["小学教育", "学前教育"]
    assert ApplicationDocument.objects.get().development_plan == "新的十四五规划。"


def test_messy_cells_are_read(world: World) -> None:
    def mess(book: Workbook) -> None:
        teachers = book["教师结构"]
        teachers["C2"] = "２１０"  # full-width digits
        teachers["D2"] = "90人"
        teachers["C3"] = " 260 "
        teachers.merge_cells("A2:A5")  # 年龄 written once for its four rows
        teachers.insert_rows(8)  # a blank row in the middle
        teachers["B15"] = "合计"  # a total row of their own
        teachers["C15"] = 650
        students = book["在校生"]
        students["B2"] = "12,800"
        years = book["招生就业"]
        years["A2"] = "2016年"
        years["B3"] = "1,550"
        years["A10"] = "注：就业人数含升学人数。"  # a note under the table
        years["L1"] = "备注（本校自加）"  # an extra column of their own
        years["L2"] = "自加的列"
        majors = book["师范类专业"]
        majors["B3"] = 40107  # the code typed as a number: the leading zero is lost
        majors["C4"] = "本科层次"
        measures = book["地方支持措施"]
        measures["A3"] = "市级"
        measures["B3"] = None  # numbered automatically
        measures["F3"] = "500万元"
        measures["G3"] = "√"
        book["封面"]["B5"] = "2022年2月25日"

    batch = imported(world, filled(mess))
    assert batch.counts["error"] == 0
    document = ApplicationDocument.objects.get()
    assert document.students_total == 12800
    young = document.teacher_counts.get(category=TeacherCategory.AGE_35)
    assert (young.all_teachers, young.normal_teachers) == (210, 90)
    assert document.years.get(year=2016).enrolled == 1500
    assert document.years.get(year=2017).enrolled == 1550
    assert document.majors.get(name="小学教育").code == "040107"
    funding = document.measures.get(level=SupportLevel.CITY, number=1)
    assert funding.amount == Decimal("500.00") and funding.agreed is True
    assert str(document.declared_on) == "2022-02-25"
    assert any("作为说明文字跳过" in w["message"] for w in batch.warnings)


def test_one_major_at_two_levels(world: World) -> None:
    def add(book: Workbook) -> None:
        for column, value in enumerate(["学前教育", "570102K", "专科", 2008, 300, "", "第一级"], 1):
            book["师范类专业"].cell(row=6, column=column, value=value)

    imported(world, filled(add))
    assert list(
        ApplicationMajor.objects.filter(name="学前教育").values_list("level", "accreditation")
    ) == [("undergraduate", ""), ("junior_college", "level_1")]


# ---------------------------------------------------------------------------------------------
# Errors: each placed at sheet, row and column, and nothing saved


def _set(sheet: str, cell: str, value: Any) -> Callable[[Workbook], None]:
    def change(book: Workbook) -> None:
        book[sheet][cell] = value

    return change


ERRORS = {
    "not a number": (
        _set("教师结构", "C2", "约两百"),
        "教师结构|2|全校专任教师（人）|“约两百”不是整数。",
    ),
    "a percentage for a count": (
        _set("教师结构", "D7", "25%"),
        "教师结构|7|其中：师范类专业专任教师（人）|“25%”是百分比",
    ),
    "blank count": (
        _set("招生就业", "F4", None),
        "招生就业|4|就业人数（人）|请填写人数，没有请填 0。",
    ),
    "year outside 2016–2021": (
        _set("招生就业", "A2", 2015),
        "招生就业|2|年份|年份应在 2016—2021 年之间。",
    ),
    "year missing": (
        lambda book: book["招生就业"].delete_rows(5),
        "招生就业|None|年份|缺少 2019 年的数据",
    ),
    "year twice": (
        _set("招生就业", "A3", 2016),
        "招生就业|3|年份|2016 年重复出现（第一次在第 2 行）。",
    ),
    "employed more than graduates": (
        _set("招生就业", "F2", 1300),
        "招生就业|2|就业人数（人）|“就业人数”1300 人，多于“师范类专业毕业生数”1200 人。",
    ),
    "teaching more than employed": (
        _set("招生就业", "G3", 1200),
        "招生就业|3|其中：到中小学（幼儿园）任教（人）|多于“就业人数”1150 人。",
    ),
    "normal teachers more than all": (
        _set("教师结构", "D5", 31),
        "教师结构|5|其中：师范类专业专任教师（人）|31 人，多于全校专任教师 30 人。",
    ),
    "teacher totals disagree": (
        _set("教师结构", "C8", 170),
        "教师结构|8|全校专任教师（人）|按学历合计 660 人，与其他分类的合计（按年龄 650 人",
    ),
    "students add up to more than the total": (
        _set("在校生", "B3", 11300),
        "在校生|2|人数|合计 12900 人，多于全日制在校生总数 12800 人。",
    ),
    "unknown college": (
        _set("封面", "B2", "阿坝师范高等专科学校"),
        "封面|2|内容|系统中找不到高校“阿坝师范高等专科学校”",
    ),
    "recommended by another province": (
        _set("封面", "B4", "安徽省教育厅"),
        "封面|4|内容|推荐单位应为“阿坝师范学院”所在省份（四川省）的省级教育行政部门",
    ),
    "date not a date": (
        _set("封面", "B5", "二月底"),
        "封面|5|内容|无法识别日期“二月底”",
    ),
    "cooperation plan from the province": (
        _set("地方支持措施", "A4", "省级"),
        "地方支持措施|4|类别|只能由地市级提出",
    ),
    "not a choice": (
        _set("师范类专业", "G3", "优秀"),
        "师范类专业|3|师范类专业认证|“优秀”不是可选的值",
    ),
    "major twice": (
        _set("师范类专业", "A4", "小学教育"),
        "师范类专业|4|专业名称|专业“小学教育”（本科）重复出现（第一次在第 3 行）。",
    ),
    "bad major code": (
        _set("师范类专业", "B3", "04-01"),
        "师范类专业|3|专业代码|“04-01”不是专业代码",
    ),
    "measure without content": (
        _set("地方支持措施", "E5", None),
        "地方支持措施|5|具体措施|请填写具体措施。",
    ),
    "formula without a result": (
        _set("在校生", "B2", "=SUM(B3:B6)"),
        "在校生|2|人数|公式“=SUM(B3:B6)”没有计算结果",
    ),
    "formula in a count": (
        _set("教师结构", "C2", "=100+110"),
        "教师结构|2|全校专任教师（人）|公式“=100+110”没有计算结果",
    ),
    "cover line removed": (
        lambda book: book["封面"].delete_rows(3),
        "封面|None|项目|缺少“学校负责人”这一行",
    ),
    "sheet removed": (
        lambda book: book.remove(book["在校生"]),
        "在校生|None||缺少工作表「在校生」。",
    ),
}


@pytest.mark.parametrize("name", ERRORS)
def test_each_error_names_sheet_row_and_column_and_nothing_is_saved(
    world: World, name: str
) -> None:
    change, expected = ERRORS[name]
    batch = upload(world, filled(change))
    assert batch.status == ImportStatus.INVALID
    where, message = expected.rsplit("|", 1)
    found = problem_texts(batch)
    assert any(text.startswith(where + "|") and message in text for text in found), found
    assert not Application.objects.exists()
    assert not ApplicationDocument.objects.exists()


def test_an_invalid_file_saves_nothing_for_an_existing_application(world: World) -> None:
    imported(world, filled())
    before = list(ApplicationYear.objects.values_list("pk", "employed"))
    batch = upload(world, filled(_set("招生就业", "F2", 9999)))
    assert batch.status == ImportStatus.INVALID
    assert list(ApplicationYear.objects.values_list("pk", "employed")) == before


def test_without_a_round_when_the_college_applied_in_one(world: World) -> None:
    Application.objects.create(
        programme=world.programme,
        phase=world.phase,
        institution=world.abtc,
        province=world.region("四川省"),
    )
    batch = upload(world, filled(), phase=False)
    assert batch.status == ImportStatus.INVALID
    assert "请在导入时选择该轮次" in batch.problems[0]["message"]


def test_only_importers_may_import(world: World) -> None:
    with pytest.raises(PermissionDenied):
        upload(world, filled(), user=world.users["anhui_edu"])


def test_the_upload_page_offers_programme_and_round(client, world: World) -> None:
    client.force_login(world.users["admin"])
    response = client.get(reverse("imports:new", args=["application_form"]))
    text = response.content.decode()
    assert "师范教育协同提质计划" in text and "“十四五”期间" in text
    response = client.post(
        reverse("imports:new", args=["application_form"]),
        {
            "programme": world.programme.pk,
            "phase": world.phase.pk,
            "file": SimpleUploadedFile("申报书.xlsx", filled(), content_type=XLSX),
        },
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.READY
    assert batch.title == "重点支持学校申报书 · 协同提质计划 · “十四五”期间"
