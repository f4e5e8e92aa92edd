"""The bulletin's rules: numbering per programme and year, pushing news, building an issue from
news, publishing (and nothing changes after)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.selectors import bulletin_issues_visible_to, news_items_visible_to
from bulletins import services
from bulletins.models import IssueStatus, NewsStatus, Section
from tests.bulletins.conftest import make_issue, push
from tests.world import World

pytestmark = pytest.mark.django_db


def test_issues_are_numbered_per_year(world: World, anhui, guangdong) -> None:
    editor = world.users["anhui_edu"]

    def create(day: dt.date, programme=anhui, user=editor):
        return services.issue_create(user=user, programme=programme, issued_on=day)

    first, second = create(dt.date(2023, 3, 1)), create(dt.date(2023, 11, 25))
    assert (first.number, second.number) == (1, 2)
    assert second.label == "〔2023〕第2期"
    assert second.title == "安徽省高校与县域基础教育协同提质行动 工作动态"
    assert create(dt.date(2024, 1, 5)).label == "〔2024〕第1期"  # a new year restarts
    # Another programme counts on its own.
    other = create(dt.date(2023, 5, 1), guangdong, world.users["guangdong_edu"])
    assert other.number == 1
    with pytest.raises(PermissionDenied):
        create(dt.date(2023, 5, 1), guangdong)  # 安徽省教育厅 is not 广东's office


def test_issue_date_stays_in_its_year(world: World, anhui) -> None:
    issue = make_issue(world, anhui)
    with pytest.raises(ValidationError) as error:
        services.issue_update(user=world.users["admin"], issue=issue, issued_on=dt.date(2024, 1, 2))
    assert "编发日期须在 2023 年内" in str(error.value.message_dict["issued_on"])


def test_who_pushes_news(world: World, anhui, guangdong) -> None:
    item = push(world, anhui, section=Section.EXPERTS, happened_on=dt.date(2023, 11, 20))
    assert item.status == NewsStatus.SUBMITTED and item.author == world.users["fynu_info"]
    # The provincial department pushes its own news to its province's programme.
    services.news_push(
        user=world.users["anhui_edu"],
        programme=anhui,
        institution=world.anhui_department,
        title="省教育厅召开推进会",
        body="省教育厅召开全省协同提质行动推进会。",
    )
    refused = [
        ("fynu_info", anhui, world.ahnu),  # not their unit
        ("bnu_coordinator", anhui, world.bnu),  # cannot see the programme
        ("fynu_info", guangdong, world.fynu),  # cannot see the programme
        ("alice", anhui, world.fynu),
        ("admin", anhui, world.fynu),  # news come from a unit's people
    ]
    for username, programme, institution in refused:
        with pytest.raises(PermissionDenied):
            services.news_push(
                user=world.users.get(username, world.alice),
                programme=programme,
                institution=institution,
                title="标题",
                body="正文",
            )
    with pytest.raises(ValidationError) as error:
        push(world, anhui, title="  ")
    assert "title" in error.value.message_dict


def test_who_sees_news_items(world: World, anhui) -> None:
    item = push(world, anhui)
    for username, sees in [
        ("fynu_info", True),
        ("fynu_contact", True),  # same unit
        ("anhui_edu", True),  # the programme's office
        ("ahnu_contact", False),  # another unit of the programme
        ("guangdong_edu", False),
        ("admin", True),
    ]:
        visible = news_items_visible_to(world.users[username]).filter(pk=item.pk).exists()
        assert visible is sees, username


def test_build_an_issue_from_news(world: World, anhui) -> None:
    editor = world.users["anhui_edu"]
    item = push(world, anhui, title="阜阳师大送教下乡", section=Section.LOCAL)
    issue = services.issue_create(user=editor, programme=anhui, issued_on=dt.date(2023, 11, 25))
    entry = services.entry_add_from_news(user=editor, issue=issue, item=item)
    item.refresh_from_db()
    assert item.status == NewsStatus.USED
    assert (entry.section, entry.lead, entry.body) == (
        Section.LOCAL,
        "阜阳师大送教下乡。",
        item.body,
    )
    with pytest.raises(ValidationError):
        services.entry_add_from_news(user=editor, issue=issue, item=item)  # used once
    with pytest.raises(PermissionDenied):
        services.entry_add_from_news(user=world.users["fynu_info"], issue=issue, item=item)
    edited = services.entry_update(
        user=editor, entry=entry, section=Section.EXPERTS, lead="", body="改写后的正文。"
    )
    assert (edited.section, edited.lead, edited.body) == (Section.EXPERTS, "", "改写后的正文。")
    item.refresh_from_db()
    assert item.body != edited.body  # the office edits its copy, not the unit's item
    services.entry_delete(user=editor, entry=edited)
    item.refresh_from_db()
    assert item.status == NewsStatus.SUBMITTED  # back in the pool


def test_reorder_within_a_section(world: World, anhui) -> None:
    editor = world.users["anhui_edu"]
    issue = services.issue_create(user=editor, programme=anhui, issued_on=dt.date(2023, 11, 25))
    a, _b, c = (
        services.entry_create(user=editor, issue=issue, section=Section.LOCAL, body=text)
        for text in ("甲", "乙", "丙")
    )
    services.entry_move(user=editor, entry=c, step=-1)
    order = list(issue.entries.order_by("order").values_list("body", flat=True))
    assert order == ["甲", "丙", "乙"]
    with pytest.raises(ValidationError):
        services.entry_reorder(user=editor, issue=issue, section=Section.LOCAL, entry_ids=[a.pk])


def test_publish_needs_entries_and_distribution(world: World, anhui) -> None:
    editor = world.users["anhui_edu"]
    issue = services.issue_create(user=editor, programme=anhui, issued_on=dt.date(2023, 11, 25))
    with pytest.raises(ValidationError) as error:
        services.issue_publish(user=editor, issue=issue)
    assert set(error.value.message_dict) == {"entries", "report_to", "send_to"}
    services.entry_create(user=editor, issue=issue, section=Section.PROVINCIAL, body="正文")
    services.issue_update(user=editor, issue=issue, report_to="领导小组组长")
    with pytest.raises(ValidationError) as error:
        services.issue_publish(user=editor, issue=issue)
    assert set(error.value.message_dict) == {"send_to"}
    with pytest.raises(PermissionDenied):
        services.issue_publish(user=world.users["fynu_info"], issue=issue)
    services.issue_update(user=editor, issue=issue, send_to="各设区市教育局")
    published = services.issue_publish(user=editor, issue=issue)
    assert published.status == IssueStatus.PUBLISHED
    assert published.published_by == editor and published.published_at is not None
    assert published.printed_on is not None


def test_frozen_after_publishing(world: World, anhui) -> None:
    issue = make_issue(world, anhui, entries=2, publish=True)
    entry = issue.entries.all()[0]
    editor = world.users["admin"]
    item = push(world, anhui)
    attempts = [
        lambda: services.issue_update(user=editor, issue=issue, send_to="改"),
        lambda: services.entry_create(user=editor, issue=issue, section="local", body="新"),
        lambda: services.entry_add_from_news(user=editor, issue=issue, item=item),
        lambda: services.entry_update(
            user=editor, entry=entry, section="local", lead="", body="改"
        ),
        lambda: services.entry_delete(user=editor, entry=entry),
        lambda: services.issue_publish(user=editor, issue=issue),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="本期已印发"):
            attempt()
    assert issue.entries.count() == 2
    # The next issue carries the distribution list over.
    following = services.issue_create(user=editor, programme=anhui, issued_on=dt.date(2023, 12, 1))
    assert following.number == 2 and following.send_to == "各设区市教育局"


def test_drafts_only_for_the_office(world: World, anhui, guangdong) -> None:
    draft = make_issue(world, anhui)
    published = make_issue(world, anhui, publish=True)
    other_draft = make_issue(world, guangdong)
    for username, expected in [
        ("admin", {draft, published, other_draft}),
        ("anhui_edu", {draft, published}),
        ("guangdong_edu", {other_draft}),
        ("fynu_info", {published}),
        ("ahnu_contact", {published}),
        ("bnu_coordinator", set()),
    ]:
        assert set(bulletin_issues_visible_to(world.users[username])) == expected, username
