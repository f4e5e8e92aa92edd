"""The bulletin in the browser: who gets which page, the editor, the issue laid out like the
printed bulletin, escaping, and constant query counts."""

import datetime as dt

import pytest
from django.urls import reverse

from bulletins import services
from bulletins.models import BulletinIssue, NewsItem, NewsStatus, Section
from tests.bulletins.conftest import make_issue, push
from tests.world import World

pytestmark = pytest.mark.django_db

EVERYONE = [
    "admin",
    "alice",
    "bnu_coordinator",
    "ahnu_contact",
    "fynu_contact",
    "fynu_info",
    "anhui_edu",
    "guangdong_edu",
    "bnu_expert",
    "carol",
]
OFFICE = {"admin", "anhui_edu"}  # edits the 安徽 programme's bulletin
SEES_ANHUI = OFFICE | {"ahnu_contact", "fynu_contact", "fynu_info"}
ACTS_FOR_A_UNIT = set(EVERYONE) - {"admin", "alice", "bnu_expert"}


def _expected(page: str, username: str) -> int:
    if page in ("index", "news"):
        return 200
    if page == "push":
        return 200 if username in ACTS_FOR_A_UNIT else 403
    if page in ("issues", "published"):
        return 200 if username in SEES_ANHUI else 404
    if page in ("draft", "edit_draft"):
        return 200 if username in OFFICE else 404
    if page == "edit_published":
        return 302 if username in OFFICE else 403 if username in SEES_ANHUI else 404
    if page == "other_province_draft":
        return 200 if username in {"admin", "guangdong_edu"} else 404
    raise AssertionError(page)


PAGES = [
    "index",
    "news",
    "push",
    "issues",
    "published",
    "draft",
    "edit_draft",
    "edit_published",
    "other_province_draft",
]


@pytest.mark.parametrize("username", EVERYONE)
def test_permission_matrix(client, world: World, anhui, guangdong, username) -> None:
    published = make_issue(world, anhui, publish=True)
    draft = make_issue(world, anhui)
    other = make_issue(world, guangdong)
    urls = {
        "index": reverse("bulletins:index"),
        "news": reverse("bulletins:news"),
        "push": reverse("bulletins:push"),
        "issues": reverse("bulletins:issues", args=[anhui.slug]),
        "published": reverse("bulletins:issue", args=[published.pk]),
        "draft": reverse("bulletins:issue", args=[draft.pk]),
        "edit_draft": reverse("bulletins:edit", args=[draft.pk]),
        "edit_published": reverse("bulletins:edit", args=[published.pk]),
        "other_province_draft": reverse("bulletins:issue", args=[other.pk]),
    }
    client.force_login(world.users.get(username, world.alice))
    got = {page: client.get(urls[page]).status_code for page in PAGES}
    assert got == {page: _expected(page, username) for page in PAGES}


