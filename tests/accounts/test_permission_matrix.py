# ruff: noqa: E501  (the matrix is one row per role, one column per page)
"""The permission matrix: every role × every page × objects inside and outside its scope.

One table drives the test; a new page joins PAGES and every role must then say what it gets.
On failure the whole matrix is printed, expected vs actual.
"""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Affiliation
from accounts.services import affiliation_remove
from assessments import services
from assessments.models import AssessmentIndicator, AssessmentRun, Basis, Rule, Source
from pairings.choices import PairingKind
from programmes.models import ProgrammeLevel
from schools.models import Institution, InstitutionKind
from tests.factories import PairingFactory, PhaseFactory, ProgrammeFactory
from tests.world import World

ASSESSED: dict[str, AssessmentRun] = {}  # filled by the `assessed` fixture

# page name → how to build its URL from the world
PAGES: dict[str, Callable[[World], str]] = {
    "programmes": lambda w: reverse("programmes:list"),
    "programme:national": lambda w: reverse("programmes:detail", args=[w.programme.slug]),
    "consortium:bnu": lambda w: reverse("pairings:consortium", args=[w.consortium.pk]),
    "consortium:scnu": lambda w: reverse("pairings:consortium", args=[w.other_consortium.pk]),
    "institution:fynu": lambda w: reverse("schools:institution", args=[w.fynu.pk]),
    "institution:qhnu": lambda w: reverse("schools:institution", args=[w.qhnu.pk]),
    "institution:jiaying": lambda w: reverse("schools:institution", args=[w.jiaying.pk]),
    "institutions": lambda w: reverse("schools:institution_list"),
    "regions": lambda w: reverse("schools:regions"),
    "region:guangdong": lambda w: reverse("schools:region", args=["44"]),
    "admin": lambda w: "/admin/",
    "admin:pairings": lambda w: "/admin/pairings/pairing/",
    "people:bnu": lambda w: reverse("accounts:people", args=[w.consortium.pk]),
    "history:scnu": lambda w: reverse("accounts:history", args=[w.other_consortium.pk]),
    "imports": lambda w: reverse("imports:list"),
    "import:template": lambda w: reverse("imports:template", args=["round_setup"]),
    "dash:anhui": lambda w: reverse("dashboards:province") + "?programme=national&region=34",
    "dash:guangdong": lambda w: reverse("dashboards:province") + "?programme=national&region=44",
    "late:anhui": lambda w: reverse("dashboards:late") + "?programme=national&region=34",
    "dash:fynu": lambda w: reverse("dashboards:province") + f"?institution={w.fynu.pk}",
    "coord:bnu": lambda w: reverse("dashboards:coordinator_for", args=[w.consortium.pk]),
    "coord:scnu": lambda w: reverse("dashboards:coordinator_for", args=[w.other_consortium.pk]),
    "assessments": lambda w: reverse("assessments:list"),
    "scheme:gd": lambda w: reverse("assessments:scheme", args=[ASSESSED["run"].scheme_id]),
    "run:gd": lambda w: reverse("assessments:run", args=[ASSESSED["run"].pk]),
    "result:gd": lambda w: reverse("assessments:result", args=[ASSESSED["run"].results.get().pk]),
    "data:gd": lambda w: reverse("assessments:data", args=[ASSESSED["run"].scheme_id]),
}

