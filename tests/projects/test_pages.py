"""The projects app's pages in the browser: content, forms with Chinese errors, constant
query counts, and the permission matrix of the new pages."""

import datetime as dt

import pytest
from django.urls import reverse

from projects.choices import PlanStatus, ProjectStatus, Verdict
from projects.models import Activity, IndicatorActual, Meeting, Project, SchoolPlan, Visit
from tests.projects.conftest import Work, grow_work
from tests.projects.helpers import areas
from tests.world import World

pytestmark = pytest.mark.django_db


def urls(world: World, work: Work) -> dict[str, str]:
    return {
        "projects": reverse("projects:list"),
        "project": reverse("projects:detail", args=[work.project.pk]),
        "project_edit": reverse("projects:edit", args=[work.project.pk]),
        "project_new": reverse("projects:create"),
        "other_project": reverse("projects:detail", args=[work.other_project.pk]),
        "indicator": reverse("projects:indicator", args=[work.indicator.pk]),
        "pairing": reverse("projects:pairing", args=[work.project.pairing_id]),
        "activities": reverse("projects:activities"),
        "plans": reverse("projects:plans"),
        "plan": reverse("projects:plan", args=[work.plan.pk]),
        "plan_edit": reverse("projects:plan_edit", args=[work.other_plan.pk]),
        "overview": reverse("projects:overview", args=[world.consortium.pk]),
        "visits": reverse("projects:visits", args=[world.consortium.pk]) + "?year=2025",
        "meetings": reverse("projects:meetings", args=[world.consortium.pk]),
        "meeting_new": reverse("projects:meeting_create", args=[world.consortium.pk]),
    }


OK, HIDDEN, FORBIDDEN = 200, 404, 403
Y, N, F = OK, HIDDEN, FORBIDDEN
# The project is run by 安徽师大 and 阜阳师大 in the BNU consortium; the plan is 阜阳师大's,
# drafted by 安徽师大 and assigned to bnu_expert; plan_edit is 嘉应学院's plan in the other
# consortium (carol coordinates it). Experts see plans only; provinces read, never edit.
# fmt: off
MATRIX: dict[str, list[int]] = {
    # projs proj edit new oth ind pair acts plans plan pedit over visit meet mnew
    "admin":           [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y],
    "bnu_coordinator": [Y, Y, Y, Y, N, Y, Y, Y, Y, Y, N, Y, Y, Y, Y],
    "ahnu_contact":    [Y, Y, Y, Y, N, Y, Y, Y, Y, Y, N, Y, Y, Y, F],
    "fynu_contact":    [Y, Y, Y, Y, N, Y, Y, Y, Y, Y, N, Y, Y, Y, F],
    "anhui_edu":       [Y, Y, F, F, N, Y, Y, Y, Y, Y, N, Y, Y, Y, F],
    "guangdong_edu":   [Y, N, N, F, Y, N, N, Y, Y, N, F, N, N, N, N],
    "bnu_expert":      [Y, N, N, F, N, N, N, Y, Y, Y, N, N, N, N, N],
    "carol":           [Y, Y, F, Y, Y, Y, Y, Y, Y, N, Y, Y, Y, Y, F],
}
# fmt: on


def test_permission_matrix_of_the_project_pages(client, world: World, work: Work) -> None:
    pages = urls(world, work)
    assert all(len(row) == len(pages) for row in MATRIX.values())
    actual = {}
    for role in MATRIX:
        client.force_login(world.users[role])
        actual[role] = [client.get(url).status_code for url in pages.values()]
    assert actual == MATRIX, f"pages: {list(pages)}\nactual: {actual}"


def test_lists_offer_new_work_only_to_who_may_start_it(client, world: World, work: Work) -> None:
    """The 新建 buttons of the project, plan and activity lists appear exactly for the roles
    whose create pages answer (the matrix's "new" column), never as a link to a 403."""
    new = list(urls(world, work)).index("project_new")
    lists = {
        reverse("projects:list"): reverse("projects:create"),
        reverse("projects:plans"): reverse("projects:plan_create"),
        reverse("projects:activities"): reverse("projects:activity_create"),
    }
    for role, row in MATRIX.items():
        client.force_login(world.users[role])
        for page, create in lists.items():
            offered = f'href="{create}"' in client.get(page).content.decode()
            assert offered == (row[new] == OK), (role, page)
            assert client.get(create).status_code == row[new], (role, create)


