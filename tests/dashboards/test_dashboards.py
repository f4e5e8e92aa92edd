"""Dashboards: the cached summaries follow the reports, the provincial dashboard's figures,
drill-down and late list are right and stay in the province, the coordinator's to-do list,
the Excel export agrees with the page (formula-looking names kept as text)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dashboards.models import IndicatorStanding, IndicatorTotal, ReportSlot, Standing
from dashboards.services import summaries_refresh
from outputs.models import OutputJob
from pairings.models import Pairing
from programmes.services import content_areas_ensure
from projects.choices import PlanStatus
from projects.models import (
    Indicator,
    IndicatorTarget,
    IndicatorTemplate,
    Milestone,
    Project,
    SchoolPlan,
)
from reports.models import QuarterlyReport, ReportingPeriod, ReportStatus
from reports.services import report_open, report_return, report_save, report_submit
from tests.world import World

TODAY = timezone.localdate()


def quarter(world: World, starts_on: dt.date, *, due_on: dt.date | None = None) -> ReportingPeriod:
    ends_on = (starts_on + dt.timedelta(days=92)).replace(day=1) - dt.timedelta(days=1)
    due_on = due_on or ends_on + dt.timedelta(days=10)
    return ReportingPeriod.objects.create(
        programme=world.programme,
        name=f"{starts_on.year}年第{(starts_on.month + 2) // 3}季度",
        starts_on=starts_on,
        ends_on=ends_on,
        opens_on=starts_on,
        due_on=due_on,
        locks_on=max(due_on, TODAY) + dt.timedelta(days=20),
    )


@pytest.fixture
def training(world: World) -> Indicator:
    """协同培训学时 on the 安徽师大 → 阜阳师大 pairing: 100 hours in the phase."""
    content_areas_ensure(programme=world.programme, areas=[("1", "教师培训", "", False)])
    template = IndicatorTemplate.objects.create(
        programme=world.programme, code="N5", name="协同培训学时", unit="学时"
    )
    pairing = Pairing.objects.get(supporter=world.ahnu, supported=world.fynu)
    indicator = Indicator.objects.create(
        pairing=pairing, template=template, name=template.name, unit="学时"
    )
    IndicatorTarget.objects.create(indicator=indicator, phase=world.phase, value=100)
    return indicator


def report(world: World, period: ReportingPeriod, institution, *, status: str, day: int = 0):
    """A report as it stands (day: when it first arrived, relative to the due date)."""
    at = timezone.make_aware(dt.datetime.combine(period.due_on, dt.time(9))) + dt.timedelta(
        days=day
    )
    received = status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
    return QuarterlyReport.objects.create(
        period=period,
        institution=institution,
        consortium=world.consortium,
        status=status,
        submitted_at=at if received else None,
        first_submitted_at=at if received else None,
    )


def test_summaries_follow_the_report_workflow(
    world: World, training: Indicator, django_capture_on_commit_callbacks
) -> None:
    period = quarter(world, dt.date(2025, 10, 1), due_on=TODAY + dt.timedelta(days=10))
    summaries_refresh(programme=world.programme)
    slot = ReportSlot.objects.get(period=period, institution=world.fynu)
    assert (slot.received, slot.report_id, slot.region_code) == (False, None, "3412")
    # Every university and college of both consortia owes one (not the departments' seats).
    assert ReportSlot.objects.filter(period=period).count() == 12

    user = world.users["fynu_contact"]
    with django_capture_on_commit_callbacks(execute=True):
        opened = report_open(user=user, period=period, institution=world.fynu)
        saved = report_save(
            user=user,
            report=opened,
            version=opened.version,
            fields={"contact_name": "王信息员", "contact_phone": "0558-1234567"},
            sections={
                a.pk: {"work_done": "培训", "next_plan": "培训"}
                for a in period.programme.content_areas.all()
            },
            progress={},
            values={training.pk: {"value": Decimal(30)}},
        )
        report_submit(user=user, report=saved, projects=[], indicators=[training])
    slot.refresh_from_db()
    assert (slot.received, slot.timely, slot.status) == (True, True, ReportStatus.SUBMITTED)
    standing = IndicatorStanding.objects.get(indicator=training, phase=world.phase)
    assert (standing.target, standing.actual) == (Decimal(100), Decimal(30))
    assert standing.institution_id == world.fynu.pk  # counted for the supported college
    total = IndicatorTotal.objects.get(period=period, template=training.template)
    assert (total.total, total.count, total.region_code) == (Decimal(30), 1, "3412")

    with django_capture_on_commit_callbacks(execute=True):
        report_return(user=world.users["bnu_coordinator"], report=saved, comment="请补充")
    slot.refresh_from_db()
    assert (slot.received, slot.status) == (False, ReportStatus.RETURNED)
    assert not IndicatorTotal.objects.filter(period=period).exists()
    standing = IndicatorStanding.objects.get(indicator=training, phase=world.phase)
    assert standing.actual is None and standing.standing == Standing.BEHIND


@pytest.fixture
def anhui(world: World, training: Indicator):
    """Two quarters of 2025: 阜阳师大 on time with 60 hours, 安徽师大 missing, then late."""
    q3 = quarter(world, dt.date(2025, 7, 1))
    q4 = quarter(world, dt.date(2025, 10, 1))
    fynu = report(world, q3, world.fynu, status=ReportStatus.APPROVED, day=-2)
    fynu.indicator_values.create(indicator=training, value=60)
    report(world, q4, world.fynu, status=ReportStatus.APPROVED, day=-1)
    report(world, q4, world.ahnu, status=ReportStatus.SUBMITTED, day=5)
    summaries_refresh(programme=world.programme)
    return q3, q4


def test_the_province_sees_its_figures_and_the_late_reports(client, world: World, anhui) -> None:
    q3, q4 = anhui
    client.force_login(world.users["anhui_edu"])
    url = reverse("dashboards:province")
    response = client.get(url, {"programme": "national", "region": "34", "period": q3.pk})
    d = response.context["d"]
    assert (d.tally.expected, d.tally.received, d.tally.timely, d.tally.late) == (2, 1, 1, 1)
    rows = {c.name: c for c in d.children}
    assert rows["阜阳市"].tally.received == 1 and rows["芜湖市"].tally.received == 0
    assert rows["阜阳市"].attainment.actual == 60 and rows["阜阳市"].attainment.target_value == 100
    training = {t.code: a for t, a, _zones in d.indicators}["N5"]
    assert (training.actual, training.percent, training.gap) == (60, 60, 40)
    trend = {p.pk: t for p, t, _a, _z in d.trend}
    assert (trend[q3.pk].completeness, trend[q4.pk].completeness) == (50, 100)
    assert (trend[q3.pk].timeliness, trend[q4.pk].timeliness) == (50, 50)

    heat = response.context["charts"]["heat"]
    assert heat["rows"] == [c.name for c in d.children] and len(heat["columns"]) == 2
    wuhu = heat["rows"].index("芜湖市")
    cell = next(c for c in heat["cells"] if c[0] == wuhu and c[1] == 0)
    assert cell[2] == 0 and cell[3] and f"period={q3.pk}" in cell[3]
    late = client.get(cell[3])
    assert [s.institution for s in late.context["slots"]] == [world.ahnu]
    assert "安徽师范大学" in late.content.decode()

    # Late in Q4 as well (submitted five days after the due date): the whole round lists both.
    late = client.get(
        reverse("dashboards:late"), {"programme": "national", "region": "34", "all": "1"}
    )
    assert [(s.period, s.institution) for s in late.context["slots"]] == [
        (q3, world.ahnu),
        (q4, world.ahnu),
    ]

    # Drill down to one institution: the same figures for it alone.
    response = client.get(
        url, {"programme": "national", "institution": world.fynu.pk, "period": q3.pk}
    )
    d = response.context["d"]
    assert d.filters.institution == world.fynu
    assert (d.tally.expected, d.tally.received) == (1, 1)
    assert [c.name for c in d.children] == ["阜阳师范大学"]
    assert d.children[0].attainment.actual == 60


def test_another_province_is_not_found_by_editing_the_url(client, world: World, anhui) -> None:
    client.force_login(world.users["anhui_edu"])
    url = reverse("dashboards:province")
    assert client.get(url, {"programme": "national", "region": "63"}).status_code == 404
    assert (
        client.get(url, {"programme": "national", "institution": world.qhnu.pk}).status_code == 404
    )
    assert client.get(reverse("dashboards:late"), {"region": "6301"}).status_code == 404
    response = client.get(url, {"programme": "national"})  # no region: its own province
    assert response.context["f"].code == "34"
    assert client.get(url, {"region": "34", "period": "x", "kind": "nonsense"}).status_code == 200


def test_each_role_starts_on_its_dashboard(client, world: World) -> None:
    expected = {
        "guangdong_edu": reverse("dashboards:province"),
        "bnu_coordinator": reverse("dashboards:coordinator"),
        "fynu_contact": reverse("programmes:list"),
    }
    for name, target in expected.items():
        client.force_login(world.users[name])
        assert client.get("/").url == target
        client.logout()


def test_the_coordinator_sees_what_needs_doing(client, world: World, anhui, training) -> None:
    q3, _q4 = anhui
    project = Project.objects.create(
        programme=world.programme,
        area=world.programme.content_areas.get(),
        consortium=world.consortium,
        title="骨干教师研修",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    Milestone.objects.create(
        project=project, title="结业汇报", due_on=TODAY + dt.timedelta(days=12)
    )
    Milestone.objects.create(
        project=project, title="远期总结", due_on=TODAY + dt.timedelta(days=90)
    )
    SchoolPlan.objects.create(
        consortium=world.consortium,
        phase=world.phase,
        college=world.fynu,
        supporter=world.ahnu,
        title="阜阳师大提质计划",
        status=PlanStatus.SUBMITTED,
    )
    client.force_login(world.users["bnu_coordinator"])
    response = client.get(reverse("dashboards:coordinator"))
    board = response.context["board"]
    assert [r.institution for r in board.awaiting_review.items] == [world.ahnu]
    assert [m.title for m in board.milestones_due.items] == ["结业汇报"]
    assert [p.college for p in board.plans_awaiting.items] == [world.fynu]
    late = {(s.institution, s.period) for s in board.late_reports.items}
    assert (world.ahnu, q3) in late and (world.fynu, q3) not in late
    assert [s.indicator for s in board.behind.items] == [training]  # 60 of 100 at the end
    page = response.content.decode()
    for link in (
        reverse("reports:detail", args=[board.awaiting_review.items[0].pk]),
        reverse("projects:plan", args=[board.plans_awaiting.items[0].pk]),
        reverse("projects:indicator", args=[training.pk]),
        reverse("projects:visit_create", args=[world.consortium.pk]),
    ):
        assert link in page
    assert "尚未指派专家" in page


def _export(client, params: dict, on_commit):
    with on_commit(execute=True):  # the job runs (eagerly) once the request commits
        response = client.post(reverse("outputs:new", args=["dashboard"]), params)
    job = OutputJob.objects.filter(kind="dashboard").latest("pk")
    assert response.status_code == 302 and job.status == "done", job.error
    return load_workbook(
        io.BytesIO(b"".join(client.get(reverse("outputs:download", args=[job.pk]))))
    )


def test_the_export_holds_the_pages_tables(
    client, world: World, anhui, django_capture_on_commit_callbacks
) -> None:
    q3, _q4 = anhui
    client.force_login(world.users["anhui_edu"])
    params = {"programme": "national", "region": "34", "period": q3.pk, "indicator": "N5"}
    book = _export(client, params, django_capture_on_commit_callbacks)
    rows = {r[0]: r for r in book["下钻"].iter_rows(min_row=2, values_only=True)}
    assert rows["阜阳市"][4:8] == (1, 1, 1, 0) and rows["芜湖市"][4:8] == (1, 0, 0, 1)
    assert book["指标完成情况"]["A2"].value == "协同培训学时"
    assert book["指标完成情况"]["D2"].value == 60
    assert book["报送完整率"]["B2"].number_format == "0%"

    # A name that looks like a formula is written as text, never evaluated.
    world.ahnu.name = '=HYPERLINK("http://x","安徽师大")'
    world.ahnu.save()
    book = _export(client, {**params, "region": "3402"}, django_capture_on_commit_callbacks)
    cell = book["下钻"]["A2"]
    assert cell.value == world.ahnu.name and cell.data_type == "s" and cell.quotePrefix

    # Another province's dashboard cannot be exported by posting its code.
    response = client.post(reverse("outputs:new", args=["dashboard"]), {**params, "region": "44"})
    assert response.status_code == 403


def grow(world: World, period: ReportingPeriod, n: int) -> None:
    """n more colleges in the BNU consortium, each with a report awaiting review, a late
    report, an indicator behind target and a milestone due soon."""
    from pairings.models import Membership
    from schools.models import Institution, InstitutionKind

    area = world.programme.content_areas.get()
    late = quarter(world, dt.date(2025, 4, 1)) if n else None
    for i in range(n):
        college = Institution.objects.create(
            name=f"加测学院{i}-{n}", kind=InstitutionKind.NORMAL_COLLEGE, region=world.fynu.region
        )
        Membership.objects.create(
            consortium=world.consortium, institution=college, role="supported"
        )
        report(world, period, college, status=ReportStatus.SUBMITTED, day=-1)
        assert late is not None
        report(world, late, college, status=ReportStatus.DRAFT)
        project = Project.objects.create(
            programme=world.programme,
            area=area,
            consortium=world.consortium,
            title=f"加测项目{i}-{n}",
            starts_on=dt.date(2025, 1, 1),
            ends_on=dt.date(2025, 12, 31),
        )
        project.units.create(institution=college)
        Milestone.objects.create(project=project, title="汇报", due_on=TODAY + dt.timedelta(days=5))
        indicator = Indicator.objects.create(project=project, name="培训人次", unit="人次")
        IndicatorTarget.objects.create(indicator=indicator, phase=world.phase, value=50)
    summaries_refresh(programme=world.programme)


def test_the_coordinator_dashboard_queries_do_not_grow(
    client, world: World, anhui, django_assert_max_num_queries
) -> None:
    q3, _q4 = anhui
    client.force_login(world.users["bnu_coordinator"])
    url = reverse("dashboards:coordinator")
    client.get(url)
    counts = []
    for n in (0, 8):
        grow(world, q3, n)
        # session, user and scope (7), the consortia (1); each list and its count (review,
        # late, milestones due, plans, behind: 10), overdue milestones (1), the visit rule (3).
        with django_assert_max_num_queries(22) as captured:
            board = client.get(url).context["board"]
        counts.append(len(captured))
    assert board.awaiting_review.count == 9 and board.behind.count == 9
    assert counts[0] == counts[1], counts


def test_a_changed_target_moves_the_standing(
    world: World, anhui, training: Indicator, django_capture_on_commit_callbacks
) -> None:
    from projects.services.indicators import indicator_save

    standing = IndicatorStanding.objects.get(indicator=training, phase=world.phase)
    assert (standing.target, standing.percent) == (Decimal(100), 60)
    with django_capture_on_commit_callbacks(execute=True):
        indicator_save(
            user=world.users["admin"],
            indicator=training,
            targets=[IndicatorTarget(phase=world.phase, value=Decimal(50))],
        )
    standing = IndicatorStanding.objects.get(indicator=training, phase=world.phase)
    assert (standing.target, standing.percent, standing.standing) == (
        Decimal(50),
        120,
        Standing.ON_TRACK,
    )
