"""Writes of output jobs: ask for one, run it, fail the stale ones, expire old files.

The task (outputs/tasks.py) is a thin wrapper around `job_run`; everything here is plain
Django and can be called and tested without a broker.
"""

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.services import ProgressWriter, tasks_in_hand
from outputs.exporters import exporter_for
from outputs.exporters.base import Exporter
from outputs.models import FINISHED, JobStatus, OutputJob

logger = logging.getLogger(__name__)


def job_request(*, user: User, kind: str, params: dict[str, Any]) -> OutputJob:
    """Record the job and queue it once the transaction commits (the worker must find the
    row). Refused unless the exporter allows this user these parameters."""
    exporter_class = exporter_for(kind)
    if not exporter_class.allowed(user, params):
        raise PermissionDenied
    job = OutputJob.objects.create(
        kind=kind,
        params=params,
        title=exporter_class(params, user=user).title()[:200],
        requested_by=user,
    )
    transaction.on_commit(lambda: job_enqueue(job))
    return job


def job_enqueue(job: OutputJob) -> None:
    """Send the job to its queue; if the broker cannot be reached the job fails at once with
    a message rather than waiting an hour to be called stale."""
    from outputs.tasks import output_run

    try:
        output_run.apply_async(args=[job.pk], queue=exporter_for(job.kind).queue)
    except Exception:
        logger.exception("Could not queue output job %s", job.pk)
        job_fail(job.pk, _("暂时无法连接后台处理服务，任务未能开始，请稍后重新生成。"))


def job_start(job_pk: int) -> OutputJob | None:
    """Mark the job running; None when it is already finished (a redelivered message)."""
    with transaction.atomic():
        job = (
            OutputJob.objects.select_for_update(of=("self",))
            .select_related("requested_by")
            .filter(pk=job_pk)
            .first()
        )
        if job is None or job.finished:
            return None
        now = timezone.now()
        job.status = JobStatus.RUNNING
        job.started_at = now
        job.heartbeat_at = now
        job.attempts += 1
        job.error = ""
        job.save(update_fields=["status", "started_at", "heartbeat_at", "attempts", "error"])
    return job


def job_run(job_pk: int) -> OutputJob | None:
    """Produce the job's file with its exporter and store it. Exceptions propagate (the task
    decides between retry and failure)."""
    job = job_start(job_pk)
    if job is None:
        return None
    exporter: Exporter = exporter_for(job.kind)(job.params, user=job.requested_by)
    output = exporter.run(
        ProgressWriter(OutputJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING))
    )
    now = timezone.now()
    job.file.save(output.filename, ContentFile(output.data), save=False)
    job.filename = output.filename
    job.content_type = output.content_type
    job.size = len(output.data)
    job.status = JobStatus.DONE
    job.progress = 100
    job.stage = ""
    job.finished_at = now
    job.heartbeat_at = now
    job.expires_at = now + dt.timedelta(hours=settings.OUTPUT_RETENTION_HOURS)
    job.save()
    return job


def job_requeue(job_pk: int, reason: str) -> None:
    """Back to the queue before a retry (a transient error: database, broker)."""
    OutputJob.objects.filter(pk=job_pk, status=JobStatus.RUNNING).update(
        status=JobStatus.QUEUED, stage=reason[:200]
    )


def job_fail(job_pk: int, message: str) -> None:
    """Mark the job failed with a message in Chinese for the requester."""
    OutputJob.objects.filter(pk=job_pk).exclude(status__in=FINISHED).update(
        status=JobStatus.FAILED, error=message, stage="", finished_at=timezone.now()
    )


def _orphans(now: dt.datetime) -> models.QuerySet[OutputJob]:
    """Running jobs without progress for WORKER_ORPHAN_AFTER_SECONDS whose task no live worker
    holds (its worker was killed): they will never finish. None of them when the workers
    cannot tell."""
    from outputs.tasks import output_run

    cutoff = now - dt.timedelta(seconds=settings.WORKER_ORPHAN_AFTER_SECONDS)
    quiet = OutputJob.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
    candidates = set(quiet.values_list("pk", flat=True))
    held = tasks_in_hand([output_run.name]) if candidates else None
    if held is None or not candidates - held:
        return quiet.none()
    logger.warning("No live worker holds output jobs %s", sorted(candidates - held))
    # Filtered again when updated: a job that made progress meanwhile is not failed.
    return quiet.filter(pk__in=candidates - held)


def jobs_fail_stale(*, now: dt.datetime | None = None) -> int:
    """Fail the jobs nobody is working on: running without progress for a while and held by
    no live worker (its worker was killed), running without a heartbeat for longer than the
    hard time limit allows (the worker died and none answers), or queued for longer than a
    job may wait."""
    now = now or timezone.now()
    running_cutoff = now - dt.timedelta(seconds=settings.OUTPUT_STALE_AFTER_SECONDS)
    queued_cutoff = now - dt.timedelta(seconds=settings.OUTPUT_QUEUE_TIMEOUT_SECONDS)
    lost = {
        "status": JobStatus.FAILED,
        "error": _("生成过程意外中断（处理进程已退出），请重新生成。"),
        "stage": "",
        "finished_at": now,
    }
    stale = {
        "orphaned": _orphans(now).update(**lost),
        "running": OutputJob.objects.filter(
            status=JobStatus.RUNNING, heartbeat_at__lt=running_cutoff
        ).update(**lost),
        "queued": OutputJob.objects.filter(
            status=JobStatus.QUEUED, created_at__lt=queued_cutoff
        ).update(
            status=JobStatus.FAILED,
            error=_("任务排队时间过长，后台处理服务可能未运行，请稍后重新生成或联系管理员。"),
            stage="",
            finished_at=now,
        ),
    }
    if any(stale.values()):
        logger.warning(
            "Failed stale jobs: %(orphaned)s orphaned, %(running)s running, %(queued)s queued",
            stale,
        )
    return sum(stale.values())


def jobs_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files of jobs past their expiry (the rows stay as a record)."""
    now = now or timezone.now()
    count = 0
    for job in OutputJob.objects.filter(expires_at__lt=now).exclude(file=""):
        job.file.delete(save=False)
        job.file = ""
        job.save(update_fields=["file"])
        count += 1
    return count
