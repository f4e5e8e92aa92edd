"""Guangdong's 全口径结对帮扶 (seed 004, annex 2): three rounds, seven kinds of pairing.

The pairing tables of annex 2-2 are images the seed does not carry, so who pairs with whom is
illustrative (is_demo) while the counts follow the text: 15 city pairs, 84 county pairs,
15 normal-college–city pairs, 140 non-normal-college pairs, 99 teaching-research pairs, a sample
of the ~1,000 school pairs per round and of the intra-region pairs.
"""

import datetime as dt

from pairings.choices import PairingKind, PairingStatus
from pairings.services import pairing_ensure
from programmes.demo import guangdong_data as data
from programmes.demo.regions import region
from programmes.models import Phase, PhaseKind, Programme, ProgrammeLevel, ReportingCadence
from programmes.services import content_areas_ensure, phase_ensure, programme_ensure
from schools.models import Institution, Region
from schools.models import InstitutionKind as K
from schools.services import institution_ensure

PROVINCE = "广东省"
SCHOOL_PAIRS_PER_ROUND = 40  # a sample of the ~1,000 per round the plan sets
INTRA_REGION_PAIRS = 12

AREAS = [
    ("1", "培养优秀中小学校长", "校长跟岗、校领导双向挂职。", False),
    ("2", "培养教育行政管理干部", "教育行政管理人员双向挂职锻炼。", False),
    ("3", "培养名优骨干教师队伍", "名师工作室、巡回讲学、组团支教与跟岗。", False),
    (
        "4",
        "提高教师队伍能力素质",
        "受援地区教师全员轮训：每人 12 天（72 学时）面授 + 60 学时网络研修。",
        False,
    ),
    ("5", "加强教研队伍建设", "教研指导帮扶每年不少于 5 次，各学科全覆盖。", False),
    (
        "6",
        "提高教师信息技术应用能力",
        "每年组织受援地区 5% 教师进行 5 天（30 学时）专门培训。",
        False,
    ),
    ("7", "推动教育集团化办学", "跨区域教育集团、种子学校。", False),
    ("8", "推动高等教育反哺基础教育", "学历提升、实习支教、志愿服务。", False),
]
ROUNDS = [
    (1, "第一轮", dt.date(2021, 1, 1), dt.date(2025, 12, 31), PairingStatus.ENDED),
    (2, "第二轮", dt.date(2026, 1, 1), dt.date(2030, 12, 31), PairingStatus.ACTIVE),
    (3, "第三轮", dt.date(2031, 1, 1), dt.date(2035, 12, 31), PairingStatus.PLANNED),
]


class _Units:
    """Creates (once) and remembers the institutions the pairings need."""

    def __init__(self) -> None:
        self.cache: dict[str, Institution] = {}

    def get(
        self, name: str, kind: str, where: Region, demo: bool = False, short: str = ""
    ) -> Institution:
        if name not in self.cache:
            self.cache[name] = institution_ensure(
                name=name, kind=kind, region=where, short_name=short, is_demo=demo
            )
        return self.cache[name]

    def bureau(self, city: str, county: str | None = None) -> Institution:
        if county is None:
            return self.get(f"{city}教育局", K.CITY_BUREAU, region(PROVINCE, city))
        suffix = "教育管理中心" if county.endswith(("镇", "街道")) else "教育局"
        return self.get(f"{city}{county}{suffix}", K.COUNTY_BUREAU, region(PROVINCE, city, county))

    def research(self, city: str, county: str | None = None) -> Institution:
        where = region(PROVINCE, city, county) if county else region(PROVINCE, city)
        return self.get(f"{city}{county or ''}教师发展中心", K.TEACHER_DEVELOPMENT, where, True)

    def school(self, city: str, county: str, number: int, primary: bool) -> Institution:
        stage = "小学" if primary else "中学"
        kind = K.PRIMARY_SCHOOL if primary else K.MIDDLE_SCHOOL
        name = f"{city}{county}示例{stage}{number:02d}"
        return self.get(name, kind, region(PROVINCE, city, county), True)


