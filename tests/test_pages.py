"""Every browser page: behind login, renders the domain for a signed-in user, constant queries."""

import pytest
from django.urls import reverse

from pairings.choices import PairingKind
from pairings.services import pairing_create
from schools.models import InstitutionKind
from tests.factories import InstitutionFactory
from tests.world import PASSWORD, World


def page_urls(world: World) -> dict[str, str]:
    return {
        "programme_list": reverse("programmes:list"),
        "programme_detail": reverse("programmes:detail", args=[world.programme.slug]),
        "consortium": reverse("pairings:consortium", args=[world.consortium.pk]),
        "institution_list": reverse("schools:institution_list"),
        "institution": reverse("schools:institution", args=[world.fynu.pk]),
        "regions": reverse("schools:regions"),
        "region": reverse("schools:region", args=["51"]),
    }


def test_every_page_needs_login(client, world: World) -> None:
    for name, url in page_urls(world).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name


def test_login_with_password_then_pages_render(client, world: World) -> None:
    response = client.post(reverse("login"), {"username": "fynu_contact", "password": PASSWORD})
    assert response.status_code == 302
    for name, url in page_urls(world).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert '<html lang="zh-CN"' in response.content.decode(), name


def test_wrong_password_is_refused_in_chinese(client, world: World) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_programme_pages_show_the_programme(coordinator_client, world: World) -> None:
    body = coordinator_client.get(reverse("programmes:list")).content.decode()
    assert "师范教育协同提质计划" in body and "教师厅函〔2022〕2号" in body
    assert "4 对结对" in body and "1 个组团" in body

    url = reverse("programmes:detail", args=[world.programme.slug])
    body = coordinator_client.get(url).content.decode()
    assert "北京师范大学组团" in body and "1+4+4" in body
    assert "高校结对帮扶薄弱院校" in body  # summary by kind
    assert "西昌民族幼儿师范高等专科学校" in body  # pairing list


def test_programme_pairing_filter(coordinator_client, world: World) -> None:
    url = reverse("programmes:detail", args=[world.programme.slug])
    body = coordinator_client.get(url, {"kind": PairingKind.CITY_CITY}).content.decode()
    assert "暂无结对。" in body
    body = coordinator_client.get(url, {"kind": "nonsense", "phase": "x"}).content.decode()
    assert "阜阳师范大学" in body  # an unknown filter is ignored, not an error


def test_consortium_page_shows_structure_and_pairings(coordinator_client, world: World) -> None:
    body = coordinator_client.get(
        reverse("pairings:consortium", args=[world.consortium.pk])
    ).content
    text = body.decode()
    assert "1+4+4" in text
    for name in ("北京师范大学", "安徽师范大学", "青海师范大学", "阜阳师范大学", "安徽省教育厅"):
        assert name in text
    assert "组团结构不符合要求" not in text


def test_institution_page_lists_programmes_consortia_and_pairings(coordinator_client, world):
    body = coordinator_client.get(
        reverse("schools:institution", args=[world.fynu.pk])
    ).content.decode()
    assert "阜阳师范大学" in body
    assert "北京师范大学组团" in body and "重点支持院校" in body
    assert "安徽师范大学" in body  # its supporter
    assert "师范教育协同提质计划" in body


def test_region_tree_counts_institutions_below(coordinator_client, world: World) -> None:
    response = coordinator_client.get(reverse("schools:regions"))
    rows = {row.region.name: row for row in response.context["rows"]}
    assert rows["四川省"].institution_count == 3  # 川师大, 阿坝师院, 西昌民族幼专
    assert rows["安徽省"].institution_count == 3  # 安徽师大, 阜阳师大, 安徽省教育厅
    response = coordinator_client.get(reverse("schools:region", args=["51"]))
    rows = {row.region.name: row for row in response.context["rows"]}
    assert rows["凉山彝族自治州"].institution_count == 1
    assert rows["凉山彝族自治州"].child_count == 2
    body = coordinator_client.get(reverse("schools:region", args=["513436"])).content.decode()
    assert "国家乡村振兴重点帮扶县" in body


def test_institution_search(coordinator_client, world: World) -> None:
    response = coordinator_client.get(reverse("schools:institution_list"), {"q": "阜阳"})
    assert [i.name for i in response.context["page"].object_list] == ["阜阳师范大学"]
    response = coordinator_client.get(
        reverse("schools:institution_list"),
        {"region": "51", "kind": InstitutionKind.NORMAL_COLLEGE},
    )
    assert [i.name for i in response.context["page"].object_list] == ["阿坝师范学院"]


