"""Field visits and the yearly compliance rule of seed 000 §四(五), and meetings."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from projects.choices import MeetingKind
from projects.models import Meeting, Visit
from projects.selectors import visit_compliance
from projects.services.activities import meeting_save, visit_save
from tests.world import World

pytestmark = pytest.mark.django_db


def visit(
    world: World, visiting, visited, day: dt.date, *, user=None, leader: bool = True
) -> Visit:
    return visit_save(
        user=user or world.users["bnu_coordinator"],
        visit=Visit(
            consortium=world.consortium,
            visiting=visiting,
            visited=visited,
            leader_name="张三",
            leader_post="副校长",
            is_responsible_leader=leader,
            starts_on=day,
            ends_on=day,
            purpose="调研",
        ),
    )


def missing(world: World, year: int) -> list[str]:
    rows = visit_compliance(consortium=world.consortium, year=year)
    return [f"{r.visiting.name}{'（牵头）' if r.is_lead_rule else ''}" for r in rows if not r.ok]


def test_compliance_shows_who_is_missing(world: World) -> None:
    assert missing(world, 2024) == [
        "北京师范大学（牵头）",
        "北京师范大学",
        "安徽师范大学",
        "西北师范大学",
        "四川师范大学",
    ]
    visit(world, world.ahnu, world.fynu, dt.date(2024, 4, 1), user=world.users["ahnu_contact"])
    visit(world, world.nwnu, world.abtc, dt.date(2024, 5, 1))
    visit(world, world.sicnu, world.xcyz, dt.date(2023, 5, 1))  # another year
    visit(world, world.sicnu, world.xcyz, dt.date(2024, 6, 1), leader=False)  # not the leader
    # BNU's visit to its own college meets both its rules; to another college only the lead one.
    visit(world, world.bnu, world.abtc, dt.date(2024, 9, 1))
    assert missing(world, 2024) == ["北京师范大学", "四川师范大学"]
    visit(world, world.bnu, world.qhnu, dt.date(2024, 10, 1))
    assert missing(world, 2024) == ["四川师范大学"]
    assert "北京师范大学（牵头）" in missing(world, 2025)


def test_pairings_not_running_in_the_year_are_not_required(world: World) -> None:
    pairing = world.pairings[3]  # 四川师大 → 西昌民族幼专
    pairing.starts_on = dt.date(2025, 1, 1)
    pairing.save()
    assert "四川师范大学" not in missing(world, 2024)
    assert "四川师范大学" in missing(world, 2025)


def test_visits_are_between_universities_and_colleges_of_the_consortium(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        visit(world, world.fynu, world.ahnu, dt.date(2024, 4, 1))
    assert set(error.value.message_dict) == {"visiting", "visited"}
    with pytest.raises(ValidationError, match="不是该组团的重点支持院校"):
        visit(world, world.ahnu, world.jiaying, dt.date(2024, 4, 1))


def test_who_records_visits_and_meetings(world: World) -> None:
    with pytest.raises(PermissionDenied):  # 安徽师大 cannot record 西北师大's visit
        visit(world, world.nwnu, world.abtc, dt.date(2024, 4, 1), user=world.users["ahnu_contact"])
    meeting = Meeting(
        consortium=world.consortium,
        kind=MeetingKind.JOINT,
        title="第一次联席会议",
        held_on=dt.date(2022, 4, 28),
    )
    with pytest.raises(PermissionDenied):
        meeting_save(user=world.users["ahnu_contact"], meeting=meeting, attendees=[world.ahnu])
    saved = meeting_save(
        user=world.users["bnu_coordinator"], meeting=meeting, attendees=[world.ahnu, world.bnu]
    )
    assert set(saved.attendees.all()) == {world.ahnu, world.bnu}


def test_visits_and_meetings_are_corrected_only_by_who_recorded_them(client, world: World) -> None:
    recorded = visit(world, world.nwnu, world.abtc, dt.date(2024, 4, 1))
    edit = reverse("projects:visit_edit", args=[recorded.pk])
    client.force_login(world.users["ahnu_contact"])
    assert client.get(edit).status_code == 403
    client.force_login(world.users["guangdong_edu"])
    assert client.get(edit).status_code == 404
    meeting = meeting_save(
        user=world.users["bnu_coordinator"],
        meeting=Meeting(
            consortium=world.consortium,
            kind=MeetingKind.JOINT,
            title="会",
            held_on=dt.date(2024, 1, 1),
        ),
    )
    client.force_login(world.users["bnu_coordinator"])
    response = client.post(
        reverse("projects:meeting_edit", args=[meeting.pk]),
        {"kind": MeetingKind.LEADING_GROUP, "title": "领导小组会议", "held_on": "2024-01-02"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.kind, meeting.title) == (MeetingKind.LEADING_GROUP, "领导小组会议")
    client.force_login(world.users["ahnu_contact"])
    assert client.get(reverse("projects:meeting_edit", args=[meeting.pk])).status_code == 403


def test_the_compliance_page_opens_on_the_programmes_last_year_once_it_ended(client, world):
    client.force_login(world.users["bnu_coordinator"])
    response = client.get(reverse("projects:visits", args=[world.consortium.pk]))
    assert world.programme.ends_on.year == 2025  # the world's programme ended before today
    assert response.context["year"] == 2025
    assert "未落实" in response.content.decode()
