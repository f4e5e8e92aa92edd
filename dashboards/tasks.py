"""Thin tasks around dashboards.services (the nightly rebuild is in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from dashboards import services
from programmes.models import Programme
from reports.models import QuarterlyReport


@shared_task
def summaries_refresh(programme_id: int) -> int:
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        return 0
    return services.summaries_refresh(programme=programme).slots


@shared_task
def reports_summaries_refresh(report_ids: list[int]) -> None:
    reports = list(
        QuarterlyReport.objects.select_related("period__programme").filter(pk__in=report_ids)
    )
    services.reports_summaries_refresh(reports=reports)


@shared_task
def indicators_summaries_refresh(indicator_ids: list[int]) -> None:
    services.indicators_summaries_refresh(indicator_ids=indicator_ids)


@shared_task
def summaries_refresh_all() -> int:
    """Nightly: every programme's summaries, so standings follow the calendar (the share of
    a round that has passed) and nothing missed by the per-report updates lingers."""
    return sum(
        services.summaries_refresh(programme=programme).slots
        for programme in Programme.objects.all()
    )
