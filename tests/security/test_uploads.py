"""Upload tricks on every upload: report and plan attachments, assessment evidence, the offline
report form and the imports.

Already covered elsewhere (not repeated here): wrong extension, extension/content mismatch,
empty and over-size attachments (tests/projects/test_plans.py,
tests/reports/test_workflow.py); workbooks that are not workbooks, zip bombs and internal entity
expansion for imports (tests/imports/test_bad_files.py) and the offline form
(tests/outputs/test_report_form.py). Here: hostile file names, executables, HTML and SVG posing
as PDFs on every attachment path with the same Chinese message naming the file, external
entities (XXE) in workbooks, where stored files land and how they are served.
"""

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import services as assessment_services
from assessments.models import AssessmentEntry, EvidenceFile
from assessments.selectors import parties_of
from config.uploads import XLSX_CONTENT_TYPE
from imports import services as import_services
from outputs.exporters.report_form import ReportFormExporter
from pairings.models import Pairing
from projects.models import PlanAttachment
from projects.services import plans as plan_services
from reports import offline
from reports.models import QuarterlyReport, ReportAttachment
from reports.services import report_attachment_add, report_open
from tests.assessments.conftest import Guangdong, gd, scheme_with  # noqa: F401  (gd: fixture)
from tests.imports.books import edit_sheet_xml, xlsx
from tests.reports.conftest import make_period
from tests.security.tainted import PDF_BYTES
from tests.world import World

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><text>x</text></svg>'
MISMATCH = "的内容与扩展名不符"
NOT_ALLOWED = "的类型不支持"

# (file name, content, what the Chinese message says); every message names the file.
BAD_FILES = [
    ("工作照片.pdf", EXE, MISMATCH),
    ("总结.pdf", HTML, MISMATCH),
    ("图表.pdf", SVG, MISMATCH),
    ("总结.pdf.exe", EXE, NOT_ALLOWED),
    ("页面.html", HTML, NOT_ALLOWED),
    ("图表.svg", SVG, NOT_ALLOWED),
    ("大文件.pdf", PDF_BYTES + b"0" * 4096, "的大小限制"),
]
# Names a browser (or a crafted request) may send, and what is left of them.
HOSTILE_NAMES = [
    "../../etc/passwd.pdf",
    "/etc/cron.d/evil.pdf",
    "..\\..\\windows\\win.pdf",
    "a\x00b.pdf",
    ".htaccess.pdf",
]


def _media_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def _report(world: World) -> QuarterlyReport:
    make_period(world)
    period = world.programme.reporting_periods.get()
    return report_open(user=world.users["fynu_contact"], period=period, institution=world.fynu)


def _plan(world: World) -> Any:
    return plan_services.plan_create(
        user=world.users["ahnu_contact"],
        consortium=world.consortium,
        phase=world.phase,
        college=world.fynu,
        supporter=world.ahnu,
    )


def assert_refused(add: Callable[[SimpleUploadedFile], Any], path: str) -> None:
    for name, data, message in BAD_FILES:
        with pytest.raises(ValidationError) as caught:
            add(SimpleUploadedFile(name, data))
        text = " ".join(caught.value.messages)
        assert f"文件“{name}”" in text and message in text, (path, name, text)


def test_executables_html_and_svg_are_refused_as_attachments(
    world: World, media: Path, settings
) -> None:
    settings.DOCUMENT_UPLOAD_MAX_BYTES = 4096
    report, plan = _report(world), _plan(world)
    assert_refused(
        lambda u: report_attachment_add(user=world.users["fynu_contact"], report=report, upload=u),
        "report",
    )
    assert_refused(
        lambda u: plan_services.plan_attachment_add(
            user=world.users["ahnu_contact"], plan=plan, upload=u
        ),
        "plan",
    )
    assert not ReportAttachment.objects.exists() and not PlanAttachment.objects.exists()
    assert _media_files(media) == []


