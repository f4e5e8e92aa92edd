"""Values computed from the system's data, per party and calendar year (the BNU world:
安徽师范大学 supports 阜阳师范大学 in the national programme)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from assessments import metrics
from assessments.models import AssessmentScheme, Basis, Metric
from programmes.services import content_areas_ensure
from projects.choices import ActivityKind
from projects.models import (
    Activity,
    Indicator,
    IndicatorTemplate,
    Milestone,
    Project,
    Visit,
)
from reports.models import IndicatorValue, QuarterlyReport, ReportingPeriod, ReportStatus
from tests.world import World

D = Decimal


def _scheme(world: World) -> AssessmentScheme:
    return AssessmentScheme.objects.create(
        programme=world.programme, year=2025, name="2025 年度考核", basis=Basis.ROLE
    )


def _pairing(world: World):
    return world.pairings[1]  # 安徽师范大学 → 阜阳师范大学


def test_visits_milestones_and_training_hours(world: World) -> None:
    scheme, pairing = _scheme(world), _pairing(world)
    assert (pairing.supporter, pairing.supported) == (world.ahnu, world.fynu)
    for day in (dt.date(2025, 5, 10), dt.date(2024, 5, 10)):  # only 2025 counts
        Visit.objects.create(
            consortium=world.consortium,
            visiting=world.ahnu,
            leader_name="张校长",
            leader_post="副校长（分管）",
            visited=world.fynu,
            starts_on=day,
            ends_on=day,
            purpose="调研帮扶项目",
        )
    area = content_areas_ensure(programme=world.programme, areas=[("1", "教师培训", "", False)])
    project = Project.objects.create(
        programme=world.programme,
        area=area[0],
        consortium=world.consortium,
        pairing=pairing,
        title="骨干教师研修",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    for due, done in [
        (dt.date(2025, 3, 31), dt.date(2025, 3, 30)),  # on time
        (dt.date(2025, 6, 30), dt.date(2025, 7, 15)),  # late
        (dt.date(2025, 9, 30), None),  # not done
    ]:
        Milestone.objects.create(project=project, title="阶段", due_on=due, done_on=done)
    for kind, length in [(ActivityKind.TRAINING, D(6)), (ActivityKind.EXCHANGE, D(3))]:
        Activity.objects.create(
            pairing=pairing,
            project=project,
            kind=kind,
            title="集中研修",
            starts_on=dt.date(2025, 4, 1),
            ends_on=dt.date(2025, 4, 2),
            organiser=world.ahnu,
            teachers=10,
            principals=2,
            hours=length,
        )
    parties = [world.ahnu.pk, world.fynu.pk, world.bnu.pk]

    visits = metrics.computed(scheme, Metric.VISITS, None, parties, 2025)
    assert visits[world.ahnu.pk].value == 1 and visits[world.ahnu.pk].trace == {
        "made": 1,
        "hosted": 0,
    }
    assert visits[world.fynu.pk].trace == {"made": 0, "hosted": 1}
    assert visits[world.bnu.pk].value == 0

    milestones = metrics.computed(scheme, Metric.MILESTONES_ON_TIME, None, parties, 2025)
    assert milestones[world.ahnu.pk].value == D("33.33")  # 1 of 3 by its date
    assert milestones[world.fynu.pk].trace == {"due": 3, "on_time": 1}
    assert world.bnu.pk not in milestones  # no milestones: no data, not 0 %

    hours = metrics.computed(scheme, Metric.TRAINING_HOURS, None, parties, 2025)
    assert hours[world.ahnu.pk].value == D(72)  # 6 hours × 12 people; the exchange not counted
    assert hours[world.fynu.pk].value == D(72) and hours[world.bnu.pk].value == 0


def test_indicator_actuals_from_received_reports(world: World) -> None:
    scheme, pairing = _scheme(world), _pairing(world)
    template = IndicatorTemplate.objects.create(
        programme=world.programme, code="N5", name="协同培训学时", unit="学时"
    )
    indicator = Indicator.objects.create(
        pairing=pairing, template=template, name=template.name, unit="学时"
    )
    for month, status, value in [
        (1, ReportStatus.APPROVED, 30),
        (4, ReportStatus.SUBMITTED, 20),
        (7, ReportStatus.DRAFT, 99),  # not received: not counted
    ]:
        start = dt.date(2025, month, 1)
        period = ReportingPeriod.objects.create(
            programme=world.programme,
            name=f"2025年第{(month + 2) // 3}季度",
            starts_on=start,
            ends_on=start + dt.timedelta(days=89),
            opens_on=start,
            due_on=start + dt.timedelta(days=100),
            locks_on=start + dt.timedelta(days=120),
        )
        report = QuarterlyReport.objects.create(
            period=period,
            institution=world.ahnu,
            consortium=world.consortium,
            status=status,
            submitted_at=timezone.now() if status != ReportStatus.DRAFT else None,
        )
        IndicatorValue.objects.create(report=report, indicator=indicator, value=D(value))
    actuals = metrics.computed(
        scheme, Metric.INDICATOR_ACTUAL, template, [world.ahnu.pk, world.fynu.pk], 2025
    )
    assert actuals[world.ahnu.pk].value == D(50)
    assert actuals[world.ahnu.pk].trace == {"template": "N5", "quarters": 2}
    assert world.fynu.pk not in actuals
    template.aggregation = "latest"
    template.save()
    latest = metrics.computed(scheme, Metric.INDICATOR_ACTUAL, template, [world.ahnu.pk], 2025)
    assert latest[world.ahnu.pk].value == D(20)
    assert latest[world.ahnu.pk].trace == {"template": "N5", "period": "2025年第2季度"}
