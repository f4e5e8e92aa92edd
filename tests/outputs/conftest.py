import datetime as dt
from decimal import Decimal

import pytest

from projects.choices import ActualSource
from projects.models import Indicator, IndicatorTarget
from projects.services.indicators import indicator_save
from reports.models import QuarterlyReport, ReportingPeriod
from tests.projects.helpers import areas, make_activity, make_project
from tests.reports.conftest import make_period
from tests.reports.helpers import fill
from tests.world import World


@pytest.fixture
def summary_period(world: World) -> ReportingPeriod:
    """A past quarter with: 阜阳师大 reported on time (narrative, highlights), 安徽师大 late,
    the others missing; a project of 安徽师大 + 阜阳师大 with a derived indicator."""
    areas(world)
    period = make_period(world, name="2024年第1季度")
    period.starts_on, period.ends_on = dt.date(2024, 1, 1), dt.date(2024, 3, 31)
    period.opens_on, period.due_on = dt.date(2024, 1, 1), dt.date(2024, 4, 10)
    period.locks_on = dt.date(2099, 1, 1)
    period.save()
    project = make_project(
        world, title="青年骨干教师培育", units=[world.ahnu, world.fynu], pairing=world.pairings[1]
    )
    hours = indicator_save(
        user=world.users["admin"],
        indicator=Indicator(project=project, name="培训学时", source=ActualSource.ACTIVITY_HOURS),
        targets=[IndicatorTarget(year=2024, value=Decimal(100))],
    )
    make_activity(world, project, day=dt.date(2024, 2, 1), hours=Decimal(30), indicators=[hours])
    sections = {
        a.pk: {"work_done": f"{a.name}：开展送教下乡", "next_plan": "继续"}
        for a in period.programme.content_areas.all()
    }
    fill(world.users["fynu_contact"], period, world.fynu, sections=sections)
    QuarterlyReport.objects.filter(institution=world.fynu).update(
        highlights="阜阳师大亮点经验", first_submitted_at=dt.datetime(2024, 4, 5, 9, tzinfo=dt.UTC)
    )
    fill(world.users["ahnu_contact"], period, world.ahnu)
    QuarterlyReport.objects.filter(institution=world.ahnu).update(
        first_submitted_at=dt.datetime(2024, 4, 20, 9, tzinfo=dt.UTC)
    )
    return period
