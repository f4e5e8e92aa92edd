"""Demo work for the seed programmes: indicator templates, projects, activities, 一校一策 plans,
field visits and meetings (run by load_demo after the programmes and users exist; idempotent).

Titles, units, steps, targets and checklists come from the seeds: the BNU consortium's 4+X
(seed 000), the national programme's content (seed 001), Leshan's projects and 五个一 (seed
003) and Guangdong's annex 2-1 (seed 004). Dates, budgets, people and counts the seeds do not
give are invented and those rows are marked is_demo (shown as 示例).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from config.services import get_or_create_validated
from pairings.choices import PairingKind
from pairings.models import Consortium, Pairing
from programmes.models import ContentArea, Programme
from projects.choices import (
    ActivityKind,
    ActualSource,
    Aggregation,
    IndicatorKind,
    MeetingKind,
    MemberPosition,
    ParticipantKind,
    ProjectStatus,
    TargetBasis,
    TemplateScope,
    Verdict,
)
from projects.models import (
    Activity,
    IndicatorTemplate,
    Meeting,
    Milestone,
    Project,
    ProjectMember,
    ResponsibleUnit,
    SchoolPlan,
    Visit,
)
from projects.services import plans as plan_services
from projects.services.activities import activity_save, meeting_save, visit_save
from projects.services.indicators import indicator_adopt
from projects.services.projects import project_save, project_transition
from schools.models import Institution

S, L = Aggregation.SUM, Aggregation.LATEST
YEAR, ROUND = TargetBasis.PER_YEAR, TargetBasis.PER_ROUND
MANUAL = ActualSource.MANUAL

# code, name, unit, target, basis, aggregation, source, activity kind, participants, applies,
# basis in the seed
TemplateRow = tuple[str, str, str, Decimal | None, str, str, str, str, str, str, str]

NATIONAL_TEMPLATES: list[TemplateRow] = [
    (
        "N1",
        "青年教师到高水平师范院校攻读博士学位人数",
        "人",
        None,
        YEAR,
        S,
        MANUAL,
        "",
        ParticipantKind.ALL,
        TemplateScope.BOTH,
        "种子 001 附件 1 二（一）1：青年骨干教师培育。目标人数在提质计划中商定。",
    ),
    (
        "N2",
        "干部教师双向交流（挂职、跟岗）人次",
        "人次",
        None,
        YEAR,
        S,
        ActualSource.ACTIVITY_PARTICIPANTS,
        ActivityKind.PLACEMENT,
        ParticipantKind.ALL,
        TemplateScope.BOTH,
        "种子 001 附件 1 二（一）3：干部教师双向交流。",
    ),
    (
        "N3",
        "互派师范生交流访学、实习实践人次",
        "人次",
        None,
        YEAR,
        S,
        ActualSource.ACTIVITY_PARTICIPANTS,
        ActivityKind.EXCHANGE,
        ParticipantKind.STUDENTS,
        TemplateScope.BOTH,
        "种子 001 附件 1 二（二）2：学生协同培养。",
    ),
    (
        "N4",
        "教师协同教研活动次数",
        "次",
        None,
        YEAR,
        S,
        ActualSource.ACTIVITY_COUNT,
        ActivityKind.TEACHING_RESEARCH,
        ParticipantKind.ALL,
        TemplateScope.BOTH,
        "种子 001 附件 1 二（二）3：教师协同教研。",
    ),
    (
        "N5",
        "协同开展基础教育教师培训学时",
        "学时",
        None,
        YEAR,
        S,
        ActualSource.ACTIVITY_HOURS,
        ActivityKind.TRAINING,
        ParticipantKind.ALL,
        TemplateScope.BOTH,
        "种子 001 附件 1 二（三）1；种子 000 三（三）。",
    ),
]

GUANGDONG_TEMPLATES: list[TemplateRow] = [
    (
        "G15a",
        "受援地区教师人均面授培训学时（每轮）",
        "学时/人",
        Decimal(72),
        ROUND,
        L,
        MANUAL,
        "",
        ParticipantKind.TEACHERS,
        TemplateScope.BOTH,
        "附件 2-1 第 15 条：每位教师累计参加不少于 12 天（72 学时）的面授培训。",
    ),
    (
        "G15b",
        "受援地区教师人均网络研修学时（每轮）",
        "学时/人",
        Decimal(60),
        ROUND,
        L,
        MANUAL,
        "",
        ParticipantKind.TEACHERS,
        TemplateScope.BOTH,
        "附件 2-1 第 15 条：不少于 60 学时的网络研修。",
    ),
    (
        "G4",
        "受援地区校长人均面授培训学时（每轮）",
        "学时/人",
        Decimal(72),
        ROUND,
        L,
        MANUAL,
        "",
        ParticipantKind.PRINCIPALS,
        TemplateScope.BOTH,
        "附件 2-1 第 4 条：3 年内校长参加不少于 12 天（72 学时）面授培训和 60 学时网络研修。",
    ),
    (
        "G12",
        "骨干教师占受援地区教师总数的比例",
        "%",
        Decimal(10),
        ROUND,
        L,
        MANUAL,
        "",
        ParticipantKind.TEACHERS,
        TemplateScope.BOTH,
        "附件 2-1 第 12 条：按照受援地区教师总数 10% 的比例遴选骨干教师开展一年在职培养。",
    ),
    (
        "G23",
        "当年接受 30 学时信息技术专门培训的教师比例",
        "%",
        Decimal(5),
        YEAR,
        L,
        MANUAL,
        "",
        ParticipantKind.TEACHERS,
        TemplateScope.BOTH,
        "附件 2-1 第 23 条：每年组织受援地区 5% 教师进行 5 天（30 学时）专门培训。",
    ),
    (
        "G29",
        "到受援地区开展志愿服务的学生人数",
        "人",
        Decimal(50),
        YEAR,
        S,
        ActualSource.ACTIVITY_PARTICIPANTS,
        ActivityKind.VOLUNTEER,
        ParticipantKind.VOLUNTEERS,
        TemplateScope.BOTH,
        "附件 2-1 第 29 条：每年组织不少于 50 名学生到受援地区开展志愿服务。",
    ),
    (
        "G30",
        "每校每年接收受援地区受训教师人数",
        "人",
        Decimal(100),
        YEAR,
        S,
        ActualSource.ACTIVITY_PARTICIPANTS,
        ActivityKind.TRAINING,
        ParticipantKind.TEACHERS,
        TemplateScope.BOTH,
        "附件 2-1 第 30 条：每校每年接收受训教师不少于 100 人。",
    ),
    (
        "G32",
        "在受援地区开展的交流活动次数",
        "次",
        Decimal(2),
        YEAR,
        S,
        ActualSource.ACTIVITY_COUNT,
        ActivityKind.EXCHANGE,
        ParticipantKind.ALL,
        TemplateScope.BOTH,
        "附件 2-1 第 32 条：每年至少在受援地区开展 2 次交流活动。",
    ),
    (
        "G20",
        "到受援地区指导讲学、专题培训等教研活动次数",
        "次",
        Decimal(5),
        YEAR,
        S,
        ActualSource.ACTIVITY_COUNT,
        ActivityKind.TEACHING_RESEARCH,
        ParticipantKind.ALL,
        TemplateScope.BOTH,
        "附件 2-1 第 20 条：支援地区教研机构到受援地区指导，每年不少于 5 次。",
    ),
    (
        "G17",
        "到受援地学校实习一学期的师范生比例",
        "%",
        Decimal(10),
        YEAR,
        L,
        MANUAL,
        "",
        ParticipantKind.STUDENTS,
        TemplateScope.BOTH,
        "附件 2-1 第 17 条：支援师范类院校每年组织 10% 左右的师范生到受援地学校实习。",
    ),
    (
        "G25",
        "对口帮扶县区之间组建的跨区域教育集团数",
        "个",
        Decimal(1),
        ROUND,
        S,
        MANUAL,
        "",
        ParticipantKind.ALL,
        TemplateScope.PAIRING,
        "附件 2-1 第 25 条：每个帮扶周期内，对口帮扶县区之间至少组建 1 个教育集团。",
    ),
]

LESHAN_CHECKLISTS = [
    (
        "L1",
        "美姑县县域层面“五个一”",
        "研制一份县级教师发展“十四五”规划\n"
        "搭建一个具有丰富民族课堂教学资源的共享平台\n"
        "建设一个研训一体的县级教师发展机构\n"
        "培育一支带不走的校长教师培训团队\n"
        "造就一批“五洗五会”好习惯的学生",
    ),
    (
        "L2",
        "洪溪片区学校“五个一”",
        "编制一个“一校一策”的学校发展规划\n"
        "打造一个具有民族地域特色的校园文化\n"
        "编制一套学校管理制度\n"
        "建立一套同步主题研训的校本研修制度\n"
        "凝练一份同课异构的课堂教学案例成果",
    ),
]


def _templates(programme: Programme, rows: list[TemplateRow]) -> None:
    for order, row in enumerate(rows, start=1):
        code, name, unit, target, basis, agg, source, activity_kind, who, applies, basis_text = row
        get_or_create_validated(
            IndicatorTemplate,
            {"programme": programme, "code": code},
            name=name,
            kind=IndicatorKind.QUANTITATIVE,
            unit=unit,
            target_value=target,
            target_basis=basis,
            aggregation=agg,
            source=source,
            activity_kind=activity_kind,
            participant_kind=who,
            applies_to=applies,
            description=basis_text,
            order=order,
        )


def build_templates() -> None:
    _templates(Programme.objects.get(slug="national"), NATIONAL_TEMPLATES)
    guangdong = Programme.objects.get(slug="guangdong")
    if guangdong.exchange_funding_per_person_year is None:
        guangdong.exchange_funding_per_person_year = Decimal(40000)
        guangdong.save(update_fields=["exchange_funding_per_person_year"])
    _templates(guangdong, GUANGDONG_TEMPLATES)
    leshan = Programme.objects.get(slug="leshan-meigu")
    for order, (code, name, checklist) in enumerate(LESHAN_CHECKLISTS, start=1):
        get_or_create_validated(
            IndicatorTemplate,
            {"programme": leshan, "code": code},
            name=name,
            kind=IndicatorKind.DELIVERABLE,
            target_basis=ROUND,
            applies_to=TemplateScope.PAIRING,
            checklist=checklist,
            description="种子 003 一（二）2：帮扶重点任务。",
            order=order,
        )


def _inst(name: str) -> Institution:
    return Institution.objects.get(name=name)


def _project(
    admin: Any,
    *,
    programme: Programme,
    area_code: str,
    title: str,
    units: list[tuple[str, str]],
    starts_on: dt.date,
    ends_on: dt.date,
    consortium: Consortium | None = None,
    pairing: Pairing | None = None,
    beneficiaries: list[str] = (),  # type: ignore[assignment]
    milestones: list[tuple[str, dt.date, dt.date | None]] = (),  # type: ignore[assignment]
    members: list[tuple[str, str, str, str]] = (),  # type: ignore[assignment]
    description: str = "",
    outcomes: str = "",
    budget: tuple[int, int] = (0, 0),
    exchange: tuple[str, int] = ("0", 0),
    status: str = ProjectStatus.ACTIVE,
) -> Project:
    existing = Project.objects.filter(programme=programme, title=title).first()
    if existing is not None:
        return existing
    project = Project(
        programme=programme,
        area=ContentArea.objects.get(programme=programme, code=area_code),
        consortium=consortium,
        pairing=pairing,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        description=description,
        expected_outcomes=outcomes,
        budget_planned=Decimal(budget[0]),
        budget_spent=Decimal(budget[1]),
        exchange_person_years=Decimal(exchange[0]),
        exchange_funding=Decimal(exchange[1]),
        is_demo=True,
    )
    project_save(
        user=admin,
        project=project,
        units=[ResponsibleUnit(institution=_inst(i), department=d) for i, d in units],
        members=[
            ProjectMember(name=n, institution=_inst(i), title=t, position=p)
            for n, i, t, p in members
        ],
        milestones=[Milestone(title=t, due_on=due, done_on=done) for t, due, done in milestones],
        beneficiaries=[_inst(b) for b in beneficiaries],
    )
    path: list[str] = []
    if status in {ProjectStatus.ACTIVE, ProjectStatus.COMPLETED}:
        path.append(ProjectStatus.ACTIVE)
    if status == ProjectStatus.COMPLETED:
        path.append(ProjectStatus.COMPLETED)
    for step in path:
        project_transition(user=admin, project=project, to_status=step)
    return project


def _activity(admin: Any, **fields: Any) -> Activity:
    indicators = fields.pop("indicators", [])
    existing = Activity.objects.filter(title=fields["title"], starts_on=fields["starts_on"]).first()
    if existing is not None:
        return existing
    return activity_save(
        user=admin, activity=Activity(is_demo=True, **fields), indicators=indicators
    )


def _adopt(admin: Any, code: str, **owner: Any) -> Any:
    owner_obj = next(iter(owner.values()))
    template = IndicatorTemplate.objects.get(programme=owner_obj.programme, code=code)
    found = owner_obj.indicators.filter(template=template).first()
    return found or indicator_adopt(user=admin, template=template, **owner)


def build_national(admin: Any) -> None:
    programme = Programme.objects.get(slug="national")
    consortium = Consortium.objects.get(programme=programme, name="北京师范大学组团")
    weak = ["青海师范大学", "阜阳师范大学", "阿坝师范学院", "西昌民族幼儿师范高等专科学校"]
    start, end = dt.date(2022, 4, 1), dt.date(2025, 12, 31)
    research = [
        (
            "第一轮调研：帮扶高校走访薄弱院校，形成提质计划初稿",
            dt.date(2022, 6, 30),
            dt.date(2022, 6, 28),
        ),
        (
            "第二轮调研：牵头高校和帮扶高校专家团队实地诊断",
            dt.date(2022, 10, 31),
            dt.date(2022, 11, 4),
        ),
    ]
    training = _project(
        admin,
        programme=programme,
        consortium=consortium,
        area_code="1",
        title="教师能力提升计划（开放“强师在线”APP 等公益平台）",
        units=[("北京师范大学", "继续教育与教师培训学院"), ("北京师范大学", "“强师工程”办公室")],
        beneficiaries=weak,
        starts_on=start,
        ends_on=end,
        description="面向组团内所有院校实施“教师能力提升计划”，开放“强师在线”APP 等公益平台，为组团内院校教师赋能。",
        outcomes="组团内院校教师全员在线研修；每年开展协同教研与线下培训。",
        milestones=[
            *research,
            ("开放“强师在线”平台账号", dt.date(2022, 9, 30), dt.date(2022, 9, 15)),
            ("年度线下集中培训", dt.date(2025, 12, 10), None),
        ],
        members=[("王示例", "北京师范大学", "副院长", MemberPosition.LEADER)],
        budget=(1_200_000, 830_000),
    )
    _project(
        admin,
        programme=programme,
        consortium=consortium,
        area_code="1",
        title="青年骨干教师培育与高水平教师柔性引进",
        units=[("北京师范大学", "人事部"), ("安徽师范大学", "人事处")],
        beneficiaries=weak,
        starts_on=start,
        ends_on=end,
        description="支持薄弱师范院校青年教师到高水平师范院校攻读博士学位；高水平师范院校教师到薄弱院校组建工作室、传帮带。",
        milestones=[("遴选首批攻读博士学位青年教师", dt.date(2022, 12, 31), dt.date(2022, 12, 20))],
        budget=(600_000, 410_000),
    )
    _project(
        admin,
        programme=programme,
        consortium=consortium,
        area_code="2",
        title="“优师计划”与公费师范生协同培养",
        units=[("北京师范大学", "教务部"), ("西北师范大学", "教务处")],
        beneficiaries=weak,
        starts_on=start,
        ends_on=end,
        description="协助组团内院校围绕“优师计划”、公费师范生培养做好学科专业规划建设，实现部分课程跨校选修、互派师范生交流访学。",
        milestones=[("跨校选修课程上线", dt.date(2023, 3, 1), dt.date(2023, 3, 1))],
    )
    monitoring = _project(
        admin,
        programme=programme,
        consortium=consortium,
        area_code="3",
        title="基础教育质量监测和诊断计划",
        units=[
            ("北京师范大学", "中国基础教育质量监测协同创新中心"),
            ("北京师范大学", "基础教育发展管理部"),
        ],
        beneficiaries=weak,
        starts_on=start,
        ends_on=end,
        description="依托中国基础教育质量监测协同创新中心，对组团内院校所在地区的基础教育进行精准把脉和支持，协同开展基础教育教师培训、建设地方教师发展机构。",
        milestones=[
            ("完成四地基础教育质量监测报告", dt.date(2025, 12, 15), None),
            ("地方教师发展机构建设方案", dt.date(2025, 6, 30), None),
        ],
        budget=(900_000, 300_000),
    )
    fynu_pair = Pairing.objects.get(consortium=consortium, supported__name="阜阳师范大学")
    planning = _project(
        admin,
        programme=programme,
        pairing=fynu_pair,
        consortium=consortium,
        area_code="4",
        title="阜阳师范大学发展规划与管理能力提升",
        units=[("安徽师范大学", "发展规划处"), ("阜阳师范大学", "发展规划处")],
        beneficiaries=["阜阳师范大学"],
        starts_on=start,
        ends_on=end,
        description="协助阜阳师范大学结合实际制定发展规划，开展管理、服务人员培训，建设智慧教室。",
        milestones=[
            ("“十四五”发展规划中期评估", dt.date(2024, 6, 30), dt.date(2024, 7, 10)),
            ("智慧教室建设验收", dt.date(2025, 10, 31), None),
        ],
        budget=(500_000, 180_000),
    )
    _project(
        admin,
        programme=programme,
        consortium=consortium,
        area_code="X",
        title="民族地区幼儿教师培养特色项目（西昌民族幼专）",
        pairing=Pairing.objects.get(
            consortium=consortium, supported__name="西昌民族幼儿师范高等专科学校"
        ),
        units=[("四川师范大学", "教师教育学院"), ("西昌民族幼儿师范高等专科学校", "学前教育系")],
        beneficiaries=["西昌民族幼儿师范高等专科学校"],
        starts_on=dt.date(2023, 1, 1),
        ends_on=end,
        description="结合凉山州学前教育需求设计的组团特色项目（“4+X”中的 X）。",
        status=ProjectStatus.PLANNED,
    )
    # Indicators: templates taken on, actuals derived from activities.
    hours = _adopt(admin, "N5", project=training)
    research_count = _adopt(admin, "N4", project=monitoring)
    exchange = _adopt(admin, "N2", project=planning)
    for year in (2024, 2025):
        for indicator, value in ((hours, 300), (research_count, 6), (exchange, 20)):
            if not indicator.targets.filter(year=year).exists():
                indicator.targets.create(year=year, value=Decimal(value))
    bnu, ahnu = _inst("北京师范大学"), _inst("安徽师范大学")
    for title, day, kind, place, counts, hrs, project, indicators in [
        (
            "组团院校教师暑期研修班",
            dt.date(2025, 7, 14),
            ActivityKind.TRAINING,
            "北京师范大学",
            {"teachers": 120},
            "40",
            training,
            [hours],
        ),
        (
            "“强师在线”专题直播培训",
            dt.date(2025, 3, 20),
            ActivityKind.TRAINING,
            "线上",
            {"teachers": 260},
            "12",
            training,
            [hours],
        ),
        (
            "教育质量监测结果解读与教研",
            dt.date(2025, 4, 22),
            ActivityKind.TEACHING_RESEARCH,
            "阿坝师范学院",
            {"teachers": 45},
            "6",
            monitoring,
            [research_count],
        ),
        (
            "阜阳师大中层干部到安徽师大跟岗",
            dt.date(2025, 5, 6),
            ActivityKind.PLACEMENT,
            "安徽师范大学",
            {"principals": 6},
            "0",
            planning,
            [exchange],
        ),
    ]:
        _activity(
            admin,
            project=project,
            kind=kind,
            title=title,
            starts_on=day,
            ends_on=day,
            place=place,
            organiser=ahnu if project is planning else bnu,
            hours=Decimal(hrs),
            indicators=indicators,
            **counts,
        )
    _plans(programme, consortium)
    _visits_and_meetings(admin, consortium)


def _plans(programme: Programme, consortium: Consortium) -> None:
    users = get_user_model().objects
    coordinator = users.filter(username="bnu_coordinator").first()
    expert = users.filter(username="bnu_expert").first()
    ahnu_contact = users.filter(username="ahnu_contact").first()
    if not (coordinator and expert and ahnu_contact):
        return
    phase = programme.phases.get(number=1)
    content = {
        "goals": "聚焦师范主业，建设服务皖北基础教育的高水平师范大学。",
        "needs": "教师教育学科高层次人才不足；教育硕士授权点建设；附属学校示范性不强。",
        "measures": "博士学位攻读支持、学科带头人柔性引进、教育硕士授权点联合申报、附属学校对口帮扶。",
        "research": "2022 年 6 月第一轮调研（帮扶高校走访）；2022 年 11 月第二轮调研（专家团队实地诊断）。",
    }
    plans = [
        ("阜阳师范大学", "安徽师范大学", ahnu_contact, "submitted"),
        ("青海师范大学", "北京师范大学", coordinator, "approved"),
        ("阿坝师范学院", "西北师范大学", coordinator, "returned"),
        ("西昌民族幼儿师范高等专科学校", "四川师范大学", coordinator, "draft"),
    ]
    for college, supporter, author, target in plans:
        if SchoolPlan.objects.filter(phase=phase, college__name=college).exists():
            continue
        plan = plan_services.plan_create(
            user=author,
            consortium=consortium,
            phase=phase,
            college=_inst(college),
            supporter=_inst(supporter),
        )
        linked = Project.objects.filter(
            Q(consortium=consortium) | Q(pairing__consortium=consortium),
            beneficiaries__name=college,
        )
        plan_services.plan_link_projects(user=author, plan=plan, projects=list(linked))
        if target == "draft":
            continue
        plan_services.plan_version_update(user=author, plan=plan, **content)
        plan_services.plan_assign_experts(user=coordinator, plan=plan, experts=[expert])
        plan_services.plan_submit(user=author, plan=plan)
        if target == "approved":
            plan_services.plan_review(
                user=expert,
                plan=plan,
                verdict=Verdict.APPROVE,
                comments="目标定位清晰，举措可行，同意通过。",
            )
        elif target == "returned":
            plan_services.plan_review(
                user=expert,
                plan=plan,
                verdict=Verdict.REVISE,
                comments="请细化学前教育专业建设的年度目标，补充经费来源。",
            )


def _visits_and_meetings(admin: Any, consortium: Consortium) -> None:
    if Visit.objects.filter(consortium=consortium).exists():
        return
    visits = [
        ("北京师范大学", "青海师范大学", dt.date(2024, 5, 20)),
        ("安徽师范大学", "阜阳师范大学", dt.date(2024, 3, 26)),
        ("四川师范大学", "西昌民族幼儿师范高等专科学校", dt.date(2024, 10, 12)),
        ("北京师范大学", "青海师范大学", dt.date(2025, 5, 12)),
        ("安徽师范大学", "阜阳师范大学", dt.date(2025, 4, 8)),
        ("西北师范大学", "阿坝师范学院", dt.date(2024, 6, 3)),  # 示例: missing in 2025
        ("四川师范大学", "西昌民族幼儿师范高等专科学校", dt.date(2025, 9, 16)),
    ]
    for visiting, visited, day in visits:
        visit_save(
            user=admin,
            visit=Visit(
                consortium=consortium,
                visiting=_inst(visiting),
                visited=_inst(visited),
                leader_name="示例校领导",
                leader_post="副校长（分管）",
                starts_on=day,
                ends_on=day + dt.timedelta(days=1),
                purpose="实地调研提质计划推进情况。",
                findings="项目按计划推进；学科带头人引进仍有困难。",
                follow_up="下季度召开小组团办公室专题会。",
                is_demo=True,
            ),
        )
    members = [
        "北京师范大学",
        "安徽师范大学",
        "西北师范大学",
        "四川师范大学",
        "青海师范大学",
        "阜阳师范大学",
        "阿坝师范学院",
        "西昌民族幼儿师范高等专科学校",
    ]
    departments = Institution.objects.filter(
        Q(memberships__consortium=consortium), kind="provincial_department"
    )
    meeting_save(
        user=admin,
        meeting=Meeting(
            consortium=consortium,
            kind=MeetingKind.JOINT,
            title="北京师范大学组团第一次联席会议",
            held_on=dt.date(2022, 4, 28),
            place="北京师范大学",
            minutes="审议《北京师范大学组团工作方案》，确定重点联系院校结对帮扶名单和“4+X”重点内容。",
            decisions="通过工作方案；各小组团办公室 6 月底前完成第一轮调研。",
        ),
        attendees=[*(_inst(n) for n in members), *departments],
    )


def build_leshan(admin: Any) -> None:
    programme = Programme.objects.get(slug="leshan-meigu")
    lstc = _inst("乐山师范学院")
    county = Pairing.objects.get(
        programme=programme, supporter=lstc, supported__name="美姑县教育局"
    )
    school = Pairing.objects.get(
        programme=programme, supporter=lstc, supported__name="美姑县洪溪初级中学"
    )
    schools = ["美姑县洪溪初级中学", "美姑县依果觉乡小学校"]
    steps: list[tuple[str, dt.date, dt.date | None]] = [
        ("制订本单位和本项目组的具体实施方案", dt.date(2020, 8, 10), dt.date(2020, 8, 10)),
        ("完成项目管理与执行团队培训", dt.date(2020, 9, 30), dt.date(2020, 9, 30)),
        ("第一轮送培到校，启动教师在线课程学习", dt.date(2020, 9, 30), dt.date(2020, 9, 28)),
        ("校长、管理干部到乐山基地学校跟岗研修", dt.date(2020, 10, 31), dt.date(2020, 10, 30)),
        ("第二轮送培到校培训", dt.date(2020, 11, 30), dt.date(2020, 11, 27)),
        ("第一阶段总结评估，制定第二阶段行动方案", dt.date(2021, 2, 28), dt.date(2021, 2, 26)),
    ]
    rows = [
        (
            "2",
            "指导研制发展规划",
            county,
            ["发展规划处", "继续教育学院"],
            ["美姑县教育局", *schools],
        ),
        ("3", "强化校园文化建设", school, ["设计学院", "音乐学院", "体育学院"], schools),
        ("4", "优化学校内部管理", school, ["发展规划处", "继续教育学院"], schools),
        ("5", "培养学生良好习惯（“五洗”“五会”）", school, ["教师教育学院"], schools),
        (
            "6",
            "引领校长、教师专业发展",
            county,
            ["教师教育学院", "继续教育学院"],
            ["美姑县教育局", *schools],
        ),
        ("7", "推进学校教育教学改革", school, ["教师教育学院"], schools),
        (
            "8",
            "提升教育信息化水平",
            county,
            ["信息与实验保障处", "教师教育学院"],
            ["美姑县教育局", *schools],
        ),
    ]
    for code, title, pairing, units, beneficiaries in rows:
        _project(
            admin,
            programme=programme,
            pairing=pairing,
            area_code=code,
            title=title,
            units=[("乐山师范学院", department) for department in units],
            beneficiaries=beneficiaries,
            starts_on=programme.starts_on,
            ends_on=programme.ends_on,
            milestones=steps if code in {"2", "6"} else [],
            status=ProjectStatus.COMPLETED,
        )
    for code, pairing in (("L1", county), ("L2", school)):
        indicator = _adopt(admin, code, pairing=pairing)
        done = 5 if code == "L1" else 4  # 示例: one school-level deliverable still open
        for item in indicator.items.all()[:done]:
            if item.done_on is None:
                item.done_on = dt.date(2022, 3, 15)
                item.save(update_fields=["done_on"])


def build_guangdong(admin: Any) -> None:
    programme = Programme.objects.get(slug="guangdong")
    pairing = (
        Pairing.objects.filter(
            programme=programme, kind=PairingKind.NORMAL_COLLEGE_CITY, phase__number=2
        )
        .select_related("supporter", "supported")
        .order_by("pk")
        .first()
    )
    if pairing is None:
        return
    project = _project(
        admin,
        programme=programme,
        pairing=pairing,
        area_code="8",
        title=f"{pairing.supporter.name}师范生实习支教置换教师培训",
        units=[(pairing.supporter.name, "教师教育学院"), (pairing.supported.name, "")],
        beneficiaries=[pairing.supported.name],
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2030, 12, 31),
        description="支援师范类院校每年组织师范生到受援地学校实习一学期，按 2:1 置换教师参加脱产培训；选派学生志愿服务。",
        budget=(2_000_000, 350_000),
        exchange=("5", 200_000),
    )
    volunteers = _adopt(admin, "G29", project=project)
    trainees = _adopt(admin, "G30", project=project)
    exchanges = _adopt(admin, "G32", pairing=pairing)
    _adopt(admin, "G15a", pairing=pairing)
    for title, day, kind, counts, hrs, indicators in [
        (
            "寒假师范生志愿服务队",
            dt.date(2026, 1, 20),
            ActivityKind.VOLUNTEER,
            {"volunteers": 32},
            "0",
            [volunteers],
        ),
        (
            "受援地区教师跟岗培训（第一期）",
            dt.date(2026, 4, 13),
            ActivityKind.TRAINING,
            {"teachers": 40},
            "72",
            [trainees],
        ),
        (
            "校际教学交流周",
            dt.date(2026, 5, 18),
            ActivityKind.EXCHANGE,
            {"teachers": 25, "principals": 4},
            "0",
            [exchanges],
        ),
    ]:
        _activity(
            admin,
            project=project,
            kind=kind,
            title=title,
            starts_on=day,
            ends_on=day,
            place=pairing.supported.name,
            organiser=pairing.supporter,
            hours=Decimal(hrs),
            indicators=indicators,
            **counts,
        )


def build_work() -> None:
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        return
    build_templates()
    build_national(admin)
    build_leshan(admin)
    build_guangdong(admin)
