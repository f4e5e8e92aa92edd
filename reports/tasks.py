"""Periodic tasks (fixed CELERY_BEAT_SCHEDULE in config/settings/base.py): thin wrappers."""

from celery import shared_task
from django.utils import timezone

from reports.periods import periods_create_ahead as create_ahead
from reports.reminders import reminders_send


@shared_task
def periods_create_ahead() -> int:
    return create_ahead(timezone.localdate())


@shared_task
def reminders_send_daily() -> int:
    return reminders_send(timezone.localdate())
