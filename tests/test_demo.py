"""load_demo builds all four seed programmes with the seeds' names and counts, idempotently."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from accounts.models import Affiliation
from assessments.models import AssessmentRun, AssessmentWeight
from bulletins.models import BulletinIssue, NewsItem, NewsStatus, Section
from pairings.choices import MemberRole, PairingKind
from pairings.models import Consortium, Pairing
from programmes.demo.guangdong_data import SUPPORTED_CITIES
from programmes.models import Programme
from projects.models import Activity, PlanReview
from schools.models import Institution, Region


def snapshot() -> dict[str, tuple[int, int | None]]:
    """Row count and highest id of every table of ours: equal snapshots mean nothing changed."""
    result = {}
    labels = (
        "accounts",
        "schools",
        "programmes",
        "pairings",
        "projects",
        "reports",
        "bulletins",
        "assessments",
    )
    for label in labels:
        for model in apps.get_app_config(label).get_models():
            ids = model._default_manager.values_list("pk", flat=True).order_by("-pk")
            result[model._meta.label] = (ids.count(), ids.first())
    return result


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load once for the module (it takes seconds); the test DB is flushed afterwards."""
    with django_db_blocker.unblock():
        out = StringIO()
        call_command("load_demo", stdout=out)
        first = snapshot()
        call_command("load_demo", stdout=StringIO())
        second = snapshot()
        yield {"out": out.getvalue(), "first": first, "second": second}
        Activity.objects.all().delete()  # protects projects, deleted next
        PlanReview.objects.all().delete()  # protects the experts
        for label in (
            "assessments",
            "bulletins",
            "reports",
            "projects",
            "accounts",
            "pairings",
            "programmes",
            "schools",
        ):
            for model in reversed(list(apps.get_app_config(label).get_models())):
                if model is Region:
                    for level in ("county", "prefecture", "province"):  # children first
                        Region.objects.filter(level=level).delete()
                else:
                    model._default_manager.all().delete()
        apps.get_model("auth", "User").objects.all().delete()


pytestmark = pytest.mark.django_db


def test_running_twice_changes_nothing(demo) -> None:
    assert demo["first"] == demo["second"]
    assert "示例数据已就绪" in demo["out"]


def test_four_programmes(demo) -> None:
    assert set(Programme.objects.values_list("slug", flat=True)) == {
        "national",
        "jiangxi",
        "leshan-meigu",
        "guangdong",
    }
    national = Programme.objects.get(slug="national")
    assert national.document_number == "教师厅函〔2022〕2号"
    assert national.min_supporting_members == 3
    assert [a.name for a in national.content_areas.all()] == [
        "人才队伍建设",
        "学科专业建设",
        "基础教育服务能力建设",
        "学校管理与发展建设",
        "组团特色项目",
    ]
    assert Programme.objects.get(slug="jiangxi").document_number == "赣教基字〔2023〕39号"
    assert Programme.objects.get(slug="leshan-meigu").document_number == "乐师院继教〔2020〕13号"
    assert Programme.objects.get(slug="guangdong").document_number == "粤府〔2021〕55号"


def test_bnu_consortium_as_in_seed_000(demo) -> None:
    consortium = Consortium.objects.get(name="北京师范大学组团")
    assert consortium.formula() == "1+4+4"
    assert consortium.structure_errors() == []
    pairs = set(consortium.pairings.values_list("supporter__name", "supported__name"))
    assert pairs == {
        ("北京师范大学", "青海师范大学"),
        ("安徽师范大学", "阜阳师范大学"),
        ("西北师范大学", "阿坝师范学院"),
        ("四川师范大学", "西昌民族幼儿师范高等专科学校"),
    }
    departments = consortium.memberships.filter(role=MemberRole.PROVINCIAL_DEPARTMENT)
    assert {m.institution.name for m in departments} == {
        "青海省教育厅",
        "安徽省教育厅",
        "四川省教育厅",
    }
    assert Institution.objects.get(name="阿坝师范学院").region.name == "汶川县"


def test_leshan_meigu_as_in_seed_003(demo) -> None:
    programme = Programme.objects.get(slug="leshan-meigu")
    assert [(p.name, str(p.starts_on), str(p.ends_on)) for p in programme.phases.all()] == [
        ("第一阶段", "2020-06-01", "2021-02-28"),
        ("第二阶段", "2021-03-01", "2022-03-31"),
    ]
    cluster = Institution.objects.filter(cluster="洪溪片区")
    assert cluster.count() == 13
    assert cluster.filter(is_demo=False).count() == 2  # the two key schools the seed names
    supported = set(programme.pairings.values_list("supported__name", flat=True))
    assert {"美姑县洪溪初级中学", "美姑县依果觉乡小学校", "美姑县教育局"} == supported
    supporters = set(programme.pairings.values_list("supporter__name", flat=True))
    assert supporters == {
        "乐山师范学院",
        "乐山市实验中学",
        "乐山市实验小学",
        "乐山师范学校附属小学",
    }
    meigu = Region.objects.get(name="美姑县")
    assert meigu.is_key_rural_revitalization_county and meigu.is_poverty_alleviated_county


