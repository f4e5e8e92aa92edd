"""Issue #6 in a real browser: a college fills its quarter and attaches a PDF, submits, the
office returns it with a comment, the college fixes and resubmits, the office approves it in
bulk and the completeness page counts it; then the office generates the consortium's
quarterly summary PDF, watches the job page until the download link appears, and downloads it."""

from pathlib import Path

import pytest
from playwright.sync_api import Route, expect

from outputs import services as output_services
from outputs.models import JobStatus, OutputJob
from reports.models import QuarterlyReport, ReportStatus
from tests.e2e.files import tiny_pdf
from tests.pdf import pdf_text
from tests.reports.conftest import make_period
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_reporting_loop_in_the_browser(
    world: World, sign_in, shot, live_server, tmp_path: Path, monkeypatch
) -> None:
    from programmes.services import content_areas_ensure

    content_areas_ensure(
        programme=world.programme,
        areas=[("1", "人才队伍建设", "", False), ("2", "学科专业建设", "", False)],
    )
    period = make_period(world)
    sheet = tmp_path / "培训签到表.pdf"
    sheet.write_bytes(tiny_pdf("Training sign-in sheet, 120 teachers"))

    college = sign_in("fynu_contact")
    college.click("text=信息报送")
    college.click(f"a[href='/reports/fill/{period.pk}/{world.fynu.pk}/']")
    college.fill("textarea[name$='-work_done'] >> nth=0", "开展青年教师培训 2 期")
    college.click("button[value=submit]")
    expect(college.locator("text=还不能提交")).to_be_visible()  # names what is missing
    expect(college.locator("text=请填写信息员姓名。")).to_be_visible()
    shot(college, "what is missing")
    for i in range(2):
        college.fill(f"textarea[name$='-work_done'] >> nth={i}", "开展青年教师培训 2 期")
        college.fill(f"textarea[name$='-next_plan'] >> nth={i}", "继续")
    college.fill("input[name=contact_name]", "王信息员")
    college.fill("input[name=contact_phone]", "0558-1234567")
    college.click("button[value=save]")
    expect(college.locator("text=草稿已保存。")).to_be_visible()
    college.click("text=附件与流转记录")
    attach = college.locator("form[action$='/attachment/']")
    attach.locator("input[name=file]").set_input_files(str(sheet))
    attach.locator("button").click()
    expect(college.locator("text=附件已上传。")).to_be_visible()
    expect(college.locator("a >> text=培训签到表.pdf")).to_be_visible()
    shot(college, "attachment uploaded")
    college.click("text=编辑报告")
    college.click("button[value=submit]")
    college.wait_for_url("**/reports/*/")
    expect(college.locator("text=已提交待审核").first).to_be_visible()
    report = QuarterlyReport.objects.get(period=period, institution=world.fynu)
    assert [a.name for a in report.attachments.all()] == ["培训签到表.pdf"]

    office = sign_in("bnu_coordinator")
    office.goto(f"{live_server.url}/reports/{report.pk}/")
    with office.expect_download() as attachment:
        office.click("a >> text=培训签到表.pdf")
    assert Path(attachment.value.path()).read_bytes() == sheet.read_bytes()
    office.click("text=退回修改（可按内容领域分别写意见）")
    office.fill("textarea[name=comment]", "请写明培训人数")
    office.click("form[action$='/return/'] button")
    expect(office.locator("text=报告已退回")).to_be_visible()
    shot(office, "returned")

    college.goto(f"{live_server.url}/reports/fill/{period.pk}/{world.fynu.pk}/")
    expect(college.locator("text=请写明培训人数")).to_be_visible()
    college.fill("textarea[name$='-work_done'] >> nth=0", "开展青年教师培训 2 期，120 人")
    college.click("button[value=submit]")
    college.wait_for_url("**/reports/*/")
    shot(college, "resubmitted")

    office.goto(f"{live_server.url}/reports/review/")
    office.check(f"input[name=report][value='{report.pk}']")
    office.click("text=勾选的报告审核通过")
    expect(office.locator("text=已审核通过 1 份报告")).to_be_visible()
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert report.attachments.count() == 1

    office.goto(
        f"{live_server.url}/reports/completeness/{world.programme.slug}/?period={period.pk}"
    )
    row = office.locator("tr", has_text="阜阳师范大学")
    expect(row.locator("text=审核通过")).to_be_visible()
    expect(row.locator("text=按时")).to_be_visible()
    shot(office, "completeness")

    # The quarterly summary. Jobs are held back from the (eager) queue so that the page shows
    # them waiting; the test then plays the worker, with the page's polls parked meanwhile so
    # that only one thread uses the test database at a time.
    held: list[OutputJob] = []
    run_job = output_services.job_enqueue
    monkeypatch.setattr(output_services, "job_enqueue", held.append)
    office.goto(f"{live_server.url}/consortia/{world.consortium.pk}/")
    office.click("text=季度工作汇总（PDF）")
    office.select_option("select[name=period]", str(period.pk))
    office.fill("textarea[name=overview]", "本季度组团各成员单位按计划推进帮扶工作。")
    parked: list[Route] = []
    office.route("**/outputs/*/status/", lambda route: parked.append(route))
    office.click("button >> text=开始生成")
    office.wait_for_url("**/outputs/*/")
    status = office.locator(".job-status")
    assert status.get_attribute("data-status") == JobStatus.QUEUED
    expect(status.locator("progress")).to_be_visible()
    assert status.get_attribute("hx-trigger") == "every 1s"  # the page keeps asking
    shot(office, "summary job waiting")
    (job,) = held
    run_job(job)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    office.unroute("**/outputs/*/status/")
    for request in parked:
        request.continue_()
    link = status.locator("a.download")
    link.wait_for()  # swapped in by the page's own polling
    assert status.locator("progress").count() == 0
    shot(office, "summary ready")
    with office.expect_download() as download:
        link.click()
    data = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename.endswith("季度工作汇总.pdf")
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    assert "阜阳师范大学" in text and "本季度组团各成员单位按计划推进帮扶工作" in text
