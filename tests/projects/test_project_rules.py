"""Support projects: who may create and edit them, their rules, and their status history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from programmes.services import content_areas_ensure
from projects.choices import ProjectStatus
from projects.models import Milestone, Project, ProjectStatusChange, ResponsibleUnit
from projects.services.projects import project_save, project_transition
from tests.factories import ProgrammeFactory
from tests.projects.helpers import areas, make_project
from tests.world import World

pytestmark = pytest.mark.django_db


def test_a_member_university_creates_a_project_with_its_units_in_order(world: World) -> None:
    project = make_project(world, user=world.users["ahnu_contact"], units=[world.ahnu, world.bnu])
    assert [u.institution for u in project.units.all()] == [world.ahnu, world.bnu]
    assert project.lead_unit is not None and project.lead_unit.institution == world.ahnu
    assert project.status == ProjectStatus.PLANNED


def test_outsiders_cannot_create_in_a_consortium(world: World) -> None:
    for username in ("guangdong_edu", "bnu_expert", "anhui_edu"):
        with pytest.raises(PermissionDenied):
            make_project(world, user=world.users[username])
    assert not Project.objects.exists()


def test_a_contact_must_list_their_own_institution(world: World) -> None:
    with pytest.raises(ValidationError, match="责任单位中须包含您所在的单位"):
        make_project(world, user=world.users["fynu_contact"], units=[world.bnu])
    assert not Project.objects.exists()


def test_the_area_must_belong_to_the_programme(world: World) -> None:
    other = ProgrammeFactory.create()
    foreign_area = content_areas_ensure(programme=other, areas=[("1", "其他", "", False)])[0]
    project = Project(
        programme=world.programme,
        area=foreign_area,
        consortium=world.consortium,
        title="跨计划",
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2023, 12, 31),
    )
    with pytest.raises(ValidationError) as error:
        project_save(
            user=world.users["admin"],
            project=project,
            units=[ResponsibleUnit(institution=world.bnu)],
        )
    assert "不属于计划" in str(error.value.message_dict["area"])


def test_dates_stay_within_the_programme(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        make_project(world, starts_on=dt.date(2021, 1, 1))
    assert "计划期限" in str(error.value.message_dict["ends_on"])


def test_exchange_staff_funding_has_a_floor_per_person_year(world: World) -> None:
    world.programme.exchange_funding_per_person_year = Decimal(40000)
    world.programme.save()
    with pytest.raises(ValidationError) as error:
        make_project(world, exchange_person_years=Decimal("2.5"), exchange_funding=Decimal(90000))
    message = str(error.value.message_dict["exchange_funding"])
    assert "40,000" in message and "100,000" in message
    project = make_project(
        world, exchange_person_years=Decimal("2.5"), exchange_funding=Decimal(100000)
    )
    assert project.pk


def test_duplicate_unit_rows_are_named(world: World) -> None:
    project = Project(
        programme=world.programme,
        area=areas(world)["1"],
        consortium=world.consortium,
        title="重复",
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2023, 12, 31),
    )
    units = [ResponsibleUnit(institution=world.bnu), ResponsibleUnit(institution=world.bnu)]
    with pytest.raises(ValidationError, match="第 2 行"):
        project_save(user=world.users["admin"], project=project, units=units)
    assert not Project.objects.exists()


def test_a_bad_milestone_saves_nothing(world: World) -> None:
    project = Project(
        programme=world.programme,
        area=areas(world)["1"],
        consortium=world.consortium,
        title="未来完成",
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    with pytest.raises(ValidationError, match="实施步骤第 2 行"):
        project_save(
            user=world.users["admin"],
            project=project,
            units=[ResponsibleUnit(institution=world.bnu)],
            milestones=[
                Milestone(title="调研", due_on=dt.date(2023, 3, 1)),
                Milestone(title="验收", due_on=dt.date(2023, 6, 1), done_on=tomorrow),
            ],
        )
    assert not Project.objects.exists() and not Milestone.objects.exists()


def test_only_the_office_and_the_units_edit(world: World) -> None:
    project = make_project(world, units=[world.ahnu])
    project.title = "改名"
    for username in ("bnu_coordinator", "ahnu_contact"):
        project_save(
            user=world.users[username],
            project=project,
            units=[ResponsibleUnit(institution=world.ahnu)],
        )
    for username in ("fynu_contact", "anhui_edu", "carol"):
        with pytest.raises(PermissionDenied):
            project_save(
                user=world.users[username],
                project=project,
                units=[ResponsibleUnit(institution=world.ahnu)],
            )


def test_overdue_milestones(world: World) -> None:
    today = dt.date(2025, 6, 1)
    late = Milestone(title="迟", due_on=dt.date(2025, 5, 1))
    done = Milestone(title="完成", due_on=dt.date(2025, 5, 1), done_on=dt.date(2025, 5, 3))
    soon = Milestone(title="将到期", due_on=dt.date(2025, 6, 10))
    assert late.is_overdue(today) and not done.is_overdue(today) and not soon.is_overdue(today)


def test_status_changes_follow_the_rules_and_are_recorded(world: World) -> None:
    project = make_project(world, units=[world.ahnu])
    contact = world.users["ahnu_contact"]
    with pytest.raises(ValidationError, match="不能从“筹备中”改为“已完成”"):
        project_transition(user=contact, project=project, to_status=ProjectStatus.COMPLETED)
    project_transition(user=contact, project=project, to_status=ProjectStatus.ACTIVE)
    with pytest.raises(ValidationError):
        project_transition(user=contact, project=project, to_status=ProjectStatus.SUSPENDED)
    project_transition(
        user=contact, project=project, to_status=ProjectStatus.SUSPENDED, comment="经费未到位"
    )
    with pytest.raises(PermissionDenied):
        project_transition(
            user=world.users["fynu_contact"], project=project, to_status=ProjectStatus.ACTIVE
        )
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUSPENDED
    changes = list(ProjectStatusChange.objects.filter(project=project).order_by("changed_at", "id"))
    assert [(c.from_status, c.to_status, c.changed_by) for c in changes] == [
        (ProjectStatus.PLANNED, ProjectStatus.ACTIVE, contact),
        (ProjectStatus.ACTIVE, ProjectStatus.SUSPENDED, contact),
    ]
    assert changes[1].comment == "经费未到位"


def test_editing_never_changes_the_status(world: World) -> None:
    project = make_project(world)
    project.status = ProjectStatus.COMPLETED  # as a tampered form would
    project_save(
        user=world.users["admin"], project=project, units=[ResponsibleUnit(institution=world.bnu)]
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.PLANNED


def test_milestones_fall_within_the_project(world: World) -> None:
    project = Project(
        programme=world.programme,
        area=areas(world)["1"],
        consortium=world.consortium,
        title="期限",
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2023, 12, 31),
    )
    with pytest.raises(ValidationError, match="实施步骤第 1 行：计划完成日期须在项目期限"):
        project_save(
            user=world.users["admin"],
            project=project,
            units=[ResponsibleUnit(institution=world.bnu)],
            milestones=[Milestone(title="验收", due_on=dt.date(2024, 3, 1))],
        )
    assert not Project.objects.exists()