def test_lists_show_only_what_is_in_scope(client, world: World, work: Work) -> None:
    client.force_login(world.users["guangdong_edu"])
    titles = {p.title for p in client.get(reverse("projects:list")).context["page"].object_list}
    assert titles == {"华南项目"}
    plans = client.get(reverse("projects:plans")).context["plans"]
    assert [p.college for p in plans] == [world.jiaying]
    client.force_login(world.users["bnu_expert"])
    assert [p.pk for p in client.get(reverse("projects:plans")).context["plans"]] == [work.plan.pk]
    assert not client.get(reverse("projects:activities")).context["page"].object_list


def test_project_page_shows_progress_and_overdue_milestones(client, world, work) -> None:
    client.force_login(world.users["bnu_coordinator"])
    body = client.get(reverse("projects:detail", args=[work.project.pk])).content.decode()
    assert "协同教研" in body and "安徽师范大学" in body and "培训学时" in body
    response = client.get(reverse("projects:indicator", args=[work.indicator.pk]))
    by_year = {t.year: p for t, p in response.context["targets"]}
    assert by_year[2024].actual == 16  # two trainings of 8 hours, summed from the activities
    assert by_year[2024].percent == 16 and by_year[2024].behind
    assert by_year[2025].actual is None
    assert "2024 年第 1 季度" in response.content.decode()
    assert "不能手工填报" in response.content.decode()


