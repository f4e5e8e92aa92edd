"""Reporting periods follow a programme's cadence and dates; they are created ahead by a
periodic task (reports.tasks.periods_create_ahead) and can be edited by coordinators."""

import datetime as dt

from django.utils.translation import gettext as _

from programmes.models import Programme, ReportingCadence
from reports.models import ReportingPeriod

MONTHS: dict[str, int] = {
    ReportingCadence.MONTHLY: 1,
    ReportingCadence.QUARTERLY: 3,
    ReportingCadence.HALF_YEARLY: 6,
    ReportingCadence.YEARLY: 12,
}
DUE_AFTER_END = dt.timedelta(days=10)  # reports are due ten days after the period ends
LOCK_AFTER_DUE = dt.timedelta(days=20)  # and lock twenty days later


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def period_name(starts_on: dt.date, months: int) -> str:
    if months == 3:
        return _("%(year)d年第%(q)d季度") % {
            "year": starts_on.year,
            "q": (starts_on.month + 2) // 3,
        }
    if months == 6:
        if starts_on.month == 1:
            return _("%(year)d年上半年") % {"year": starts_on.year}
        return _("%(year)d年下半年") % {"year": starts_on.year}
    if months == 12:
        return _("%(year)d年度") % {"year": starts_on.year}
    return _("%(year)d年%(month)d月") % {"year": starts_on.year, "month": starts_on.month}


def periods_ensure(programme: Programme, until: dt.date) -> int:
    """Create the programme's missing periods up to the one containing `until` (never past
    the programme's end). Existing periods, possibly edited by coordinators, are kept."""
    months = MONTHS[programme.reporting_cadence]
    start = dt.date(programme.starts_on.year, 1, 1)
    while _add_months(start, months) <= programme.starts_on:
        start = _add_months(start, months)
    existing = set(programme.reporting_periods.values_list("starts_on", flat=True))
    created = []
    last_start = min(until, programme.ends_on)
    while start <= last_start:
        end = _add_months(start, months) - dt.timedelta(days=1)
        if start not in existing:
            due = end + DUE_AFTER_END
            created.append(
                ReportingPeriod(
                    programme=programme,
                    name=period_name(start, months),
                    starts_on=start,
                    ends_on=end,
                    opens_on=start,  # work is reported as it happens, from the first day
                    due_on=due,
                    locks_on=due + LOCK_AFTER_DUE,
                )
            )
        start = end + dt.timedelta(days=1)
    ReportingPeriod.objects.bulk_create(created)
    return len(created)


def periods_create_ahead(today: dt.date) -> int:
    """Every programme gets its periods up to the next one after today."""
    return sum(
        periods_ensure(programme, _add_months(today, MONTHS[programme.reporting_cadence]))
        for programme in Programme.objects.filter(ends_on__gte=today - dt.timedelta(days=400))
    )
