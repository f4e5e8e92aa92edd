"""A small Guangdong for the assessment tests: the province, two cities per zone, a county
in each zone, their education bureaus, a supporting university, round-1 pairings, the
provincial department's officer, a city bureau's contact and another province's officer."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from accounts.models import Role
from accounts.services import affiliation_add
from assessments import services
from assessments.models import AssessmentIndicator, AssessmentScheme, Basis
from pairings.choices import PairingKind
from programmes.models import Phase, Programme, ProgrammeLevel
from schools.models import Institution, InstitutionKind, Region, RegionLevel, Zone
from tests.factories import PairingFactory, PhaseFactory, ProgrammeFactory

K = InstitutionKind
# code, name, level, parent, zone
REGIONS = [
    ("44", "广东省", RegionLevel.PROVINCE, "", ""),
    ("4401", "广州市", RegionLevel.PREFECTURE, "44", Zone.PEARL_RIVER_DELTA),
    ("4403", "深圳市", RegionLevel.PREFECTURE, "44", Zone.PEARL_RIVER_DELTA),
    ("4405", "汕头市", RegionLevel.PREFECTURE, "44", Zone.EAST_WEST_NORTH),
    ("4414", "梅州市", RegionLevel.PREFECTURE, "44", Zone.EAST_WEST_NORTH),
    ("440106", "天河区", RegionLevel.COUNTY, "4401", Zone.PEARL_RIVER_DELTA),
    ("441422", "大埔县", RegionLevel.COUNTY, "4414", Zone.EAST_WEST_NORTH),
    ("36", "江西省", RegionLevel.PROVINCE, "", ""),
]


@dataclass
class Guangdong:
    programme: Programme
    phase: Phase
    regions: dict[str, Region]
    bureaus: dict[str, Institution]  # by region code
    university: Institution
    officer: User  # 广东省教育厅
    shantou: User  # contact of 汕头市教育局
    outsider: User  # 江西省教育厅

    def bureau(self, code: str) -> Institution:
        return self.bureaus[code]


def _user(username: str, institution: Institution, role: str) -> User:
    user = get_user_model().objects.create_user(username)
    affiliation_add(user=user, institution=institution, role=role)
    return user


@pytest.fixture
def gd(db) -> Guangdong:
    regions: dict[str, Region] = {}
    for code, name, level, parent, zone in REGIONS:
        regions[code] = Region.objects.create(
            code=code, name=name, level=level, parent=regions.get(parent), zone=zone
        )
    bureaus = {}
    for code, region in regions.items():
        if region.level == RegionLevel.PREFECTURE:
            kind = K.CITY_BUREAU
        elif region.level == RegionLevel.COUNTY:
            kind = K.COUNTY_BUREAU
        else:
            continue
        bureaus[code] = Institution.objects.create(
            name=f"{region.name}教育局", kind=kind, region=region
        )
    university = Institution.objects.create(
        name="华南师范大学", kind=K.NORMAL_UNIVERSITY, region=regions["4401"]
    )
    programme = ProgrammeFactory.create(
        name="广东省基础教育全口径结对帮扶",
        short_name="广东结对帮扶",
        slug="gd",
        level=ProgrammeLevel.PROVINCIAL,
        region=regions["44"],
        starts_on=dt.date(2021, 1, 1),
        ends_on=dt.date(2035, 12, 31),
    )
    phase = PhaseFactory.create(
        programme=programme,
        number=1,
        starts_on=dt.date(2021, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    for supporter, supported, pairing_kind in [
        ("4401", "4405", PairingKind.CITY_CITY),
        ("4403", "4414", PairingKind.CITY_CITY),
        ("440106", "441422", PairingKind.COUNTY_COUNTY),
    ]:
        PairingFactory.create(
            programme=programme,
            phase=phase,
            kind=pairing_kind,
            supporter=bureaus[supporter],
            supported=bureaus[supported],
        )
    PairingFactory.create(
        programme=programme,
        phase=phase,
        kind=PairingKind.NORMAL_COLLEGE_CITY,
        supporter=university,
        supported=bureaus["4414"],
    )
    gd_department = Institution.objects.create(
        name="广东省教育厅", kind=K.PROVINCIAL_DEPARTMENT, region=regions["44"]
    )
    jx_department = Institution.objects.create(
        name="江西省教育厅", kind=K.PROVINCIAL_DEPARTMENT, region=regions["36"]
    )
    return Guangdong(
        programme=programme,
        phase=phase,
        regions=regions,
        bureaus=bureaus,
        university=university,
        officer=_user("gd_edu", gd_department, Role.PROVINCIAL_OFFICER),
        shantou=_user("shantou_edu", bureaus["4405"], Role.CONTACT),
        outsider=_user("jx_edu", jx_department, Role.PROVINCIAL_OFFICER),
    )


def scheme_with(
    gd: Guangdong,
    spec: list[tuple[str, str, dict, dict[str, int]]],
    *,
    basis: str = Basis.ZONE,
    year: int = 2025,
) -> AssessmentScheme:
    """A scheme from (code, name, fields, weights by column) rows; a code with a dot is a
    second-level indicator under the code before the dot. Weights are set in one call."""
    scheme = services.scheme_create(
        user=gd.officer,
        programme=gd.programme,
        phase=gd.phase,
        year=year,
        name=f"{year} 年度考核",
        basis=basis,
    )
    made: dict[str, AssessmentIndicator] = {}
    weights = {}
    for order, (code, name, fields, by_column) in enumerate(spec):
        parent = made.get(code.split(".")[0]) if "." in code else None
        indicator = AssessmentIndicator(
            scheme=scheme, code=code, name=name, order=order, parent=parent, **fields
        )
        made[code] = services.indicator_save(user=gd.officer, indicator=indicator)
        for column, weight in by_column.items():
            weights[(made[code].pk, column)] = Decimal(weight)
    services.weights_set(user=gd.officer, scheme=scheme, weights=weights)
    return scheme
