"""The 1+M+N rule of consortia (seed 000, seed 001): each violation is a clear Chinese error."""

import pytest
from django.core.exceptions import ValidationError

from pairings.choices import MemberRole
from pairings.models import Consortium, Membership
from pairings.rules import MemberSpec
from pairings.services import consortium_create, consortium_set_members
from schools.models import InstitutionKind
from tests.factories import InstitutionFactory
from tests.world import World

L, S, N, P = (
    MemberRole.LEAD,
    MemberRole.SUPPORTING,
    MemberRole.SUPPORTED,
    MemberRole.PROVINCIAL_DEPARTMENT,
)


def messages(excinfo: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(excinfo.value.messages)


def create(world: World, members: list[MemberSpec], name: str = "测试组团") -> Consortium:
    return consortium_create(programme=world.programme, name=name, lead=world.bnu, members=members)


def test_bnu_consortium_is_1_plus_4_plus_4_with_lead_also_supporting(world: World) -> None:
    consortium = world.consortium
    assert consortium.formula() == "1+4+4"
    assert consortium.structure_errors() == []
    roles = set(
        Membership.objects.filter(consortium=consortium, institution=world.bnu).values_list(
            "role", flat=True
        )
    )
    assert roles == {L, S}


def test_exactly_one_lead(world: World) -> None:
    members = [
        MemberSpec(world.ahnu, S),
        MemberSpec(world.nwnu, S),
        MemberSpec(world.sicnu, S),
        MemberSpec(world.fynu, N),
    ]
    with pytest.raises(ValidationError) as excinfo:
        create(world, members)
    assert "组团必须有且只有一所牵头高校，当前有 0 所" in messages(excinfo)

    two_leads = [MemberSpec(world.bnu, L), MemberSpec(world.ahnu, L), *members]
    with pytest.raises(ValidationError) as excinfo:
        create(world, two_leads)
    assert "当前有 2 所" in messages(excinfo)


def test_lead_member_must_be_the_consortium_lead(world: World) -> None:
    members = [
        MemberSpec(world.ahnu, L),
        MemberSpec(world.ahnu, S),
        MemberSpec(world.nwnu, S),
        MemberSpec(world.sicnu, S),
        MemberSpec(world.fynu, N),
    ]
    with pytest.raises(ValidationError) as excinfo:
        create(world, members)
    assert "与组团的牵头高校“北京师范大学”不一致" in messages(excinfo)


def test_m_must_not_be_smaller_than_n(world: World) -> None:
    members = [
        MemberSpec(world.bnu, L),
        MemberSpec(world.bnu, S),
        MemberSpec(world.ahnu, S),
        MemberSpec(world.nwnu, S),
        MemberSpec(world.qhnu, N),
        MemberSpec(world.fynu, N),
        MemberSpec(world.abtc, N),
        MemberSpec(world.xcyz, N),
    ]
    with pytest.raises(ValidationError) as excinfo:
        create(world, members)
    assert "M ≥ N：参与帮扶高校 3 所少于重点支持院校 4 所" in messages(excinfo)


def test_national_programme_needs_at_least_three_supporting(world: World) -> None:
    members = [
        MemberSpec(world.bnu, L),
        MemberSpec(world.bnu, S),
        MemberSpec(world.ahnu, S),
        MemberSpec(world.fynu, N),
    ]
    with pytest.raises(ValidationError) as excinfo:
        create(world, members)
    assert "不少于 3 所（M ≥ 3），当前只有 2 所" in messages(excinfo)


def test_programme_without_minimum_accepts_small_consortium(world: World) -> None:
    world.programme.min_supporting_members = None
    world.programme.save()
    members = [MemberSpec(world.bnu, L), MemberSpec(world.ahnu, S), MemberSpec(world.fynu, N)]
    assert create(world, members).formula() == "1+1+1"


def test_needs_supporting_and_supported(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        create(world, [MemberSpec(world.bnu, L)])
    text = messages(excinfo)
    assert "至少需要一所参与帮扶高校（M）" in text
    assert "至少需要一所重点支持院校（N）" in text


def test_supported_college_cannot_also_support(world: World) -> None:
    members = [
        MemberSpec(world.bnu, L),
        MemberSpec(world.ahnu, S),
        MemberSpec(world.nwnu, S),
        MemberSpec(world.fynu, S),
        MemberSpec(world.fynu, N),
    ]
    with pytest.raises(ValidationError) as excinfo:
        create(world, members)
    assert "“阜阳师范大学”不能既是帮扶方又是重点支持院校" in messages(excinfo)


def test_member_kinds(world: World) -> None:
    school = InstitutionFactory.create(
        name="某某小学", kind=InstitutionKind.PRIMARY_SCHOOL, region=world.region("阜阳市")
    )
    members = [
        MemberSpec(world.bnu, L),
        MemberSpec(world.ahnu, S),
        MemberSpec(world.nwnu, S),
        MemberSpec(school, S),
        MemberSpec(world.fynu, N),
    ]
    with pytest.raises(ValidationError) as excinfo:
        create(world, members)
    assert "“某某小学”是小学，不能作为牵头或参与帮扶高校" in messages(excinfo)

    members = [
        MemberSpec(world.bnu, L),
        MemberSpec(world.ahnu, S),
        MemberSpec(world.nwnu, S),
        MemberSpec(world.sicnu, S),
        MemberSpec(school, N),
    ]
    with pytest.raises(ValidationError) as excinfo:
        create(world, members)
    assert "重点支持院校须为师范院校或开展教师教育的院校" in messages(excinfo)


def test_provincial_department_must_be_one_and_of_a_supported_province(world: World) -> None:
    base = [
        MemberSpec(world.bnu, L),
        MemberSpec(world.ahnu, S),
        MemberSpec(world.nwnu, S),
        MemberSpec(world.sicnu, S),
        MemberSpec(world.qhnu, N),
    ]
    with pytest.raises(ValidationError) as excinfo:
        create(world, [*base, MemberSpec(world.anhui_department, P)])
    assert "“安徽省教育厅”所在省份没有本组团的重点支持院校" in messages(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        create(world, [*base, MemberSpec(world.ahnu, P)])
    assert "“安徽师范大学”不是省级教育行政部门" in messages(excinfo)


def test_failed_member_change_saves_nothing(world: World) -> None:
    before = list(world.consortium.memberships.values_list("institution", "role"))
    with pytest.raises(ValidationError):
        consortium_set_members(consortium=world.consortium, members=[MemberSpec(world.bnu, L)])
    after = list(world.consortium.memberships.values_list("institution", "role"))
    assert after == before


def test_failed_create_leaves_no_consortium(world: World) -> None:
    with pytest.raises(ValidationError):
        create(world, [MemberSpec(world.bnu, L)], name="半途而废的组团")
    assert not Consortium.objects.filter(name="半途而废的组团").exists()
