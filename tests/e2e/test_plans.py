"""Issue #5 in a real browser: a supporting university drafts 阜阳师大's 一校一策 plan, the
office assigns an expert, the plan is submitted, the expert returns it with comments, the
university reads them, revises a second version and resubmits, and the expert approves it."""

import pytest
from playwright.sync_api import expect

from projects.choices import PlanStatus, Verdict
from projects.models import PlanReview, SchoolPlan
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)

COMMENTS = "需求分析缺少师资结构数据，请补充近三年专任教师学历结构"


def test_plan_from_draft_through_return_to_approval_in_the_browser(
    world: World, sign_in, shot, live_server
) -> None:
    university = sign_in("ahnu_contact")
    university.click("text=提质计划")
    university.click("text=新建提质计划")
    university.select_option("select[name=consortium]", label="北京师范大学组团")
    university.select_option("select[name=phase]", str(world.phase.pk))
    university.select_option("select[name=college]", label="阜阳师范大学")
    university.select_option("select[name=supporter]", label="安徽师范大学")
    university.click("button[type=submit] >> text=保存")
    university.fill("textarea[name=goals]", "建设服务皖北基础教育的高水平师范大学")
    university.fill("textarea[name=needs]", "教师教育学科高层次人才不足")
    university.fill("textarea[name=measures]", "柔性引进学科带头人")
    university.click("button[type=submit] >> text=保存")
    plan = SchoolPlan.objects.get(college=world.fynu)
    shot(university, "version 1 drafted")

    office = sign_in("bnu_coordinator")
    office.goto(f"{live_server.url}/plans/{plan.pk}/")
    office.check("input[name=experts]")
    office.click("text=保存指派")
    expect(office.locator("text=评审专家已更新")).to_be_visible()

    university.goto(f"{live_server.url}/plans/{plan.pk}/")
    university.click("text=提交专家委员会评审")
    expect(university.locator("text=该版本内容已锁定")).to_be_visible()
    shot(university, "version 1 submitted")

    expert = sign_in("bnu_expert")
    expert.goto(f"{live_server.url}/plans/")
    expert.click("text=阜阳师范大学")
    expert.check("input[name=verdict][value=revise]")
    expert.fill("textarea[name=comments]", COMMENTS)
    expert.click("text=提交评审意见")
    expect(expert.locator("h1 >> text=退回修改")).to_be_visible()
    shot(expert, "returned with comments")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED

    # The university reads the comments on the returned version and drafts version 2.
    university.goto(f"{live_server.url}/plans/")
    university.click("text=阜阳师范大学")
    expect(university.locator(f"text={COMMENTS}").first).to_be_visible()
    shot(university, "the comments reach the university")
    university.click("text=编辑第 2 版")
    assert university.locator("textarea[name=goals]").input_value().startswith("建设服务皖北")
    university.fill(
        "textarea[name=needs]",
        "教师教育学科高层次人才不足；近三年专任教师博士比例 38%、41%、45%",
    )
    university.click("button[type=submit] >> text=保存")
    expect(university.locator("text=第 2 版已保存。")).to_be_visible()
    university.click("text=提交专家委员会评审")
    expect(university.locator("text=该版本内容已锁定")).to_be_visible()
    shot(university, "version 2 resubmitted")

    expert.goto(f"{live_server.url}/plans/{plan.pk}/")
    expect(expert.locator("text=评审第 2 版")).to_be_visible()
    expert.check("input[name=verdict][value=approve]")
    expert.fill("textarea[name=comments]", "已补充师资结构数据，同意通过")
    expert.click("text=提交评审意见")
    expect(expert.locator("h1 >> text=已通过")).to_be_visible()
    shot(expert, "version 2 approved")

    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    first, second = plan.versions.order_by("number")
    assert first.approved_at is None and second.approved_at is not None
    assert "博士比例" in second.needs and "博士比例" not in first.needs
    reviews = PlanReview.objects.filter(version__plan=plan).order_by("version__number")
    assert [(r.version.number, r.verdict, r.comments) for r in reviews] == [
        (1, Verdict.REVISE, COMMENTS),
        (2, Verdict.APPROVE, "已补充师资结构数据，同意通过"),
    ]
