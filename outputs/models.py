"""Output jobs (导出任务): one row per file asked for — a PDF, a workbook — produced in the
background by Celery and kept for download until it expires."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


FINISHED = (JobStatus.DONE, JobStatus.FAILED)


class OutputJob(models.Model):
    """导出任务 — who asked for which output with which parameters, and how it went."""

    kind = models.CharField(_("类型"), max_length=40)
    params: Any = models.JSONField(_("参数"), default=dict, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.CASCADE,
        related_name="output_jobs",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    stage = models.CharField(_("当前步骤"), max_length=200, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    file = models.FileField(_("文件"), upload_to="outputs/%Y/%m/", blank=True)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("最近进度时间"), null=True, blank=True, help_text=_("生成过程中定期更新。")
    )
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("文件过期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="outputjob_by_user"),
            models.Index(fields=["status", "heartbeat_at"], name="outputjob_by_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def downloadable(self) -> bool:
        """Done, with its file, and not past expiry (the hourly clean-up may not have run)."""
        fresh = self.expires_at is None or self.expires_at > timezone.now()
        return self.status == JobStatus.DONE and bool(self.file) and fresh
