import datetime as dt

import pytest
from django.utils import timezone

from programmes.services import content_areas_ensure
from reports.models import ReportingPeriod
from tests.world import World


def make_period(world: World, *, due_in_days: int = 10, name: str = "本季度") -> ReportingPeriod:
    """A period around today (the real date): due in `due_in_days`, locked 20 days later."""
    today = timezone.localdate()
    due = today + dt.timedelta(days=due_in_days)
    return ReportingPeriod.objects.create(
        programme=world.programme,
        name=name,
        starts_on=due - dt.timedelta(days=100),
        ends_on=due - dt.timedelta(days=10),
        opens_on=due - dt.timedelta(days=100),
        due_on=due,
        locks_on=due + dt.timedelta(days=20),
    )


@pytest.fixture
def areas(world: World):
    return content_areas_ensure(
        programme=world.programme,
        areas=[("1", "人才队伍建设", "", False), ("2", "学科专业建设", "", False)],
    )


@pytest.fixture
def period(world: World, areas) -> ReportingPeriod:
    return make_period(world)
