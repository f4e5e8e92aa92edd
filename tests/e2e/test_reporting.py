"""Issue #6 in a real browser: a college fills and submits its quarter, the office returns it
with a comment, the college fixes and resubmits, the office approves it in bulk, and the
completeness page counts it."""

import pytest

from reports.models import QuarterlyReport, ReportStatus
from tests.reports.conftest import make_period
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_reporting_loop_in_the_browser(world: World, sign_in, live_server) -> None:
    from programmes.services import content_areas_ensure

    content_areas_ensure(
        programme=world.programme,
        areas=[("1", "人才队伍建设", "", False), ("2", "学科专业建设", "", False)],
    )
    period = make_period(world)

    college = sign_in("fynu_contact")
    college.click("text=信息报送")
    college.click(f"a[href='/reports/fill/{period.pk}/{world.fynu.pk}/']")
    college.fill("textarea[name$='-work_done'] >> nth=0", "开展青年教师培训 2 期")
    college.click("button[value=submit]")
    assert college.locator("text=还不能提交").is_visible()  # names what is missing
    assert college.locator("text=请填写信息员姓名。").is_visible()
    for i in range(2):
        college.fill(f"textarea[name$='-work_done'] >> nth={i}", "开展青年教师培训 2 期")
        college.fill(f"textarea[name$='-next_plan'] >> nth={i}", "继续")
    college.fill("input[name=contact_name]", "王信息员")
    college.fill("input[name=contact_phone]", "0558-1234567")
    college.click("button[value=submit]")
    college.wait_for_url("**/reports/*/")
    assert college.locator("text=已提交待审核").first.is_visible()
    report = QuarterlyReport.objects.get(period=period, institution=world.fynu)

    office = sign_in("bnu_coordinator")
    office.goto(f"{live_server.url}/reports/{report.pk}/")
    office.click("text=退回修改（可按内容领域分别写意见）")
    office.fill("textarea[name=comment]", "请写明培训人数")
    office.click("form[action$='/return/'] button")
    assert office.locator("text=报告已退回").is_visible()

    college.goto(f"{live_server.url}/reports/fill/{period.pk}/{world.fynu.pk}/")
    assert college.locator("text=请写明培训人数").is_visible()
    college.fill("textarea[name$='-work_done'] >> nth=0", "开展青年教师培训 2 期，120 人")
    college.click("button[value=submit]")
    college.wait_for_url("**/reports/*/")

    office.goto(f"{live_server.url}/reports/review/")
    office.check(f"input[name=report][value='{report.pk}']")
    office.click("text=勾选的报告审核通过")
    assert office.locator("text=已审核通过 1 份报告").is_visible()
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED

    office.goto(
        f"{live_server.url}/reports/completeness/{world.programme.slug}/?period={period.pk}"
    )
    row = office.locator("tr", has_text="阜阳师范大学")
    assert row.locator("text=审核通过").is_visible() and row.locator("text=按时").is_visible()
