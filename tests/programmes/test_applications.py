"""Applications (申报): the selection workflow, joining a consortium under the 1+M+N rule, and
who may see and act on the list and detail pages."""

from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from pairings.choices import MemberRole
from pairings.models import Membership
from programmes.demo.applications import build_applications
from programmes.demo.regions import clear_cache
from programmes.models import Application, ApplicationDocument, ApplicationEvent, ApplicationStatus
from programmes.services import application_add_to_consortium, application_move
from schools.models import Institution, InstitutionKind, Region, RegionLevel
from tests.factories import ProgrammeFactory
from tests.world import World

pytestmark = pytest.mark.django_db

S = ApplicationStatus


@dataclass
class Applications:
    fynu: Application  # 安徽 — the Anhui department and fynu's own people see it
    abtc: Application  # 四川
    jiaying: Application  # 广东
    huaibei: Application  # 安徽, selected, in no consortium yet


def apply(world: World, institution: Institution, province: str, **fields) -> Application:
    return Application.objects.create(
        programme=world.programme,
        phase=world.phase,
        institution=institution,
        province=world.region(province),
        **fields,
    )


@pytest.fixture
def applications(world: World) -> Applications:
    huaibei_city = Region.objects.create(
        code="3406",
        name="淮北市",
        level=RegionLevel.PREFECTURE,
        parent=world.region("安徽省"),
    )
    huaibei = Institution.objects.create(
        name="淮北师范大学", kind=InstitutionKind.NORMAL_UNIVERSITY, region=huaibei_city
    )
    return Applications(
        fynu=apply(world, world.fynu, "安徽省", contact_name="王五", contact_phone="0558-1234567"),
        abtc=apply(world, world.abtc, "四川省"),
        jiaying=apply(world, world.jiaying, "广东省"),
        huaibei=apply(
            world, huaibei, "安徽省", status=S.SELECTED, recommended_by=world.anhui_department
        ),
    )


# ---------------------------------------------------------------------------------------------
# The workflow


def test_an_application_moves_step_by_step_with_history(
    world: World, applications: Applications
) -> None:
    admin = world.users["admin"]
    application = applications.abtc
    for status, comment in [
        (S.REVIEWED, "材料齐全"),
        (S.SITE_VISIT, ""),
        (S.SELECTED, "考察通过"),
    ]:
        application = application_move(
            user=admin, application=application, to_status=status, comment=comment
        )
    application.refresh_from_db()
    assert application.status == S.SELECTED
    events = list(
        ApplicationEvent.objects.filter(application=application).values_list(
            "from_status", "to_status", "by__username", "comment"
        )
    )
    assert events == [
        (S.RECOMMENDED, S.REVIEWED, "admin", "材料齐全"),
        (S.REVIEWED, S.SITE_VISIT, "admin", ""),
        (S.SITE_VISIT, S.SELECTED, "admin", "考察通过"),
    ]


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (S.RECOMMENDED, S.SELECTED),  # no skipping review and the visit
        (S.RECOMMENDED, S.SITE_VISIT),
        (S.REVIEWED, S.RECOMMENDED),  # only a decision is reopened
        (S.NOT_SELECTED, S.SELECTED),
        (S.SELECTED, S.SELECTED),
        (S.RECOMMENDED, "approved"),  # not a status
    ],
)
def test_refused_transitions_change_nothing(
    world: World, applications: Applications, start: str, to: str
) -> None:
    application = applications.abtc
    Application.objects.filter(pk=application.pk).update(status=start)
    with pytest.raises(ValidationError) as refused:
        application_move(user=world.users["admin"], application=application, to_status=to)
    assert "不能改为" in str(refused.value) or "未知的状态" in str(refused.value)
    application.refresh_from_db()
    assert application.status == start
    assert not ApplicationEvent.objects.exists()


def test_a_decision_can_be_reopened(world: World, applications: Applications) -> None:
    application = application_move(
        user=world.users["admin"],
        application=applications.huaibei,
        to_status=S.RECOMMENDED,
        comment="教育部重新审议",
    )
    assert application.status == S.RECOMMENDED


