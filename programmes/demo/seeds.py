"""Demo data from the seed documents: the national programme with the BNU consortium (seeds 000,
001), Jiangxi's action (seed 002) and Leshan–Meigu (seed 003). Guangdong lives in guangdong.py.

Real names, numbers and dates come from the seeds. Where a seed gives only a count or no
detail, the generated rows are marked is_demo and shown as 示例.
"""

import datetime as dt

from pairings.choices import MemberRole, PairingKind, PairingStatus
from pairings.rules import MemberSpec
from pairings.services import consortium_ensure, pairing_ensure
from programmes.demo.regions import region
from programmes.models import PhaseKind, Programme, ProgrammeLevel, ReportingCadence
from programmes.services import content_areas_ensure, phase_ensure, programme_ensure
from schools.models import InstitutionKind as K
from schools.services import contact_ensure, institution_ensure

NATIONAL_AREAS = [
    (
        "1",
        "人才队伍建设",
        "青年骨干教师培育、高水平教师引进（柔性引进）、干部教师双向交流。",
        False,
    ),
    ("2", "学科专业建设", "重点学科建设、学生协同培养、教师协同教研。", False),
    (
        "3",
        "基础教育服务能力建设",
        "协同开展基础教育教师培训、建设地方教师发展机构、基础教育质量监测和诊断。",
        False,
    ),
    (
        "4",
        "学校管理与发展建设",
        "发展规划提升、管理能力提升、空间协同建设（智慧教室）、资源共享。",
        False,
    ),
    ("X", "组团特色项目", "各组团结合薄弱院校需求自行设计的个性化帮扶项目（“4+X”中的 X）。", True),
]


def build_national() -> Programme:
    programme = programme_ensure(
        slug="national",
        name="师范教育协同提质计划",
        short_name="协同提质计划",
        level=ProgrammeLevel.NATIONAL,
        issuing_authority="教育部办公厅",
        document_number="教师厅函〔2022〕2号",
        issued_on=dt.date(2022, 2, 9),
        starts_on=dt.date(2022, 2, 9),
        ends_on=dt.date(2025, 12, 31),
        reporting_cadence=ReportingCadence.QUARTERLY,
        min_supporting_members=3,
        description=(
            "“十四五”期间，教育部重点支持一批中西部欠发达地区薄弱师范院校，协调高水平师范大学"
            "以组团形式（“1+M+N”）在人才队伍、学科专业、基础教育服务能力、学校规划与管理等方面"
            "进行重点支持。每个省份可推荐不超过 3 所师范院校。"
        ),
    )
    phase = phase_ensure(
        programme=programme,
        number=1,
        name="“十四五”期间",
        kind=PhaseKind.PHASE,
        starts_on=dt.date(2022, 2, 9),
        ends_on=dt.date(2025, 12, 31),
    )
    content_areas_ensure(programme=programme, areas=NATIONAL_AREAS)

    moe = institution_ensure(
        name="教育部", kind=K.MINISTRY, region=region("北京市", "市辖区", "西城区")
    )
    contact_ensure(
        institution=moe,
        name="李沐明",
        post="教师工作司",
        phone="010-66097080",
        email="fzc@moe.edu.cn",
    )
    contact_ensure(
        institution=moe,
        name="宋长远",
        post="教师工作司",
        phone="010-66097580",
        email="fzc@moe.edu.cn",
    )

    bnu = institution_ensure(
        name="北京师范大学",
        short_name="北师大",
        kind=K.NORMAL_UNIVERSITY,
        region=region("北京市", "市辖区", "海淀区"),
    )
    ahnu = institution_ensure(
        name="安徽师范大学",
        short_name="安徽师大",
        kind=K.NORMAL_UNIVERSITY,
        region=region("安徽省", "芜湖市"),
    )
    nwnu = institution_ensure(
        name="西北师范大学",
        short_name="西北师大",
        kind=K.NORMAL_UNIVERSITY,
        region=region("甘肃省", "兰州市", "安宁区"),
    )
    sicnu = institution_ensure(
        name="四川师范大学",
        short_name="川师大",
        kind=K.NORMAL_UNIVERSITY,
        region=region("四川省", "成都市"),
    )
    qhnu = institution_ensure(
        name="青海师范大学",
        short_name="青海师大",
        kind=K.NORMAL_UNIVERSITY,
        region=region("青海省", "西宁市"),
    )
    fynu = institution_ensure(
        name="阜阳师范大学",
        short_name="阜阳师大",
        kind=K.NORMAL_UNIVERSITY,
        region=region("安徽省", "阜阳市"),
    )
    abtc = institution_ensure(
        name="阿坝师范学院",
        short_name="阿坝师院",
        kind=K.NORMAL_COLLEGE,
        region=region("四川省", "阿坝州", "汶川县"),
    )
    xcyz = institution_ensure(
        name="西昌民族幼儿师范高等专科学校",
        short_name="西昌民族幼专",
        kind=K.NORMAL_JUNIOR_COLLEGE,
        region=region("四川省", "凉山州", "西昌市"),
    )
    departments = [
        institution_ensure(
            name=f"{province}教育厅",
            short_name=f"{province[:2]}教育厅",
            kind=K.PROVINCIAL_DEPARTMENT,
            region=region(province),
        )
        for province in ("青海省", "安徽省", "四川省")
    ]

    pairs = [(bnu, qhnu), (ahnu, fynu), (nwnu, abtc), (sicnu, xcyz)]
    members = [MemberSpec(bnu, MemberRole.LEAD)]
    members += [MemberSpec(supporter, MemberRole.SUPPORTING) for supporter, _ in pairs]
    members += [MemberSpec(supported, MemberRole.SUPPORTED) for _, supported in pairs]
    members += [MemberSpec(d, MemberRole.PROVINCIAL_DEPARTMENT) for d in departments]
    consortium = consortium_ensure(
        programme=programme,
        name="北京师范大学组团",
        lead=bnu,
        members=members,
        secretariat="大组团办公室（联席会议秘书处），设在北京师范大学“强师工程”办公室",
        established_on=dt.date(2022, 4, 1),
        description=(
            "“1+4+4”组团：北京师范大学牵头，北京师范大学、安徽师范大学、西北师范大学、四川师范大学"
            "分别重点联系青海师范大学、阜阳师范大学、阿坝师范学院、西昌民族幼专；"
            "实行联席会议、日常沟通、信息报送（每季度汇总）和调查研究机制。"
        ),
    )
    for supporter, supported in pairs:
        pairing_ensure(
            programme=programme,
            phase=phase,
            consortium=consortium,
            kind=PairingKind.UNIVERSITY_COLLEGE,
            supporter=supporter,
            supported=supported,
            starts_on=dt.date(2022, 4, 1),
        )
    return programme


