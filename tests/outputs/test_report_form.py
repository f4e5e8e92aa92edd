"""The offline quarterly report form: 阜阳师范大学's contact downloads the form pre-filled with
the college's projects, milestones and indicators, fills it in Excel and uploads it back as a
draft; every row error is named with its sheet, row and column, and nothing is saved until the
whole file is right."""

import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from outputs.exporters.report_form import ReportFormExporter
from outputs.models import JobStatus, OutputJob
from projects.choices import ActualSource
from projects.models import Indicator, IndicatorTarget, Milestone, ResponsibleUnit
from projects.services.indicators import indicator_save
from projects.services.projects import project_save
from reports.models import QuarterlyReport, ReportingPeriod, ReportStatus
from reports.services import report_open, report_save
from tests.projects.helpers import areas, make_activity, make_project
from tests.reports.conftest import make_period
from tests.world import World

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.com","点我")'


@pytest.fixture
def period(world: World) -> ReportingPeriod:
    """2024 Q1 as the reported quarter, open for filling today."""
    areas(world)
    period = make_period(world, name="2024年第1季度")
    period.starts_on, period.ends_on = dt.date(2024, 1, 1), dt.date(2024, 3, 31)
    period.save()
    return period


@pytest.fixture
def work(world: World, period: ReportingPeriod) -> dict[str, Any]:
    """Two projects of 阜阳师范大学 (one with a formula-looking title), a derived indicator
    (training hours: 8 recorded in the quarter) and a typed one (trainee teachers)."""
    admin = world.users["admin"]
    project = make_project(world, units=[world.fynu], title="青年骨干教师培育")
    project = project_save(
        user=admin,
        project=project,
        units=[ResponsibleUnit(institution=world.fynu)],
        milestones=[
            Milestone(
                title="制定培养方案", due_on=dt.date(2024, 3, 1), done_on=dt.date(2024, 2, 20)
            ),
            Milestone(title="首批教师跟岗", due_on=dt.date(2024, 9, 1)),
        ],
    )
    odd = make_project(world, units=[world.fynu], title=FORMULA, area="2")
    hours = indicator_save(
        user=admin,
        indicator=Indicator(
            project=project, name="培训学时", unit="学时", source=ActualSource.ACTIVITY_HOURS
        ),
        targets=[IndicatorTarget(year=2024, value=100)],
    )
    trainees = indicator_save(
        user=admin,
        indicator=Indicator(project=project, name="接收实习生", unit="人"),
        targets=[IndicatorTarget(year=2024, value=50)],
    )
    make_activity(world, project, day=dt.date(2024, 2, 1), hours=Decimal(8), indicators=[hours])
    return {"project": project, "odd": odd, "hours": hours, "trainees": trainees}


def generate(period: ReportingPeriod, institution: Any) -> Workbook:
    output = ReportFormExporter({"period": period.pk, "institution": institution.pk}).run(
        lambda *args: None
    )
    assert output.filename.endswith(".xlsx")
    return load_workbook(io.BytesIO(output.data))


