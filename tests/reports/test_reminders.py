"""Reminders happen once per event, by email and in the app, with the day frozen."""

import datetime as dt

import pytest
from django.core import mail

from reports.models import Notification, ReminderSettings
from reports.reminders import reminders_send
from reports.services import report_return
from tests.reports.helpers import fill
from tests.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world: World):
    for name in ("fynu_contact", "fynu_info", "ahnu_contact", "bnu_coordinator"):
        user = world.users[name]
        user.email = f"{name}@example.edu.cn"
        user.save()
    return world.users


def keys(user) -> list[str]:
    return sorted(n.key.split(":")[0] for n in Notification.objects.filter(user=user))


def test_due_in_seven_days_tomorrow_and_overdue_once_each(world, period, people) -> None:
    seven_days_before = period.due_on - dt.timedelta(days=7)
    assert reminders_send(seven_days_before) > 0
    assert reminders_send(seven_days_before) == 0  # the task ran twice: nothing new
    info = people["fynu_info"]
    assert keys(info) == ["due7"]
    # 阜阳师大 has an information officer, so its contact is not reminded
    assert keys(people["fynu_contact"]) == []
    assert keys(people["ahnu_contact"]) == ["due7"]  # no officer there: the contact
    message = next(m for m in mail.outbox if info.email in m.to)
    assert "7 天后" in message.body and "/reports/fill/" in message.body
    reminders_send(period.due_on - dt.timedelta(days=3))  # no event that day
    reminders_send(period.due_on - dt.timedelta(days=1))
    reminders_send(period.due_on + dt.timedelta(days=1))
    reminders_send(period.due_on + dt.timedelta(days=2))
    assert keys(info) == ["due1", "due7", "overdue"]
    assert len([m for m in mail.outbox if info.email in m.to]) == 3


def test_submitted_reports_stop_reminders_and_returned_ones_start_them(world, period, people):
    report = fill(people["fynu_contact"], period, world.fynu)
    reminders_send(period.due_on - dt.timedelta(days=7))
    assert keys(people["fynu_info"]) == []
    report_return(user=people["bnu_coordinator"], report=report, comment="补充")
    reminders_send(period.due_on - dt.timedelta(days=6))
    reminders_send(period.due_on - dt.timedelta(days=5))
    assert keys(people["fynu_info"]) == ["returned"]


def test_email_can_be_switched_off_but_the_notification_stays(world, period, people) -> None:
    ReminderSettings.objects.create(user=people["fynu_info"], email_reminders=False)
    reminders_send(period.due_on - dt.timedelta(days=7))
    assert keys(people["fynu_info"]) == ["due7"]
    assert not any(people["fynu_info"].email in m.to for m in mail.outbox)


def test_coordinators_get_one_digest_a_day(world, period, people) -> None:
    fill(people["fynu_contact"], period, world.fynu)
    day = period.due_on + dt.timedelta(days=1)
    reminders_send(day)
    reminders_send(day)
    digests = Notification.objects.filter(user=people["bnu_coordinator"], key__startswith="digest")
    assert digests.count() == 1
    assert "7 份报告逾期未交，1 份报告等待审核" in digests.get().message
    reminders_send(day + dt.timedelta(days=1))
    assert digests.count() == 2


def test_a_failed_email_is_tried_again_and_a_missed_day_still_reminds(
    world, period, people, monkeypatch
) -> None:
    import smtplib

    from reports import reminders

    real_send = reminders.send_mail

    def broken(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(reminders, "send_mail", broken)
    reminders_send(period.due_on - dt.timedelta(days=5))  # the task did not run on day 7
    assert keys(people["fynu_info"]) == ["due7"]  # reminded anyway, and everyone was
    assert keys(people["ahnu_contact"]) == ["due7"]
    assert not Notification.objects.filter(emailed=True).exists() and not mail.outbox
    monkeypatch.setattr(reminders, "send_mail", real_send)
    reminders_send(period.due_on - dt.timedelta(days=4))
    assert any(people["fynu_info"].email in m.to for m in mail.outbox)
    assert not Notification.objects.filter(user=people["fynu_info"], emailed=False).exists()


def test_the_notifications_page_switches_emails_off_and_on(client, world, people) -> None:
    client.force_login(people["fynu_info"])
    client.post("/notifications/", {"email_reminders": "off"})
    assert ReminderSettings.objects.get(user=people["fynu_info"]).email_reminders is False
    client.post("/notifications/", {"email_reminders": ["off", "on"]})
    assert ReminderSettings.objects.get(user=people["fynu_info"]).email_reminders is True