JIANGXI_ALLIANCE = [
    # (name, short name, kind, prefecture) — the alliance has 12 universities (seed 002);
    # only 江西师范大学 is named there, so the other eleven are illustrative.
    ("江西师范大学", "江西师大", K.NORMAL_UNIVERSITY, "南昌市"),
    ("赣南师范大学", "赣南师大", K.NORMAL_UNIVERSITY, "赣州市"),
    ("江西科技师范大学", "江西科师大", K.NORMAL_UNIVERSITY, "南昌市"),
    ("上饶师范学院", "上饶师院", K.NORMAL_COLLEGE, "上饶市"),
    ("南昌师范学院", "南昌师院", K.NORMAL_COLLEGE, "南昌市"),
    ("豫章师范学院", "豫章师院", K.NORMAL_COLLEGE, "南昌市"),
    ("井冈山大学", "井大", K.COMPREHENSIVE_UNIVERSITY, "吉安市"),
    ("九江学院", "九江学院", K.COMPREHENSIVE_UNIVERSITY, "九江市"),
    ("宜春学院", "宜春学院", K.COMPREHENSIVE_UNIVERSITY, "宜春市"),
    ("萍乡学院", "萍乡学院", K.COMPREHENSIVE_UNIVERSITY, "萍乡市"),
    ("新余学院", "新余学院", K.COMPREHENSIVE_UNIVERSITY, "新余市"),
    ("景德镇学院", "景德镇学院", K.COMPREHENSIVE_UNIVERSITY, "景德镇市"),
]
# One illustrative pilot county per prefecture (the real list was not published in the seed).
JIANGXI_PILOT_COUNTIES = [
    ("南昌市", "进贤县"),
    ("赣州市", "于都县"),
    ("南昌市", "安义县"),
    ("上饶市", "鄱阳县"),
    ("抚州市", "广昌县"),
    ("宜春市", "铜鼓县"),
    ("吉安市", "永新县"),
    ("九江市", "修水县"),
    ("宜春市", "万载县"),
    ("萍乡市", "莲花县"),
    ("新余市", "分宜县"),
    ("景德镇市", "浮梁县"),
]


