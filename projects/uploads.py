"""Checks for uploaded documents: size, extension, and that the bytes match the extension."""

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


def _looks_like(extension: str, upload: UploadedFile) -> bool:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension == ".doc":
        return head == OLE_SIGNATURE
    try:
        with zipfile.ZipFile(upload) as archive:  # lists names only, never extracts
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def validate_document(upload: UploadedFile) -> str:
    """The content type of a PDF or Word upload, or a ValidationError in Chinese."""
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
    if extension not in DOCUMENT_TYPES:
        raise ValidationError(
            _("文件“%(name)s”的类型不支持，只能上传 PDF 或 Word（.pdf、.doc、.docx）文件。")
            % {"name": name}
        )
    if not _looks_like(extension, upload):
        raise ValidationError(
            _("文件“%(name)s”的内容与扩展名不符，可能已损坏或不是 %(ext)s 文件。")
            % {"name": name, "ext": extension}
        )
    return DOCUMENT_TYPES[extension]
