"""Helpers shared by the apps' services."""

import logging
import time
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)


def get_or_create_validated[M: models.Model](
    model: type[M], lookup: dict[str, Any], **defaults: Any
) -> M:
    """The row matching `lookup`, or a new one built from lookup + defaults, validated with
    full_clean() before it is saved. Existing rows are returned untouched (idempotent loads)."""
    existing = model._default_manager.filter(**lookup).first()
    if existing is not None:
        return existing
    instance = model(**lookup, **defaults)
    instance.full_clean()
    instance.save()
    return instance


class ProgressWriter:
    """progress(done, total, stage) for long jobs: writes percent, stage and a heartbeat to the
    row(s) of `rows` at every new stage, otherwise at most every half second."""

    def __init__(self, rows: models.QuerySet) -> None:
        self.rows = rows
        self.last = 0.0
        self.stage = ""

    def __call__(self, done: int, total: int, stage: str = "") -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and stage == self.stage:
            return
        self.last, self.stage = now, stage
        percent = min(99, int(done * 100 / total)) if total else 0
        self.rows.update(progress=percent, stage=stage[:200], heartbeat_at=timezone.now())


def tasks_in_hand(names: Iterable[str], *, timeout: float = 2.0) -> set[Any] | None:
    """The first argument (e.g. a job's id) of every task called one of `names` that a worker
    is executing now; None when that cannot be known (tasks run in-process, the broker is
    unreachable, or no worker answered), so that nobody concludes anything."""
    from config.celery import app

    if app.conf.task_always_eager:
        return None
    try:
        replies = app.control.inspect(timeout=timeout).active()
    except Exception:
        logger.warning("Could not ask the workers what they are running", exc_info=True)
        return None
    if not replies:
        return None
    wanted = set(names)
    return {
        task["args"][0]
        for tasks in replies.values()
        for task in tasks or []
        if task.get("name") in wanted and task.get("args")
    }
