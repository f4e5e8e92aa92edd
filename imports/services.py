"""Writes of imports: upload a file, check it (preview), apply it, cancel it, fail stale ones.

Checking never writes domain data. Applying checks the stored file again and writes what that
check decides inside one transaction, so a file is imported whole or not at all, and the
record shows who imported what, when, with which counts; the original file stays attached.
Files with more than IMPORT_SYNC_MAX_ROWS rows are checked and applied by Celery
(imports/tasks.py); the page polls the record for progress.
"""

import datetime as dt
import json
import logging
import re
import zipfile
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from config.services import ProgressWriter
from config.uploads import server_named
from dashboards.services import summaries_refresh_later
from imports.importers import Importer, importer_for
from imports.importers.base import Check
from imports.models import WORKING, ImportBatch, ImportStatus
from imports.workbook import ImportFileError, TableError, Workbook, check_archive
from outputs.exporters.base import param_pk

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_STORED_PROBLEMS = 2_000  # more than anyone reads; the count says how many there were
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)>")


def estimated_rows(fileobj: IO[bytes], *, enough: int) -> int:
    """How many rows of the file's sheets hold a value, counted until `enough` is passed:
    enough to choose between checking now and in the background. Counted in the raw XML (a
    few milliseconds for 10,000 rows), because the size a sheet claims counts formatted empty
    rows too. Call it on files that passed the unzipped-size check."""
    fileobj.seek(0)
    total = 0
    try:
        with zipfile.ZipFile(fileobj) as archive:
            for member in archive.infolist():
                if member.filename.startswith("xl/worksheets/sheet"):
                    total += _rows_with_values(archive, member, enough - total)
                if total > enough:
                    break
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0
    finally:
        fileobj.seek(0)
    return total


def _rows_with_values(archive: zipfile.ZipFile, member: zipfile.ZipInfo, enough: int) -> int:
    count = 0
    carry = b""
    with archive.open(member) as stream:
        while count <= enough and (chunk := stream.read(1 << 20)):
            parts = (carry + chunk).split(b"</row>")
            carry = parts.pop()[-(1 << 16) :]
            count += sum(1 for part in parts if _VALUE.search(part))
    return count


def batch_upload(
    *, user: User, kind: str, params: dict[str, Any], upload: UploadedFile
) -> ImportBatch:
    """Record the upload and check it: now for small files, in the background for large ones.
    A file over the size limit is refused outright (ValidationError) and not kept."""
    importer_class = importer_for(kind)
    if not importer_class.open_to(user) or not importer_class.allowed(user, params):
        raise PermissionDenied
    limit = settings.IMPORT_UPLOAD_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("文件“%(name)s”超过 %(limit)s 的导入上限，请拆分后分批导入。")
            % {"name": upload.name, "limit": filesizeformat(limit)}
        )
    batch = ImportBatch.objects.create(
        kind=kind,
        params=params,
        title=importer_class(params, user=user).title()[:200],
        file=server_named(upload),
        name=(upload.name or "")[:200],
        size=upload.size,
        content_type=XLSX,  # what the browser claims is not trusted: served as a workbook
        uploaded_by=user,
    )
    if _small(upload):
        try:
            batch_check(batch.pk)
        except Exception:
            logger.exception("Import %s could not be checked", batch.pk)
            batch_fail(batch.pk, _("检查失败：系统内部错误，已记录，请联系管理员。"))
        batch.refresh_from_db()
    else:
        batch.stage = _("排队等待检查")
        batch.save(update_fields=["stage"])
        transaction.on_commit(lambda: _enqueue("check", batch.pk))
    return batch


def _small(upload: UploadedFile) -> bool:
    """Checked in the request: a file that is not a sane workbook (its message comes at once)
    or one with at most IMPORT_SYNC_MAX_ROWS rows of values."""
    try:
        check_archive(upload, upload.name or "").close()
    except ImportFileError:
        return True
    limit = settings.IMPORT_SYNC_MAX_ROWS
    return estimated_rows(upload, enough=limit) <= limit


