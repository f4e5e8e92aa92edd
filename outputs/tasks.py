"""Celery tasks of the output jobs: thin wrappers around outputs/services.py.

`output_run` receives a job id (never objects), runs on the exporter's queue ("pdf" for
WeasyPrint), acknowledges late, has soft and hard time limits, and retries only what is
transient (the database or the broker going away); anything else fails the job with a message.
"""

import logging

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _
from redis.exceptions import ConnectionError as RedisConnectionError

from outputs import services

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, RedisConnectionError)


class OutputTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:  # type: ignore[no-untyped-def]
        # Also reached when the pool loses the child (WorkerLostError) or the hard limit hits.
        if args:
            services.job_fail(args[0], _("生成失败：后台处理中断，请重新生成。"))


@shared_task(
    bind=True,
    base=OutputTask,
    acks_late=True,
    soft_time_limit=settings.OUTPUT_SOFT_TIME_LIMIT,
    time_limit=settings.OUTPUT_SOFT_TIME_LIMIT + 30,
    max_retries=3,
)
def output_run(self: Task, job_pk: int) -> str:
    try:
        job = services.job_run(job_pk)
    except TRANSIENT as error:
        services.job_requeue(job_pk, _("暂时无法连接数据库或队列，稍后自动重试。"))
        if self.request.retries >= self.max_retries:
            services.job_fail(job_pk, _("生成失败：数据库或队列连接中断，请稍后重新生成。"))
            raise
        if self.request.is_eager:  # embedded mode: no broker to come back through
            again = output_run.apply(args=[job_pk], retries=self.request.retries + 1)
            return again.get(disable_sync_subtasks=False)
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error
    except SoftTimeLimitExceeded:
        services.job_fail(job_pk, _("生成超时，请缩小范围后重新生成，或联系管理员。"))
        return "timeout"
    except Exception:
        # Logged with the traceback (error emails reach the administrators); the requester
        # sees the job failed with a message, not a traceback.
        logger.exception("Output job %s failed", job_pk)
        services.job_fail(job_pk, _("生成失败：系统内部错误，已记录，请联系管理员。"))
        return "failed"
    return "skipped" if job is None else "done"


@shared_task
def outputs_fail_stale() -> int:
    return services.jobs_fail_stale()


@shared_task
def outputs_expire() -> int:
    return services.jobs_expire()
