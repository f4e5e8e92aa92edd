"""汇总表: the provinces' summary tables (seed 001, annex 3) as they really arrive — preview,
apply, re-import, the seed's rules, the template, the web pages and the shell command."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from imports import services
from imports.importers.base import Check, RowStatus
from imports.importers.summary_table import (
    SummaryTableForm,
    SummaryTableImporter,
    infer_kind,
    split_counties,
    summary_table_workbook,
)
from imports.models import ImportBatch, ImportStatus
from imports.workbook import Problem, Workbook
from programmes.models import Application, ApplicationEvent, Phase, PhaseKind
from schools.models import Contact, Institution, InstitutionKind, Region, RegionLevel
from tests.factories import PhaseFactory
from tests.imports.books import upload, xlsx
from tests.world import World

TITLE = "师范教育协同提质计划重点支持学校汇总表"
STAMP = "省级教育行政部门（盖章）：四川省教育厅"
FOOTNOTE = (
    "“地、市、州、盟”指学校所在地，“欠发达县”请填写该地、市、州、盟所辖国家乡村振兴重点帮扶县、"
    "脱贫县、边境县具体名称。"
)
VALID = [
    [1, "阿坝师范学院", "阿坝州", "汶川县", "张老师", "0837-2345678"],
    [2, "西昌民族幼儿师范高等专科学校", "凉山彝族自治州", "美姑县", "李老师", "13800001111"],
    [3, "乐山师范学院", "乐山市", "马边县、峨边彝族自治县", "王老师", "0833-2276000"],
]


@pytest.fixture
def sichuan(world: World) -> Region:
    """四川 with 乐山 (and two of its counties on the national lists) besides the world's."""
    province = world.regions["51"]
    leshan = Region.objects.create(
        code="5111", name="乐山市", short_name="乐山", level=RegionLevel.PREFECTURE, parent=province
    )
    for code, name, short in [
        ("511132", "峨边彝族自治县", "峨边县"),
        ("511133", "马边彝族自治县", "马边县"),
    ]:
        Region.objects.create(
            code=code,
            name=name,
            short_name=short,
            level=RegionLevel.COUNTY,
            parent=leshan,
            is_poverty_alleviated_county=True,
        )
    return province


def ministry_book(rows, *, stamp=STAMP, sheet="汇总表") -> bytes:
    """The ministry's layout: 附件3, the title, the 盖章 line, the two-row merged header,
    the rows, the footnote merged across the table."""
    footnote_row = 6 + len(rows)
    return xlsx(
        {
            sheet: [
                ["附件3"],
                [TITLE],
                [stamp, None, None, "填报人及联系方式：周老师 028-86112233"],
                ["序号", "推荐学校", "所在地", None, "联系人", "联系方式"],
                [None, None, "地、市、州、盟", "欠发达县", None, None],
                *rows,
                [FOOTNOTE],
            ]
        },
        merges={
            sheet: [
                "A2:F2",
                "A4:A5",
                "B4:B5",
                "C4:D4",
                "E4:E5",
                "F4:F5",
                f"A{footnote_row}:F{footnote_row}",
            ]
        },
    )


def check_file(world: World, data: bytes, **params) -> tuple[SummaryTableImporter, Check]:
    importer = SummaryTableImporter(
        {"programme": world.programme.pk, "phase": world.phase.pk, **params},
        user=world.users["admin"],
    )
    with Workbook(io.BytesIO(data), name="汇总表.xlsx") as book:
        return importer, importer.check(book)


def apply_file(world: World, data: bytes, **params) -> dict[str, int]:
    importer, check = check_file(world, data, **params)
    assert check.ok, [str(p) for p in check.problems]
    with transaction.atomic():
        return importer.apply()


def stored_counts() -> tuple[int, int, int, int]:
    return (
        Institution.objects.count(),
        Application.objects.count(),
        Contact.objects.count(),
        ApplicationEvent.objects.count(),
    )


