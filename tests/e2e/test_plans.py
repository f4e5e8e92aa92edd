"""Issue #5 in a real browser: a supporting university drafts 阜阳师大's 一校一策 plan, the
office assigns an expert, the plan is submitted, and the expert approves it."""

import pytest

from projects.choices import PlanStatus
from projects.models import SchoolPlan
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_plan_from_draft_to_approval_in_the_browser(world: World, sign_in, live_server) -> None:
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

    office = sign_in("bnu_coordinator")
    office.goto(f"{live_server.url}/plans/{plan.pk}/")
    office.check("input[name=experts]")
    office.click("text=保存指派")
    assert office.locator("text=评审专家已更新").is_visible()

    university.goto(f"{live_server.url}/plans/{plan.pk}/")
    university.click("text=提交专家委员会评审")
    assert university.locator("text=该版本内容已锁定").is_visible()

    expert = sign_in("bnu_expert")
    expert.goto(f"{live_server.url}/plans/")
    expert.click("text=阜阳师范大学")
    expert.check("input[name=verdict][value=approve]")
    expert.fill("textarea[name=comments]", "目标清晰，同意通过")
    expert.click("text=提交评审意见")
    assert expert.locator("h1 >> text=已通过").is_visible()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
