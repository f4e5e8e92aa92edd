"""Issue #9 in a real browser: the provincial department opens its dashboard, the charts draw
(ECharts under the site's CSP, no console errors), a heat-map cell leads to the late reports
and on to one of them; editing the address to reach another province's institution or
dashboard is refused with the Chinese not-found page. The coordinator's dashboard links to the
report waiting for review."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from dashboards.services import summaries_refresh
from reports.models import ReportStatus
from tests.dashboards.test_dashboards import quarter, report
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_province_drills_from_the_heat_map_to_a_late_report(
    world: World, sign_in, shot, live_server
) -> None:
    q3 = quarter(world, dt.date(2025, 7, 1))
    report(world, q3, world.fynu, status=ReportStatus.APPROVED, day=-2)
    report(world, q3, world.ahnu, status=ReportStatus.SUBMITTED, day=4)
    summaries_refresh(programme=world.programme)

    page = sign_in("anhui_edu")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{live_server.url}/dashboard/?programme=national&region=34")
    page.wait_for_selector(".chart[data-chart=chart-heat] svg")
    for chart in ("chart-heat", "chart-reporting-trend"):
        assert page.locator(f".chart[data-chart={chart}] svg").count() == 1
    assert page.locator(".kpi >> text=50%").count() >= 1  # 1 of 2 received on time
    shot(page, "Anhui's dashboard")

    # Click the chart's cell where 芜湖市's row meets the quarter's column.
    svg = page.locator(".chart[data-chart=chart-heat] svg")
    svg.scroll_into_view_if_needed()
    row = svg.locator("text", has_text="芜湖市").bounding_box()
    column = svg.locator("text", has_text=str(q3.name)).bounding_box()
    assert row is not None and column is not None
    page.mouse.click(column["x"] + column["width"] / 2, row["y"] + row["height"] / 2)
    page.wait_for_url("**/dashboard/late/**")
    expect(page.locator("td >> text=安徽师范大学")).to_be_visible()
    page.go_back()
    page.locator("table.heat a").first.click()  # the table beside it has the same link
    page.wait_for_url("**/dashboard/late/**")
    late = page.locator("tr", has_text="安徽师范大学")
    shot(page, "late reports")
    late.locator("a >> text=已提交待审核").click()
    page.wait_for_url("**/reports/*/")
    expect(page.locator("h1 >> text=安徽师范大学")).to_be_visible()
    shot(page, "the late report")
    assert problems == []

    # Another province's college and dashboard, by editing the address: not found, nothing shown.
    for name, path in [
        ("another province's college", f"/institutions/{world.jiaying.pk}/"),
        ("another province's dashboard", "/dashboard/?programme=national&region=44"),
        ("another province's late reports", "/dashboard/late/?programme=national&region=44"),
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 404, path
        assert page.locator("h1").inner_text() == "页面不存在"
        body = page.locator("main").inner_text()
        assert "不在您的权限范围内" in body
        assert "嘉应学院" not in body and "广东" not in body and "梅州" not in body
        shot(page, f"refused: {name}")

    office = sign_in("bnu_coordinator")
    office.goto(f"{live_server.url}/")
    office.wait_for_url("**/dashboard/consortium/")
    office.click("#review a >> text=安徽师范大学")
    office.wait_for_url("**/reports/*/")
    expect(office.locator("text=已提交待审核").first).to_be_visible()