def test_jiangxi_alliance_of_twelve(demo) -> None:
    programme = Programme.objects.get(slug="jiangxi")
    assert programme.pairings.count() == 12
    assert programme.pairings.filter(supporter__name="江西师范大学").exists()
    assert not programme.pairings.filter(is_demo=False).exists()


GUANGDONG_COUNTS = {
    PairingKind.CITY_CITY: 15,
    PairingKind.COUNTY_COUNTY: 84,
    PairingKind.NORMAL_COLLEGE_CITY: 15,
    PairingKind.NON_NORMAL_COLLEGE_AREA: 140,
    PairingKind.TEACHING_RESEARCH: 99,
}


def test_guangdong_three_rounds_and_seven_kinds(demo) -> None:
    programme = Programme.objects.get(slug="guangdong")
    rounds = list(programme.phases.values_list("name", "starts_on__year", "ends_on__year"))
    assert rounds == [("第一轮", 2021, 2025), ("第二轮", 2026, 2030), ("第三轮", 2031, 2035)]
    for number in (1, 2):
        pairings = Pairing.objects.filter(programme=programme, phase__number=number)
        for kind, count in GUANGDONG_COUNTS.items():
            assert pairings.filter(kind=kind).count() == count, (number, kind)
        assert pairings.filter(kind=PairingKind.SCHOOL_SCHOOL).count() > 0
        assert pairings.filter(kind=PairingKind.INTRA_REGION).count() > 0
    kinds = set(programme.pairings.values_list("kind", flat=True))
    assert len(kinds) == 7
    # Every supported party lies in the 15 cities the plan supports (粤东粤西粤北 + 惠江肇).
    supported_city_codes = {
        code[:4] for code in programme.pairings.values_list("supported__region__code", flat=True)
    }
    cities = set(
        Region.objects.filter(code__in=supported_city_codes).values_list("name", flat=True)
    )
    assert cities == set(SUPPORTED_CITIES)
    assert not programme.pairings.filter(is_demo=False).exists()  # all illustrative


def test_one_demo_user_per_role(demo) -> None:
    roles = set(Affiliation.objects.values_list("role", flat=True))
    assert roles == {
        "coordinator",
        "contact",
        "information_officer",
        "provincial_officer",
        "expert",
    }
    user_model = apps.get_model("auth", "User")
    admin = user_model.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("xtzt-demo-2026")


def test_jiangxi_bulletin_as_in_seed_002(demo) -> None:
    issue = BulletinIssue.objects.get(programme__slug="jiangxi")
    assert issue.title == "江西省高校与县域基础教育协同提质行动 工作动态"
    assert issue.label == "〔2023〕第2期" and issue.is_published
    assert issue.issuing_office == "省协同提质行动工作领导小组办公室"
    assert (str(issue.issued_on), str(issue.printed_on)) == ("2023-11-25", "2023-11-27")
    assert issue.report_to == "省协同提质行动领导小组组长、副组长"
    sections = list(issue.entries.values_list("section", flat=True))
    assert [sections.count(s) for s in Section.values] == [4, 1, 1, 4]
    expert = issue.entries.get(section=Section.EXPERTS)
    assert expert.lead == "联盟牵头高校解读协同提质行动方案行动指南。"
    assert expert.news_item is not None and expert.news_item.institution.name == "江西师范大学"
    news = NewsItem.objects.filter(programme=issue.programme)
    assert news.filter(status=NewsStatus.USED).count() == 5
    assert news.filter(status=NewsStatus.SUBMITTED).count() == 2  # waiting for the next issue


def test_guangdong_assessment_scored_and_published(demo, client) -> None:
    """Seed 004 annex 4: every city and county bureau scored in its zone, the two zones
    weighted differently (places in 珠三角, the workforce in 粤东粤西粤北), published."""
    run = AssessmentRun.objects.get(scheme__programme__slug="guangdong")
    assert run.status == "done" and run.published
    groups = dict(run.results.values_list("group").annotate(n=Count("id")))
    assert groups == {"prd:prefecture": 9, "ewn:prefecture": 12, "prd:county": 68, "ewn:county": 74}
    by_zone = {
        (w.indicator.code, w.column): w.weight
        for w in AssessmentWeight.objects.filter(indicator__scheme=run.scheme).select_related(
            "indicator"
        )
    }
    assert by_zone[("2", "prd")] > by_zone[("1", "prd")]  # school places weigh most in 珠三角
    assert by_zone[("1", "ewn")] > by_zone[("2", "ewn")]  # the workforce in 粤东粤西粤北
    user = apps.get_model("auth", "User").objects.get(username="shantou_edu")
    own = run.results.get(party__name="汕头市教育局")
    client.force_login(user)
    assert client.get(reverse("assessments:result", args=[own.pk])).status_code == 200
    other = run.results.exclude(party=own.party).first()
    assert other is not None
    assert client.get(reverse("assessments:result", args=[other.pk])).status_code == 404
