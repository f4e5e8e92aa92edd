"""Celery tasks of imports: thin wrappers around imports/services.py (ids in, one service)."""

import logging

from celery import Task, shared_task
from django.conf import settings
from django.utils.translation import gettext as _

from imports import services

logger = logging.getLogger(__name__)


class ImportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:  # type: ignore[no-untyped-def]
        # Also reached when the pool loses the child or the hard time limit hits.
        if args:
            services.batch_fail(
                args[0], _("处理失败：后台处理中断，没有导入任何数据，请重新上传。")
            )


_LIMITS = {
    "acks_late": True,
    "soft_time_limit": settings.OUTPUT_SOFT_TIME_LIMIT,
    "time_limit": settings.OUTPUT_SOFT_TIME_LIMIT + 30,
}


@shared_task(base=ImportTask, **_LIMITS)
def import_check(batch_pk: int) -> str:
    try:
        services.batch_check(batch_pk)
    except Exception:
        logger.exception("Import %s could not be checked", batch_pk)
        services.batch_fail(batch_pk, _("检查失败：系统内部错误，已记录，请联系管理员。"))
        return "failed"
    return "checked"


@shared_task(base=ImportTask, **_LIMITS)
def import_apply(batch_pk: int) -> str:
    try:
        services.batch_apply(batch_pk)
    except Exception:
        logger.exception("Import %s could not be applied", batch_pk)
        services.batch_fail(batch_pk, _("导入失败：系统内部错误，没有导入任何数据，已记录。"))
        return "failed"
    return "applied"


@shared_task
def imports_fail_stale() -> int:
    return services.batches_fail_stale()
