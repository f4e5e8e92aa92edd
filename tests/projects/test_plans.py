"""一校一策 plans: draft → submitted → expert review → approved or returned → resubmitted;
who may do what; frozen versions; attachments."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from accounts.models import Role
from accounts.selectors import plans_visible_to
from accounts.services import affiliation_add
from projects.choices import PlanStatus, Verdict
from projects.models import PlanAttachment, SchoolPlan
from projects.services import plans as services
from tests.world import World

pytestmark = pytest.mark.django_db

CONTENT = {
    "goals": "建设高水平师范大学",
    "needs": "高层次人才不足",
    "measures": "柔性引进学科带头人",
}


def fynu_plan(world: World) -> SchoolPlan:
    plan = services.plan_create(
        user=world.users["ahnu_contact"],
        consortium=world.consortium,
        phase=world.phase,
        college=world.fynu,
        supporter=world.ahnu,
    )
    services.plan_version_update(user=world.users["ahnu_contact"], plan=plan, **CONTENT)
    return plan


def second_expert(world: World, django_user_model):
    expert = django_user_model.objects.create_user("expert2", first_name="李专家")
    affiliation_add(
        user=expert, institution=world.ahnu, role=Role.EXPERT, consortium=world.consortium
    )
    return expert


def test_the_whole_workflow_to_approval(world: World, django_user_model) -> None:
    plan = fynu_plan(world)
    assert plan.title == "阜阳师范大学提质计划（“十四五”期间）"
    coordinator, expert = world.users["bnu_coordinator"], world.users["bnu_expert"]
    other = second_expert(world, django_user_model)
    services.plan_assign_experts(user=coordinator, plan=plan, experts=[expert, other])
    services.plan_submit(user=world.users["fynu_contact"], plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    services.plan_review(user=expert, plan=plan, verdict=Verdict.APPROVE, comments="同意")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED  # one expert still to speak
    services.plan_review(user=other, plan=plan, verdict=Verdict.APPROVE, comments="同意")
    plan = SchoolPlan.objects.get(pk=plan.pk)
    assert plan.status == PlanStatus.APPROVED
    assert plan.approved_version is not None and plan.approved_version.number == 1
    events = [(e.from_status, e.to_status) for e in plan.events.order_by("created_at", "id")]
    assert events == [
        ("", PlanStatus.DRAFT),
        (PlanStatus.DRAFT, PlanStatus.SUBMITTED),
        (PlanStatus.SUBMITTED, PlanStatus.APPROVED),
    ]
    assert plan.events.get(to_status=PlanStatus.SUBMITTED).actor == world.users["fynu_contact"]
    with pytest.raises(ValidationError, match="锁定"):
        services.plan_version_update(user=coordinator, plan=plan, goals="改")
    with pytest.raises(ValidationError):
        services.plan_assign_experts(user=coordinator, plan=plan, experts=[expert])


def test_returned_plans_get_a_new_version_with_the_comments(world: World) -> None:
    plan = fynu_plan(world)
    expert = world.users["bnu_expert"]
    services.plan_assign_experts(user=world.users["bnu_coordinator"], plan=plan, experts=[expert])
    services.plan_submit(user=world.users["ahnu_contact"], plan=plan)
    with pytest.raises(ValidationError, match="锁定"):  # submitted: frozen
        services.plan_version_update(user=world.users["ahnu_contact"], plan=plan, goals="偷改")
    services.plan_review(user=expert, plan=plan, verdict=Verdict.REVISE, comments="请细化年度目标")
    plan = SchoolPlan.objects.get(pk=plan.pk)
    assert plan.status == PlanStatus.RETURNED
    first, second = sorted(plan.versions.all(), key=lambda v: v.number)
    assert first.is_frozen and first.goals == CONTENT["goals"] and first.approved_at is None
    assert second.number == 2 and not second.is_frozen and second.goals == CONTENT["goals"]
    assert "请细化年度目标" in plan.events.get(to_status=PlanStatus.RETURNED).comment
    services.plan_version_update(user=world.users["ahnu_contact"], plan=plan, goals="细化后的目标")
    services.plan_submit(user=world.users["ahnu_contact"], plan=plan)
    with pytest.raises(ValidationError):
        services.plan_submit(user=world.users["ahnu_contact"], plan=plan)  # already submitted
    services.plan_review(user=expert, plan=plan, verdict=Verdict.APPROVE, comments="同意")
    plan = SchoolPlan.objects.get(pk=plan.pk)
    approved = plan.approved_version
    assert plan.status == PlanStatus.APPROVED and approved is not None and approved.number == 2
    first.refresh_from_db()
    assert first.goals == CONTENT["goals"]  # the returned version never changed


def test_who_may_do_what(world: World) -> None:
    plan = fynu_plan(world)
    expert = world.users["bnu_expert"]
    for username in ("anhui_edu", "carol", "bnu_expert"):
        with pytest.raises(PermissionDenied):
            services.plan_submit(user=world.users[username], plan=plan)
    for username in ("ahnu_contact", "fynu_contact", "carol"):
        with pytest.raises(PermissionDenied):
            services.plan_assign_experts(user=world.users[username], plan=plan, experts=[expert])
    with pytest.raises(ValidationError, match="不是该组团专家委员会的专家"):
        services.plan_assign_experts(
            user=world.users["bnu_coordinator"], plan=plan, experts=[world.users["ahnu_contact"]]
        )
    services.plan_submit(user=world.users["ahnu_contact"], plan=plan)
    with pytest.raises(PermissionDenied):  # not assigned yet
        services.plan_review(user=expert, plan=plan, verdict=Verdict.APPROVE, comments="好")
    services.plan_assign_experts(user=world.users["bnu_coordinator"], plan=plan, experts=[expert])
    with pytest.raises(ValidationError):
        services.plan_review(user=expert, plan=plan, verdict=Verdict.REVISE, comments=" ")


def test_experts_see_only_the_plans_assigned_to_them(world: World) -> None:
    plan = fynu_plan(world)
    expert = world.users["bnu_expert"]
    assert plan not in plans_visible_to(expert)
    services.plan_assign_experts(user=world.users["bnu_coordinator"], plan=plan, experts=[expert])
    assert plan in plans_visible_to(expert)
    visible = {u: plan in plans_visible_to(world.users[u]) for u in world.users}
    assert visible == {
        "admin": True,
        "bnu_coordinator": True,
        "ahnu_contact": True,  # drafting university
        "fynu_contact": True,  # the college
        "fynu_info": True,
        "anhui_edu": True,  # the college's province
        "guangdong_edu": False,
        "bnu_expert": True,
        "carol": False,  # a contact at another member university
    }


def test_only_one_plan_per_college_and_phase(world: World) -> None:
    fynu_plan(world)
    with pytest.raises(ValidationError, match="已有提质计划"):
        services.plan_create(
            user=world.users["bnu_coordinator"],
            consortium=world.consortium,
            phase=world.phase,
            college=world.fynu,
            supporter=world.bnu,
        )
    with pytest.raises(ValidationError, match="不是该组团的重点支持院校"):
        services.plan_create(
            user=world.users["bnu_coordinator"],
            consortium=world.consortium,
            phase=world.phase,
            college=world.ahnu,
            supporter=world.bnu,
        )


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@override_settings(DOCUMENT_UPLOAD_MAX_BYTES=1024)
def test_attachments_are_checked_and_served_only_to_who_sees_the_plan(
    world: World, client, tmp_path, settings
) -> None:
    settings.MEDIA_ROOT = tmp_path
    plan = fynu_plan(world)
    user = world.users["ahnu_contact"]
    for name, data, message in [
        ("plan.exe", b"MZ...", "只能上传"),
        ("plan.pdf", b"MZ not a pdf", "内容与扩展名不符"),
        ("plan.docx", b"PK\x03\x04 broken", "内容与扩展名不符"),
        ("big.pdf", b"%PDF-" + b"0" * 2000, "大小限制"),
        ("empty.pdf", b"", "空文件"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.plan_attachment_add(
                user=user, plan=plan, upload=SimpleUploadedFile(name, data)
            )
    pdf = services.plan_attachment_add(
        user=user, plan=plan, upload=SimpleUploadedFile("调研报告.pdf", b"%PDF-1.7 ok")
    )
    docx = services.plan_attachment_add(
        user=user, plan=plan, upload=SimpleUploadedFile("计划.docx", docx_bytes())
    )
    assert pdf.content_type == "application/pdf" and docx.name == "计划.docx"
    assert PlanAttachment.objects.count() == 2

    url = reverse("projects:attachment", args=[pdf.pk])
    client.force_login(world.users["fynu_contact"])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.7 ok"
    client.force_login(world.users["guangdong_edu"])
    assert client.get(url).status_code == 404

    services.plan_submit(user=user, plan=plan)
    with pytest.raises(ValidationError, match="不能再添加附件"):
        services.plan_attachment_add(
            user=user, plan=plan, upload=SimpleUploadedFile("late.pdf", b"%PDF-1.7")
        )


def test_only_the_paired_university_drafts_a_colleges_plan(world: World) -> None:
    # carol is a contact at 四川师大, a member university, but 四川师大 does not pair with 阜阳师大
    with pytest.raises(ValidationError, match="没有结对"):
        services.plan_create(
            user=world.users["carol"],
            consortium=world.consortium,
            phase=world.phase,
            college=world.fynu,
            supporter=world.sicnu,
        )
    assert not SchoolPlan.objects.exists()