def test_a_college_in_a_consortium_is_not_reopened(
    world: World, applications: Applications
) -> None:
    Application.objects.filter(pk=applications.fynu.pk).update(status=S.SELECTED)
    with pytest.raises(ValidationError, match="已是“北京师范大学组团”的重点支持院校"):
        application_move(
            user=world.users["admin"], application=applications.fynu, to_status=S.RECOMMENDED
        )


@pytest.mark.parametrize("username", ["anhui_edu", "fynu_contact", "bnu_coordinator"])
def test_only_deciders_move_applications(
    world: World, applications: Applications, username: str
) -> None:
    with pytest.raises(PermissionDenied):
        application_move(
            user=world.users[username], application=applications.fynu, to_status=S.REVIEWED
        )
    applications.fynu.refresh_from_db()
    assert applications.fynu.status == S.RECOMMENDED


# ---------------------------------------------------------------------------------------------
# Joining a consortium


def roles(consortium) -> list[tuple[str, str]]:
    return sorted(consortium.memberships.values_list("institution__name", "role"))


def test_a_selected_college_joins_a_consortium(world: World, applications: Applications) -> None:
    consortium = world.other_consortium  # 华南师范大学组团, 1+3+1: room for one more college
    application_add_to_consortium(
        user=world.users["admin"], application=applications.huaibei, consortium=consortium
    )
    assert ("淮北师范大学", MemberRole.SUPPORTED) in roles(consortium)
    # The college's province joins the joint meeting with it.
    assert ("安徽省教育厅", MemberRole.PROVINCIAL_DEPARTMENT) in roles(consortium)
    assert consortium.formula() == "1+3+2"
    event = ApplicationEvent.objects.get(application=applications.huaibei)
    assert event.to_status == S.SELECTED and "华南师范大学组团" in event.comment
    with pytest.raises(ValidationError, match="已是“华南师范大学组团”的重点支持院校"):
        application_add_to_consortium(
            user=world.users["admin"], application=applications.huaibei, consortium=consortium
        )


def test_the_1_m_n_rule_is_kept(world: World, applications: Applications) -> None:
    before = roles(world.consortium)  # 北京师范大学组团, 1+4+4: a fifth college breaks M ≥ N
    with pytest.raises(ValidationError) as refused:
        application_add_to_consortium(
            user=world.users["admin"],
            application=applications.huaibei,
            consortium=world.consortium,
        )
    message = " ".join(refused.value.messages)
    assert "“淮北师范大学”不能加入“北京师范大学组团”" in message
    assert "M ≥ N：参与帮扶高校 4 所少于重点支持院校 5 所" in message
    assert roles(world.consortium) == before
    assert not ApplicationEvent.objects.exists()


def test_joining_is_one_transaction(world: World, applications: Applications, monkeypatch) -> None:
    consortium = world.other_consortium
    before = list(consortium.memberships.values_list("pk", "institution", "role"))

    def fail(**kwargs):
        raise RuntimeError("the history row could not be written")

    monkeypatch.setattr(ApplicationEvent.objects, "create", fail)
    with pytest.raises(RuntimeError):
        application_add_to_consortium(
            user=world.users["admin"], application=applications.huaibei, consortium=consortium
        )
    assert list(consortium.memberships.values_list("pk", "institution", "role")) == before


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not selected", "只有“入选”的申报才能加入组团"),
        ("other programme", "不属于“师范教育协同提质计划”"),
    ],
)
def test_joining_needs_a_selected_application_of_the_same_programme(
    world: World, applications: Applications, case: str, message: str
) -> None:
    application = applications.huaibei
    consortium = world.other_consortium
    if case == "not selected":
        Application.objects.filter(pk=application.pk).update(status=S.SITE_VISIT)
    else:
        consortium.programme = ProgrammeFactory.create()
        consortium.save()
    with pytest.raises(ValidationError, match=message):
        application_add_to_consortium(
            user=world.users["admin"], application=application, consortium=consortium
        )
    assert not Membership.objects.filter(institution=application.institution).exists()