def messages(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


def batch_upload(world: World, data: bytes, **params) -> ImportBatch:
    return services.batch_upload(
        user=world.users["admin"],
        kind="summary_table",
        params={"programme": world.programme.pk, "phase": world.phase.pk, **params},
        upload=upload(data, "四川省汇总表.xlsx"),
    )


# ---------------------------------------------------------------------------------------------
# The happy path


def test_a_ministry_layout_file_creates_colleges_contacts_and_applications(world, sichuan):
    before = stored_counts()
    batch = batch_upload(world, ministry_book(VALID))

    assert batch.status == ImportStatus.READY, batch.problems
    assert batch.counts["new"] == 3 and batch.counts["error"] == 0
    assert stored_counts() == before  # the preview writes nothing
    assert [row["label"] for row in batch.preview] == [
        "阿坝师范学院",
        "西昌民族幼儿师范高等专科学校",
        "乐山师范学院",
    ]
    # The new college's kind is inferred from its name, and shown for the admin to check.
    assert ["新建学校（类型按名称推断，请核对）", "—", "师范学院（本科）"] in batch.preview[2][
        "changes"
    ]
    warnings = [w["message"] for w in batch.warnings]
    assert any(w.startswith("原则上应为本科层次师范院校") for w in warnings)
    assert any("“汶川县”在系统中不是国家乡村振兴重点帮扶县" in w for w in warnings)

    batch = services.batch_confirm(user=world.users["admin"], batch=batch)

    assert batch.status == ImportStatus.APPLIED, batch.error
    assert batch.applied_counts == {
        "new": 3,
        "updated": 0,
        "unchanged": 0,
        "institutions": 1,
        "contacts": 3,
    }
    leshan = Institution.objects.get(name="乐山师范学院")
    assert leshan.kind == InstitutionKind.NORMAL_COLLEGE
    assert leshan.region.name == "乐山市"
    assert Contact.objects.get(institution=leshan).phone == "0833-2276000"
    apps = list(
        Application.objects.filter(programme=world.programme, phase=world.phase).order_by("order")
    )
    assert [a.institution.name for a in apps] == [
        "阿坝师范学院",
        "西昌民族幼儿师范高等专科学校",
        "乐山师范学院",
    ]
    assert {a.province for a in apps} == {sichuan}
    assert apps[0].prefecture == world.region("阿坝州")
    assert [c.name for c in apps[2].underdeveloped_counties.order_by("code")] == [
        "峨边彝族自治县",
        "马边彝族自治县",
    ]
    assert (apps[1].contact_name, apps[1].contact_phone) == ("李老师", "13800001111")
    assert apps[0].recommended_by is None  # the world has no 四川省教育厅
    event = ApplicationEvent.objects.get(application=apps[0])
    assert (event.from_status, event.to_status, event.by) == (
        "",
        "recommended",
        world.users["admin"],
    )
    assert event.comment == "由汇总表导入（四川省 · 协同提质计划 · “十四五”期间）。"
    # The column does not say which flag applies: no county is flagged by the import.
    assert not Region.objects.get(name="汶川县").is_underdeveloped_county
    assert world.abtc.region.name == "汶川县"  # an existing college is not moved


def test_the_same_file_again_is_unchanged_and_a_new_phone_is_an_update(world, sichuan):
    apply_file(world, ministry_book(VALID))
    before = stored_counts()

    _importer, again = check_file(world, ministry_book(VALID))
    assert again.counts() == {"new": 0, "updated": 0, "unchanged": 3, "error": 0}
    assert all(row.changes == [] for row in again.rows)

    changed = [list(row) for row in VALID]
    changed[0][5] = "0837-2345679"
    batch = batch_upload(world, ministry_book(changed))
    assert batch.counts["updated"] == 1 and batch.counts["unchanged"] == 2
    assert batch.preview[0]["status"] == RowStatus.UPDATED
    assert batch.preview[0]["changes"] == [["联系方式", "0837-2345678", "0837-2345679"]]

    batch = services.batch_confirm(user=world.users["admin"], batch=batch)
    assert batch.applied_counts["updated"] == 1
    assert stored_counts() == before  # nothing duplicated
    app = Application.objects.get(institution=world.abtc)
    assert app.contact_phone == "0837-2345679"
    assert Contact.objects.get(institution=world.abtc, name="张老师").phone == "0837-2345679"


def test_an_update_shows_each_changed_field(world, sichuan):
    apply_file(world, ministry_book(VALID))
    changed = [list(row) for row in VALID]
    changed[2] = [5, "乐山师范学院", "乐山", "马边县", "赵老师", "0833-2276001"]

    _importer, check = check_file(world, ministry_book(changed))

    assert check.rows[2].status == RowStatus.UPDATED
    assert check.rows[2].changes == [
        ("联系人", "王老师", "赵老师"),
        ("联系方式", "0833-2276000", "0833-2276001"),
        ("欠发达县", "峨边彝族自治县、马边彝族自治县", "马边彝族自治县"),
        ("序号", "3", "5"),
    ]
    apply_file(world, ministry_book(changed))
    app = Application.objects.get(institution__name="乐山师范学院")
    assert [c.name for c in app.underdeveloped_counties.all()] == ["马边彝族自治县"]
    assert app.order == 5
    leshan = Institution.objects.get(name="乐山师范学院")
    assert set(Contact.objects.filter(institution=leshan).values_list("name", "phone")) == {
        ("王老师", "0833-2276000"),
        ("赵老师", "0833-2276001"),
    }


def test_the_provincial_department_is_the_recommending_body(world, sichuan):
    department = Institution.objects.create(
        name="四川省教育厅", kind=InstitutionKind.PROVINCIAL_DEPARTMENT, region=sichuan
    )
    apply_file(world, ministry_book(VALID))
    assert set(Application.objects.values_list("recommended_by", flat=True)) == {department.pk}


def test_a_round_less_programme_takes_applications_without_a_phase(world, sichuan):
    importer = SummaryTableImporter(
        {"programme": world.programme.pk, "phase": None}, user=world.users["admin"]
    )
    with Workbook(io.BytesIO(ministry_book(VALID)), name="汇总表.xlsx") as book:
        assert importer.check(book).ok
    with transaction.atomic():
        importer.apply()
    assert Application.objects.filter(phase__isnull=True).count() == 3


# ---------------------------------------------------------------------------------------------
# Messy files


def test_a_messy_file_reads_the_same(world, sichuan):
    """Reordered columns, an extra column, headers typed differently, full-width digits and
    spaces, numbers as text or as numbers, 所在地 merged down two rows, blank rows, the
    “四川省乐山市” form and no footnote."""
    rows: list[list[Any]] = [
        ["推荐学校", "序号", "地、市、州", "欠发达县", "备注", "联系电话", "联系人"],
        [
            "阿坝师范学院 ",
            "１",
            "阿坝州",
            "汶川县\n",
            "老校区",
            "０８３７－２３４５６７８",
            " 张老师 ",
        ],
        ["四川民族师范学院", "2", None, "", None, 13800002222, "刘老师"],
        [None, None, None, None, None, None, None],
        ["乐山师范学院", 3.0, "四川省乐山市", "马边县；峨边县", None, "0833 2276000", "王　老师"],
    ]
    data = xlsx({"Sheet1": [["附件3"], [STAMP], *rows]}, merges={"Sheet1": ["C4:C5"]})

    _importer, check = check_file(world, data)

    assert check.ok, messages(check.problems)
    assert [r.label for r in check.rows] == ["阿坝师范学院", "四川民族师范学院", "乐山师范学院"]
    assert all(r.status == RowStatus.NEW for r in check.rows)
    assert ("联系方式", "—", "0837-2345678") in check.rows[0].changes
    assert ("序号", "—", "1") in check.rows[0].changes
    assert ("地市", "—", "阿坝藏族羌族自治州") in check.rows[1].changes  # the merged cell
    assert ("联系方式", "—", "13800002222") in check.rows[1].changes
    assert ("地市", "—", "乐山市") in check.rows[2].changes
    assert ("欠发达县", "—", "峨边彝族自治县、马边彝族自治县") in check.rows[2].changes
    assert ("联系人", "—", "王 老师") in check.rows[2].changes
    assert "表头「地、市、州」按「地、市、州、盟」读取。" in [w.message for w in check.warnings]


def test_numbered_empty_rows_and_a_note_in_the_first_column_are_skipped(world, sichuan):
    rows: list[list[Any]] = [
        *VALID[:1],
        [2, None, None, None, None, None],
        [3, None, None, None, None, None],
    ]
    data = xlsx(
        {
            "汇总表": [
                [STAMP],
                ["序号", "推荐学校", "地、市、州、盟", "欠发达县", "联系人", "联系方式"],
                *rows,
                ["注：" + FOOTNOTE],
            ]
        }
    )
    _importer, check = check_file(world, data)
    assert check.ok and [r.label for r in check.rows] == ["阿坝师范学院"]


def test_the_province_comes_from_the_form_the_stamp_line_or_the_rows(world, sichuan):
    _importer, check = check_file(world, ministry_book(VALID, stamp="省级教育行政部门（盖章）："))
    assert check.ok
    assert any("根据各行的地市判断为四川省" in w.message for w in check.warnings)

    _importer, check = check_file(world, ministry_book(VALID), province=sichuan.pk)
    assert check.ok

    _importer, check = check_file(
        world, ministry_book(VALID, stamp="省级教育行政部门（盖章）：广东省教育厅")
    )
    assert not check.ok
    assert "「汇总表」第 6 行「地、市、州、盟」：“阿坝州”是四川省的地市，不在广东省。" in messages(
        check.problems
    )

    _importer, check = check_file(
        world,
        ministry_book(VALID, stamp="省级教育行政部门（盖章）：广东省教育厅"),
        province=sichuan.pk,
    )
    assert messages(check.problems) == [
        "「汇总表」：表头上方写的是广东省，与导入时选择的省份“四川省”不一致。"
        "请确认文件是否选错，或在导入页面改选省份（也可留空，按文件判断）。"
    ]


def test_no_province_at_all_is_a_file_problem(world, sichuan):
    rows = [[1, "某某师范学院", "某某市", None, None, None]]
    _importer, check = check_file(world, ministry_book(rows, stamp="省级教育行政部门（盖章）："))
    assert messages(check.problems) == [
        "「汇总表」：无法确定是哪个省份的汇总表。请在导入页面选择省份，或在表头上方"
        "“省级教育行政部门（盖章）：”之后填写省级教育行政部门名称（如“四川省教育厅”）。"
    ]
    assert check.rows == []


# ---------------------------------------------------------------------------------------------
# The seed's rules, each broken


def test_an_unknown_prefecture_names_row_column_and_a_suggestion(world, sichuan):
    rows = [[1, "阿坝师范学院", "阿坝", "汶川县", "张老师", "0837-2345678"]]
    before = stored_counts()
    batch = batch_upload(world, ministry_book(rows))

    assert batch.status == ImportStatus.INVALID
    assert [str(Problem(**p)) for p in batch.problems] == [
        "「汇总表」第 6 行「地、市、州、盟」：找不到地市「阿坝」：四川省没有这个地、市、州、盟，"
        "是否指「阿坝州」？"
    ]
    assert batch.preview[0]["status"] == RowStatus.ERROR
    with pytest.raises(Exception, match="当前不能导入"):
        services.batch_confirm(user=world.users["admin"], batch=batch)
    assert stored_counts() == before


def test_a_county_of_another_prefecture_says_where_it_belongs(world, sichuan):
    rows = [[1, "阿坝师范学院", "阿坝州", "汶川县、美姑县", "张老师", "0837-2345678"]]
    _importer, check = check_file(world, ministry_book(rows))
    assert messages(check.problems) == [
        "「汇总表」第 6 行「欠发达县」：“美姑县”属于凉山彝族自治州，"
        "不是阿坝藏族羌族自治州所辖的县。"
    ]


def test_an_unknown_county_gets_a_suggestion(world, sichuan):
    rows = [[1, "西昌民族幼儿师范高等专科学校", "凉山州", "美沽县", "李老师", "13800001111"]]
    _importer, check = check_file(world, ministry_book(rows))
    assert [p.message for p in check.problems] == [
        "凉山彝族自治州没有名为“美沽县”的县（市、区），是否指「美姑县」？"
    ]


def test_more_than_three_colleges_of_a_province(world, sichuan):
    rows = [*VALID, [4, "四川民族师范学院", "阿坝州", None, "刘老师", "13800002222"]]
    before = stored_counts()
    batch = batch_upload(world, ministry_book(rows))
    assert batch.status == ImportStatus.INVALID
    assert "「汇总表」：四川省在本轮推荐了 4 所学校，每个省份最多推荐 3 所。" in [
        str(Problem(**p)) for p in batch.problems
    ]
    assert stored_counts() == before


def test_colleges_recommended_before_count_towards_the_three(world, sichuan):
    apply_file(world, ministry_book(VALID))
    rows = [[1, "四川民族师范学院", "阿坝州", None, "刘老师", "13800002222"]]

    _importer, check = check_file(world, ministry_book(rows))

    assert messages(check.problems) == [
        "「汇总表」：四川省在本轮推荐了 4 所学校，每个省份最多推荐 3 所（本文件 1 所，"
        "另有已推荐、不在本文件中的阿坝师范学院、西昌民族幼儿师范高等专科学校、乐山师范学院）。"
    ]


def test_two_junior_or_comprehensive_colleges(world, sichuan):
    rows = [
        [1, "西昌民族幼儿师范高等专科学校", "凉山州", "美姑县", "李老师", "13800001111"],
        [2, "乐山职业技术学院", "乐山市", "马边县", "钱老师", "0833-1111111"],
    ]
    before = stored_counts()
    _importer, check = check_file(world, ministry_book(rows))
    assert messages(check.problems) == [
        "「汇总表」：推荐学校原则上应为本科层次师范院校，专科层次师范院校和开展教师教育的"
        "综合院校合计不超过 1 所；四川省推荐了 2 所：西昌民族幼儿师范高等专科学校"
        "（师范专科学校（含幼专））、乐山职业技术学院（综合性院校（开展教师教育））。"
    ]
    assert stored_counts() == before


def test_the_same_college_twice_is_an_error_on_the_second_row(world, sichuan):
    rows = [*VALID[:2], [3, "阿坝师范学院", "阿坝州", "汶川县", "张老师", "0837-2345678"]]
    _importer, check = check_file(world, ministry_book(rows))
    assert messages(check.problems) == [
        "「汇总表」第 8 行「推荐学校」：“阿坝师范学院”在第 6 行已经填写，同一所学校只能推荐一次。"
    ]


def test_a_row_without_a_college_but_with_data(world, sichuan):
    rows = [*VALID[:1], [2, None, "凉山州", "美姑县", "李老师", "13800001111"]]
    _importer, check = check_file(world, ministry_book(rows))
    assert messages(check.problems) == [
        "「汇总表」第 7 行「推荐学校」：这一行填写了其他内容，但没有填写推荐学校的名称。"
    ]


def test_a_college_of_another_province_and_a_bad_phone(world, sichuan):
    rows = [
        [1, "嘉应学院", "凉山州", None, "陈老师", "0753-2186000"],
        [2, "阿坝师范学院", "阿坝州", None, "张老师", "2345"],
    ]
    before = stored_counts()
    _importer, check = check_file(world, ministry_book(rows))
    assert messages(check.problems) == [
        "「汇总表」第 6 行「推荐学校」：“嘉应学院”在系统中位于广东省梅州市，"
        "不属于四川省，不能由其推荐。",
        "「汇总表」第 7 行「联系方式」：“2345”不像电话号码（至少 7 位数字）。",
    ]
    assert stored_counts() == before


def test_checking_costs_the_same_queries_for_one_row_or_three(world, sichuan):
    with CaptureQueriesContext(connection) as one:
        check_file(world, ministry_book(VALID[:1]))
    with CaptureQueriesContext(connection) as three:
        check_file(world, ministry_book(VALID))
    # Per file, whatever its length: the programme, the phase, the provinces, the
    # prefectures, the province's counties, the colleges, their contacts, the round's
    # applications and the provincial department (9; their counties once any exist).
    assert len(one) == len(three) == 9
    apply_file(world, ministry_book(VALID))
    with CaptureQueriesContext(connection) as again:
        check_file(world, ministry_book(VALID))
    assert len(again) == 10


# ---------------------------------------------------------------------------------------------
# Form, template, pages, shell


def test_the_form_refuses_a_phase_of_another_programme(world, sichuan):
    other = PhaseFactory.create()
    form = SummaryTableForm(
        {"programme": world.programme.pk, "phase": other.pk},
        {"file": upload(ministry_book(VALID))},
        user=world.users["admin"],
    )
    assert not form.is_valid()
    assert form.errors["phase"] == [f"所选阶段 / 轮次“{other.name}”不属于“师范教育协同提质计划”。"]


def test_the_template_is_the_ministry_layout_and_reads_back(world, sichuan):
    data = summary_table_workbook(sichuan)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["汇总表", "选项", "填写说明"]
    sheet = book["汇总表"]
    assert sheet["A1"].value == "附件3"
    assert sheet["A2"].value == TITLE
    assert sheet["A3"].value.startswith("省级教育行政部门（盖章）：")
    assert sheet["D3"].value == "填报人及联系方式："
    assert [sheet.cell(4, c).value for c in range(1, 7)] == [
        "序号",
        "推荐学校",
        "所在地",
        None,
        "联系人",
        "联系方式",
    ]
    assert [sheet.cell(5, 3).value, sheet.cell(5, 4).value] == ["地、市、州、盟", "欠发达县"]
    assert [sheet.cell(r, 1).value for r in (6, 7, 8)] == [1, 2, 3]
    assert sheet["A9"].value.startswith("“地、市、州、盟”指学校所在地")
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A2:F2", "A4:A5", "B4:B5", "C4:D4", "E4:E5", "F4:F5", "A9:F9"} <= merged
    assert book["选项"].sheet_state == "hidden"
    options = [book["选项"].cell(r, 1).value for r in range(2, 6)]
    assert options == ["成都市", "乐山市", "阿坝藏族羌族自治州", "凉山彝族自治州"]
    (validation,) = sheet.data_validations.dataValidation
    assert str(validation.sqref) == "C6:C8"
    assert validation.formula1 == "'选项'!$A$2:$A$5"

    # Empty, it has nothing to import and nothing wrong.
    _importer, check = check_file(world, data, province=sichuan.pk)
    assert check.ok and check.rows == []

    for row, values in zip((6, 7, 8), VALID, strict=True):
        for column, value in enumerate(values[1:], start=2):
            sheet.cell(row, column).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    _importer, check = check_file(world, buffer.getvalue())
    assert check.ok, messages(check.problems)
    assert [r.status for r in check.rows] == [RowStatus.NEW] * 3


def test_the_template_download(client, world, sichuan):
    Institution.objects.create(
        name="四川省教育厅", kind=InstitutionKind.PROVINCIAL_DEPARTMENT, region=sichuan
    )
    client.force_login(world.users["admin"])
    response = client.get(
        reverse("imports:template", args=["summary_table"]), {"province": sichuan.pk}
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "汇总表"
    assert book["汇总表"]["A3"].value == "省级教育行政部门（盖章）：四川省教育厅"
    assert "选项" in book.sheetnames


def test_upload_preview_and_confirm_through_the_pages(client, world, sichuan):
    client.force_login(world.users["admin"])
    new = reverse("imports:new", args=["summary_table"])
    assert client.get(new).status_code == 200

    response = client.post(
        new,
        {
            "programme": world.programme.pk,
            "phase": world.phase.pk,
            "province": "",
            "file": upload(ministry_book(VALID), "四川省汇总表.xlsx"),
        },
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:detail", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "乐山师范学院" in page and "师范学院（本科）" in page and "确认导入" in page
    assert "汇总表（重点支持学校） · 协同提质计划 · “十四五”期间" in page

    response = client.post(reverse("imports:confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert Application.objects.filter(programme=world.programme).count() == 3


def test_the_shell_command_checks_then_imports(world, sichuan, tmp_path: Path, capsys):
    path = tmp_path / "四川省汇总表.xlsx"
    path.write_bytes(ministry_book(VALID))
    before = stored_counts()
    args = [str(path), "--programme", "national", "--phase", "1", "--province", "四川"]

    call_command("import_applications", *args, "--dry-run")
    out = capsys.readouterr().out
    assert "第 8 行 乐山师范学院：新增" in out and "没有写入任何数据" in out
    assert stored_counts() == before

    call_command("import_applications", *args, "--user", "admin")
    out = capsys.readouterr().out
    assert (
        "已导入：新增申报 3 个，更新 0 个，0 个无变化；新建学校 1 所，新增或更新联系人 3 位。"
        in out
    )
    assert Application.objects.filter(phase=world.phase).count() == 3

    call_command("import_applications", *args)  # as the only superuser
    assert "更新 0 个，3 个无变化" in capsys.readouterr().out


def test_the_shell_command_prints_every_problem(world, sichuan, tmp_path: Path, capsys):
    path = tmp_path / "汇总表.xlsx"
    path.write_bytes(ministry_book([[1, "阿坝师范学院", "阿坝", "汶川县", "张老师", "0837"]]))
    before = stored_counts()
    with pytest.raises(CommandError, match="有错误，没有导入任何数据"):
        call_command("import_applications", str(path), "--programme", "national")
    err = capsys.readouterr().err
    assert "错误：「汇总表」第 6 行「地、市、州、盟」：找不到地市「阿坝」" in err
    assert "错误：「汇总表」第 6 行「联系方式」：“0837”不像电话号码" in err
    assert stored_counts() == before

    with pytest.raises(CommandError, match="找不到标识为“nation”的计划，是否指「national」？"):
        call_command("import_applications", str(path), "--programme", "nation")
    with pytest.raises(CommandError, match="没有序号为 9 的阶段"):
        call_command("import_applications", str(path), "--programme", "national", "--phase", "9")


# ---------------------------------------------------------------------------------------------
# Small parts


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("四川师范大学", InstitutionKind.NORMAL_UNIVERSITY),
        ("乐山师范学院", InstitutionKind.NORMAL_COLLEGE),
        ("西昌民族幼儿师范高等专科学校", InstitutionKind.NORMAL_JUNIOR_COLLEGE),
        ("川北幼专", InstitutionKind.NORMAL_JUNIOR_COLLEGE),
        ("四川民族学院", InstitutionKind.COMPREHENSIVE_UNIVERSITY),
        ("西昌学院", InstitutionKind.COMPREHENSIVE_UNIVERSITY),
        ("某某中学", ""),
    ],
)
def test_kinds_inferred_from_names(name, kind):
    assert infer_kind(name) == kind


def test_county_cells_split_on_every_separator():
    assert split_counties(
        "汶川县、茂县，理县,黑水县；松潘县;九寨沟县/金川县 小金县\n马尔康市等"
    ) == [
        "汶川县",
        "茂县",
        "理县",
        "黑水县",
        "松潘县",
        "九寨沟县",
        "金川县",
        "小金县",
        "马尔康市",
    ]
    assert split_counties("汶川县、汶川县") == ["汶川县"]
    assert split_counties("无") == split_counties("—") == []
    assert split_counties(None) == []


def test_phase_rounds_are_kept_apart(world, sichuan):
    """The same college recommended in the next round is a new application, not an update."""
    apply_file(world, ministry_book(VALID))
    round2 = Phase.objects.create(
        programme=world.programme,
        kind=PhaseKind.ROUND,
        number=2,
        name="第二轮",
        starts_on=world.phase.starts_on,
        ends_on=world.phase.ends_on,
    )
    _importer, check = check_file(world, ministry_book(VALID), phase=round2.pk)
    assert check.ok and check.counts()["new"] == 3


def test_a_formula_without_a_result_is_an_error_on_its_cell(world, sichuan):
    rows: list[list[Any]] = [[1, "阿坝师范学院", "阿坝州", "汶川县", "张老师", "=B6&C6"]]
    _importer, check = check_file(world, ministry_book(rows))
    assert messages(check.problems) == [
        "「汇总表」第 6 行「联系方式」：这是没有计算结果的公式，请在 Excel 中打开、"
        "保存后重新上传，或直接填写内容。"
    ]


def test_the_exported_summary_table_imports_back_unchanged(world, sichuan):
    """The ministry-layout export (outputs) lists the province's applications as they were
    recommended; importing it again changes nothing."""
    from outputs import services as outputs

    apply_file(world, ministry_book(VALID))
    job = outputs.job_request(
        user=world.users["admin"],
        kind="summary_table_xlsx",
        params={"programme": world.programme.pk, "province": sichuan.pk, "filler": ""},
    )
    done = outputs.job_run(job.pk)
    assert done is not None

    _importer, check = check_file(world, done.file.open("rb").read())
    assert check.ok, messages(check.problems)
    statuses = {row.label: row.status for row in check.rows}
    assert statuses == {
        "阿坝师范学院": "unchanged",
        "西昌民族幼儿师范高等专科学校": "unchanged",
        "乐山师范学院": "unchanged",
    }
