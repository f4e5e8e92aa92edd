# ruff: noqa: E501 — the seed's paragraphs are quoted verbatim, one per line
"""Demo bulletin (run by load_demo after the users; idempotent): Jiangxi's 工作动态 〔2023〕第2期
from seed 002, its items and texts verbatim, built the way the office builds one — the items
of 江西省教育厅 and 江西师范大学 pushed as news and picked into the issue, the others written by
the office — and published; plus two news items of 江西师范大学 not yet used (示例)."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from bulletins import services
from bulletins.models import BulletinIssue, NewsItem, Section
from programmes.models import Programme
from schools.models import Institution

OFFICE = "省协同提质行动工作领导小组办公室"
REPORT_TO = "省协同提质行动领导小组组长、副组长"
SEND_TO = "省协同提质行动领导小组成员单位、联盟高校、各设区市教育局"

# (pushed by, title of the news item, happened on, section, bold lead, body) in print order;
# pushed by None: written by the office.
ITEMS = [
    (
        "江西省教育厅",
        "省教育厅举办全省高校与县域基础教育协同提质行动培训班",
        dt.date(2023, 11, 15),
        Section.PROVINCIAL,
        "",
        "2023年11月15日至16日，省教育厅举办全省高校与县域基础教育协同提质行动培训班。省委教育工委书记、省教育厅厅长吴永明出席开班式并讲话。会议指出，开展高校与基础教育协同提质行动，让高校与县域基础教育结成行动共同体，是推动全省高校师范类专业建设改革发展和提高教师人才培养质量，构建优质均衡基本公共教育服务体系的重要举措。会议要求，各参与单位认真谋划，扎实推进，切实推动高校与县域基础教育协同提质行动起好步、开好局。各相关高校要专题研究，专门部署，做好协同提质工作。各试点地区要积极争取当地党委政府的支持，专题研究协同提质计划，与对接高校形成紧密的协同提质共同体。省委教育工委委员、省教育厅副厅长程裕秋主持开班式。全省12所协同提质行动联盟高校负责同志、各设区市教育局负责同志和相关科室负责同志、各试点县（市、区）教育局负责同志、相关股室负责同志、试点学校负责同志，共190余人参加培训。",
    ),
    (
        "江西省教育厅",
        "召开高校与县域基础教育协同提质行动工作协调会",
        dt.date(2023, 10, 29),
        Section.PROVINCIAL,
        "",
        "2023年10月29日，召开高校与县域基础教育协同提质行动工作协调会。省委教育工委委员、省教育厅副厅长程裕秋、江西师范大学副校长项国雄、省教育厅基教处、高教处、师资处、学位办负责同志，江西师范大学研究生院、教师教育处、研究生招生办负责同志参加会议。会议学习了浙江、重庆、广东等省的“教联体”“教共体”工作经验，研究了全省中小学（幼儿园）教师学历提升计划等工作。",
    ),
    (
        "江西省教育厅",
        "省教育厅遴选全省高校与县域基础教育协同提质试点县（市、区）",
        None,
        Section.PROVINCIAL,
        "",
        "省教育厅遴选全省高校与县域基础教育协同提质试点县（市、区）。省教育厅会同联盟高校对各设区市推荐的试点县（市、区）进行遴选，选定一批基础条件、保障条件较好，参与意愿强烈的县（市、区），开展协同提质工作。",
    ),
    (
        "江西省教育厅",
        "省教育厅建立协同提质行动信息报送工作机制",
        None,
        Section.PROVINCIAL,
        "",
        "省教育厅建立协同提质行动信息报送工作机制。为切实推进全省高校与县域基础教育协同提质行动落实落地，充分展示各地工作动态，交流工作经验，省教育厅部署，加强协同提质信息推送，要求各相关单位明确一名信息员，及时推送本单位协同提质行动信息。",
    ),
    (
        None,
        "",
        None,
        Section.LOCAL,
        "",
        "试点县（市、区）遴选首批协同提质试点学校。11月上旬，根据《江西省教育厅关于印发〈江西省高校与县域基础教育协同提质行动方案〉的通知》（赣教基字〔2023〕39号）要求，各试点县（市、区）对照工作目标，按照试点学校遴选标准，精心组织遴选了一批试点学校（幼儿园）参与全省高校与县域基础教育协同提质行动。",
    ),
    (
        "江西师范大学",
        "联盟牵头高校解读协同提质行动方案行动指南",
        dt.date(2023, 11, 15),
        Section.EXPERTS,
        "联盟牵头高校解读协同提质行动方案行动指南。",
        "在全省高校与县域基础教育协同提质培训班上，江西师范大学副校长项国雄对协同提质行动方案进行解读，明确“五个一批”行动目标，按照“省厅统筹、县（市、区）负总责、学校落实、高校引领、数字赋能”的总体思路，明确城乡一体、融合发展、要素聚合、教研驱动、鼓励创新基本原则，建构联盟协同推进、职前职后贯通、名师组团名校结对、研训一体发力的优质均衡发展模式，建立协议承诺、工作清单、检查、督导、监测和评估考核运行机制，构划“一体六驱动”操作模式，打造“城乡一体、优质均衡”的江西方案、江西样板。",
    ),
    (
        None,
        "",
        None,
        Section.ELSEWHERE,
        "北京市朝阳区教育科学研究院建构高质量教科研体系，探索卓越教师发展支持系统。",
        "构建五大教研系统（教师能力素养提升系统，质量监控评价系统，资源建设支撑系统，课程建设指导系统，成果孵化推广系统），建设高质量教科研体系，助力卓越教师成长支持系统。“十三五”期间，全区共有34所学校获得“北京市教科研先进单位”荣誉称号；2022年，在四年一届的国家级基础教育教学成果奖评选中，获得一等奖2项，二等奖8项。",
    ),
    (
        None,
        "",
        None,
        Section.ELSEWHERE,
        "重庆市荣昌区围绕县域城乡教育一体化进程的瓶颈问题，探索一体化学区制。",
        "重庆市荣昌区制定规划，顶层设计，打造8个学区。构建三级多维联动机制，教师柔性流动机制，优质课程资源共享机制，特色学校示范辐射机制，发展性督导评估机制，实现教学管理互通、教学教研互动、资源交流共享、评价考核同步，推动全区城乡教育一体化。",
    ),
    (
        None,
        "",
        None,
        Section.ELSEWHERE,
        "湖北省黄冈市黄梅县发展城乡教育联合体，推进城乡教育一体化建设。",
        "打破校际壁垒，将 138 所城乡学校变身成 24 个教联体，发挥 24 所核心校龙头作用，补齐 68 所农村学校项目短板。打破教师岗位、财务等管理制度，重塑县域教育格局，实施共建共评，建立 32 项管理制度，重建教育治理生态；采用扁平化管理，评价实行捆绑式考核方式，并将考核结果运用到学校评优、评先、教师绩效等方面。设立教联体教师交流轮岗专项津补贴，健全完善激励机制。通过数字赋能、资源下沉、教学共享、教研协同、评价一体，让城乡师生同上一堂课。",
    ),
    (
        None,
        "",
        None,
        Section.ELSEWHERE,
        "浙江省宁波市鄞州区探索建立覆盖全省中小学的新时代城乡教育共同体。",
        "通过“优质校+薄弱校”“城区校+乡村校”“中心校+点校”等形式，构建 47 对城乡教育共同体；组建“单法人”教育集团、“多法人”联盟式教育集团捆绑发展，深化合作交流，将内容从课堂延伸至课外；充分应用互联网+技术设备环境，开展“输入+输出”双向教学，搭建区域统一管理平台，开展视频展示课、典型案例评比活动。",
    ),
]

# News pushed since the issue, waiting for the next one (invented: 示例).
PENDING = [
    (
        "江西师范大学组织名师团队赴试点县开展送教送研活动（示例）",
        Section.EXPERTS,
        "江西师范大学组织学科教学名师团队赴对接试点县，围绕新课标课堂教学开展示范课、同课异构和专题讲座，与试点学校教师共同研讨教学改进方案（示例）。",
    ),
    (
        "江西师范大学与试点县共建教师发展研训基地（示例）",
        Section.LOCAL,
        "江西师范大学与对接试点县教育局签订共建协议，依托县教师发展中心共建研训一体基地，组织师范生赴试点学校开展教育实习和支教服务（示例）。",
    ),
]


def _push(user: User, programme: Programme, institution: Institution, **fields: Any) -> NewsItem:
    existing = NewsItem.objects.filter(
        programme=programme, institution=institution, title=fields["title"]
    ).first()
    return existing or services.news_push(
        user=user, programme=programme, institution=institution, **fields
    )


def build_bulletins() -> None:
    programme = Programme.objects.filter(slug="jiangxi").first()
    office = User.objects.filter(username="jiangxi_edu").first()
    officer = User.objects.filter(username="jxnu_info").first()
    if programme is None or office is None or officer is None:
        return
    units = {
        i.name: i for i in Institution.objects.filter(name__in=["江西省教育厅", "江西师范大学"])
    }
    pushed_by = {"江西省教育厅": office, "江西师范大学": officer}
    if not BulletinIssue.objects.filter(programme=programme, year=2023, number=2).exists():
        _build_issue(programme, office, units, pushed_by)
    for title, section, body in PENDING:
        _push(officer, programme, units["江西师范大学"], title=title, section=section, body=body)


def _build_issue(
    programme: Programme,
    office: User,
    units: dict[str, Institution],
    pushed_by: dict[str, User],
) -> None:
    # 第1期 is not in the seed: this issue keeps its real number.
    issue = BulletinIssue(
        programme=programme,
        year=2023,
        number=2,
        title=f"{programme.name} 工作动态",
        issuing_office=OFFICE,
        issued_on=dt.date(2023, 11, 25),
        printed_on=dt.date(2023, 11, 27),
        report_to=REPORT_TO,
        send_to=SEND_TO,
        created_by=office,
    )
    issue.full_clean()
    issue.save()
    for unit, title, happened_on, section, lead, body in ITEMS:
        if unit is None:
            services.entry_create(user=office, issue=issue, section=section, lead=lead, body=body)
            continue
        item = _push(
            pushed_by[unit],
            programme,
            units[unit],
            title=title,
            section=section,
            happened_on=happened_on,
            body=body,
        )
        entry = services.entry_add_from_news(user=office, issue=issue, item=item)
        # The office's edit: the seed prints most items without a bold lead.
        services.entry_update(user=office, entry=entry, section=section, lead=lead, body=body)
        pushed = timezone.make_aware(
            dt.datetime.combine(happened_on or dt.date(2023, 11, 20), dt.time(17))
        )
        NewsItem.objects.filter(pk=item.pk).update(created_at=pushed)
    published_at = timezone.make_aware(dt.datetime(2023, 11, 27, 10))
    services.issue_publish(user=office, issue=issue, now=published_at)