def test_anonymous_users_sign_in_first(client, world: World, anhui) -> None:
    issue = make_issue(world, anhui, publish=True)
    response = client.get(reverse("bulletins:issue", args=[issue.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_changes_by_others_are_refused(client, world: World, anhui, guangdong) -> None:
    draft = make_issue(world, anhui)
    entry = draft.entries.get()
    client.force_login(world.users["fynu_info"])  # sees the programme, not the draft
    assert client.post(reverse("bulletins:publish", args=[draft.pk])).status_code == 404
    assert client.post(reverse("bulletins:entry_delete", args=[entry.pk])).status_code == 404
    assert client.post(reverse("bulletins:create", args=[anhui.slug])).status_code == 403
    client.force_login(world.users["guangdong_edu"])  # another province's office
    assert client.post(reverse("bulletins:create", args=[anhui.slug])).status_code == 404
    assert client.post(reverse("bulletins:publish", args=[draft.pk])).status_code == 404
    assert BulletinIssue.objects.filter(programme=anhui).count() == 1


def test_push_news_in_the_browser(client, world: World, anhui) -> None:
    client.force_login(world.users["fynu_info"])
    url = reverse("bulletins:push")
    form = client.get(url).context["form"]
    assert list(form.fields["institution"].queryset) == [world.fynu]
    data = {
        "programme": anhui.pk,
        "institution": world.fynu.pk,
        "title": "阜阳师大赴试点县送教",
        "body": "组织骨干教师送教下乡。",
        "section": Section.LOCAL,
        "happened_on": "2023-11-20",
    }
    assert client.post(url, data).status_code == 302
    item = NewsItem.objects.get()
    assert item.institution == world.fynu and item.status == NewsStatus.SUBMITTED
    # Someone else's unit is not a choice.
    response = client.post(url, {**data, "institution": world.ahnu.pk})
    assert response.status_code == 200 and "institution" in response.context["form"].errors
    assert "阜阳师大赴试点县送教" in client.get(reverse("bulletins:news")).content.decode()


def test_the_office_edits_an_issue_in_the_browser(client, world: World, anhui) -> None:
    item = push(world, anhui, title="阜阳师大送教下乡")
    client.force_login(world.users["anhui_edu"])
    response = client.post(reverse("bulletins:create", args=[anhui.slug]))
    issue = BulletinIssue.objects.get(programme=anhui)
    assert response["Location"] == reverse("bulletins:edit", args=[issue.pk])
    edit = client.get(response["Location"])
    assert "阜阳师大送教下乡" in edit.content.decode()  # offered for picking
    client.post(
        reverse("bulletins:entry_add", args=[issue.pk]),
        {"news_item": item.pk, "section": Section.EXPERTS},
    )
    entry = issue.entries.get()
    assert entry.section == Section.EXPERTS and entry.lead == "阜阳师大送教下乡。"
    client.post(
        reverse("bulletins:entry_edit", args=[entry.pk]),
        {"section": Section.EXPERTS, "lead": "联盟高校送教下乡。", "body": "改写。"},
    )
    client.post(
        reverse("bulletins:entry_new", args=[issue.pk]),
        {"section": Section.ELSEWHERE, "lead": "", "body": "浙江省宁波市鄞州区经验。"},
    )
    response = client.post(reverse("bulletins:publish", args=[issue.pk]), follow=True)
    assert "请填写“报”送范围" in response.content.decode()
    printed_on = issue.issued_on + dt.timedelta(days=2)
    client.post(
        reverse("bulletins:edit", args=[issue.pk]),
        {
            "title": issue.title,
            "issuing_office": "省协同提质行动工作领导小组办公室",
            "issued_on": issue.issued_on.isoformat(),
            "printed_on": printed_on.isoformat(),
            "report_to": "省协同提质行动领导小组组长、副组长",
            "send_to": "联盟高校、各设区市教育局",
        },
    )
    response = client.post(reverse("bulletins:publish", args=[issue.pk]), follow=True)
    issue.refresh_from_db()
    assert issue.is_published and issue.printed_on == printed_on
    body = response.content.decode()
    assert "【专家引领】" in body and "【他山之石】" in body and "【省级动态】" not in body
    assert "<strong>联盟高校送教下乡。</strong>改写。" in body
    assert f"{printed_on.year}年{printed_on.month}月{printed_on.day}日印发" in body


def test_the_issue_page_looks_like_the_bulletin(client, world: World, anhui) -> None:
    issue = make_issue(world, anhui, entries=4, publish=True)
    client.force_login(world.users["fynu_info"])
    body = client.get(reverse("bulletins:issue", args=[issue.pk])).content.decode()
    positions = [
        body.index(s) for s in ("【省级动态】", "【市县动态】", "【专家引领】", "【他山之石】")
    ]
    assert positions == sorted(positions)
    assert "〔2023〕第1期" in body and "2023年11月25日" in body
    assert "★ <strong>第1条导语。</strong>第1条正文" in body
    assert "省协同提质行动领导小组组长、副组长" in body
    assert f'name="issue" value="{issue.pk}"' in body  # the 生成 PDF button


def test_item_text_is_escaped(client, world: World, anhui) -> None:
    editor = world.users["anhui_edu"]
    issue = make_issue(world, anhui)
    services.entry_create(
        user=editor,
        issue=issue,
        section=Section.LOCAL,
        lead="<b>导语</b>",
        body="<script>alert('x')</script>正文",
    )
    push(world, anhui, title="<img src=x onerror=alert(1)>")
    client.force_login(editor)
    for url in (
        reverse("bulletins:issue", args=[issue.pk]),
        reverse("bulletins:edit", args=[issue.pk]),
        reverse("bulletins:news"),
    ):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body and "<b>导语" not in body
    body = client.get(reverse("bulletins:issue", args=[issue.pk])).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;正文" in body


def test_decline_redirects_only_to_our_own_pages(client, world: World, anhui) -> None:
    item = push(world, anhui)
    client.force_login(world.users["anhui_edu"])
    response = client.post(
        reverse("bulletins:decline", args=[item.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("bulletins:news")
    item.refresh_from_db()
    assert item.status == NewsStatus.DECLINED
    client.force_login(world.users["ahnu_contact"])  # cannot see 阜阳师大's item
    assert client.post(reverse("bulletins:decline", args=[item.pk])).status_code == 404


def grow(world: World, anhui, issue: BulletinIssue, n: int) -> None:
    for i in range(n):
        push(world, anhui, title=f"动态{n}-{i}")
        services.entry_create(
            user=world.users["admin"], issue=issue, section=list(Section)[i % 4], body=f"正文{i}"
        )


# Queries: session + user (2), the scope (5 for a provincial officer), then the page.
# issue: the issue with its programme (1), its entries (1), may the user edit it (the
# programme's consortia, 1). edit: plus the news to pick (1). issues: the programme (1), may
# the user edit (1), the issues (1). news: the programmes the user edits (the visible ones,
# then their consortia: one each, 3 here), may the user push (1), the count and the page (2).
# Whatever the number of entries and items.
MAX_QUERIES = {"issue": 10, "edit": 11, "issues": 10, "news": 13, "index": 8}


@pytest.mark.parametrize("name", list(MAX_QUERIES))
def test_query_count_is_constant(
    client, world: World, anhui, name, django_assert_max_num_queries
) -> None:
    issue = make_issue(world, anhui)
    client.force_login(world.users["anhui_edu"])
    url = {
        "issue": reverse("bulletins:issue", args=[issue.pk]),
        "edit": reverse("bulletins:edit", args=[issue.pk]),
        "issues": reverse("bulletins:issues", args=[anhui.slug]),
        "news": reverse("bulletins:news"),
        "index": reverse("bulletins:index"),
    }[name]
    for n in (2, 12):
        grow(world, anhui, issue, n)
        with django_assert_max_num_queries(MAX_QUERIES[name]):
            assert client.get(url).status_code == 200
