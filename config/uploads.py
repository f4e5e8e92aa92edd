"""Checks for uploaded files: size, extension, and that the bytes match the extension.

Files are never opened by anything but these signature checks (Office files are listed as
zip archives, never extracted) and are served only through views that check permissions.
"""

import uuid
import zipfile
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLE = bytes.fromhex("D0CF11E0A1B11AE1")  # legacy .doc / .xls / .ppt

# extension → (content type, how the file starts or which member its zip must hold)
TYPES: dict[str, tuple[str, bytes | str]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".doc": ("application/msword", OLE),
    ".xls": ("application/vnd.ms-excel", OLE),
    ".ppt": ("application/vnd.ms-powerpoint", OLE),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "word/document.xml",
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xl/workbook.xml",
    ),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "ppt/presentation.xml",
    ),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
}
DOCUMENTS = {".pdf", ".doc", ".docx"}
REPORT_FILES = set(TYPES)


def _looks_like(signature: bytes | str, upload: UploadedFile) -> bool:
    upload.seek(0)
    try:
        if isinstance(signature, bytes):
            return upload.read(len(signature)) == signature
        with zipfile.ZipFile(upload) as archive:
            return signature in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def validate_upload(upload: UploadedFile, allowed: set[str]) -> str:
    """The content type of an allowed upload, or a ValidationError in Chinese naming the file."""
    name = upload.name or ""
    limit = settings.DOCUMENT_UPLOAD_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("文件“%(name)s”超过 %(limit)s 的大小限制。")
            % {"name": name, "limit": filesizeformat(limit)}
        )
    if not upload.size:
        raise ValidationError(_("文件“%(name)s”是空文件。") % {"name": name})
    extension = PurePath(name).suffix.lower()
    if extension not in allowed:
        raise ValidationError(
            _("文件“%(name)s”的类型不支持，只能上传：%(types)s。")
            % {"name": name, "types": "、".join(sorted(allowed))}
        )
    content_type, signature = TYPES[extension]
    if not _looks_like(signature, upload):
        raise ValidationError(
            _("文件“%(name)s”的内容与扩展名不符，可能已损坏或不是 %(ext)s 文件。")
            % {"name": name, "ext": extension}
        )
    return content_type


def validate_document(upload: UploadedFile) -> str:
    """A PDF or Word file (improvement plans)."""
    return validate_upload(upload, DOCUMENTS)


def validate_report_file(upload: UploadedFile) -> str:
    """A photo, PDF or Office file (quarterly reports)."""
    return validate_upload(upload, REPORT_FILES)


def server_named(upload: UploadedFile) -> File:
    """The upload under a name the server chooses (random, its extension kept in lower case):
    nothing of what the browser sent reaches the disk; people see the original name."""
    return File(upload, name=uuid.uuid4().hex + PurePath(upload.name or "").suffix.lower())


def download_response(stored: "StoredFile") -> FileResponse:
    """The file as a download under its original name (callers check who may have it)."""
    return FileResponse(
        stored.file.open("rb"),  # type: ignore[attr-defined]
        as_attachment=True,
        filename=stored.name,
        content_type=stored.content_type,
    )


class StoredFile(models.Model):
    """The facts kept about an uploaded file; subclasses add the `file` field and owner."""

    name = models.CharField(_l("文件名"), max_length=200)
    size = models.PositiveIntegerField(_l("大小（字节）"))
    content_type = models.CharField(_l("类型"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_l("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_l("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @classmethod
    def create_from(
        cls, upload: UploadedFile, *, content_type: str, uploaded_by: Any, **owner: Any
    ) -> Any:
        """Store a checked upload on disk under a server-chosen name; its original name (cut to
        the field's length) is what people see and download it as."""
        return cls._default_manager.create(  # type: ignore[misc]  # subclasses add `file`
            file=server_named(upload),
            name=(upload.name or "")[:200],
            size=upload.size or 0,
            content_type=content_type,
            uploaded_by=uploaded_by,
            **owner,
        )
