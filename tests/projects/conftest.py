"""The test world's work: a project run by 安徽师大 for 阜阳师大 with an indicator fed by
activities, 阜阳师大's submitted plan with bnu_expert assigned, a visit and a meeting; plus a
project and a plan in the other (华南师大) consortium that the BNU roles never see."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from pairings.models import Pairing
from projects.choices import ActivityKind, ActualSource, MeetingKind, TargetBasis
from projects.models import (
    Indicator,
    IndicatorTemplate,
    Meeting,
    PlanReviewer,
    PlanVersion,
    Project,
    SchoolPlan,
    Visit,
)
from projects.services import plans as plan_services
from projects.services.activities import meeting_save, visit_save
from projects.services.indicators import indicator_adopt
from schools.models import InstitutionKind
from tests.factories import InstitutionFactory
from tests.projects.helpers import make_activity, make_project
from tests.world import World


@dataclass
class Work:
    project: Project
    indicator: Indicator
    plan: SchoolPlan
    other_project: Project
    other_plan: SchoolPlan


def add_project(world: World, title: str, template: IndicatorTemplate) -> tuple[Project, Indicator]:
    project = make_project(
        world,
        title=title,
        units=[world.ahnu, world.fynu],
        pairing=world.pairings[1],
        starts_on=dt.date(2024, 1, 1),
    )
    indicator = indicator_adopt(user=world.users["admin"], template=template, project=project)
    for month in (3, 6):
        make_activity(
            world,
            project,
            day=dt.date(2024, month, 1),
            teachers=10,
            hours=Decimal(8),
            indicators=[indicator],
        )
    visit_save(
        user=world.users["admin"],
        visit=Visit(
            consortium=world.consortium,
            visiting=world.ahnu,
            visited=world.fynu,
            leader_name=title,
            leader_post="副校长",
            starts_on=dt.date(2025, 3, 1),
            ends_on=dt.date(2025, 3, 2),
            purpose="调研",
        ),
    )
    meeting_save(
        user=world.users["admin"],
        meeting=Meeting(
            consortium=world.consortium,
            kind=MeetingKind.JOINT,
            title=title,
            held_on=dt.date(2025, 1, 1),
        ),
        attendees=[world.bnu, world.ahnu],
    )
    return project, indicator


def hours_template(world: World) -> IndicatorTemplate:
    template, _ = IndicatorTemplate.objects.get_or_create(
        programme=world.programme,
        code="N5",
        defaults={
            "name": "培训学时",
            "unit": "学时",
            "target_value": Decimal(100),
            "target_basis": TargetBasis.PER_YEAR,
            "source": ActualSource.ACTIVITY_HOURS,
            "activity_kind": ActivityKind.TRAINING,
        },
    )
    return template


def build_work(world: World) -> Work:
    project, indicator = add_project(world, "协同教研", hours_template(world))
    plan = plan_services.plan_create(
        user=world.users["ahnu_contact"],
        consortium=world.consortium,
        phase=world.phase,
        college=world.fynu,
        supporter=world.ahnu,
    )
    plan_services.plan_version_update(
        user=world.users["ahnu_contact"], plan=plan, goals="目标", needs="需求", measures="举措"
    )
    plan_services.plan_assign_experts(
        user=world.users["bnu_coordinator"], plan=plan, experts=[world.users["bnu_expert"]]
    )
    plan_services.plan_submit(user=world.users["ahnu_contact"], plan=plan)
    other_pairing = Pairing.objects.get(consortium=world.other_consortium)
    other_project = make_project(
        world, title="华南项目", units=[other_pairing.supporter], pairing=other_pairing
    )
    other_plan = plan_services.plan_create(
        user=world.users["admin"],
        consortium=world.other_consortium,
        phase=world.phase,
        college=world.jiaying,
        supporter=other_pairing.supporter,
    )
    return Work(project, indicator, plan, other_project, other_plan)


def grow_work(world: World, n: int) -> None:
    """n more projects (with indicator, activities, visit, meeting) and n more plans."""
    template = hours_template(world)
    for i in range(n):
        add_project(world, f"加测项目{Project.objects.count()}-{i}", template)
        college = InstitutionFactory.create(kind=InstitutionKind.NORMAL_COLLEGE)
        # Straight to the tables: only the list's reads are under test here.
        plan = SchoolPlan.objects.create(
            consortium=world.consortium,
            phase=world.phase,
            college=college,
            supporter=world.ahnu,
            title=f"加测计划{college.pk}",
        )
        PlanVersion.objects.create(plan=plan, number=1)
        PlanReviewer.objects.create(plan=plan, expert=world.users["bnu_expert"])


@pytest.fixture
def work(world: World) -> Work:
    return build_work(world)
