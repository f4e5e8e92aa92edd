"""Import records (导入记录): every spreadsheet uploaded for import, kept with who sent it,
what checking it found, and whether and when it was applied."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.uploads import StoredFile


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("正在检查")
    INVALID = "invalid", _("有错误，未导入")
    READY = "ready", _("待确认")
    APPLYING = "applying", _("正在导入")
    APPLIED = "applied", _("已导入")
    FAILED = "failed", _("导入失败")
    DISCARDED = "discarded", _("已取消")


WORKING = (ImportStatus.CHECKING, ImportStatus.APPLYING)


class ImportBatch(StoredFile):
    """导入记录 — one uploaded file, its parameters, the check's preview and the outcome."""

    kind = models.CharField(_("类型"), max_length=40)
    params: Any = models.JSONField(_("参数"), default=dict, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    file = models.FileField(_("原始文件"), upload_to="imports/%Y/%m/")
    status = models.CharField(
        _("状态"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    stage = models.CharField(_("当前步骤"), max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    error = models.TextField(_("错误信息"), blank=True, help_text=_("整个文件无法导入的原因。"))
    row_count = models.PositiveIntegerField(_("数据行数"), default=0)
    counts: Any = models.JSONField(_("各类行数"), default=dict, blank=True)
    problems: Any = models.JSONField(_("错误"), default=list, blank=True)
    warnings: Any = models.JSONField(_("提示"), default=list, blank=True)
    preview: Any = models.JSONField(_("预览"), default=list, blank=True)
    checked_at = models.DateTimeField(_("检查完成时间"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认导入人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    applied_counts: Any = models.JSONField(_("导入结果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-uploaded_at", "-pk"]
        permissions = [("run_import", _("批量导入数据（管理员）"))]
        indexes = [
            models.Index(fields=["uploaded_by", "-uploaded_at"], name="importbatch_by_user"),
            models.Index(fields=["status", "heartbeat_at"], name="importbatch_by_status"),
        ]

    @property
    def working(self) -> bool:
        return self.status in WORKING