OK, HIDDEN, ADMIN_LOGIN, FORBIDDEN = 200, 404, 302, 403
Y, N, L, F = OK, HIDDEN, ADMIN_LOGIN, FORBIDDEN
# role → expected status per page, in PAGES order.
# anhui_edu reads 安徽 only: 阜阳师大 yes; 青海师大 (another province) and 嘉应学院 no.
# fynu_contact reads its consortium (so 青海师大, a fellow member) but nothing of the other one.
# carol coordinates 华南师大组团 and is a contact at 四川师大, a BNU-consortium member.
# People and history pages: 403 for who sees the consortium but does not coordinate it.
# i, t: the imports page — importers, and a provincial department that manages an
# assessment (it sees its own imports); a bulk import template — importers only.
# da dg la df: the provincial dashboard for 安徽 / 广东, 安徽's late reports, 阜阳师大's own
# dashboard — administrators and the province's own department (404 for another province,
# 403 for roles without a dashboard); cb cs: the coordinator's dashboard of each consortium.
# as sg rg rs dg: the assessment list (everyone), then a published assessment of a Guangdong
# programme — its scheme, run, 梅州市教育局's result and data page: administrators and 广东's
# department only (the assessed party's own view is in tests/assessments).
# fmt: off
MATRIX: dict[str, list[int]] = {
    #                 progs nat bnu scnu fynu qhnu jiay insts regs gd admin adm:p people hist i t  da dg la df cb cs as sg rg rs dg
    "admin":           [Y,  Y,  Y,  Y,   Y,   Y,   Y,   Y,    Y,   Y,  Y,    Y,    Y,     Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y],
    "bnu_coordinator": [Y,  Y,  Y,  N,   Y,   Y,   N,   Y,    Y,   Y,  L,    L,    Y,     N, F, F, F, F, F, F, Y, N, Y, N, N, N, N],
    "ahnu_contact":    [Y,  Y,  Y,  N,   Y,   Y,   N,   Y,    Y,   Y,  L,    L,    F,     N, F, F, F, F, F, F, F, F, Y, N, N, N, N],
    "fynu_contact":    [Y,  Y,  Y,  N,   Y,   Y,   N,   Y,    Y,   Y,  L,    L,    F,     N, F, F, F, F, F, F, F, F, Y, N, N, N, N],
    "fynu_info":       [Y,  Y,  Y,  N,   Y,   Y,   N,   Y,    Y,   Y,  L,    L,    F,     N, F, F, F, F, F, F, F, F, Y, N, N, N, N],
    "anhui_edu":       [Y,  Y,  Y,  N,   Y,   N,   N,   Y,    Y,   Y,  L,    L,    F,     N, F, F, Y, N, Y, Y, F, F, Y, N, N, N, N],
    "guangdong_edu":   [Y,  Y,  N,  Y,   N,   N,   Y,   Y,    Y,   Y,  L,    L,    N,     F, Y, F, N, Y, N, N, F, F, Y, Y, Y, Y, Y],
    "bnu_expert":      [Y,  N,  N,  N,   N,   N,   N,   Y,    Y,   Y,  L,    L,    N,     N, F, F, F, F, F, F, F, F, Y, N, N, N, N],
    "carol":           [Y,  Y,  Y,  Y,   Y,   Y,   Y,   Y,    Y,   Y,  L,    L,    F,     Y, F, F, F, F, F, F, N, Y, Y, N, N, N, N],
    "alice":           [Y,  N,  N,  N,   N,   N,   N,   Y,    Y,   Y,  L,    L,    N,     N, F, F, F, F, F, F, F, F, Y, N, N, N, N],
}
# fmt: on


def test_every_role_has_a_row_for_every_page() -> None:
    assert all(len(row) == len(PAGES) for row in MATRIX.values())


def _render(statuses: dict[str, list[int]]) -> str:
    names = list(PAGES)
    lines = ["role".ljust(16) + " ".join(n[:10].ljust(10) for n in names)]
    for role, row in statuses.items():
        lines.append(role.ljust(16) + " ".join(str(s).ljust(10) for s in row))
    return "\n".join(lines)