def _enqueue(step: str, batch_pk: int) -> None:
    from imports.tasks import import_apply, import_check

    task = import_check if step == "check" else import_apply
    try:
        task.delay(batch_pk)
    except Exception:
        logger.exception("Could not queue import %s (%s)", batch_pk, step)
        batch_fail(batch_pk, _("暂时无法连接后台处理服务，请稍后重新上传。"))


def _check_file(batch: ImportBatch, progress: Any, *, user: Any) -> tuple[Importer, Check]:
    """Check the stored file with the batch's importer (no writes); ImportFileError or
    TableError when the file or a sheet cannot be read at all."""
    importer = importer_for(batch.kind)(batch.params, user=user)
    importer.batch = batch
    with batch.file.open("rb") as stored, Workbook(stored, name=batch.name) as book:
        return importer, importer.check(book, progress)


def _fingerprint(rows: list[dict[str, Any]]) -> str:
    """What the preview promised, row by row: the confirmation must do exactly that."""
    return json.dumps(
        [(r["sheet"], r["row"], r["status"], r["changes"]) for r in rows],
        ensure_ascii=False,
        default=str,
    )


def _progress(batch_pk: int) -> ProgressWriter:
    return ProgressWriter(ImportBatch.objects.filter(pk=batch_pk, status__in=WORKING))


def batch_check(batch_pk: int) -> ImportBatch:
    """Check the file and store the preview: ready to confirm, or invalid with every problem."""
    batch = ImportBatch.objects.get(pk=batch_pk)
    if batch.status != ImportStatus.CHECKING:
        return batch
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now())
    try:
        importer, check = _check_file(batch, _progress(batch.pk), user=batch.uploaded_by)
    except ImportFileError as error:
        batch.status = ImportStatus.INVALID
        batch.error = str(error)
    except TableError as error:
        batch.status = ImportStatus.INVALID
        batch.problems = [p.as_dict() for p in error.problems]
        batch.error = _("文件的格式不对，无法读取数据行。")
    else:
        batch.status = ImportStatus.READY if check.ok else ImportStatus.INVALID
        batch.row_count = len(check.rows)
        batch.counts = check.counts()
        batch.counts["problems"] = len(check.problems)
        batch.problems = [p.as_dict() for p in check.problems[:MAX_STORED_PROBLEMS]]
        batch.warnings = [p.as_dict() for p in check.warnings[:MAX_STORED_PROBLEMS]]
        batch.preview = [row.as_dict() for row in check.rows]
        batch.title = importer.title()[:200]  # it may name what the file said (a province)
        if check.ok and not check.rows:
            batch.status = ImportStatus.INVALID
            batch.error = _("文件中没有找到可导入的数据行。")
    batch.progress = 100
    batch.stage = ""
    batch.checked_at = timezone.now()
    batch.save()
    return batch


def batch_confirm(*, user: User, batch: ImportBatch) -> ImportBatch:
    """Apply a checked file: now for small files, in the background for large ones."""
    importer_class = importer_for(batch.kind)
    if not importer_class.open_to(user) or not importer_class.allowed(user, batch.params):
        raise PermissionDenied
    updated = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.READY).update(
        status=ImportStatus.APPLYING,
        applied_by=user,
        progress=0,
        stage=_("排队等待导入"),
        heartbeat_at=timezone.now(),
    )
    if not updated:
        raise ValidationError(_("这份文件当前不能导入（已导入、已取消或仍有错误）。"))
    if batch.row_count <= settings.IMPORT_SYNC_MAX_ROWS:
        batch_apply(batch.pk)
    else:
        transaction.on_commit(lambda: _enqueue("apply", batch.pk))
    batch.refresh_from_db()
    return batch


