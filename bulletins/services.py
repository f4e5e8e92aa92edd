"""Writes of the work bulletin: push news, open the next issue of the year, build it from news
items and hand-written entries, and publish it. Once published an issue is frozen: the
services refuse every change to it and its entries."""

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import can_edit_bulletin, can_push_news
from bulletins.models import (
    BulletinEntry,
    BulletinIssue,
    IssueStatus,
    NewsItem,
    NewsStatus,
    Section,
)
from programmes.models import Programme
from schools.models import Institution

ISSUE_FIELDS = ["title", "issuing_office", "issued_on", "printed_on", "report_to", "send_to"]


def news_push(
    *,
    user: User,
    programme: Programme,
    institution: Institution,
    title: str,
    body: str,
    section: str = Section.LOCAL,
    happened_on: dt.date | None = None,
) -> NewsItem:
    if not can_push_news(user, programme, institution):
        raise PermissionDenied
    item = NewsItem(
        programme=programme,
        institution=institution,
        author=user,
        title=title.strip(),
        body=body.strip(),
        section=section,
        happened_on=happened_on,
    )
    item.full_clean()
    item.save()
    return item


def news_decline(*, user: User, item: NewsItem) -> NewsItem:
    """The office sets an item aside; it can still be used later."""
    if not can_edit_bulletin(user, item.programme):
        raise PermissionDenied
    if item.status == NewsStatus.USED:
        raise ValidationError(_("该动态已编入工作动态，不能设为未采用。"))
    item.status = NewsStatus.DECLINED
    item.save(update_fields=["status"])
    return item


def _default_title(programme: Programme) -> str:
    return _("%(programme)s 工作动态") % {"programme": programme.name}


def issue_create(
    *,
    user: User,
    programme: Programme,
    issued_on: dt.date | None = None,
    issuing_office: str = "",
    title: str = "",
) -> BulletinIssue:
    """The next issue of the year: numbers run 1, 2, … per programme and year. The programme
    row is locked so that two editors opening an issue at once get different numbers."""
    if not can_edit_bulletin(user, programme):
        raise PermissionDenied
    issued_on = issued_on or timezone.localdate()
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        last = BulletinIssue.objects.filter(programme=programme, year=issued_on.year).aggregate(
            last=Max("number")
        )["last"]
        previous = (
            BulletinIssue.objects.filter(programme=programme).order_by("-year", "-number").first()
        )
        issue = BulletinIssue(
            programme=programme,
            year=issued_on.year,
            number=(last or 0) + 1,
            title=title or _default_title(programme),
            issuing_office=issuing_office
            or (previous.issuing_office if previous else _("工作领导小组办公室")),
            issued_on=issued_on,
            # The distribution list rarely changes from one issue to the next.
            report_to=previous.report_to if previous else "",
            send_to=previous.send_to if previous else "",
            created_by=user,
        )
        issue.full_clean()
        issue.save()
    return issue


def _lock_draft(user: User, issue: BulletinIssue) -> BulletinIssue:
    """The issue locked for this change, refused when the user is not its editor or it has
    been published meanwhile (call inside a transaction)."""
    if not can_edit_bulletin(user, issue.programme):
        raise PermissionDenied
    locked = BulletinIssue.objects.select_for_update().get(pk=issue.pk)
    if locked.is_published:
        raise ValidationError(_("本期已印发，不能再修改。"))
    return locked


def issue_update(*, user: User, issue: BulletinIssue, **fields: object) -> BulletinIssue:
    with transaction.atomic():
        locked = _lock_draft(user, issue)
        for name in ISSUE_FIELDS:
            if name in fields:
                setattr(locked, name, fields[name])
        locked.full_clean()
        locked.save()
    return locked


def _next_order(issue: BulletinIssue, section: str) -> int:
    last = BulletinEntry.objects.filter(issue=issue, section=section).aggregate(last=Max("order"))
    return (last["last"] or 0) + 1


def entry_create(
    *, user: User, issue: BulletinIssue, section: str, body: str, lead: str = ""
) -> BulletinEntry:
    """A hand-written entry (他山之石 is written by the office, not pushed by a unit)."""
    with transaction.atomic():
        locked = _lock_draft(user, issue)
        entry = BulletinEntry(
            issue=locked,
            section=section,
            order=_next_order(locked, section),
            lead=lead.strip(),
            body=body.strip(),
        )
        entry.full_clean()
        entry.save()
    return entry


