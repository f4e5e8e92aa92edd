"""Celery task of the assessment: a thin wrapper around assessments.services.run_score."""

import logging

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from assessments import services

logger = logging.getLogger(__name__)


class ScoringTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:  # type: ignore[no-untyped-def]
        # Also reached when the pool loses the child or the hard time limit hits.
        if args:
            services.run_fail(args[0], _("评分中断，请重新发起评分。"))


@shared_task(
    bind=True, base=ScoringTask, acks_late=True, soft_time_limit=600, time_limit=630, max_retries=3
)
def assessment_score(self: Task, run_pk: int) -> str:
    try:
        run = services.run_score(run_pk)
    except (OperationalError, InterfaceError) as error:
        services.run_requeue(run_pk)
        if self.request.retries >= self.max_retries or self.request.is_eager:
            services.run_fail(run_pk, _("评分失败：数据库连接中断，请稍后重新发起。"))
            raise
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error
    except Exception:
        logger.exception("Assessment run %s failed", run_pk)
        services.run_fail(run_pk, _("评分失败：系统内部错误，已记录，请联系管理员。"))
        return "failed"
    return "skipped" if run is None else "done"