class _Changed(Exception):
    def __init__(self, message: str, problems: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.problems = problems


def batch_apply(batch_pk: int) -> ImportBatch:
    """Check the stored file again and write it in one transaction; if the data changed since
    the preview in a way that alters the outcome, nothing is written."""
    batch = ImportBatch.objects.select_related("uploaded_by", "applied_by").get(pk=batch_pk)
    if batch.status != ImportStatus.APPLYING:
        return batch
    progress = _progress(batch.pk)
    try:
        # Checked again outside the transaction, so the page can show its progress; the
        # writes then run in one transaction, and a row someone else created meanwhile makes
        # a unique constraint fail and roll everything back. Whoever confirmed is the one
        # the importer records (history rows, events).
        importer, check = _check_file(batch, progress, user=batch.applied_by or batch.uploaded_by)
        rows = [row.as_dict() for row in check.rows]
        if not check.ok or _fingerprint(rows) != _fingerprint(batch.preview):
            raise _Changed(
                _(
                    "预览之后，系统中的相关数据已被修改，导入结果会与预览不同，"
                    "因此没有导入。请重新上传文件，查看新的预览后再确认。"
                ),
                [p.as_dict() for p in check.problems[:MAX_STORED_PROBLEMS]],
            )
        progress(0, 1, _("正在写入数据库"))
        with transaction.atomic():
            applied = importer.apply(progress)
    except _Changed as changed:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.FAILED,
            error=str(changed),
            problems=changed.problems,
            stage="",
        )
    except (ImportFileError, TableError) as error:
        batch_fail(batch.pk, str(error))
    except IntegrityError:
        logger.warning("Import %s hit a database constraint", batch.pk, exc_info=True)
        batch_fail(
            batch.pk,
            _("导入失败，未写入任何数据：有人在此期间修改了相同的数据。请重新上传文件。"),
        )
    except ValidationError as error:
        # A database rule the check did not foresee: nothing was written (rolled back).
        logger.warning("Import %s refused by validation: %s", batch.pk, error.messages)
        batch_fail(batch.pk, _("导入失败，未写入任何数据：") + "；".join(error.messages))
    except Exception:
        # Anything else (a value the database refuses, a bug): rolled back, logged for the
        # administrators, and the batch says so instead of staying “正在导入”.
        logger.exception("Import %s failed while applying", batch.pk)
        batch_fail(batch.pk, _("导入失败，未写入任何数据：系统内部错误，已记录，请联系管理员。"))
    else:
        now = timezone.now()
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.APPLIED,
            applied_at=now,
            applied_counts=applied,
            progress=100,
            stage="",
            heartbeat_at=now,
        )
        programme_id = param_pk(batch.params, "programme")
        if programme_id:  # pairings, institutions or applications of a programme changed
            summaries_refresh_later(programme_id)
    batch.refresh_from_db()
    return batch


def batch_discard(*, user: User, batch: ImportBatch) -> ImportBatch:
    """Cancel a checked file that will not be imported (the record and the file stay)."""
    if not importer_for(batch.kind).open_to(user):
        raise PermissionDenied
    ImportBatch.objects.filter(
        pk=batch.pk, status__in=[ImportStatus.READY, ImportStatus.INVALID]
    ).update(status=ImportStatus.DISCARDED, stage="")
    batch.refresh_from_db()
    return batch


def batch_fail(batch_pk: int, message: str) -> None:
    ImportBatch.objects.filter(pk=batch_pk, status__in=WORKING).update(
        status=ImportStatus.FAILED, error=message, stage=""
    )


def batches_fail_stale(*, now: dt.datetime | None = None) -> int:
    """Fail imports nobody is working on: checking or applying without a heartbeat for longer
    than a job may run (the worker died), or still queued after the queue timeout."""
    now = now or timezone.now()
    running_cutoff = now - dt.timedelta(seconds=settings.OUTPUT_STALE_AFTER_SECONDS)
    queued_cutoff = now - dt.timedelta(seconds=settings.OUTPUT_QUEUE_TIMEOUT_SECONDS)
    stale = ImportBatch.objects.filter(status__in=WORKING).filter(
        heartbeat_at__lt=running_cutoff
    ) | ImportBatch.objects.filter(
        status__in=WORKING, heartbeat_at__isnull=True, uploaded_at__lt=queued_cutoff
    )
    count = stale.update(
        status=ImportStatus.FAILED,
        error=_("处理过程意外中断（后台处理进程已退出或未运行），没有导入任何数据，请重新上传。"),
        stage="",
    )
    if count:
        logger.warning("Failed %s stale imports", count)
    return count
