"""Pairing validation: no self-pairing, no duplicate in a round, kinds that fit, scope."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pairings.choices import PairingKind
from pairings.models import Pairing
from pairings.rules import PAIRING_KIND_RULES
from pairings.services import pairing_create
from programmes.models import ProgrammeLevel
from schools.models import Institution, InstitutionKind
from tests.factories import InstitutionFactory, PhaseFactory, ProgrammeFactory
from tests.world import World


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_no_self_pairing(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        pairing_create(
            programme=world.programme,
            kind=PairingKind.UNIVERSITY_COLLEGE,
            supporter=world.fynu,
            supported=world.fynu,
        )
    assert errors_of(excinfo)["supported"] == ["支援方和受援方不能是同一单位（“阜阳师范大学”）。"]


def test_database_refuses_self_pairing_too(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(
            programme=world.programme,
            kind=PairingKind.UNIVERSITY_COLLEGE,
            supporter=world.fynu,
            supported=world.fynu,
        )


def test_no_duplicate_pair_in_one_round(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        pairing_create(
            programme=world.programme,
            phase=world.phase,
            kind=PairingKind.UNIVERSITY_COLLEGE,
            supporter=world.ahnu,
            supported=world.fynu,
        )
    assert (
        "“安徽师范大学 → 阜阳师范大学”在本计划的同一轮次中已经结对，不能重复。"
        in (errors_of(excinfo)["supported"])
    )


def test_same_pair_allowed_in_another_round(world: World) -> None:
    programme = world.programme
    second = PhaseFactory.create(
        programme=programme, number=2, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    programme.ends_on = dt.date(2026, 12, 31)
    programme.save()
    pairing = pairing_create(
        programme=programme,
        phase=second,
        kind=PairingKind.UNIVERSITY_COLLEGE,
        supporter=world.ahnu,
        supported=world.fynu,
    )
    assert pairing.starts_on == dt.date(2026, 1, 1)  # the round's dates are the default


def test_duplicate_without_round_is_refused(world: World) -> None:
    pairing_create(
        programme=world.programme,
        kind=PairingKind.UNIVERSITY_COLLEGE,
        supporter=world.nwnu,
        supported=world.qhnu,
    )
    with pytest.raises(ValidationError):
        pairing_create(
            programme=world.programme,
            kind=PairingKind.UNIVERSITY_COLLEGE,
            supporter=world.nwnu,
            supported=world.qhnu,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(
            programme=world.programme,
            kind=PairingKind.UNIVERSITY_COLLEGE,
            supporter=world.nwnu,
            supported=world.qhnu,
        )


def test_many_to_many_one_supports_many_and_many_support_one(world: World) -> None:
    """一校支持多校、多校支持一校."""
    pairing_create(
        programme=world.programme,
        kind=PairingKind.UNIVERSITY_COLLEGE,
        supporter=world.bnu,
        supported=world.fynu,
    )
    pairing_create(
        programme=world.programme,
        kind=PairingKind.UNIVERSITY_COLLEGE,
        supporter=world.bnu,
        supported=world.abtc,
    )
    assert world.bnu.pairings_as_supporter.count() == 3
    assert world.fynu.pairings_as_supported.count() == 2


def make(kind: str, world: World, region_name: str = "梅州市", **extra: object) -> Institution:
    return InstitutionFactory.create(kind=kind, region=world.region(region_name), **extra)


def guangdong(world: World):
    return ProgrammeFactory.create(level=ProgrammeLevel.PROVINCIAL, region=world.region("广东省"))


# (kind, supporter kind, supporter region, supported kind, supported region)
FITTING = [
    (
        PairingKind.CITY_CITY,
        InstitutionKind.CITY_BUREAU,
        "广州市",
        InstitutionKind.CITY_BUREAU,
        "梅州市",
    ),
    (
        PairingKind.COUNTY_COUNTY,
        InstitutionKind.COUNTY_BUREAU,
        "天河区",
        InstitutionKind.COUNTY_BUREAU,
        "梅县区",
    ),
    (
        PairingKind.NORMAL_COLLEGE_CITY,
        InstitutionKind.NORMAL_UNIVERSITY,
        "广州市",
        InstitutionKind.CITY_BUREAU,
        "梅州市",
    ),
    (
        PairingKind.NON_NORMAL_COLLEGE_AREA,
        InstitutionKind.NON_NORMAL_UNIVERSITY,
        "广州市",
        InstitutionKind.COUNTY_BUREAU,
        "梅县区",
    ),
    (
        PairingKind.TEACHING_RESEARCH,
        InstitutionKind.TEACHING_RESEARCH,
        "广州市",
        InstitutionKind.TEACHER_DEVELOPMENT,
        "梅州市",
    ),
    (
        PairingKind.SCHOOL_SCHOOL,
        InstitutionKind.HIGH_SCHOOL,
        "天河区",
        InstitutionKind.KINDERGARTEN,
        "梅县区",
    ),
    (
        PairingKind.INTRA_REGION,
        InstitutionKind.MIDDLE_SCHOOL,
        "梅县区",
        InstitutionKind.TEACHING_POINT,
        "大埔县",
    ),
    (
        PairingKind.ONE_TO_ONE,
        InstitutionKind.NORMAL_COLLEGE,
        "广州市",
        InstitutionKind.COUNTY_BUREAU,
        "大埔县",
    ),
    (
        PairingKind.UNIVERSITY_COUNTY,
        InstitutionKind.COMPREHENSIVE_UNIVERSITY,
        "广州市",
        InstitutionKind.COUNTY_BUREAU,
        "大埔县",
    ),
]


def test_every_kind_has_a_rule_and_a_fitting_example() -> None:
    assert set(PAIRING_KIND_RULES) == set(PairingKind.values)
    assert {row[0] for row in FITTING} | {PairingKind.UNIVERSITY_COLLEGE} == set(PairingKind.values)


@pytest.mark.parametrize(("kind", "a_kind", "a_region", "b_kind", "b_region"), FITTING)
def test_fitting_kinds_are_accepted(world, kind, a_kind, a_region, b_kind, b_region) -> None:
    programme = guangdong(world)
    pairing = pairing_create(
        programme=programme,
        kind=kind,
        supporter=make(a_kind, world, a_region),
        supported=make(b_kind, world, b_region),
    )
    assert pairing.pk


@pytest.mark.parametrize(
    ("kind", "a_kind", "b_kind", "field", "message"),
    [
        (
            PairingKind.CITY_CITY,
            InstitutionKind.COUNTY_BUREAU,
            InstitutionKind.CITY_BUREAU,
            "supporter",
            "该结对类型的支援方须为市级教育行政部门",
        ),
        (
            PairingKind.COUNTY_COUNTY,
            InstitutionKind.COUNTY_BUREAU,
            InstitutionKind.PRIMARY_SCHOOL,
            "supported",
            "该结对类型的受援方须为县级教育行政部门",
        ),
        (
            PairingKind.NORMAL_COLLEGE_CITY,
            InstitutionKind.NON_NORMAL_UNIVERSITY,
            InstitutionKind.CITY_BUREAU,
            "supporter",
            "该结对类型的支援方须为师范类院校",
        ),
        (
            PairingKind.NON_NORMAL_COLLEGE_AREA,
            InstitutionKind.NORMAL_UNIVERSITY,
            InstitutionKind.CITY_BUREAU,
            "supporter",
            "该结对类型的支援方须为非师范类院校",
        ),
        (
            PairingKind.TEACHING_RESEARCH,
            InstitutionKind.TEACHING_RESEARCH,
            InstitutionKind.MIDDLE_SCHOOL,
            "supported",
            "受援方须为教研机构或教师发展机构",
        ),
        (
            PairingKind.SCHOOL_SCHOOL,
            InstitutionKind.CITY_BUREAU,
            InstitutionKind.MIDDLE_SCHOOL,
            "supporter",
            "支援方须为中小学校或幼儿园",
        ),
        (
            PairingKind.UNIVERSITY_COLLEGE,
            InstitutionKind.NORMAL_UNIVERSITY,
            InstitutionKind.COUNTY_BUREAU,
            "supported",
            "受援方须为师范院校或开展教师教育的高校",
        ),
    ],
)
def test_kinds_that_do_not_fit_are_refused(world, kind, a_kind, b_kind, field, message) -> None:
    programme = guangdong(world)
    supporter = make(a_kind, world, "广州市", name="甲单位")
    supported = make(b_kind, world, "梅州市", name="乙单位")
    with pytest.raises(ValidationError) as excinfo:
        pairing_create(programme=programme, kind=kind, supporter=supporter, supported=supported)
    assert any(message in m for m in errors_of(excinfo)[field]), errors_of(excinfo)
    assert "是" in errors_of(excinfo)[field][0]  # names what the institution actually is


def test_intra_region_pair_must_stay_in_one_city(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        pairing_create(
            programme=guangdong(world),
            kind=PairingKind.INTRA_REGION,
            supporter=make(InstitutionKind.MIDDLE_SCHOOL, world, "天河区"),
            supported=make(InstitutionKind.PRIMARY_SCHOOL, world, "梅县区"),
        )
    assert "须在同一地级市内" in errors_of(excinfo)["supported"][0]


def test_supported_must_lie_in_the_programme_region(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        pairing_create(
            programme=guangdong(world),
            kind=PairingKind.UNIVERSITY_COLLEGE,
            supporter=world.bnu,
            supported=world.fynu,
        )
    assert errors_of(excinfo)["supported"] == ["受援方“阜阳师范大学”不在计划实施地区“广东省”内。"]


def test_consortium_pairing_must_follow_membership(world: World) -> None:
    outsider = make(InstitutionKind.NORMAL_UNIVERSITY, world, "广州市", name="首都师范大学")
    with pytest.raises(ValidationError) as excinfo:
        pairing_create(
            programme=world.programme,
            consortium=world.consortium,
            kind=PairingKind.UNIVERSITY_COLLEGE,
            supporter=outsider,
            supported=world.qhnu,
        )
    assert errors_of(excinfo)["supporter"] == [
        "“首都师范大学”不是“北京师范大学组团”的牵头或参与帮扶高校。"
    ]
    with pytest.raises(ValidationError) as excinfo:
        pairing_create(
            programme=world.programme,
            consortium=world.consortium,
            kind=PairingKind.UNIVERSITY_COLLEGE,
            supporter=world.qhnu,
            supported=world.ahnu,
        )
    assert "“安徽师范大学”不是“北京师范大学组团”的重点支持院校。" in errors_of(excinfo)["supported"]


def test_phase_must_belong_to_programme_and_dates_in_order(world: World) -> None:
    other = PhaseFactory.create()
    with pytest.raises(ValidationError) as excinfo:
        pairing_create(
            programme=world.programme,
            phase=other,
            kind=PairingKind.UNIVERSITY_COLLEGE,
            supporter=world.nwnu,
            supported=world.fynu,
            starts_on=dt.date(2024, 1, 1),
            ends_on=dt.date(2023, 1, 1),
        )
    errors = errors_of(excinfo)
    assert errors["phase"] == ["所选轮次不属于该计划。"]
    assert errors["ends_on"] == ["结束日期不能早于开始日期。"]