@pytest.mark.parametrize("name", ["consortium", "institution", "programme_detail", "region"])
def test_missing_objects_answer_404(coordinator_client, world: World, name: str) -> None:
    urls = {
        "consortium": reverse("pairings:consortium", args=[999999]),
        "institution": reverse("schools:institution", args=[999999]),
        "programme_detail": reverse("programmes:detail", args=["no-such-programme"]),
        "region": reverse("schools:region", args=["999999"]),
    }
    assert coordinator_client.get(urls[name]).status_code == 404


def grow(world: World, n: int) -> None:
    """Add n more colleges, each paired by a consortium member, to prove counts do not grow."""
    for i in range(n):
        college = InstitutionFactory.create(
            name=f"加测学院{world.phase.pk}-{i}",
            kind=InstitutionKind.NORMAL_COLLEGE,
            region=world.region("凉山州"),
        )
        pairing_create(
            programme=world.programme,
            phase=world.phase,
            kind=PairingKind.UNIVERSITY_COLLEGE,
            supporter=world.ahnu,
            supported=college,
        )


# Queries per page, whatever the data size: session + user (2), the user's scope (4: the
# guardian grants, once content types are cached), then the page's own reads.
# programme_list: 1 annotated query. programme_detail: programme, phases, areas, consortia +
# their memberships, summary, paginator count + page. consortium: consortium, memberships,
# pairings. institution: institution, contacts, memberships, two pairing lists.
# regions: children, institution counts; a sub-region adds its lookup and the institutions
# located in it.
MAX_QUERIES = {
    "programme_list": 7,
    "programme_detail": 14,
    "consortium": 9,
    "institution_list": 8,
    "institution": 11,
    "regions": 8,
    "region": 10,
}


@pytest.mark.parametrize("name", list(MAX_QUERIES))
def test_query_count_is_constant(coordinator_client, world, name, django_assert_max_num_queries):
    urls = page_urls(world)
    coordinator_client.get(urls[name])  # warm the content-type cache, as in a running server
    for size in (0, 25):
        grow(world, size)
        with django_assert_max_num_queries(MAX_QUERIES[name]):
            assert coordinator_client.get(urls[name]).status_code == 200


def test_admin_pages_load_for_an_administrator(client, world: World, django_user_model) -> None:
    admin = django_user_model.objects.create_superuser("root", password=PASSWORD)
    client.force_login(admin)
    for model in (
        "schools/region",
        "schools/institution",
        "programmes/programme",
        "pairings/consortium",
        "pairings/pairing",
        "accounts/affiliation",
    ):
        assert client.get(f"/admin/{model}/").status_code == 200, model
    assert (
        client.get(f"/admin/pairings/consortium/{world.consortium.pk}/change/").status_code == 200
    )
    body = client.get("/admin/").content.decode()
    assert "组团与结对" in body  # the admin speaks Chinese


def test_healthz(client) -> None:
    assert client.get("/healthz").content == b"ok"


@pytest.mark.django_db
def test_ready_checks_the_database_and_says_when_the_broker_is_down(client, settings) -> None:
    response = client.get("/healthz/ready")  # embedded default: tasks run in-process
    assert response.status_code == 200
    assert {k: v["status"] for k, v in response.json()["checks"].items()} == {
        "database": "ok",
        "broker": "embedded",
        "worker": "embedded",
    }
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz/ready")
    checks = response.json()["checks"]
    assert response.status_code == 503 and not response.json()["healthy"]
    assert checks["database"]["status"] == "ok"
    assert checks["broker"]["status"].startswith("error: ConnectionError")
    assert checks["worker"]["status"] == "skipped: no broker"


def test_admin_refuses_a_consortium_that_breaks_1_m_n(client, world: World, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password=PASSWORD)
    client.force_login(admin)
    memberships = list(world.consortium.memberships.all())
    data = {
        "programme": world.programme.pk,
        "name": world.consortium.name,
        "lead": world.bnu.pk,
        "memberships-TOTAL_FORMS": len(memberships),
        "memberships-INITIAL_FORMS": len(memberships),
        "memberships-MIN_NUM_FORMS": 0,
        "memberships-MAX_NUM_FORMS": 1000,
    }
    for i, m in enumerate(memberships):
        data |= {
            f"memberships-{i}-id": m.pk,
            f"memberships-{i}-consortium": world.consortium.pk,
            f"memberships-{i}-institution": m.institution_id,
            f"memberships-{i}-role": m.role,
            f"memberships-{i}-order": m.order,
        }
        # Drop three supporting universities: M falls to 1 < N = 4 and below the minimum 3.
        if m.role == "supporting" and m.institution_id != world.bnu.pk:
            data[f"memberships-{i}-DELETE"] = "on"
    response = client.post(f"/admin/pairings/consortium/{world.consortium.pk}/change/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "M ≥ N：参与帮扶高校 1 所少于重点支持院校 4 所" in body
    assert world.consortium.memberships.count() == len(memberships)
