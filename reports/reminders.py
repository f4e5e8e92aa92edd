"""Reminders: each information officer hears once about a report due in 7 days, due
tomorrow, overdue or returned; each coordinator gets a daily digest of what is late and what
awaits review. Every reminder is a Notification whose key makes it happen once, whatever how
often the daily task runs; the email follows unless the user switched emails off."""

import datetime as dt
import logging
import smtplib
from collections import defaultdict

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Affiliation, Role
from pairings.models import Consortium
from reports.models import (
    Notification,
    QuarterlyReport,
    ReminderSettings,
    ReportingPeriod,
    ReportStatus,
)
from reports.selectors import RECEIVED, expected_reporters

logger = logging.getLogger(__name__)


def notify(*, user: User, key: str, subject: str, message: str, url: str) -> bool:
    """Leave a notification (and send its email) once per user and key; False if already."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, key=key, message=message[:255], url=url
            )
    except IntegrityError:
        return False
    _email(notification, subject)
    return True


def _email(notification: Notification, subject: str) -> None:
    """Email a notification unless its user switched emails off. A failure is logged and the
    notification stays unemailed, to be tried again by the next run."""
    user = notification.user
    wants_email = not ReminderSettings.objects.filter(user=user, email_reminders=False).exists()
    if wants_email and user.email:
        message, url = notification.message, notification.url
        link = f"{settings.SITE_URL}{url}"
        body = _(
            "%(message)s\n\n请登录协同提质管理平台处理：%(link)s\n\n（不想再收到提醒邮件，可在平台“通知”页面关闭。）"
        ) % {
            "message": message,
            "link": link,
        }
        try:
            send_mail(subject, body, None, [user.email])
        except (OSError, smtplib.SMTPException):
            logger.warning("reminder email to %s failed; retried next run", user.email)
            return
        notification.emailed = True
        notification.save(update_fields=["emailed"])


def _retry_unsent() -> None:
    """Emails that failed in the last three days get another try."""
    for notification in Notification.objects.filter(
        emailed=False,
        created_at__gte=timezone.now() - dt.timedelta(days=3),
        user__email__gt="",
    ).select_related("user"):
        _email(notification, _("【协同提质】信息报送提醒"))


def _reporters_people(institution_ids: set[int]) -> dict[int, list[User]]:
    """Information officers of each institution; its contacts where it has none."""
    people: dict[int, dict[str, list[User]]] = defaultdict(lambda: defaultdict(list))
    for affiliation in Affiliation.objects.filter(
        institution__in=institution_ids,
        role__in=[Role.INFORMATION_OFFICER, Role.CONTACT],
        user__is_active=True,
    ).select_related("user"):
        people[affiliation.institution_id][affiliation.role].append(affiliation.user)
    return {
        pk: roles.get(Role.INFORMATION_OFFICER) or roles.get(Role.CONTACT, [])
        for pk, roles in people.items()
    }


def reminders_send(today: dt.date) -> int:
    """Send today's reminders; returns how many notifications were new."""
    _retry_unsent()
    sent = 0
    periods = ReportingPeriod.objects.filter(
        opens_on__lte=today + dt.timedelta(days=7), locks_on__gte=today
    ).select_related("programme")
    for period in periods:
        expected = set(expected_reporters(period.programme, period).values_list("pk", flat=True))
        reports = {
            r.institution_id: r
            for r in QuarterlyReport.objects.filter(
                period=period, institution__in=expected
            ).annotate(last_return=Max("events", filter=Q(events__to_status=ReportStatus.RETURNED)))
        }
        people = _reporters_people(expected)
        days_left = (period.due_on - today).days
        for institution_id in expected:
            report = reports.get(institution_id)
            if report is not None and report.status in RECEIVED:
                continue
            if report is not None and report.status == ReportStatus.RETURNED:
                event, text = (
                    f"returned:{report.last_return}",  # each return reminds once
                    _("%(period)s的报告已被退回修改，请根据审核意见修改后重新提交。"),
                )
            elif 1 < days_left <= 7:  # a day the task did not run still gets its reminder
                event = "due7"
                text = _("%(period)s的报告将于 %(days)d 天后（%(due)s）截止，请及时填报。")
            elif 0 <= days_left <= 1:
                event, text = "due1", _("%(period)s的报告将于 %(due)s 截止，请尽快提交。")
            elif days_left < 0:
                event, text = (
                    "overdue",
                    _("%(period)s的报告已于 %(due)s 截止，尚未提交，请尽快补报。"),
                )
            else:
                continue
            message = text % {"period": period, "due": period.due_on, "days": days_left}
            url = reverse("reports:fill", args=[period.pk, institution_id])
            for user in people.get(institution_id, []):
                sent += notify(
                    user=user,
                    key=f"{event}:{period.pk}:{institution_id}",
                    subject=_("【协同提质】信息报送提醒"),
                    message=message,
                    url=url,
                )
    return sent + _coordinator_digests(today)


def _coordinator_digests(today: dt.date) -> int:
    sent = 0
    for consortium in Consortium.objects.filter(affiliations__role=Role.COORDINATOR).distinct():
        waiting = QuarterlyReport.objects.filter(
            consortium=consortium, status=ReportStatus.SUBMITTED
        ).count()
        late = 0
        members = set(
            consortium.memberships.exclude(role="provincial_department").values_list(
                "institution", flat=True
            )
        )
        for period in ReportingPeriod.objects.filter(
            programme=consortium.programme, due_on__lt=today, locks_on__gte=today
        ):
            received = QuarterlyReport.objects.filter(
                period=period, institution__in=members, status__in=RECEIVED
            ).count()
            late += len(members) - received
        if not (waiting or late):
            continue
        message = _("%(name)s：%(late)d 份报告逾期未交，%(waiting)d 份报告等待审核。") % {
            "name": consortium.name,
            "late": late,
            "waiting": waiting,
        }
        for affiliation in consortium.affiliations.filter(role=Role.COORDINATOR).select_related(
            "user"
        ):
            sent += notify(
                user=affiliation.user,
                key=f"digest:{today.isoformat()}:{consortium.pk}",
                subject=_("【协同提质】每日报送情况"),
                message=message,
                url=reverse("reports:review"),
            )
    return sent