def test_only_deciders_add_colleges(world: World, applications: Applications) -> None:
    with pytest.raises(PermissionDenied):
        application_add_to_consortium(
            user=world.users["bnu_coordinator"],
            application=applications.huaibei,
            consortium=world.other_consortium,
        )


# ---------------------------------------------------------------------------------------------
# Pages and who sees what


def list_names(client) -> set[str]:
    response = client.get(reverse("programmes:application_list"))
    assert response.status_code == 200
    return {a.institution.name for a in response.context["applications"]}


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("admin", {"阜阳师范大学", "阿坝师范学院", "嘉应学院", "淮北师范大学"}),
        ("anhui_edu", {"阜阳师范大学", "淮北师范大学"}),
        ("fynu_contact", {"阜阳师范大学"}),
        ("bnu_coordinator", set()),
    ],
)
def test_who_sees_which_applications(
    client, world: World, applications: Applications, username: str, visible: set[str]
) -> None:
    client.force_login(world.users[username])
    assert list_names(client) == visible
    for application in (applications.fynu, applications.abtc, applications.jiaying):
        response = client.get(reverse("programmes:application_detail", args=[application.pk]))
        expected = 200 if application.institution.name in visible else 404
        assert response.status_code == expected, (username, application)


def test_anonymous_users_are_sent_to_login(client, applications: Applications) -> None:
    pk = applications.fynu.pk
    for url in (
        reverse("programmes:application_list"),
        reverse("programmes:application_detail", args=[pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for name in ("programmes:application_move", "programmes:application_add_to_consortium"):
        response = client.post(reverse(name, args=[pk]), {})
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("username", "own", "other"),
    [
        ("anhui_edu", 403, 404),  # sees Anhui's applications, decides nothing
        ("fynu_contact", 403, 404),  # sees its own
        ("bnu_coordinator", 404, 404),  # sees none
    ],
)
def test_who_may_act(
    client, world: World, applications: Applications, username: str, own: int, other: int
) -> None:
    client.force_login(world.users[username])
    move = reverse("programmes:application_move", args=[applications.fynu.pk])
    assert client.post(move, {"to_status": S.REVIEWED}).status_code == own
    move_other = reverse("programmes:application_move", args=[applications.abtc.pk])
    assert client.post(move_other, {"to_status": S.REVIEWED}).status_code == other
    join = reverse("programmes:application_add_to_consortium", args=[applications.fynu.pk])
    assert client.post(join, {"consortium": world.other_consortium.pk}).status_code == own
    assert not ApplicationEvent.objects.exists()
    if own == 403:
        body = client.get(reverse("programmes:application_detail", args=[applications.fynu.pk]))
        assert "审核与遴选" not in body.content.decode()


def test_the_admin_moves_and_adds_through_the_pages(
    client, world: World, applications: Applications
) -> None:
    client.force_login(world.users["admin"])
    detail = reverse("programmes:application_detail", args=[applications.abtc.pk])
    text = client.get(detail).content.decode()
    assert "审核与遴选" in text and "尚未导入申报书" in text
    move = reverse("programmes:application_move", args=[applications.abtc.pk])
    assert client.get(move).status_code == 405
    response = client.post(move, {"to_status": S.REVIEWED, "comment": "材料齐全"}, follow=True)
    text = response.content.decode()
    assert "“阿坝师范学院”的申报已改为“材料审核通过”。" in text
    assert "材料齐全" in text  # the history
    response = client.post(move, {"to_status": S.SELECTED}, follow=True)
    assert "请选择申报可以改为的状态。" in response.content.decode()

    join = reverse("programmes:application_add_to_consortium", args=[applications.huaibei.pk])
    huaibei = reverse("programmes:application_detail", args=[applications.huaibei.pk])
    assert "加入组团" in client.get(huaibei).content.decode()
    response = client.post(join, {"consortium": world.consortium.pk}, follow=True)
    assert "M ≥ N" in response.content.decode()
    response = client.post(join, {"consortium": world.other_consortium.pk}, follow=True)
    text = response.content.decode()
    assert "“淮北师范大学”已作为重点支持院校加入“华南师范大学组团”。" in text
    assert "加入组团" not in text  # already in one


def test_list_filters(client, world: World, applications: Applications) -> None:
    client.force_login(world.users["admin"])
    url = reverse("programmes:application_list")
    anhui = world.region("安徽省")
    response = client.get(url, {"province": anhui.pk})
    assert {a.institution.name for a in response.context["applications"]} == {
        "阜阳师范大学",
        "淮北师范大学",
    }
    response = client.get(url, {"status": S.SELECTED, "phase": world.phase.pk})
    assert [a.institution.name for a in response.context["applications"]] == ["淮北师范大学"]
    response = client.get(url, {"programme": world.programme.pk, "status": "nonsense"})
    assert len(response.context["applications"]) == 4  # an unknown filter is ignored
    text = response.content.decode()
    assert "北京师范大学组团" in text  # fynu's consortium
    assert "王五" in text and "0558-1234567" in text


def test_list_queries_do_not_grow_with_applications(
    client, world: World, applications: Applications, django_assert_max_num_queries
) -> None:
    client.force_login(world.users["anhui_edu"])
    url = reverse("programmes:application_list")
    anhui = world.region("安徽省")
    client.get(url)  # the first request also fills the content-type cache guardian reads
    for added in (0, 20):
        for n in range(added):
            college = Institution.objects.create(
                name=f"安徽测试师范学院{n}", kind=InstitutionKind.NORMAL_COLLEGE, region=anhui
            )
            apply(world, college, "安徽省")
        # 14 however many: session and user (2), the user's scope from the guardian grants
        # (5), their global permissions for can_import and the menu (2), the filter choices —
        # programmes, rounds, provinces (3) — then the count and the page, whose consortium
        # column is a subquery (2).
        with django_assert_max_num_queries(14):
            response = client.get(url)
        assert len(response.context["applications"]) == 2 + added


# ---------------------------------------------------------------------------------------------
# Demo data


def test_demo_applications_are_selected_and_one_form_is_marked_demo(client, world: World) -> None:
    for province in ("青海省", "四川省"):
        Institution.objects.create(
            name=f"{province}教育厅",
            kind=InstitutionKind.PROVINCIAL_DEPARTMENT,
            region=world.region(province),
        )
    clear_cache()  # region lookups are cached by id, and every test builds its own world
    build_applications()
    build_applications()  # idempotent

    applications = Application.objects.select_related("institution", "recommended_by")
    assert {a.institution.name: a.status for a in applications} == {
        "青海师范大学": S.SELECTED,
        "阜阳师范大学": S.SELECTED,
        "阿坝师范学院": S.SELECTED,
        "西昌民族幼儿师范高等专科学校": S.SELECTED,
    }
    fynu = applications.get(institution=world.fynu)
    assert fynu.recommended_by == world.anhui_department
    assert [e.to_status for e in fynu.events.all()] == [
        S.RECOMMENDED,
        S.REVIEWED,
        S.SITE_VISIT,
        S.SELECTED,
    ]
    assert str(fynu.events.first().at.date()) == "2022-02-28"  # type: ignore[union-attr]
    document = ApplicationDocument.objects.get()
    assert document.application.institution == world.abtc and document.is_demo
    assert document.majors.filter(name="学前教育").count() == 2  # 本科 and 专科
    assert all("示例" in m.content for m in document.measures.all())

    client.force_login(world.users["admin"])
    url = reverse("programmes:application_detail", args=[document.application.pk])
    text = client.get(url).content.decode()
    assert "这是示例申报书" in text and "【示例】" in text
    assert "由北京师范大学组团重点支持" in text
