"""The ministry's summary table (seed 001 annex 3) and the indicator workbook, read back with
openpyxl: layout, values, scope, and formula-looking text kept as text."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from outputs.exporters.indicator_workbook import HEADERS, IndicatorWorkbookExporter
from outputs.exporters.summary_table import SummaryTableExporter
from outputs.models import OutputJob
from projects.models import Project
from reports.models import ReportingPeriod
from schools.models import Contact
from tests.world import World


def _run(exporter_class, params, user=None):
    return exporter_class(params, user=user).run(lambda done, total, stage: None)


def _sichuan_table(world: World):
    Contact.objects.create(institution=world.xcyz, name="=cmd|' /C calc'!A0", phone="0834-1234567")
    output = _run(
        SummaryTableExporter,
        {
            "programme": world.programme.pk,
            "province": world.region("四川省").pk,
            "filler": "李四 028-85551234",
        },
    )
    return output, openpyxl.load_workbook(io.BytesIO(output.data)).active


def test_summary_table_has_the_ministry_layout(world: World) -> None:
    output, sheet = _sichuan_table(world)
    assert output.filename == "四川省-重点支持学校汇总表.xlsx"
    assert sheet["A1"].value == "附件 3"
    assert sheet["A2"].value == "师范教育协同提质计划重点支持学校汇总表"
    assert sheet["A3"].value == "省级教育行政部门（盖章）："
    assert sheet["D3"].value == "填报人及联系方式：李四 028-85551234"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A2:F2", "A3:C3", "D3:F3", "A4:A5", "B4:B5", "C4:D4", "E4:E5", "F4:F5"} <= merged
    header = [sheet.cell(4, c).value for c in range(1, 7)]
    assert header == ["序号", "推荐学校", "所在地", None, "联系人", "联系方式"]
    assert [sheet["C5"].value, sheet["D5"].value] == ["地、市、州、盟", "欠发达县"]
    assert sheet.column_dimensions["B"].width == 32 and sheet.column_dimensions["D"].width == 40
    assert sheet["A6"].border.left.style == "thin" and sheet["F8"].border.bottom.style == "thin"
    assert sheet.print_title_rows == "$4:$5"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.cell(10, 1).value.startswith("“地、市、州、盟”指学校所在地")


def test_summary_table_lists_the_provinces_supported_colleges(world: World) -> None:
    _output, sheet = _sichuan_table(world)
    rows = [[sheet.cell(r, c).value for c in range(1, 7)] for r in (6, 7, 8)]
    assert rows[0][:5] == [1, "阿坝师范学院", "阿坝藏族羌族自治州", None, None]
    assert rows[1][:4] == [2, "西昌民族幼儿师范高等专科学校", "凉山彝族自治州", "美姑县"]
    # A contact typed as a formula stays text: Excel shows it, never runs it.
    assert rows[1][4] == "=cmd|' /C calc'!A0" and sheet["E7"].data_type == "s"
    assert rows[1][5] == "0834-1234567"
    assert rows[2] == [None] * 6  # the blank third row of the ministry's form
    # 四川师范大学 supports, it is not a supported college.
    assert "四川师范大学" not in [r[1] for r in rows]


@pytest.mark.parametrize(
    "username, province, allowed",
    [
        ("anhui_edu", "安徽省", True),
        ("anhui_edu", "四川省", False),
        ("admin", "四川省", True),
        ("bnu_coordinator", "安徽省", False),
        ("fynu_contact", "安徽省", False),
    ],
)
def test_who_may_have_a_provinces_summary_table(
    client, world: World, username, province, allowed, django_capture_on_commit_callbacks
) -> None:
    client.force_login(world.users[username])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("outputs:new", args=[SummaryTableExporter.kind]),
            {"programme": world.programme.pk, "province": world.region(province).pk},
        )
    assert OutputJob.objects.filter(status="done").exists() == allowed
    assert response.status_code == (302 if allowed else 200)


def _workbook(world: World, user, **subject):
    params = {"programme": world.programme.pk, **subject}
    output = _run(IndicatorWorkbookExporter, params, user=user)
    return openpyxl.load_workbook(io.BytesIO(output.data))


def test_indicator_workbook_has_a_row_per_institution_indicator_and_period(
    world: World, summary_period
) -> None:
    ReportingPeriod.objects.create(
        programme=world.programme,
        name="2024年第2季度",
        starts_on="2024-04-01",
        ends_on="2024-06-30",
        opens_on="2024-04-01",
        due_on="2024-07-10",
        locks_on="2024-07-30",
    )
    Project.objects.filter(title="青年骨干教师培育").update(title='=HYPERLINK("http://x")')
    book = _workbook(world, world.users["bnu_coordinator"], consortium=world.consortium.pk)
    sheet = book["指标数据"]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [str(label) for label, _width in HEADERS]
    assert sheet.auto_filter.ref == f"A1:N{len(rows)}"
    # One indicator, two responsible units (安徽师大, 阜阳师大), two periods: four rows.
    body = rows[1:]
    assert len(body) == 4
    assert {(r[1], r[7]) for r in body} == {
        (name, period)
        for name in ("安徽师范大学", "阜阳师范大学")
        for period in ("2024年第1季度", "2024年第2季度")
    }
    first = next(r for r in body if r[1] == "阜阳师范大学" and r[7] == "2024年第1季度")
    assert first[5] == "培训学时" and first[10] == 30 and first[11] == "活动汇总"
    assert first[12] == 100
    second = next(r for r in body if r[1] == "阜阳师范大学" and r[7] == "2024年第2季度")
    assert second[10] is None and second[11] is None  # nothing recorded, no source
    # The formula-looking project title is text.
    assert first[3] == '=HYPERLINK("http://x")'
    cells = [c for c in sheet["D"] if c.value == '=HYPERLINK("http://x")']
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert first[8] == dt.datetime(2024, 1, 1)  # a real date cell, shown yyyy-mm-dd
    assert sheet["I2"].number_format == "yyyy-mm-dd"


def test_indicator_workbook_survives_control_characters(world: World, summary_period) -> None:
    Project.objects.filter(title="青年骨干教师培育").update(title="骨干\x07教师<培育>&")
    book = _workbook(world, world.users["bnu_coordinator"], consortium=world.consortium.pk)
    titles = {r[3] for r in book["指标数据"].iter_rows(min_row=2, values_only=True)}
    assert titles == {"骨干教师<培育>&"}


def test_indicator_workbook_is_scoped(world: World, summary_period) -> None:
    # 安徽省教育厅 gets its province's institutions only; other consortia stay out.
    book = _workbook(world, world.users["anhui_edu"], province=world.region("安徽省").pk)
    names = {r[1] for r in book["指标数据"].iter_rows(min_row=2, values_only=True)}
    assert names == {"安徽师范大学", "阜阳师范大学"}
    assert IndicatorWorkbookExporter.allowed(
        world.users["anhui_edu"],
        {"programme": world.programme.pk, "province": world.region("安徽省").pk},
    )
    for username, subject in [
        ("anhui_edu", {"province": world.region("四川省").pk}),
        ("carol", {"consortium": world.consortium.pk + 999}),
        ("guangdong_edu", {"consortium": world.consortium.pk}),
    ]:
        params = {"programme": world.programme.pk, **subject}
        assert not IndicatorWorkbookExporter.allowed(world.users[username], params)
