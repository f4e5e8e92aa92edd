"""The fixed test world (see ../shared/STYLE.md): the BNU consortium of seed 000.

北京师范大学 leads and supports 青海师范大学; 安徽师范大学 supports 阜阳师范大学; 西北师范大学
supports 阿坝师范学院; 四川师范大学 supports 西昌民族幼专; 安徽省教育厅 reads. Regions carry their
real GB/T 2260 codes; Guangdong's 广州 and 梅州 are there for provincial pairings.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from accounts.models import Role
from accounts.services import affiliation_add
from pairings.choices import MemberRole, PairingKind
from pairings.models import Consortium, Pairing
from pairings.rules import MemberSpec
from pairings.services import consortium_create, pairing_create
from programmes.models import Phase, PhaseKind, Programme, ProgrammeLevel
from schools.models import Institution, Region, RegionLevel
from schools.models import InstitutionKind as K
from tests.factories import ProgrammeFactory

REGIONS = [
    # code, name, short name, level, parent code
    ("11", "北京市", "北京", RegionLevel.PROVINCE, None),
    ("1101", "市辖区", "", RegionLevel.PREFECTURE, "11"),
    ("110108", "海淀区", "", RegionLevel.COUNTY, "1101"),
    ("34", "安徽省", "安徽", RegionLevel.PROVINCE, None),
    ("3402", "芜湖市", "芜湖", RegionLevel.PREFECTURE, "34"),
    ("3412", "阜阳市", "阜阳", RegionLevel.PREFECTURE, "34"),
    ("63", "青海省", "青海", RegionLevel.PROVINCE, None),
    ("6301", "西宁市", "西宁", RegionLevel.PREFECTURE, "63"),
    ("62", "甘肃省", "甘肃", RegionLevel.PROVINCE, None),
    ("6201", "兰州市", "兰州", RegionLevel.PREFECTURE, "62"),
    ("51", "四川省", "四川", RegionLevel.PROVINCE, None),
    ("5101", "成都市", "成都", RegionLevel.PREFECTURE, "51"),
    ("5132", "阿坝藏族羌族自治州", "阿坝州", RegionLevel.PREFECTURE, "51"),
    ("513221", "汶川县", "", RegionLevel.COUNTY, "5132"),
    ("5134", "凉山彝族自治州", "凉山州", RegionLevel.PREFECTURE, "51"),
    ("513401", "西昌市", "", RegionLevel.COUNTY, "5134"),
    ("513436", "美姑县", "", RegionLevel.COUNTY, "5134"),
    ("44", "广东省", "广东", RegionLevel.PROVINCE, None),
    ("4401", "广州市", "广州", RegionLevel.PREFECTURE, "44"),
    ("440106", "天河区", "", RegionLevel.COUNTY, "4401"),
    ("4414", "梅州市", "梅州", RegionLevel.PREFECTURE, "44"),
    ("441403", "梅县区", "", RegionLevel.COUNTY, "4414"),
    ("441422", "大埔县", "", RegionLevel.COUNTY, "4414"),
]

# username → (institution attribute, role, consortium attribute or None)
ROLE_USERS = {
    "bnu_coordinator": ("bnu", Role.COORDINATOR, "consortium"),
    "ahnu_contact": ("ahnu", Role.CONTACT, None),
    "fynu_contact": ("fynu", Role.CONTACT, None),
    "fynu_info": ("fynu", Role.INFORMATION_OFFICER, None),
    "anhui_edu": ("anhui_department", Role.PROVINCIAL_OFFICER, None),
    "guangdong_edu": ("guangdong_department", Role.PROVINCIAL_OFFICER, None),
    "bnu_expert": ("bnu", Role.EXPERT, "consortium"),
}

PASSWORD = "world-password"


@dataclass
class World:
    regions: dict[str, Region]
    programme: Programme
    phase: Phase
    consortium: Consortium
    bnu: Institution
    ahnu: Institution
    nwnu: Institution
    sicnu: Institution
    qhnu: Institution
    fynu: Institution
    abtc: Institution
    xcyz: Institution
    anhui_department: Institution
    pairings: list[Pairing]
    other_consortium: Consortium  # 华南师范大学组团: out of scope for the BNU roles
    jiaying: Institution  # 嘉应学院, supported in the other consortium (广东)
    alice: User  # signed in, no role anywhere
    users: dict[str, User]  # one per role, see ROLE_USERS

    def region(self, name: str) -> Region:
        return next(r for r in self.regions.values() if r.name == name or r.short_name == name)


def build_world() -> World:
    regions: dict[str, Region] = {}
    for code, name, short, level, parent in REGIONS:
        regions[code] = Region.objects.create(
            code=code,
            name=name,
            short_name=short,
            level=level,
            parent=regions[parent] if parent else None,
        )
    regions["513436"].is_key_rural_revitalization_county = True
    regions["513436"].is_poverty_alleviated_county = True
    regions["513436"].save()

    def inst(name: str, kind: str, code: str) -> Institution:
        return Institution.objects.create(name=name, kind=kind, region=regions[code])

    bnu = inst("北京师范大学", K.NORMAL_UNIVERSITY, "110108")
    ahnu = inst("安徽师范大学", K.NORMAL_UNIVERSITY, "3402")
    nwnu = inst("西北师范大学", K.NORMAL_UNIVERSITY, "6201")
    sicnu = inst("四川师范大学", K.NORMAL_UNIVERSITY, "5101")
    qhnu = inst("青海师范大学", K.NORMAL_UNIVERSITY, "6301")
    fynu = inst("阜阳师范大学", K.NORMAL_UNIVERSITY, "3412")
    abtc = inst("阿坝师范学院", K.NORMAL_COLLEGE, "513221")
    xcyz = inst("西昌民族幼儿师范高等专科学校", K.NORMAL_JUNIOR_COLLEGE, "513401")
    anhui = inst("安徽省教育厅", K.PROVINCIAL_DEPARTMENT, "34")

    programme = Programme.objects.create(
        name="师范教育协同提质计划",
        short_name="协同提质计划",
        slug="national",
        level=ProgrammeLevel.NATIONAL,
        issuing_authority="教育部办公厅",
        document_number="教师厅函〔2022〕2号",
        starts_on=dt.date(2022, 2, 9),
        ends_on=dt.date(2025, 12, 31),
        min_supporting_members=3,
    )
    phase = Phase.objects.create(
        programme=programme,
        kind=PhaseKind.PHASE,
        number=1,
        name="“十四五”期间",
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
    )
    pairs = [(bnu, qhnu), (ahnu, fynu), (nwnu, abtc), (sicnu, xcyz)]
    members = [MemberSpec(bnu, MemberRole.LEAD)]
    members += [MemberSpec(a, MemberRole.SUPPORTING) for a, _ in pairs]
    members += [MemberSpec(b, MemberRole.SUPPORTED) for _, b in pairs]
    members += [MemberSpec(anhui, MemberRole.PROVINCIAL_DEPARTMENT)]
    consortium = consortium_create(
        programme=programme, name="北京师范大学组团", lead=bnu, members=members
    )
    pairings = [
        pairing_create(
            programme=programme,
            phase=phase,
            consortium=consortium,
            kind=PairingKind.UNIVERSITY_COLLEGE,
            supporter=a,
            supported=b,
        )
        for a, b in pairs
    ]
    # A second consortium of the same programme, in Guangdong, that the BNU roles never see.
    scnu = inst("华南师范大学", K.NORMAL_UNIVERSITY, "4401")
    gzhu = inst("广州大学", K.NORMAL_UNIVERSITY, "4401")
    lingnan = inst("岭南师范学院", K.NORMAL_COLLEGE, "4401")
    jiaying = inst("嘉应学院", K.NORMAL_COLLEGE, "4414")
    guangdong = inst("广东省教育厅", K.PROVINCIAL_DEPARTMENT, "44")
    other = consortium_create(
        programme=programme,
        name="华南师范大学组团",
        lead=scnu,
        members=[
            MemberSpec(scnu, MemberRole.LEAD),
            *(MemberSpec(u, MemberRole.SUPPORTING) for u in (scnu, gzhu, lingnan)),
            MemberSpec(jiaying, MemberRole.SUPPORTED),
        ],
    )
    pairing_create(
        programme=programme,
        phase=phase,
        consortium=other,
        kind=PairingKind.UNIVERSITY_COLLEGE,
        supporter=scnu,
        supported=jiaying,
    )

    user_model = get_user_model()
    alice = user_model.objects.create_user("alice", password=PASSWORD)
    users: dict[str, User] = {
        "admin": user_model.objects.create_superuser("admin", password=PASSWORD)
    }
    places: dict[str, Any] = {
        "bnu": bnu,
        "ahnu": ahnu,
        "fynu": fynu,
        "anhui_department": anhui,
        "guangdong_department": guangdong,
        "consortium": consortium,
    }
    for username, (where, role, in_consortium) in ROLE_USERS.items():
        user = user_model.objects.create_user(username, password=PASSWORD)
        users[username] = user
        affiliation_add(
            user=user,
            institution=places[where],
            role=role,
            consortium=places[in_consortium] if in_consortium else None,
        )
    # carol coordinates the other consortium and is a plain contact at 四川师范大学 in BNU's.
    carol = user_model.objects.create_user("carol", password=PASSWORD)
    affiliation_add(user=carol, institution=scnu, role=Role.COORDINATOR, consortium=other)
    affiliation_add(user=carol, institution=sicnu, role=Role.CONTACT)
    users["carol"] = carol
    return World(
        regions=regions,
        programme=programme,
        phase=phase,
        consortium=consortium,
        bnu=bnu,
        ahnu=ahnu,
        nwnu=nwnu,
        sicnu=sicnu,
        qhnu=qhnu,
        fynu=fynu,
        abtc=abtc,
        xcyz=xcyz,
        anhui_department=anhui,
        pairings=pairings,
        other_consortium=other,
        jiaying=jiaying,
        alice=alice,
        users=users,
    )


def anhui_programme(world: World) -> Programme:
    """A provincial programme of 安徽 without consortia: 安徽师范大学 supports 阜阳师范大学
    (安徽省教育厅 runs it and edits its 工作动态 bulletin)."""

    programme = ProgrammeFactory.create(
        name="安徽省高校与县域基础教育协同提质行动",
        short_name="安徽协同提质",
        slug="anhui",
        level=ProgrammeLevel.PROVINCIAL,
        region=world.region("安徽"),
        issuing_authority="安徽省教育厅",
    )
    pairing_create(
        programme=programme,
        kind=PairingKind.UNIVERSITY_COLLEGE,
        supporter=world.ahnu,
        supported=world.fynu,
    )
    return programme