def test_executables_html_and_svg_are_refused_as_assessment_evidence(
    gd: Guangdong,  # noqa: F811  (the fixture imported above)
    media: Path,
    settings,
) -> None:
    settings.DOCUMENT_UPLOAD_MAX_BYTES = 4096
    scheme = scheme_with(
        gd, [("1", "满意度", {"rule": "manual", "source": "imported"}, {"prd": 100, "ewn": 100})]
    )
    indicator, party = scheme.indicators.get(), parties_of(scheme)[0].institution

    def evidence(upload: SimpleUploadedFile) -> Any:
        return assessment_services.entry_record(
            user=gd.officer,
            indicator=indicator,
            party=party,
            value=Decimal(90),
            evidence="统计年报",
            files=[upload],
        )

    assert_refused(evidence, "evidence")
    assert not EvidenceFile.objects.exists() and not AssessmentEntry.objects.exists()
    assert _media_files(media) == []


def test_hostile_names_are_stored_under_media_with_safe_names_and_served_as_downloads(
    client, world: World, media: Path
) -> None:
    report = _report(world)
    client.force_login(world.users["fynu_contact"])
    url = reverse("reports:action", args=[report.pk, "attachment"])
    for name in HOSTILE_NAMES:
        response = client.post(url, {"file": SimpleUploadedFile(name, PDF_BYTES)}, follow=True)
        assert "附件已上传" in response.content.decode(), name
    attachments = list(ReportAttachment.objects.all())
    assert len(attachments) == len(HOSTILE_NAMES)
    root = media.resolve()
    for attachment in attachments:
        stored = Path(attachment.file.path).resolve()
        assert stored.is_relative_to(root / "reports") and stored.is_file(), stored
        for bad in ("..", "/", "\\", "\x00"):
            assert bad not in attachment.name, attachment.name
        # On disk the server's own name; the original is only what the download is called.
        assert re.fullmatch(r"[0-9a-f]{32}\.pdf", stored.name), stored.name
        response = client.get(reverse("reports:attachment", args=[attachment.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
    assert len(_media_files(media)) == len(HOSTILE_NAMES)


def _with_external_entity(data: bytes, target: str) -> bytes:
    """The workbook with a row whose text cell is an external entity."""

    def edit(content: bytes) -> bytes:
        head, _, body = content.rpartition(b"?>")
        doctype = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{target}">]>'.encode()
        body = body.replace(
            b"</sheetData>",
            b"<row r='99'><c r='A99' t='inlineStr'><is><t>&xxe;</t></is></c></row></sheetData>",
        )
        return (head + b"?>" if head else b"") + doctype + body

    return edit_sheet_xml(data, edit)


def test_external_entities_in_workbooks_are_never_read(
    client, world: World, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-密码")
    pairings = [
        ["结对类型", "支援方", "受援方"],
        ["高校结对帮扶薄弱院校", "安徽师范大学", "阜阳师范大学"],
    ]
    data = _with_external_entity(xlsx({"结对": pairings}), secret.as_uri())
    before = Pairing.objects.count()
    batch = import_services.batch_upload(
        user=world.users["admin"],
        kind="round_setup",
        params={"programme": world.programme.pk, "phase": world.phase.pk},
        upload=SimpleUploadedFile("结对.xlsx", data, content_type="text/html"),
    )
    stored = f"{batch.error} {batch.problems} {batch.warnings} {batch.preview}"
    assert "TOP-SECRET" not in stored
    # The claimed content type is not kept: the original file is served as a workbook.
    client.force_login(world.users["admin"])
    response = client.get(reverse("imports:file", args=[batch.pk]))
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    assert Pairing.objects.count() == before

    # The offline report form: refused as a whole with the Chinese message, nothing saved.
    report = _report(world)
    form = _with_external_entity(_offline_form(world, report), secret.as_uri())
    with pytest.raises(offline.OfflineFormInvalid) as caught:
        offline.report_import_offline(
            user=world.users["fynu_contact"],
            report=report,
            upload=SimpleUploadedFile("离线填报表.xlsx", form),
            overwrite=False,
        )
    errors = caught.value.errors
    assert "TOP-SECRET" not in str(errors)
    assert any("无法读取该文件" in e for e in errors), errors
    report.refresh_from_db()
    assert not report.sections.exists()


def _offline_form(world: World, report: QuarterlyReport) -> bytes:
    params = {"period": report.period_id, "institution": world.fynu.pk}
    return ReportFormExporter(params).run(lambda *args: None).data