@pytest.fixture
def assessed(world: World, django_capture_on_commit_callbacks) -> AssessmentRun:
    """A published assessment of a Guangdong provincial programme: 华南师范大学 supports
    梅州市教育局; the province scores both (by kind of party)."""
    admin = world.users["admin"]
    bureau = Institution.objects.create(
        name="梅州市教育局", kind=InstitutionKind.CITY_BUREAU, region=world.region("梅州")
    )
    programme = ProgrammeFactory.create(
        level=ProgrammeLevel.PROVINCIAL, region=world.region("广东")
    )
    phase = PhaseFactory.create(programme=programme, number=1)
    PairingFactory.create(
        programme=programme,
        phase=phase,
        kind=PairingKind.NORMAL_COLLEGE_CITY,
        supporter=Institution.objects.get(name="华南师范大学"),
        supported=bureau,
    )
    scheme = services.scheme_create(
        user=admin, programme=programme, year=2025, name="结对帮扶考核", basis=Basis.ROLE
    )
    indicator = services.indicator_save(
        user=admin,
        indicator=AssessmentIndicator(
            scheme=scheme, code="1", name="帮扶实绩", rule=Rule.MANUAL, source=Source.ENTERED
        ),
    )
    services.weights_set(
        user=admin,
        scheme=scheme,
        weights={(indicator.pk, column): Decimal(100) for column in scheme.columns},
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(user=admin, scheme=scheme)
    run = services.run_publish(user=admin, run=AssessmentRun.objects.get(pk=run.pk))
    run.results.exclude(party=bureau).delete()  # one result: the supported city's
    ASSESSED["run"] = run
    return run


def test_permission_matrix(client, world: World, assessed: AssessmentRun) -> None:
    users = {**world.users, "alice": world.alice}
    actual: dict[str, list[int]] = {}
    for role in MATRIX:
        client.force_login(users[role])
        actual[role] = [client.get(url(world)).status_code for url in PAGES.values()]
        client.logout()
    assert actual == MATRIX, "\nexpected:\n" + _render(MATRIX) + "\nactual:\n" + _render(actual)


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        (
            "bnu_coordinator",
            {"阜阳师范大学", "青海师范大学", "安徽省教育厅"},
            {"嘉应学院", "华南师范大学"},
        ),
        ("anhui_edu", {"阜阳师范大学", "安徽师范大学"}, {"青海师范大学", "嘉应学院"}),
        ("guangdong_edu", {"嘉应学院", "华南师范大学"}, {"阜阳师范大学"}),
        ("bnu_expert", set(), {"阜阳师范大学", "嘉应学院"}),
    ],
)
def test_lists_show_only_what_is_in_scope(client, world, role, visible, hidden) -> None:
    client.force_login(world.users[role])
    response = client.get(reverse("schools:institution_list"))
    names = {i.name for i in response.context["page"].object_list}
    assert visible <= names
    assert not hidden & names


def test_programme_list_counts_only_visible_pairings(client, world: World) -> None:
    client.force_login(world.users["guangdong_edu"])
    programme = client.get(reverse("programmes:list")).context["programmes"][0]
    assert programme.pairing_count == 1 and programme.consortium_count == 1
    client.force_login(world.users["admin"])
    programme = client.get(reverse("programmes:list")).context["programmes"][0]
    assert programme.pairing_count == 5 and programme.consortium_count == 2


def test_removed_member_loses_access_at_once(client, world: World) -> None:
    user = world.users["fynu_contact"]
    client.force_login(user)
    url = reverse("schools:institution", args=[world.fynu.pk])
    assert client.get(url).status_code == OK
    affiliation_remove(affiliation=Affiliation.objects.get(user=user))
    assert client.get(url).status_code == HIDDEN
    assert client.get(reverse("pairings:consortium", args=[world.consortium.pk])).status_code == 404


def test_two_roles_at_one_institution_keep_access_when_one_goes(client, world: World) -> None:
    """fynu_info is also made a contact; removing the contact role keeps the officer's."""
    user = world.users["fynu_info"]
    from accounts.services import affiliation_add

    extra = affiliation_add(user=user, institution=world.fynu, role="contact")
    affiliation_remove(affiliation=extra)
    client.force_login(user)
    assert client.get(reverse("schools:institution", args=[world.fynu.pk])).status_code == OK


def test_grants_sit_on_institutions_and_consortia_not_on_rows(world: World) -> None:
    from guardian.models import GroupObjectPermission, UserObjectPermission

    per_user = set(UserObjectPermission.objects.values_list("content_type__model", flat=True))
    per_group = set(GroupObjectPermission.objects.values_list("content_type__model", flat=True))
    assert per_user == {"consortium"}
    assert per_group == {"institution", "region"}


def test_staff_flag_alone_does_not_open_the_admin(client, world: World) -> None:
    user = world.users["bnu_coordinator"]
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get("/admin/pairings/pairing/").status_code == ADMIN_LOGIN


def test_roles_changed_in_the_admin_change_access_too(client, world: World) -> None:
    client.force_login(world.users["admin"])
    target = Affiliation.objects.get(user=world.users["fynu_contact"])
    response = client.post(f"/admin/accounts/affiliation/{target.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    client.force_login(world.users["fynu_contact"])
    assert client.get(reverse("schools:institution", args=[world.fynu.pk])).status_code == HIDDEN