def test_create_a_project_in_the_browser(client, world: World) -> None:
    area = areas(world)["2"]
    client.force_login(world.users["ahnu_contact"])
    data: dict[str, object] = {
        "title": "学生协同培养",
        "consortium": world.consortium.pk,
        "area": area.pk,
        "starts_on": "2023-03-01",
        "ends_on": "2024-12-31",
        "beneficiaries": [world.fynu.pk],
        "budget_planned": "100000",
        "budget_spent": "0",
        "exchange_person_years": "0",
        "exchange_funding": "0",
    }
    rows_by_prefix: list[tuple[str, list[dict[str, object]]]] = [
        ("units", [{"institution": world.ahnu.pk, "department": "教务处"}]),
        ("members", [{"name": "王老师", "position": "leader"}]),
        ("milestones", [{"title": "互派师范生", "due_on": "2023-09-01"}]),
    ]
    for prefix, rows in rows_by_prefix:
        data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0})
        for i, row in enumerate(rows):
            data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    empty_units = {**data, "units-TOTAL_FORMS": 0}
    response = client.post(reverse("projects:create"), empty_units)
    assert response.status_code == 200
    assert "请至少填写一个责任单位" in response.content.decode()
    assert not Project.objects.exists()

    response = client.post(reverse("projects:create"), data)
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/projects/{project.pk}/")
    assert str(project.lead_unit) == "安徽师范大学 · 教务处"
    assert project.members.get().name == "王老师" and project.milestones.count() == 1
    assert list(project.beneficiaries.all()) == [world.fynu]

    response = client.post(
        reverse("projects:status", args=[project.pk]), {"to_status": ProjectStatus.ACTIVE}
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE


def test_plan_review_in_the_browser(client, world: World, work: Work) -> None:
    client.force_login(world.users["bnu_expert"])
    url = reverse("projects:plan", args=[work.plan.pk])
    assert "review_form" in client.get(url).context
    client.post(
        reverse("projects:plan_action", args=[work.plan.pk, "review"]),
        {"verdict": Verdict.REVISE, "comments": "补充经费测算"},
    )
    plan = SchoolPlan.objects.get(pk=work.plan.pk)
    assert plan.status == PlanStatus.RETURNED
    client.force_login(world.users["ahnu_contact"])
    body = client.get(url).content.decode()
    assert "补充经费测算" in body and "编辑第 2 版" in body
    response = client.post(
        reverse("projects:plan_edit", args=[plan.pk]),
        {"goals": "新目标", "needs": "需求", "measures": "举措", "research": ""},
    )
    assert response.status_code == 302
    client.post(reverse("projects:plan_action", args=[plan.pk, "submit"]))
    assert SchoolPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
    # the drafting side cannot review, and a frozen version cannot be edited
    client.post(
        reverse("projects:plan_action", args=[plan.pk, "review"]),
        {"verdict": Verdict.APPROVE, "comments": "自己批准"},
    )
    assert SchoolPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
    response = client.get(reverse("projects:plan_edit", args=[plan.pk]))
    assert response.status_code == 302


def test_record_an_actual_visit_and_meeting_in_the_browser(client, world, work) -> None:
    client.force_login(world.users["ahnu_contact"])
    response = client.post(
        reverse("projects:indicator_create", args=[work.project.pk]),
        {
            "name": "骨干教师比例",
            "kind": "quantitative",
            "unit": "%",
            "direction": "increase",
            "aggregation": "latest",
            "source": "manual",
            "participant_kind": "all",
            "targets-TOTAL_FORMS": 1,
            "targets-INITIAL_FORMS": 0,
            "targets-0-year": 2025,
            "targets-0-value": "10",
            "items-TOTAL_FORMS": 0,
            "items-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    indicator_url = response["Location"]
    client.post(indicator_url, {"period": "2025-04-01", "value": "6", "note": ""})
    actual = IndicatorActual.objects.get()
    assert (actual.starts_on, actual.ends_on) == (dt.date(2025, 4, 1), dt.date(2025, 6, 30))

    response = client.post(
        reverse("projects:visit_create", args=[world.consortium.pk]),
        {
            "visiting": world.ahnu.pk,
            "leader_name": "李校长",
            "leader_post": "副校长",
            "is_responsible_leader": "on",
            "visited": world.fynu.pk,
            "starts_on": "2026-04-01",
            "ends_on": "2026-03-31",
            "purpose": "调研",
        },
    )
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not Visit.objects.filter(leader_name="李校长").exists()
    client.force_login(world.users["bnu_coordinator"])
    response = client.post(
        reverse("projects:meeting_create", args=[world.consortium.pk]),
        {
            "kind": "joint",
            "title": "年度联席会议",
            "held_on": "2026-01-10",
            "attendees": [world.bnu.pk],
        },
    )
    assert response.status_code == 302 and Meeting.objects.filter(title="年度联席会议").exists()


def test_adopt_all_templates_with_one_click(client, world: World, work: Work) -> None:
    client.force_login(world.users["fynu_contact"])
    pairing = work.project.pairing
    assert pairing is not None
    client.post(reverse("projects:pairing_adopt", args=[pairing.pk]), {"template": "all"})
    assert pairing.indicators.count() == 1


def test_activity_form_offers_only_projects_the_user_runs(client, world, work) -> None:
    client.force_login(world.users["ahnu_contact"])
    form = client.get(reverse("projects:activity_create")).context["form"]
    assert set(form.fields["project"].queryset) == {work.project}
    before = Activity.objects.count()
    response = client.post(
        reverse("projects:activity_create"),
        {
            "project": work.other_project.pk,
            "kind": "training",
            "title": "越权",
            "starts_on": "2024-05-01",
            "ends_on": "2024-05-01",
            "organiser": world.ahnu.pk,
        },
    )
    assert response.status_code == 200 and Activity.objects.count() == before


# Queries per page, equal at both sizes (asserted below) and at most these: session + user (2)
# and the user's scope (4), then the page's own reads. The project list: count, page, units,
# and the three filter lists; the lists also ask once whether the user may start new work (the
# 新建 button). A project: project, its prefetches (units, beneficiaries, members,
# milestones, plans, status changes, indicators with targets, actuals, items and activities,
# the activity list) and the templates still available. The overview adds the project counts,
# milestones and every indicator's progress data; visits add the yearly compliance.
MAX_QUERIES: dict[str, int] = {
    "projects": 14,
    "project": 21,
    "activities": 9,
    "plans": 12,
    "plan": 19,
    "overview": 18,
    "visits": 13,
    "meetings": 11,
    "pairing": 13,
}


@pytest.mark.parametrize("name", list(MAX_QUERIES))
def test_query_count_is_constant(
    client, world: World, work: Work, name: str, django_assert_max_num_queries
) -> None:
    client.force_login(world.users["bnu_coordinator"])
    url = urls(world, work)[name]
    client.get(url)  # warm the content-type cache, as in a running server
    counts = []
    for size in (0, 8):
        grow_work(world, size)
        with django_assert_max_num_queries(MAX_QUERIES[name]) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_empty_choices_speak_chinese(client, world: World, work: Work) -> None:
    client.force_login(world.users["ahnu_contact"])
    body = client.get(reverse("projects:create")).content.decode()
    assert "- 请选择 -" in body and "Select an option" not in body
