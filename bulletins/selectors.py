"""Reads of the work bulletin, scoped by the rules in accounts/selectors.py. Pages load an
issue with its entries in a constant number of queries, whatever its length."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.selectors import (
    User,
    can_edit_bulletin,
    news_items_visible_to,
    programmes_visible_to,
)
from bulletins.models import (
    SECTION_ORDER,
    BulletinEntry,
    BulletinIssue,
    IssueStatus,
    NewsItem,
    NewsStatus,
    Section,
)
from programmes.models import Programme


@dataclass(frozen=True)
class SectionEntries:
    value: str
    label: str
    entries: list[BulletinEntry]


def programme_get(*, user: User, slug: str) -> Programme:
    return get_object_or_404(programmes_visible_to(user).select_related("region"), slug=slug)


def programme_list(*, user: User) -> QuerySet[Programme]:
    """Visible programmes with their number of published issues (the bulletin index)."""
    return (
        programmes_visible_to(user)
        .annotate(
            published_count=Count(
                "bulletin_issues", filter=Q(bulletin_issues__status=IssueStatus.PUBLISHED)
            )
        )
        .order_by("level", "starts_on")
    )


def issue_list(*, programme: Programme, editor: bool) -> QuerySet[BulletinIssue]:
    """A programme's issues, newest first: drafts too for its office."""
    issues = BulletinIssue.objects.filter(programme=programme)
    if not editor:
        issues = issues.filter(status=IssueStatus.PUBLISHED)
    return issues.annotate(entry_count=Count("entries")).order_by("-year", "-number")


def issue_get(*, user: User, pk: int) -> BulletinIssue:
    """An issue of a visible programme with its entries; a draft only for the office (404 for
    everyone else: a draft's existence is not shown)."""
    issue = get_object_or_404(
        BulletinIssue.objects.filter(programme__in=programmes_visible_to(user).values("pk"))
        .select_related("programme__region")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=BulletinEntry.objects.select_related("news_item__institution"),
            )
        ),
        pk=pk,
    )
    if not issue.is_published and not can_edit_bulletin(user, issue.programme):
        raise Http404
    return issue


def issue_sections(issue: BulletinIssue, *, keep_empty: bool = False) -> list[SectionEntries]:
    """The issue's entries grouped by section in print order (entries prefetched)."""
    grouped: dict[str, list[BulletinEntry]] = {value: [] for value in Section.values}
    for entry in sorted(issue.entries.all(), key=lambda e: (SECTION_ORDER[e.section], e.order)):
        grouped[entry.section].append(entry)
    return [
        SectionEntries(value, str(label), grouped[value])
        for value, label in Section.choices
        if keep_empty or grouped[value]
    ]


def entry_get(*, user: User, pk: int) -> BulletinEntry:
    entry = get_object_or_404(
        BulletinEntry.objects.filter(
            issue__programme__in=programmes_visible_to(user).values("pk")
        ).select_related("issue__programme__region"),
        pk=pk,
    )
    if not entry.issue.is_published and not can_edit_bulletin(user, entry.issue.programme):
        raise Http404
    return entry


def news_list(*, user: User, status: str = "") -> QuerySet[NewsItem]:
    items = news_items_visible_to(user).select_related("programme", "institution", "author")
    if status:
        items = items.filter(status=status)
    return items.order_by("-created_at", "-pk")


def news_available(*, issue: BulletinIssue) -> QuerySet[NewsItem]:
    """Items of the issue's programme the office has not used yet (declined ones too: they
    may still be wanted)."""
    return (
        NewsItem.objects.filter(programme=issue.programme_id)
        .exclude(status=NewsStatus.USED)
        .select_related("institution")
        .order_by("-status", "-created_at", "-pk")  # submitted before declined
    )


def news_get(*, user: User, pk: int) -> NewsItem:
    return get_object_or_404(news_items_visible_to(user).select_related("programme"), pk=pk)
