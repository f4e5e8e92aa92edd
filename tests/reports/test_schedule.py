"""The fixed beat schedule names tasks that exist and that do their work."""

import datetime as dt
import importlib

import pytest
from django.conf import settings

from config.celery import app
from reports import tasks
from reports.models import ReportingPeriod
from tests.world import World


def test_every_scheduled_task_is_registered() -> None:
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert names == {
        "reports.tasks.periods_create_ahead",
        "reports.tasks.reminders_send_daily",
        "outputs.tasks.outputs_fail_stale",
        "imports.tasks.imports_fail_stale",
        "outputs.tasks.outputs_expire",
        "dashboards.tasks.summaries_refresh_all",
    }
    for name in names:  # what the worker's autodiscovery does at start
        importlib.import_module(name.rsplit(".", 1)[0])
    assert names <= set(app.tasks)


@pytest.mark.django_db
def test_the_periods_task_creates_the_next_period(world: World, settings) -> None:
    world.programme.ends_on = dt.date(2035, 12, 31)
    world.programme.save()
    created = tasks.periods_create_ahead.delay().get()  # eager in tests: runs in-process
    assert created > 0
    latest = ReportingPeriod.objects.filter(programme=world.programme).latest("starts_on")
    assert latest.starts_on > dt.date.today()  # the period after today's is there already
    assert tasks.periods_create_ahead.delay().get() == 0