def build_jiangxi() -> Programme:
    jiangxi = region("江西省")
    programme = programme_ensure(
        slug="jiangxi",
        name="江西省高校与县域基础教育协同提质行动",
        short_name="江西协同提质行动",
        level=ProgrammeLevel.PROVINCIAL,
        region=jiangxi,
        issuing_authority="江西省教育厅",
        document_number="赣教基字〔2023〕39号",
        starts_on=dt.date(2023, 10, 1),
        ends_on=dt.date(2027, 12, 31),
        reporting_cadence=ReportingCadence.QUARTERLY,
        description=(
            "“省厅统筹、县（市、区）负总责、学校落实、高校引领、数字赋能”：12 所联盟高校与"
            "试点县（市、区）结成协同提质共同体，明确“五个一批”行动目标。各相关单位明确一名"
            "信息员，及时推送本单位协同提质行动信息；领导小组办公室编发《工作动态》。"
            "（结束日期为示例。）"
        ),
    )
    content_areas_ensure(
        programme=programme,
        areas=[
            ("1", "联盟协同推进", "联盟高校与试点县协同推进。", False),
            ("2", "职前职后贯通", "师范生培养与在职教师发展贯通。", False),
            ("3", "名师组团名校结对", "名师组团帮扶，名校结对试点学校。", False),
            ("4", "研训一体发力", "教研与培训一体化。", False),
            ("5", "数字赋能", "数字化赋能县域基础教育。", False),
        ],
    )
    institution_ensure(
        name="江西省教育厅", short_name="江西教育厅", kind=K.PROVINCIAL_DEPARTMENT, region=jiangxi
    )
    for prefecture in jiangxi.children.all():
        institution_ensure(name=f"{prefecture.name}教育局", kind=K.CITY_BUREAU, region=prefecture)
    for (name, short, kind, city), (county_city, county) in zip(
        JIANGXI_ALLIANCE, JIANGXI_PILOT_COUNTIES, strict=True
    ):
        university = institution_ensure(
            name=name, short_name=short, kind=kind, region=region("江西省", city)
        )
        county_region = region("江西省", county_city, county)
        bureau = institution_ensure(
            name=f"{county_city}{county}教育局", kind=K.COUNTY_BUREAU, region=county_region
        )
        pairing_ensure(
            programme=programme,
            kind=PairingKind.UNIVERSITY_COUNTY,
            supporter=university,
            supported=bureau,
            starts_on=dt.date(2023, 11, 1),
            note="试点县为示例",
            is_demo=True,
        )
    return programme


LESHAN_AREAS = [
    (
        "1",
        "建立结对帮扶机制",
        "乐山师范学院牵头，协调乐山市教育局和 3 所优质中小学结对帮扶。",
        False,
    ),
    ("2", "指导研制发展规划", "县级教师发展“十四五”规划；两所重点学校三年发展规划。", False),
    ("3", "强化校园文化建设", "具有民族和地域特色的校训、校歌、校徽及艺体活动。", False),
    ("4", "优化学校内部管理", "人事、财务、资产、校务会议、突发事件处理等管理制度。", False),
    ("5", "培养学生良好习惯", "“五洗”“五会”好习惯养成。", False),
    (
        "6",
        "引领校长、教师专业发展",
        "研训一体的县级教师发展机构、校长教师培训团队、教师培训。",
        False,
    ),
    ("7", "推进学校教育教学改革", "校本研修制度、同课异构案例成果、国家课程校本化。", False),
    ("8", "提升教育信息化水平", "信息技术应用能力提升工程 2.0、课堂教学资源共享平台。", False),
]
HONGXI_DEMO_SCHOOLS = [
    # 洪溪片区 has 13 schools and teaching points (seed 003); only the two key schools are named.
    *(f"美姑县洪溪片区示例小学{i:02d}" for i in range(1, 8)),
    *(f"美姑县洪溪片区示例教学点{i:02d}" for i in range(1, 5)),
]


