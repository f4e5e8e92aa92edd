"""The Celery application.

With no broker configured (the embedded default) tasks run eagerly in-process;
production points CELERY_BROKER_URL at Redis and runs a worker and beat.
"""

import contextvars
import logging
import os

from celery import Celery, Task
from celery.signals import task_failure, task_postrun, task_prerun

from config.logging import bind, unbind

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("xtzt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Every log line of a task carries its id and name; a task that fails is mailed to ADMINS.
_log_tokens: dict[str, contextvars.Token] = {}
task_log = logging.getLogger("xtzt.tasks")


@task_prerun.connect
def _bind_task(task_id: str, task: Task, **kwargs: object) -> None:
    _log_tokens[task_id] = bind(task_id=task_id, task_name=task.name)


@task_postrun.connect
def _unbind_task(task_id: str, **kwargs: object) -> None:
    token = _log_tokens.pop(task_id, None)
    if token is not None:
        unbind(token)


@task_failure.connect
def _report_failure(
    sender: Task, task_id: str, exception: BaseException, einfo: object = None, **kwargs: object
) -> None:
    task_log.error(
        "后台任务失败 Task failed: %s (%s): %s",
        sender.name,
        task_id,
        exception,
        exc_info=(type(exception), exception, exception.__traceback__),
    )
