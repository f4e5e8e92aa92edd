"""The bulletin's test world: a provincial programme of 安徽 without consortia (安徽师范大学
supports 阜阳师范大学; 安徽省教育厅 edits its bulletin) and one of 广东 (广东省教育厅 edits)."""

import datetime as dt

import pytest

from bulletins import services
from bulletins.models import BulletinIssue, NewsItem, Section
from pairings.choices import PairingKind
from pairings.services import pairing_create
from programmes.models import Programme, ProgrammeLevel
from schools.models import InstitutionKind
from tests.factories import InstitutionFactory, ProgrammeFactory
from tests.world import World, anhui_programme


@pytest.fixture
def anhui(world: World) -> Programme:
    programme = anhui_programme(world)
    return programme


@pytest.fixture
def guangdong(world: World) -> Programme:
    programme = ProgrammeFactory.create(
        name="广东省结对帮扶行动",
        short_name="广东结对帮扶",
        slug="guangdong-test",
        level=ProgrammeLevel.PROVINCIAL,
        region=world.region("广东"),
        issuing_authority="广东省教育厅",
    )
    city = InstitutionFactory.create(kind=InstitutionKind.CITY_BUREAU, region=world.region("梅州"))
    pairing_create(
        programme=programme,
        kind=PairingKind.NORMAL_COLLEGE_CITY,
        supporter=world.jiaying,
        supported=city,
    )
    return programme


def push(world: World, programme: Programme, title: str = "阜阳师大送教下乡", **kw) -> NewsItem:
    return services.news_push(
        user=world.users["fynu_info"],
        programme=programme,
        institution=world.fynu,
        title=title,
        body=kw.pop("body", "阜阳师范大学组织30名教师赴试点县开展送教下乡活动。"),
        **kw,
    )


def make_issue(
    world: World, programme: Programme, *, entries: int = 1, publish: bool = False
) -> BulletinIssue:
    editor = world.users["admin"]
    issue = services.issue_create(
        user=editor,
        programme=programme,
        issued_on=dt.date(2023, 11, 25),
        issuing_office="省协同提质行动工作领导小组办公室",
    )
    issue = services.issue_update(
        user=editor,
        issue=issue,
        report_to="省协同提质行动领导小组组长、副组长",
        send_to="各设区市教育局",
    )
    for i in range(entries):
        services.entry_create(
            user=editor,
            issue=issue,
            section=list(Section)[i % 4],
            lead=f"第{i + 1}条导语。",
            body=f"第{i + 1}条正文：召开协同提质工作推进会。",
        )
    if publish:
        issue = services.issue_publish(user=editor, issue=issue)
    return issue