def build_leshan() -> Programme:
    meigu = region("四川省", "凉山州", "美姑县")
    if not (meigu.is_key_rural_revitalization_county and meigu.is_poverty_alleviated_county):
        meigu.is_key_rural_revitalization_county = True
        meigu.is_poverty_alleviated_county = True
        meigu.save(
            update_fields=["is_key_rural_revitalization_county", "is_poverty_alleviated_county"]
        )
    programme = programme_ensure(
        slug="leshan-meigu",
        name="乐山师范学院凉山州美姑县片区学校“一对一”精准帮扶提升工程",
        short_name="乐山—美姑“一对一”帮扶",
        level=ProgrammeLevel.INSTITUTIONAL,
        region=meigu,
        issuing_authority="乐山师范学院",
        document_number="乐师院继教〔2020〕13号",
        starts_on=dt.date(2020, 6, 1),
        ends_on=dt.date(2022, 3, 31),
        reporting_cadence=ReportingCadence.QUARTERLY,
        description=(
            "按照四川省凉山州未摘帽县片区学校“一对一”精准帮扶提升工程的要求，乐山师范学院牵头，"
            "协调乐山市教育局和乐山市 3 所优质中小学，"
            "帮扶美姑县及其洪溪片区 13 所学校（含教学点），"
            "重点帮扶洪溪初级中学和依果觉乡小学校，完成县域和片区学校两个“五个一”任务。"
        ),
    )
    phase_ensure(
        programme=programme,
        number=1,
        name="第一阶段",
        kind=PhaseKind.PHASE,
        starts_on=dt.date(2020, 6, 1),
        ends_on=dt.date(2021, 2, 28),
    )
    phase_ensure(
        programme=programme,
        number=2,
        name="第二阶段",
        kind=PhaseKind.PHASE,
        starts_on=dt.date(2021, 3, 1),
        ends_on=dt.date(2022, 3, 31),
    )
    content_areas_ensure(programme=programme, areas=LESHAN_AREAS)

    leshan = region("四川省", "乐山市")
    lstc = institution_ensure(
        name="乐山师范学院",
        short_name="乐山师院",
        kind=K.NORMAL_COLLEGE,
        region=region("四川省", "乐山市", "市中区"),
    )
    contact_ensure(institution=lstc, name="熊明均", post="继续教育学院")
    institution_ensure(name="乐山市教育局", kind=K.CITY_BUREAU, region=leshan)
    quality_schools = [
        institution_ensure(
            name="乐山市实验中学", short_name="实验中学", kind=K.NINE_YEAR_SCHOOL, region=leshan
        ),
        institution_ensure(
            name="乐山市实验小学", short_name="实验小学", kind=K.PRIMARY_SCHOOL, region=leshan
        ),
        institution_ensure(
            name="乐山师范学校附属小学", short_name="乐师附小", kind=K.PRIMARY_SCHOOL, region=leshan
        ),
    ]
    meigu_bureau = institution_ensure(name="美姑县教育局", kind=K.COUNTY_BUREAU, region=meigu)
    hongxi_middle = institution_ensure(
        name="美姑县洪溪初级中学",
        short_name="洪溪中学",
        kind=K.MIDDLE_SCHOOL,
        region=meigu,
        cluster="洪溪片区",
    )
    yiguojue = institution_ensure(
        name="美姑县依果觉乡小学校",
        short_name="依果觉乡中心校",
        kind=K.PRIMARY_SCHOOL,
        region=meigu,
        cluster="洪溪片区",
    )
    for name in HONGXI_DEMO_SCHOOLS:
        kind = K.TEACHING_POINT if "教学点" in name else K.PRIMARY_SCHOOL
        institution_ensure(name=name, kind=kind, region=meigu, cluster="洪溪片区", is_demo=True)

    ended = PairingStatus.ENDED
    for supported in (meigu_bureau, hongxi_middle, yiguojue):
        pairing_ensure(
            programme=programme,
            kind=PairingKind.ONE_TO_ONE,
            supporter=lstc,
            supported=supported,
            starts_on=programme.starts_on,
            ends_on=programme.ends_on,
            status=ended,
        )
    experimental_middle, experimental_primary, affiliated_primary = quality_schools
    for supporter, supported in (
        (experimental_middle, hongxi_middle),
        (experimental_primary, yiguojue),
        (affiliated_primary, yiguojue),
    ):
        pairing_ensure(
            programme=programme,
            kind=PairingKind.SCHOOL_SCHOOL,
            supporter=supporter,
            supported=supported,
            starts_on=programme.starts_on,
            ends_on=programme.ends_on,
            status=ended,
            note="三所优质学校与两所重点学校的具体对应为示例",
        )
    return programme