def _as_lead(title: str) -> str:
    title = title.strip()
    return title if not title or title[-1] in "。！？；" else f"{title}。"


def entry_add_from_news(
    *, user: User, issue: BulletinIssue, item: NewsItem, section: str = ""
) -> BulletinEntry:
    """Copy a pushed item into the issue (its title as the bold lead, for the office to edit)
    and mark it used."""
    with transaction.atomic():
        locked = _lock_draft(user, issue)
        item = NewsItem.objects.select_for_update().get(pk=item.pk)
        if item.programme_id != locked.programme_id:
            raise ValidationError({"news_item": _("该动态不属于本计划。")})
        if item.status == NewsStatus.USED:
            raise ValidationError({"news_item": _("该动态已编入工作动态。")})
        section = section or item.section
        entry = BulletinEntry(
            issue=locked,
            section=section,
            order=_next_order(locked, section),
            lead=_as_lead(item.title),
            body=item.body,
            news_item=item,
        )
        entry.full_clean()
        entry.save()
        item.status = NewsStatus.USED
        item.save(update_fields=["status"])
    return entry


def entry_update(
    *, user: User, entry: BulletinEntry, section: str, lead: str, body: str
) -> BulletinEntry:
    with transaction.atomic():
        locked = _lock_draft(user, entry.issue)
        entry = BulletinEntry.objects.get(pk=entry.pk, issue=locked)
        if section != entry.section:
            entry.order = _next_order(locked, section)
        entry.section, entry.lead, entry.body = section, lead.strip(), body.strip()
        entry.full_clean()
        entry.save()
    return entry


def entry_reorder(
    *, user: User, issue: BulletinIssue, section: str, entry_ids: Sequence[int]
) -> None:
    """Put a section's entries in the given order (ids of every entry of the section)."""
    with transaction.atomic():
        locked = _lock_draft(user, issue)
        entries = {e.pk: e for e in BulletinEntry.objects.filter(issue=locked, section=section)}
        if set(entry_ids) != set(entries) or len(entry_ids) != len(entries):
            raise ValidationError(_("排序须包含本栏目的全部条目。"))
        for order, pk in enumerate(entry_ids, start=1):
            entries[pk].order = order
        BulletinEntry.objects.bulk_update(entries.values(), ["order"])


def entry_move(*, user: User, entry: BulletinEntry, step: int) -> None:
    """Move an entry one place up (-1) or down (+1) within its section."""
    ids = list(
        BulletinEntry.objects.filter(issue=entry.issue_id, section=entry.section)
        .order_by("order", "pk")
        .values_list("pk", flat=True)
    )
    index = ids.index(entry.pk)
    target = index + step
    if 0 <= target < len(ids):
        ids[index], ids[target] = ids[target], ids[index]
    entry_reorder(user=user, issue=entry.issue, section=entry.section, entry_ids=ids)


def entry_delete(*, user: User, entry: BulletinEntry) -> None:
    """Remove the entry; the news item it came from goes back to the pool."""
    with transaction.atomic():
        _lock_draft(user, entry.issue)
        if entry.news_item_id:
            NewsItem.objects.filter(pk=entry.news_item_id).update(status=NewsStatus.SUBMITTED)
        entry.delete()


def issue_publish(
    *, user: User, issue: BulletinIssue, now: dt.datetime | None = None
) -> BulletinIssue:
    """Print the issue: it needs at least one entry and its 报/送 lines; it is frozen after."""
    with transaction.atomic():
        locked = _lock_draft(user, issue)
        errors: dict[str, list[str]] = {}
        if not locked.entries.exists():
            errors["entries"] = [_("本期还没有任何动态条目。")]
        if not locked.report_to.strip():
            errors["report_to"] = [_("请填写“报”送范围。")]
        if not locked.send_to.strip():
            errors["send_to"] = [_("请填写“送”达范围。")]
        if errors:
            raise ValidationError(errors)
        now = now or timezone.now()
        locked.status = IssueStatus.PUBLISHED
        locked.published_at = now
        locked.published_by = user
        locked.printed_on = locked.printed_on or max(locked.issued_on, timezone.localdate(now))
        locked.full_clean()
        locked.save()
    return locked
