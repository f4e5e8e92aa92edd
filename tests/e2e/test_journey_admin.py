"""The administrator's journey in a real browser: Guangdong's 汇总表 of recommended colleges is
downloaded as a template, filled with a wrong phone number, refused with the row and column
named in Chinese, fixed, uploaded again, previewed and imported; one of the colleges then goes
through selection and joins 华南师范大学组团 as a 重点支持院校."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from imports.models import ImportBatch, ImportStatus
from pairings.choices import MemberRole
from programmes.models import Application, ApplicationStatus
from schools.models import Contact, Institution, InstitutionKind
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = [
    ["梅州师范学院", "梅州市", "大埔县", "张老师", "0753-2186000"],
    ["广东第二师范学院", "广州市", "", "李老师", "2345"],  # not a phone number
]


def filled(template: bytes, rows: list[list[str]], path: Path) -> Path:
    """The downloaded template with `rows` written under its header (row 6 on)."""
    book = load_workbook(io.BytesIO(template))
    sheet = book["汇总表"]
    for row, values in enumerate(rows, start=6):
        for column, value in enumerate(values, start=2):
            sheet.cell(row, column).value = value
    book.save(path)
    return path


def test_a_summary_table_is_fixed_imported_and_a_college_joins_a_consortium(
    world: World, sign_in, shot, live_server, tmp_path: Path
) -> None:
    guangdong = world.regions["44"]
    admin = sign_in("admin")
    admin.click("nav >> text=导入")
    summary_table = admin.locator("article", has_text="汇总表（重点支持学校）")
    with admin.expect_download() as download:
        summary_table.locator("text=下载模板").click()
    template = Path(download.value.path()).read_bytes()
    assert load_workbook(io.BytesIO(template)).sheetnames[0] == "汇总表"
    summary_table.locator("text=上传文件").click()
    shot(admin, "upload form")

    def upload(path: Path) -> None:
        admin.select_option("select[name=programme]", str(world.programme.pk))
        admin.select_option("select[name=phase]", str(world.phase.pk))
        admin.select_option("select[name=province]", str(guangdong.pk))
        admin.set_input_files("input[name=file]", str(path))
        admin.click("button[type=submit] >> text=上传并检查")
        admin.wait_for_url("**/imports/*/")

    rows = [list(row) for row in ROWS]
    upload(filled(template, rows, tmp_path / "广东省汇总表.xlsx"))
    expect(admin.locator("h2 >> text=1 处错误（没有导入任何数据）")).to_be_visible()
    problem = admin.locator("table.problems tbody tr")
    assert problem.count() == 1
    assert [problem.locator("td").nth(i).inner_text() for i in range(3)] == [
        "汇总表",
        "7",
        "联系方式",
    ]
    assert "“2345”不像电话号码" in problem.locator("td").nth(3).inner_text()
    assert admin.locator("text=确认导入").count() == 0
    shot(admin, "refused with the row and column named")
    assert ImportBatch.objects.get().status == ImportStatus.INVALID
    assert not Application.objects.exists()

    admin.click("text=修改文件后重新上传")
    rows[1][4] = "020-34113000"
    upload(filled(template, rows, tmp_path / "广东省汇总表（修改）.xlsx"))
    expect(admin.locator("text=检查通过：将新增 2 行")).to_be_visible()
    preview = admin.locator("table.preview tbody tr")
    assert [preview.nth(i).locator("td").nth(2).inner_text() for i in range(2)] == [
        "梅州师范学院",
        "广东第二师范学院",
    ]
    shot(admin, "preview")
    admin.click("button >> text=确认导入")
    expect(admin.locator("text=已导入：新增 2 行，更新 0 行。")).to_be_visible()
    shot(admin, "imported")

    # Everything in the file landed: two colleges, their contacts and applications.
    batch = ImportBatch.objects.get(status=ImportStatus.APPLIED)
    assert batch.applied_counts["new"] == 2
    applications = Application.objects.filter(programme=world.programme, phase=world.phase)
    assert sorted(
        (a.institution.name, str(a.prefecture), a.contact_phone, a.status) for a in applications
    ) == [
        ("广东第二师范学院", "广州市", "020-34113000", ApplicationStatus.RECOMMENDED),
        ("梅州师范学院", "梅州市", "0753-2186000", ApplicationStatus.RECOMMENDED),
    ]
    meizhou = Institution.objects.get(name="梅州师范学院")
    assert meizhou.kind == InstitutionKind.NORMAL_COLLEGE
    assert meizhou.region == world.region("梅州市")
    assert Contact.objects.get(institution=meizhou).phone == "0753-2186000"
    assert {a.recommended_by for a in applications} == {
        Institution.objects.get(name="广东省教育厅")
    }

    # Selection, one step at a time, then the consortium.
    admin.click("nav >> text=申报")
    admin.click("a >> text=梅州师范学院")
    for status in ("材料审核通过", "实地考察", "入选"):
        admin.select_option("select[name=to_status]", label=status)
        admin.click("button >> text=确认")
        expect(admin.locator(f"h1 .tag >> text={status}")).to_be_visible()
    shot(admin, "selected")
    admin.select_option("select[name=consortium]", label="华南师范大学组团")
    admin.click("button >> text=加入")
    joined = "text=“梅州师范学院”已作为重点支持院校加入“华南师范大学组团”。"
    expect(admin.locator(joined)).to_be_visible()
    shot(admin, "joined the consortium")

    roles = world.other_consortium.roles_by_institution()
    assert roles[meizhou.pk] == {MemberRole.SUPPORTED}
    assert (
        MemberRole.PROVINCIAL_DEPARTMENT in roles[Institution.objects.get(name="广东省教育厅").pk]
    )
    assert world.other_consortium.formula() == "1+3+2"
    selected = applications.get(institution=meizhou)
    assert selected.status == ApplicationStatus.SELECTED
    assert [c.name for c in selected.underdeveloped_counties.all()] == ["大埔县"]
