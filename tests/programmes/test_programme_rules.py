"""Programme and phase validation, each with its Chinese message."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from programmes.models import Phase, PhaseKind, Programme, ProgrammeLevel
from schools.models import Institution, InstitutionKind
from tests.factories import ProgrammeFactory
from tests.world import World


def test_programme_dates_in_order(db) -> None:
    programme = ProgrammeFactory.build(starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        programme.full_clean()
    assert excinfo.value.message_dict["ends_on"] == ["结束日期不能早于开始日期。"]


def test_provincial_programme_needs_a_region_and_national_has_none(world: World) -> None:
    provincial = ProgrammeFactory.build(level=ProgrammeLevel.PROVINCIAL)
    with pytest.raises(ValidationError) as excinfo:
        provincial.full_clean()
    assert excinfo.value.message_dict["region"] == ["省级及以下的计划必须填写实施地区。"]
    national = ProgrammeFactory.build(region=world.region("广东省"))
    with pytest.raises(ValidationError) as excinfo:
        national.full_clean()
    assert excinfo.value.message_dict["region"] == ["国家级计划不设实施地区。"]


def _round(programme: Programme, number: int, start: dt.date, end: dt.date) -> Phase:
    return Phase(
        programme=programme,
        kind=PhaseKind.ROUND,
        number=number,
        name=f"第{number}轮",
        starts_on=start,
        ends_on=end,
    )


def test_rounds_stay_inside_the_programme_and_do_not_overlap(world: World) -> None:
    programme = ProgrammeFactory.create(
        starts_on=dt.date(2021, 1, 1), ends_on=dt.date(2035, 12, 31)
    )
    _round(programme, 1, dt.date(2021, 1, 1), dt.date(2025, 12, 31)).save()
    with pytest.raises(ValidationError) as excinfo:
        _round(programme, 2, dt.date(2025, 6, 1), dt.date(2030, 12, 31)).full_clean()
    assert excinfo.value.messages == ["“第2轮”与“第1轮”的日期重叠。"]
    with pytest.raises(ValidationError) as excinfo:
        _round(programme, 3, dt.date(2031, 1, 1), dt.date(2036, 12, 31)).full_clean()
    assert excinfo.value.messages == [
        "“第3轮”的日期必须在计划期限（2021-01-01 至 2035-12-31）之内。"
    ]
    _round(programme, 2, dt.date(2026, 1, 1), dt.date(2030, 12, 31)).full_clean()


def test_bureau_kinds_sit_at_their_level(world: World) -> None:
    bureau = Institution(
        name="某县教育局", kind=InstitutionKind.COUNTY_BUREAU, region=world.region("阜阳市")
    )
    with pytest.raises(ValidationError) as excinfo:
        bureau.full_clean()
    assert excinfo.value.message_dict["region"] == ["县级教育行政部门必须位于县级地区。"]
    department = Institution(
        name="某省教育厅", kind=InstitutionKind.PROVINCIAL_DEPARTMENT, region=world.region("阜阳市")
    )
    with pytest.raises(ValidationError) as excinfo:
        department.full_clean()
    assert excinfo.value.message_dict["region"] == ["省级教育行政部门必须位于省级地区。"]
