"""The consortium office's journey in a real browser: the coordinator sets up the work of the
安徽师大 → 阜阳师大 pairing (a pairing indicator with yearly targets), starts a project for it
with a responsible unit, a milestone and an indicator, and assigns the expert committee's
member to 阜阳师大's 一校一策 plan.

Pairings themselves are never created in a page a coordinator can reach: they come from the
administrators' imports (round setup) or the demo data. The coordinator's part of a pairing is
its work — indicators, projects, plans — which is what this journey drives."""

import pytest
from playwright.sync_api import expect

from programmes.services import content_areas_ensure
from projects.models import Indicator, PlanReviewer, Project
from projects.services.plans import plan_create
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_coordinator_sets_up_a_pairings_work_and_assigns_an_expert(
    world: World, sign_in, shot, live_server
) -> None:
    (area, _) = content_areas_ensure(
        programme=world.programme,
        areas=[("1", "人才队伍建设", "", False), ("2", "学科专业建设", "", False)],
    )
    pairing = world.pairings[1]  # 安徽师范大学 → 阜阳师范大学
    plan = plan_create(
        user=world.users["ahnu_contact"],
        consortium=world.consortium,
        phase=world.phase,
        college=world.fynu,
        supporter=world.ahnu,
        title="阜阳师范大学一校一策提质计划",
    )

    office = sign_in("bnu_coordinator")
    office.wait_for_url("**/dashboard/consortium/")
    office.goto(f"{live_server.url}/consortia/{world.consortium.pk}/")
    office.click(f"a[href='/pairings/{pairing.pk}/'] >> text=高校结对帮扶薄弱院校")
    office.wait_for_url(f"**/pairings/{pairing.pk}/")
    shot(office, "the pairing")

    def fill_indicator(name: str, unit: str, targets: list[tuple[str, str]]) -> None:
        office.fill("input[name=name]", name)
        office.fill("input[name=unit]", unit)
        for i, (year, value) in enumerate(targets):
            office.fill(f"input[name=targets-{i}-year]", year)
            office.fill(f"input[name=targets-{i}-value]", value)
        office.click("button[type=submit] >> text=保存")
        office.wait_for_url("**/indicators/*/")
        expect(office.locator(f"text=指标“{name}”已保存。")).to_be_visible()

    office.click("text=新增自定义指标")
    fill_indicator("双方互访次数", "次", [("2024", "4"), ("2025", "6")])
    shot(office, "pairing indicator")

    office.click("nav >> text=项目")
    office.click("text=新建项目")
    office.fill("input[name=title]", "青年教师协同培养")
    office.select_option("select[name=consortium]", str(world.consortium.pk))
    office.select_option("select[name=pairing]", str(pairing.pk))
    office.select_option("select[name=area]", str(area.pk))
    office.fill("input[name=starts_on]", "2024-03-01")
    office.fill("input[name=ends_on]", "2025-12-31")
    office.select_option("select[name=beneficiaries]", str(world.fynu.pk))
    office.fill("input[name=budget_planned]", "200000")
    office.select_option("select[name=units-0-institution]", str(world.ahnu.pk))
    office.fill("input[name=units-0-department]", "教师教育学院")
    office.fill("input[name=milestones-0-title]", "完成首批青年教师跟岗研修")
    office.fill("input[name=milestones-0-due_on]", "2024-09-30")
    shot(office, "new project form")
    office.click("button[type=submit] >> text=保存")
    expect(office.locator("text=项目“青年教师协同培养”已保存。")).to_be_visible()
    office.click("text=新增指标")
    fill_indicator("跟岗研修青年教师", "人", [("2024", "20"), ("2025", "30")])
    office.click("nav[aria-label=breadcrumb] >> text=青年教师协同培养")
    expect(office.locator("text=跟岗研修青年教师").first).to_be_visible()
    shot(office, "project with its indicator")

    office.click("nav >> text=提质计划")
    office.click("a >> text=阜阳师范大学")
    office.wait_for_url(f"**/plans/{plan.pk}/")
    office.check("input[name=experts]")
    office.click("text=保存指派")
    expect(office.locator("text=评审专家已更新")).to_be_visible()
    expect(office.locator("dd >> text=bnu_expert")).to_be_visible()
    shot(office, "expert assigned")

    indicator = Indicator.objects.get(pairing=pairing)
    assert (indicator.name, indicator.unit) == ("双方互访次数", "次")
    assert sorted((t.year, t.value) for t in indicator.targets.all()) == [(2024, 4), (2025, 6)]
    project = Project.objects.get(title="青年教师协同培养")
    assert (project.consortium, project.pairing, project.area) == (world.consortium, pairing, area)
    assert str(project.lead_unit) == "安徽师范大学 · 教师教育学院"
    assert list(project.beneficiaries.all()) == [world.fynu]
    assert [m.title for m in project.milestones.all()] == ["完成首批青年教师跟岗研修"]
    (project_indicator,) = project.indicators.all()
    assert sorted((t.year, t.value) for t in project_indicator.targets.all()) == [
        (2024, 20),
        (2025, 30),
    ]
    assert [r.expert for r in PlanReviewer.objects.filter(plan=plan)] == [world.users["bnu_expert"]]
