"""Building blocks for the projects tests: projects, activities and plans on the test world,
made through the services so every rule applies."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from programmes.services import content_areas_ensure
from projects.choices import ActivityKind
from projects.models import Activity, Indicator, Project, ResponsibleUnit
from projects.services.activities import activity_save
from projects.services.projects import project_save
from schools.models import Institution
from tests.world import World


def areas(world: World) -> dict[str, Any]:
    found = content_areas_ensure(
        programme=world.programme,
        areas=[
            ("1", "人才队伍建设", "", False),
            ("2", "学科专业建设", "", False),
            ("X", "组团特色项目", "", True),
        ],
    )
    return {a.code: a for a in found}


def make_project(
    world: World,
    *,
    user: User | None = None,
    title: str = "青年骨干教师培育",
    units: list[Institution] | None = None,
    area: str = "1",
    pairing: Any = None,
    **fields: Any,
) -> Project:
    project = Project(
        programme=world.programme,
        area=areas(world)[area],
        consortium=pairing.consortium if pairing is not None else world.consortium,
        pairing=pairing,
        title=title,
        starts_on=fields.pop("starts_on", dt.date(2023, 1, 1)),
        ends_on=fields.pop("ends_on", dt.date(2025, 12, 31)),
        **fields,
    )
    return project_save(
        user=user or world.users["admin"],
        project=project,
        units=[ResponsibleUnit(institution=i) for i in (units or [world.bnu])],
    )


def make_activity(
    world: World,
    project: Project,
    *,
    day: dt.date,
    kind: str = ActivityKind.TRAINING,
    indicators: list[Indicator] | None = None,
    user: User | None = None,
    **counts: Any,
) -> Activity:
    hours = counts.pop("hours", Decimal(0))
    return activity_save(
        user=user or world.users["admin"],
        activity=Activity(
            project=project,
            kind=kind,
            title=f"{kind} {day}",
            starts_on=day,
            ends_on=day,
            organiser=world.bnu,
            hours=hours,
            **counts,
        ),
        indicators=indicators or [],
    )
