"""Reporting in the browser: fill, conflict, return, bulk approval, completeness and
timeliness, provincial review, constant query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pairings.choices import PairingKind
from pairings.services import pairing_create
from programmes.models import ProgrammeLevel
from reports.models import QuarterlyReport, ReportStatus
from reports.services import report_open
from schools.models import InstitutionKind
from tests.factories import InstitutionFactory, ProgrammeFactory
from tests.reports.conftest import make_period
from tests.reports.helpers import fill
from tests.world import World

pytestmark = pytest.mark.django_db


def form_data(report: QuarterlyReport, action: str, **overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "version": report.version,
        "contact_name": "王信息员",
        "contact_phone": "0558-1234567",
        "contact_email": "",
        "highlights": "",
        "action": action,
    }
    for area in report.period.programme.content_areas.all():
        data[f"s{area.pk}-work_done"] = "开展培训"
        data[f"s{area.pk}-next_plan"] = "继续"
    data.update(overrides)
    return data


def test_fill_and_submit_in_the_browser(client, world: World, period) -> None:
    client.force_login(world.users["fynu_contact"])
    url = reverse("reports:fill", args=[period.pk, world.fynu.pk])
    assert client.get(url).status_code == 200
    report = QuarterlyReport.objects.get(period=period, institution=world.fynu)
    area = period.programme.content_areas.first()
    response = client.post(url, form_data(report, "submit", **{f"s{area.pk}-next_plan": ""}))
    body = response.content.decode()
    assert "草稿已保存，但还不能提交" in body and f"“{area.name}”：请填写下季度计划。" in body
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.version == 2
    response = client.post(url, form_data(report, "submit"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    # submitted: the form sends people to the report, which says why it is locked
    response = client.get(url, follow=True)
    assert "正在等待审核" in response.content.decode()


def test_a_conflict_keeps_both_texts_on_the_page(client, world: World, period) -> None:
    report = report_open(user=world.users["fynu_contact"], period=period, institution=world.fynu)
    url = reverse("reports:fill", args=[period.pk, world.fynu.pk])
    stale = form_data(report, "save", contact_name="乙")
    client.force_login(world.users["fynu_contact"])
    client.post(url, form_data(report, "save", contact_name="甲"))
    client.force_login(world.users["fynu_info"])
    response = client.post(url, stale)
    body = response.content.decode()
    assert "其他人保存了这份报告" in body and "甲" in body and 'value="乙"' in body
    assert QuarterlyReport.objects.get(pk=report.pk).contact_name == "甲"
    version = response.context["form"]["version"].value()
    client.post(url, {**stale, "version": version})  # saving again overwrites knowingly
    assert QuarterlyReport.objects.get(pk=report.pk).contact_name == "乙"


def test_return_with_section_comments_then_bulk_approve(client, world: World, period) -> None:
    fynu = fill(world.users["fynu_contact"], period, world.fynu)
    ahnu = fill(world.users["ahnu_contact"], period, world.ahnu)
    draft = fill(world.users["admin"], period, world.qhnu, submit=False)
    client.force_login(world.users["bnu_coordinator"])
    area = period.programme.content_areas.first()
    client.post(
        reverse("reports:action", args=[fynu.pk, "return"]),
        {"comment": "", f"section_{area.pk}": "请写明人数"},
    )
    fynu.refresh_from_db()
    assert fynu.status == ReportStatus.RETURNED
    client.force_login(world.users["fynu_contact"])
    body = client.get(reverse("reports:fill", args=[period.pk, world.fynu.pk])).content.decode()
    assert "请写明人数" in body  # the comment is shown where it is fixed

    client.force_login(world.users["bnu_coordinator"])
    review = client.get(reverse("reports:review"))
    assert [r.pk for r in review.context["reports"]] == [ahnu.pk]
    response = client.post(
        reverse("reports:approve_selected"), {"report": [ahnu.pk, draft.pk]}, follow=True
    )
    assert "已审核通过 1 份报告；1 份不是待审核状态" in response.content.decode()
    ahnu.refresh_from_db()
    draft.refresh_from_db()
    assert ahnu.status == ReportStatus.APPROVED and draft.status == ReportStatus.DRAFT
    client.force_login(world.users["ahnu_contact"])
    response = client.post(reverse("reports:approve_selected"), {"report": [ahnu.pk]})
    assert response.status_code == 403


def test_completeness_and_timeliness(client, world: World, period) -> None:
    fill(world.users["fynu_contact"], period, world.fynu)
    late = fill(world.users["ahnu_contact"], period, world.ahnu)
    arrived = timezone.now() + dt.timedelta(days=30)
    QuarterlyReport.objects.filter(pk=late.pk).update(
        submitted_at=arrived, first_submitted_at=arrived
    )
    client.force_login(world.users["bnu_coordinator"])
    response = client.get(
        reverse("reports:completeness", args=[world.programme.slug]), {"period": period.pk}
    )
    data = response.context["data"]
    tally = {p.pk: t for p, t in data.periods}[period.pk]
    assert (tally.expected, tally.received, tally.timely) == (8, 2, 1)  # the BNU members
    assert tally.completeness == 25 and tally.timeliness == 12
    by_province = {t.label: t for t in data.by_province}
    assert by_province["安徽省"].received == 2 and by_province["安徽省"].expected == 2
    rows = {i.name: timely for i, _r, timely in data.by_institution}
    assert rows["阜阳师范大学"] is True and rows["安徽师范大学"] is False
    assert rows["青海师范大学"] is None


def test_provincial_programmes_are_reviewed_by_the_province(client, world: World) -> None:
    guangdong = world.region("广东")
    programme = ProgrammeFactory.create(
        level=ProgrammeLevel.PROVINCIAL, region=guangdong, pairing_parties_report=True
    )
    city = InstitutionFactory.create(kind=InstitutionKind.CITY_BUREAU, region=world.region("梅州"))
    pairing_create(
        programme=programme,
        kind=PairingKind.NORMAL_COLLEGE_CITY,
        supporter=world.jiaying,
        supported=city,
    )
    world.programme = programme  # make_period uses it
    period = make_period(world)
    report = fill(world.users["admin"], period, world.jiaying)
    assert report.consortium is None
    client.force_login(world.users["bnu_coordinator"])
    assert client.post(reverse("reports:action", args=[report.pk, "approve"])).status_code == 404
    client.force_login(world.users["guangdong_edu"])
    client.post(reverse("reports:action", args=[report.pk, "approve"]))
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


def test_only_the_calendars_owner_moves_period_dates(client, world: World, period) -> None:
    url = reverse("reports:period_edit", args=[period.pk])
    # The national programme has two consortia: neither office moves the other's deadlines.
    for username in ("fynu_contact", "bnu_coordinator", "carol"):
        client.force_login(world.users[username])
        assert client.get(url).status_code == 403, username
    world.other_consortium.pairings.all().delete()
    world.other_consortium.memberships.all().delete()
    world.other_consortium.delete()
    client.force_login(world.users["bnu_coordinator"])  # now its only consortium's office
    new_due = period.due_on + dt.timedelta(days=5)
    response = client.post(
        url,
        {"opens_on": period.opens_on, "due_on": new_due, "locks_on": period.due_on},
    )
    assert "锁定日期不能早于截止日期" in response.content.decode()
    client.post(url, {"opens_on": period.opens_on, "due_on": new_due, "locks_on": period.locks_on})
    period.refresh_from_db()
    assert period.due_on == new_due


def grow(world: World, period, n: int) -> None:
    """n more colleges in the BNU consortium, each with a submitted report."""
    from pairings.models import Membership

    for i in range(n):
        college = InstitutionFactory.create(
            kind=InstitutionKind.NORMAL_COLLEGE, name=f"加测学院{period.pk}-{i}-{n}"
        )
        Membership.objects.create(
            consortium=world.consortium, institution=college, role="supported"
        )
        fill(world.users["admin"], period, college)


# Queries: session + user (2), the scope (4), then the page. review: the report list (1).
# completeness: the programme (2), may the user move periods (1), periods, members,
# institutions, reports, consortia, provinces — whatever the number of reports.
MAX_QUERIES = {"review": 8, "completeness": 16}


@pytest.mark.parametrize("name", list(MAX_QUERIES))
def test_query_count_is_constant(client, world, period, name, django_assert_max_num_queries):
    fill(world.users["fynu_contact"], period, world.fynu)
    client.force_login(world.users["bnu_coordinator"])
    url = {
        "review": reverse("reports:review"),
        "completeness": reverse("reports:completeness", args=[world.programme.slug])
        + f"?period={period.pk}",
    }[name]
    client.get(url)
    counts = []
    for size in (0, 6):
        grow(world, period, size)
        with django_assert_max_num_queries(MAX_QUERIES[name]) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


# fmt: off
# mine, fynu's report, review list, completeness, period dates, fynu's form (302: the report
# exists and they may read but not fill it, so they are sent to read it; 404 for who may not
# read it). The national programme's
# periods are the ministry's: no consortium office moves them, administrators do.
REPORT_MATRIX: dict[str, list[int]] = {
    "admin":           [200, 200, 200, 200, 200, 200],
    "bnu_coordinator": [200, 200, 200, 200, 403, 302],
    "ahnu_contact":    [200, 404, 200, 200, 403, 404],
    "fynu_contact":    [200, 200, 200, 200, 403, 200],
    "fynu_info":       [200, 200, 200, 200, 403, 200],
    "anhui_edu":       [200, 200, 200, 200, 403, 302],
    "guangdong_edu":   [200, 404, 200, 200, 403, 404],
    "bnu_expert":      [200, 404, 200, 404, 404, 404],
    "carol":           [200, 404, 200, 200, 403, 404],
}
# fmt: on


def test_permission_matrix_of_the_report_pages(client, world: World, period) -> None:
    report = fill(world.users["fynu_contact"], period, world.fynu, submit=False)
    urls = [
        reverse("reports:mine"),
        reverse("reports:detail", args=[report.pk]),
        reverse("reports:review"),
        reverse("reports:completeness", args=[world.programme.slug]),
        reverse("reports:period_edit", args=[period.pk]),
        reverse("reports:fill", args=[period.pk, world.fynu.pk]),
    ]
    actual = {}
    for role in REPORT_MATRIX:
        client.force_login(world.users[role])
        actual[role] = [client.get(url).status_code for url in urls]
    assert actual == REPORT_MATRIX


def test_odd_digits_in_the_query_are_ignored_not_a_crash(client, world: World) -> None:
    client.force_login(world.users["bnu_coordinator"])
    assert client.get("/activities/", {"year": "²"}).status_code == 200
    response = client.post(reverse("reports:approve_selected"), {"report": "²"})
    assert response.status_code == 302