def as_upload(book: Workbook, name: str = "填报表.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client: Any, period: ReportingPeriod, institution: Any, file: Any, **extra: str) -> Any:
    url = reverse("reports:upload_offline", args=[period.pk, institution.pk])
    return client.post(url, {"file": file, **extra})


def row_of(sheet: Any, key: Any) -> int:
    return next(c.row for c in sheet["A"] if c.value == key)


def fill(book: Workbook, work: dict[str, Any], period: ReportingPeriod) -> None:
    """What the contact types in Excel."""
    basic = book["基本信息"]
    basic.cell(row=row_of(basic, "contact_name"), column=3).value = "王信息员"
    basic.cell(row=row_of(basic, "contact_phone"), column=3).value = 13800138000
    sections = book["工作进展"]
    sections["C2"], sections["F2"] = "开展青年教师培训两期", "继续跟岗研修"
    progress = book["项目进展"]
    row = row_of(progress, work["project"].pk)
    progress.cell(row=row, column=4).value = 40
    progress.cell(row=row, column=5).value = "制定培养方案"
    values = book["指标"]
    values.cell(row=row_of(values, work["trainees"].pk), column=7).value = 12
    row = row_of(values, work["hours"].pk)
    values.cell(row=row, column=7).value = 10
    values.cell(row=row, column=8).value = "另有 2 学时线上培训未登记活动"


def test_the_form_is_prefilled_laid_out_and_protected(world: World, period, work) -> None:
    report = report_open(user=world.users["fynu_contact"], period=period, institution=world.fynu)
    area = period.programme.content_areas.get(code="1")
    report = report_save(
        user=world.users["fynu_contact"],
        report=report,
        version=report.version,
        fields={"contact_name": "王信息员", "contact_email": "wang@fynu.edu.cn"},
        sections={area.pk: {"work_done": "已开展培训"}},
        progress={work["project"].pk: {"percent": 30, "note": "按计划"}},
        values={},
    )
    book = generate(period, world.fynu)
    assert book.sheetnames == ["说明", "基本信息", "工作进展", "项目进展", "指标", "meta"]
    assert book["meta"].sheet_state == "veryHidden"
    assert "阜阳师范大学" in book["说明"]["A1"].value

    basic = book["基本信息"]
    assert basic.cell(row=row_of(basic, "contact_name"), column=3).value == "王信息员"
    assert basic.column_dimensions["A"].hidden

    sections = book["工作进展"]
    assert [c.value for c in sections[1]] == [
        "编号", "内容领域", "本季度工作", "取得成效", "存在问题", "下季度计划"
    ]  # fmt: skip
    assert [sections.cell(row=r, column=2).value for r in (2, 3, 4)] == [
        "人才队伍建设", "学科专业建设", "组团特色项目"
    ]  # fmt: skip
    assert sections["A2"].value == area.pk and sections["C2"].value == "已开展培训"
    assert sections.freeze_panes == "C2" and sections.print_title_rows == "$1:$1"

    progress = book["项目进展"]
    row = row_of(progress, work["project"].pk)
    assert progress.cell(row=row, column=4).value == 30
    assert progress.cell(row=row, column=6).value == "按计划"
    milestones = progress.cell(row=row, column=8).value
    assert "1. 制定培养方案（计划 2024-03-01，已于 2024-02-20 完成）" in milestones
    assert "2. 首批教师跟岗（计划 2024-09-01）" in milestones

    values = book["指标"]
    assert [c.value for c in values[1]] == [
        "编号", "所属项目或结对", "指标名称", "计量单位", "目标值", "由活动汇总的数值",
        "本期数值", "修改原因（与汇总值不同时必填）",
    ]  # fmt: skip
    hours = [c.value for c in values[row_of(values, work["hours"].pk)]]
    assert hours[1:7] == ["青年骨干教师培育", "培训学时", "学时", 100, 8, 8]
    trainees = [c.value for c in values[row_of(values, work["trainees"].pk)]]
    assert trainees[5:7] == [None, None]  # typed in: no derived value to start from
    assert values.freeze_panes == "D2"

    # Keys and references locked, inputs open; the sheets are protected.
    for sheet in (basic, sections, progress, values):
        assert sheet.protection.sheet
    assert progress.cell(row=row, column=1).protection.locked
    assert progress.cell(row=row, column=2).protection.locked
    assert not progress.cell(row=row, column=4).protection.locked
    assert not values.cell(row=2, column=7).protection.locked
    checks = {(v.type, v.formula1, v.formula2) for v in progress.data_validations.dataValidation}
    assert ("whole", "0", "100") in checks
    assert "decimal" in {v.type for v in values.data_validations.dataValidation}


def test_formula_looking_text_is_written_as_text(world: World, period, work) -> None:
    report = report_open(user=world.users["fynu_contact"], period=period, institution=world.fynu)
    area = period.programme.content_areas.get(code="1")
    report_save(
        user=world.users["fynu_contact"],
        report=report,
        version=report.version,
        fields={"contact_name": "@SUM(A1)"},
        sections={area.pk: {"work_done": "=1+1", "problems": "-2"}},
        progress={},
        values={},
    )
    book = generate(period, world.fynu)
    title = book["项目进展"].cell(row=row_of(book["项目进展"], work["odd"].pk), column=2)
    assert title.value == FORMULA and title.data_type == "s"
    for cell in (book["工作进展"]["C2"], book["工作进展"]["E2"]):
        assert cell.data_type == "s" and cell.value in {"=1+1", "-2"}
    name = book["基本信息"].cell(row=row_of(book["基本信息"], "contact_name"), column=3)
    assert name.value == "@SUM(A1)" and name.data_type == "s"


def test_a_filled_form_becomes_the_draft(client, world: World, period, work) -> None:
    book = generate(period, world.fynu)
    fill(book, work, period)
    client.force_login(world.users["fynu_info"])
    response = upload(
        client,
        period,
        world.fynu,
        as_upload(book),
    )
    report = QuarterlyReport.objects.get(period=period, institution=world.fynu)
    assert response.status_code == 302 and response.url == reverse(
        "reports:detail", args=[report.pk]
    )
    assert "已导入为草稿" in client.get(response.url).content.decode()
    assert report.status == ReportStatus.DRAFT and report.version == 2
    assert (report.contact_name, report.contact_phone) == ("王信息员", "13800138000")
    area = period.programme.content_areas.get(code="1")
    section = report.sections.get(area=area)
    assert (section.work_done, section.next_plan) == ("开展青年教师培训两期", "继续跟岗研修")
    progress = report.project_progress.get(project=work["project"])
    assert (progress.percent, progress.milestones_reached) == (40, "制定培养方案")
    hours = report.indicator_values.get(indicator=work["hours"])
    assert (hours.value, hours.derived, hours.overridden) == (Decimal(10), Decimal(8), True)
    assert hours.reason == "另有 2 学时线上培训未登记活动"
    assert report.indicator_values.get(indicator=work["trainees"]).value == Decimal(12)


def test_every_row_error_is_named_and_nothing_is_saved(client, world: World, period, work) -> None:
    report = report_open(user=world.users["fynu_contact"], period=period, institution=world.fynu)
    book = generate(period, world.fynu)
    fill(book, work, period)
    basic = book["基本信息"]
    email_row = row_of(basic, "contact_email")
    basic.cell(row=email_row, column=3).value = "不是邮箱"
    progress = book["项目进展"]
    project_row = row_of(progress, work["project"].pk)
    progress.cell(row=project_row, column=4).value = 150
    odd_row = row_of(progress, work["odd"].pk)
    progress.cell(row=odd_row, column=1).value = 99999
    progress.cell(row=odd_row, column=4).value = "一半"
    values = book["指标"]
    trainees_row = row_of(values, work["trainees"].pk)
    values.cell(row=trainees_row, column=7).value = "abc"
    hours_row = row_of(values, work["hours"].pk)
    values.cell(row=hours_row, column=8).value = None  # changed from 8 to 10, no reason
    client.force_login(world.users["fynu_contact"])
    response = upload(client, period, world.fynu, as_upload(book))
    assert response.status_code == 200
    assert response.context["errors"] == [
        f"「基本信息」第 {email_row} 行「内容」：“不是邮箱”不是有效的电子邮箱地址。",
        f"「项目进展」第 {project_row} 行「完成进度（%）」：“150”不在 0 到 100 之间。",
        f"「项目进展」第 {odd_row} 行「编号」："
        "编号“99999”不在本单位本期的填报范围内（可能已删除或不属于本单位）。",
        f"「项目进展」第 {odd_row} 行「完成进度（%）」：“一半”不是整数。",
        f"「指标」第 {hours_row} 行「修改原因（与汇总值不同时必填）」："
        "本期数值 10.00 与活动记录汇总的 8.00 不同，请说明修改原因。",
        f"「指标」第 {trainees_row} 行「本期数值」：“abc”不是数字。",
    ]
    body = response.content.decode()
    assert "文件中有 6 处问题，尚未保存任何内容" in body
    stored = QuarterlyReport.objects.get(pk=report.pk)
    assert stored.version == report.version and stored.contact_name == ""
    assert not stored.sections.exists() and not stored.project_progress.exists()


def test_a_form_of_another_report_or_format_is_refused(client, world: World, period, work) -> None:
    client.force_login(world.users["fynu_contact"])
    other = generate(period, world.ahnu)
    response = upload(client, period, world.fynu, as_upload(other))
    assert response.context["errors"] == [
        "这份填报表属于另一份报告（其他报送期或报送单位），不是“阜阳师范大学 · 2024年第1季度”的。"
        "请下载本报告的离线填报表。"
    ]
    old = generate(period, world.fynu)
    old["meta"]["B2"] = 0
    response = upload(client, period, world.fynu, as_upload(old))
    assert "旧版本格式（第 0 版）" in response.context["errors"][0]
    moved = generate(period, world.fynu)
    moved["指标"]["G1"] = "数值"
    response = upload(client, period, world.fynu, as_upload(moved))
    assert response.context["errors"] == [
        "工作表「指标」的表头与下载时不同（列被增删或移动），请重新下载填报表。"
    ]
    assert not QuarterlyReport.objects.get(institution=world.fynu).project_progress.exists()


def test_files_that_are_not_our_workbook_are_refused(client, world: World, period) -> None:
    client.force_login(world.users["fynu_contact"])
    csv = b"\xe7\xbc\x96\xe5\x8f\xb7,\xe6\x95\xb0\xe5\x80\xbc\n1,2\n"
    response = upload(client, period, world.fynu, SimpleUploadedFile("填报表.xlsx", csv))
    assert response.context["errors"] == [
        "文件“填报表.xlsx”的内容与扩展名不符，可能已损坏或不是 .xlsx 文件。"
    ]
    response = upload(client, period, world.fynu, SimpleUploadedFile("填报表.csv", csv))
    assert response.context["errors"] == ["文件“填报表.csv”的类型不支持，只能上传：.xlsx。"]
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not-a-workbook")
    response = upload(
        client, period, world.fynu, SimpleUploadedFile("填报表.xlsx", broken.getvalue())
    )
    assert response.context["errors"] == [
        "无法读取该文件：它不是有效的 Excel 工作簿（.xlsx），或已损坏。"
    ]
    response = upload(client, period, world.fynu, as_upload(Workbook()))
    assert response.context["errors"] == [
        "这不是本系统下载的离线填报表，请在报告页面下载离线填报表后填写。"
    ]
    report = QuarterlyReport.objects.get(period=period, institution=world.fynu)
    assert report.version == 1


def test_a_save_since_the_download_is_a_conflict(client, world: World, period, work) -> None:
    contact = world.users["fynu_contact"]
    report = report_open(user=contact, period=period, institution=world.fynu)
    book = generate(period, world.fynu)
    fill(book, work, period)
    report_save(
        user=world.users["fynu_info"],
        report=report,
        version=report.version,
        fields={"contact_name": "李信息员"},
        sections={},
        progress={},
        values={},
    )
    client.force_login(contact)
    response = upload(client, period, world.fynu, as_upload(book))
    body = response.content.decode()
    assert "其他人保存了这份报告。文件尚未导入" in body
    assert "李信息员" in body and "王信息员" in body and 'name="overwrite"' in body
    assert QuarterlyReport.objects.get(pk=report.pk).contact_name == "李信息员"
    response = upload(client, period, world.fynu, as_upload(book), overwrite="on")
    assert response.status_code == 302
    assert QuarterlyReport.objects.get(pk=report.pk).contact_name == "王信息员"


def test_only_who_fills_the_report_uploads(client, world: World, period, work) -> None:
    report = report_open(user=world.users["fynu_contact"], period=period, institution=world.fynu)
    book = generate(period, world.fynu)
    fill(book, work, period)
    for username, status in [("ahnu_contact", 404), ("bnu_coordinator", 403), ("carol", 404)]:
        client.force_login(world.users[username])
        assert upload(client, period, world.fynu, as_upload(book)).status_code == status
    client.force_login(world.alice)
    assert upload(client, period, world.fynu, as_upload(book)).status_code == 404
    assert QuarterlyReport.objects.get(pk=report.pk).version == report.version
    # The report page offers the form to everyone who reads it, the upload to who fills it.
    client.force_login(world.users["bnu_coordinator"])
    body = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    new = reverse("outputs:new", args=["report_form_xlsx"])
    assert f"{new}?period={period.pk}&amp;institution={world.fynu.pk}" in body
    assert "上传离线填报表" not in body
    client.force_login(world.users["fynu_info"])
    body = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert reverse("reports:upload_offline", args=[period.pk, world.fynu.pk]) in body


def test_who_may_have_the_form(world: World, period) -> None:
    params = {"period": period.pk, "institution": world.fynu.pk}
    allowed = {
        name: ReportFormExporter.allowed(world.users[name], params)
        for name in ("fynu_contact", "fynu_info", "ahnu_contact", "carol", "admin")
    }
    assert allowed == {
        "fynu_contact": True,
        "fynu_info": True,
        "ahnu_contact": False,
        "carol": False,
        "admin": True,
    }
    assert not ReportFormExporter.allowed(world.alice, params)
    # The coordinator reads the college's report once there is one.
    assert not ReportFormExporter.allowed(world.users["bnu_coordinator"], params)
    report_open(user=world.users["fynu_contact"], period=period, institution=world.fynu)
    assert ReportFormExporter.allowed(world.users["bnu_coordinator"], params)


def test_a_locked_report_takes_no_upload(client, world: World, period, work) -> None:
    report = report_open(user=world.users["fynu_contact"], period=period, institution=world.fynu)
    book = generate(period, world.fynu)
    fill(book, work, period)
    QuarterlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    client.force_login(world.users["fynu_contact"])
    response = upload(client, period, world.fynu, as_upload(book))
    assert response.status_code == 302
    assert "正在等待审核" in client.get(response.url).content.decode()
    assert QuarterlyReport.objects.get(pk=report.pk).version == report.version


def test_the_form_through_the_job_pages(
    client, world: World, period, work, settings, tmp_path, django_capture_on_commit_callbacks
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.users["fynu_contact"])
    url = reverse("outputs:new", args=["report_form_xlsx"])
    page = client.get(url, {"period": period.pk, "institution": world.fynu.pk})
    assert page.status_code == 200
    assert page.context["form"]["institution"].value() == str(world.fynu.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"period": period.pk, "institution": world.fynu.pk})
    job = OutputJob.objects.get()
    assert response.url == reverse("outputs:detail", args=[job.pk])
    assert job.status == JobStatus.DONE, job.error
    assert job.title == "阜阳师范大学 · 2024年第1季度 离线填报表"
    download = client.get(reverse("outputs:download", args=[job.pk]))
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book["指标"].cell(row=row_of(book["指标"], work["hours"].pk), column=6).value == 8
    # The provincial department is no reporting unit: no form, even for an administrator.
    client.force_login(world.users["admin"])
    response = client.post(url, {"period": period.pk, "institution": world.anhui_department.pk})
    assert response.context["form"].non_field_errors() == [
        "“安徽省教育厅”不在“协同提质计划 · 2024年第1季度”的报送单位之列。"
    ]
    assert OutputJob.objects.count() == 1


def test_a_zip_bomb_is_refused_before_parsing(client, world: World, period) -> None:
    client.force_login(world.users["fynu_contact"])
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024  # a small upload…
    response = upload(
        client, period, world.fynu, SimpleUploadedFile("填报表.xlsx", bomb.getvalue())
    )
    assert response.context["errors"] == ["文件解压后超过 50 MB，不是本系统的离线填报表。"]