def build_guangdong() -> Programme:
    guangdong = region(PROVINCE)
    programme = programme_ensure(
        slug="guangdong",
        name="广东省推动基础教育高质量发展行动方案·全口径结对帮扶",
        short_name="广东全口径结对帮扶",
        level=ProgrammeLevel.PROVINCIAL,
        region=guangdong,
        issuing_authority="广东省人民政府",
        document_number="粤府〔2021〕55号",
        issued_on=dt.date(2021, 8, 16),
        starts_on=dt.date(2021, 1, 1),
        ends_on=dt.date(2035, 12, 31),
        reporting_cadence=ReportingCadence.QUARTERLY,
        description=(
            "以粤东粤西粤北地区乡镇中小学校为重点帮扶对象，建立市与市、县与县、师范类院校与市、"
            "非师范类院校与市县、教研机构之间、中小学之间、市县区域内 7 种全口径结对关系，"
            "2021—2035 年分三轮实施。支教、跟岗人员工作经费不低于人均每年 4 万元。"
        ),
    )
    phases = [
        phase_ensure(
            programme=programme,
            number=number,
            name=name,
            kind=PhaseKind.ROUND,
            starts_on=start,
            ends_on=end,
        )
        for number, name, start, end, _status in ROUNDS
    ]
    content_areas_ensure(programme=programme, areas=AREAS)
    institution_ensure(
        name="广东省教育厅", short_name="广东教育厅", kind=K.PROVINCIAL_DEPARTMENT, region=guangdong
    )

    units = _Units()
    for (number, _name, _start, _end, status), phase in zip(ROUNDS[:2], phases, strict=False):
        _build_round(programme, phase, status, units, school_offset=(number - 1) * 100)
    return programme


def _build_round(
    programme: Programme, phase: Phase, status: str, units: _Units, school_offset: int
) -> None:
    def pair(kind: str, supporter: Institution, supported: Institution) -> None:
        pairing_ensure(
            programme=programme,
            phase=phase,
            kind=kind,
            supporter=supporter,
            supported=supported,
            status=status,
            is_demo=True,
        )

    for supporter_city, supported_city in data.CITY_PAIRS:
        pair(PairingKind.CITY_CITY, units.bureau(supporter_city), units.bureau(supported_city))
    for (s_city, s_county), (t_city, t_county) in data.COUNTY_PAIRS:
        pair(
            PairingKind.COUNTY_COUNTY,
            units.bureau(s_city, s_county),
            units.bureau(t_city, t_county),
        )
    for name, short, city, supported_city, kind in data.NORMAL_COLLEGES:
        college = units.get(name, kind, region(PROVINCE, city), short=short)
        pair(PairingKind.NORMAL_COLLEGE_CITY, college, units.bureau(supported_city))
    colleges = {name: (city, kind) for name, city, kind in data.NON_NORMAL_COLLEGES}
    for name, (area_city, area_county) in data.NON_NORMAL_PAIRS:
        city, kind = colleges[name]
        college = units.get(
            name, kind, region(PROVINCE, city), demo=name in data.DEMO_INSTITUTION_NAMES
        )
        pair(PairingKind.NON_NORMAL_COLLEGE_AREA, college, units.bureau(area_city, area_county))
    for (from_city, from_county), (to_city, to_county) in data.TEACHING_RESEARCH_PAIRS:
        pair(
            PairingKind.TEACHING_RESEARCH,
            units.research(from_city, from_county),
            units.research(to_city, to_county),
        )

    # A sample of school pairs, following the county pairs.
    for i, ((s_city, s_county), (t_city, t_county)) in enumerate(
        data.COUNTY_PAIRS[:SCHOOL_PAIRS_PER_ROUND]
    ):
        primary = i % 2 == 0
        pair(
            PairingKind.SCHOOL_SCHOOL,
            units.school(s_city, s_county, school_offset + i + 1, primary),
            units.school(t_city, t_county, school_offset + i + 1, primary),
        )

    # Intra-region: a school in a city's first district supports one in another county there.
    by_city: dict[str, list[str]] = {}
    for city, county in data.SUPPORTED_COUNTIES:
        by_city.setdefault(city, []).append(county)
    for i, city in enumerate(sorted(by_city)[:INTRA_REGION_PAIRS]):
        urban, rural = by_city[city][0], by_city[city][-1]
        number = school_offset + 50 + i
        pair(
            PairingKind.INTRA_REGION,
            units.school(city, urban, number, True),
            units.school(city, rural, number, True),
        )
