"""Stored XSS: hostile text in every field people type comes back as text everywhere it is
shown — every page a signed-in user can reach by following links, the downloads, the emails,
the PDFs and the Excel exports."""

import io
import re
from collections import deque
from html.parser import HTMLParser
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from accounts.services import user_invite
from assessments.models import AssessmentEntry, AssessmentRun, EvidenceFile
from outputs.exporters import EXPORTERS
from outputs.exporters.base import PDF, XLSX
from reports.reminders import reminders_send
from tests.assessments.conftest import gd  # noqa: F401  (the fixture, for the scoring run)
from tests.assessments.test_exports import run as scoring_run  # noqa: F401  (the fixture)
from tests.pdf import pdf_text
from tests.security.tainted import (
    FREE_TEXT,
    PDF_BYTES,
    build_everything,
    is_excluded,
    taint,
    text_fields,
)
from tests.world import World

PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(1)>{{7*7}}=1+1'
RAW = ("<script>alert(1)</script>", "<img src=x onerror")
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
# A tagged text on a page, escaped for HTML or for json_script (the dashboards' charts).
SHOWN = re.compile(r"(T\d+\.\d+)(?:&lt;script&gt;|\\u003Cscript\\u003E)")

# Typed texts no page shows (they are kept, or only exported): nothing to escape on a page.
NOT_ON_ANY_PAGE = {
    "outputs.OutputJob.filename",  # the download's name only
    "pairings.Pairing.note",  # the admin's and the round-setup export's
    "projects.IndicatorActual.note",
    "projects.IndicatorTemplate.checklist",  # becomes the deliverable items
    "reports.ProjectProgress.note",  # the offline form's
    "schools.Institution.address",
}
ASSESSMENT_FIELDS = {
    f"{label}.{name}"
    for label, names in FREE_TEXT.items()
    if label.startswith("assessments.")
    for name in names
}


def hostile(tag: str, max_length: int | None) -> str:
    return (tag + PAYLOAD)[:max_length]


class Links(HTMLParser):
    """The site's own links on a page (not static files, the admin or the language switch)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") or ""
        skipped = ("/static/", "/admin/", "/i18n/", "/logout")
        if tag == "a" and href.startswith("/") and not href.startswith(skipped):
            self.found.append(href.split("#")[0])


def assert_escaped(body: str, where: str) -> None:
    for raw in RAW:
        assert raw not in body, f"{where}: unescaped {raw}"
    # Text is never run as a template either.
    assert "&gt;49=1+1" not in body, where


def crawl(client: Any, users: list[User], start: list[str]) -> tuple[set[str], int]:
    """Follow every link from the start pages as each user in turn; each URL shape (numbers and
    query values aside) is read once. Returns the tags shown escaped and the pages read."""
    shown: set[str] = set()
    done: set[tuple[str, tuple[str, ...]]] = set()
    for user in users:
        client.force_login(user)
        queue = deque(start)
        while queue:
            url = queue.popleft()
            path, _, query = url.partition("?")
            shape = (re.sub(r"\d+", "N", path), tuple(sorted(re.findall(r"(\w+)=", query))))
            if shape in done:
                continue
            done.add(shape)
            response = client.get(url)
            if response.status_code in (301, 302):
                queue.append(response["Location"])
                continue
            content_type = response.get("Content-Type", "")
            if response.status_code != 200:
                continue
            if "text/html" not in content_type:
                # A download: never a page the browser would render.
                assert response["Content-Disposition"].startswith("attachment;"), url
                assert "html" not in content_type and "svg" not in content_type, url
                continue
            body = response.content.decode()
            assert_escaped(body, f"{user.username} {url}")
            shown |= set(SHOWN.findall(body))
            links = Links()
            links.feed(body)
            queue.extend(links.found)
    return shown, len(done)


def test_every_typed_field_is_either_tainted_or_not_free_text() -> None:
    """The list of fields below is complete: a new text field has to be placed in one of the
    two lists (and so gets tainted and looked for on the pages) before this passes."""
    unplaced = [
        f"{model._meta.label}.{field.name}"
        for model, field in text_fields()
        if field.name not in FREE_TEXT.get(model._meta.label, []) and not is_excluded(model, field)
    ]
    assert unplaced == []


def test_hostile_text_is_shown_as_text_on_every_page_and_download(client, world: World) -> None:
    everything = build_everything(world)
    tags = taint(hostile)
    start = [
        "/",
        reverse("schools:institution", args=[world.fynu.pk]),
        reverse("reports:detail", args=[everything.report.pk]),
        reverse("projects:detail", args=[everything.project.pk]),
    ]
    users = [world.users[name] for name in ("admin", "bnu_coordinator", "fynu_contact")]
    users += [world.users[name] for name in ("bnu_expert", "anhui_edu")]
    shown, pages = crawl(client, users, start)
    assert pages > 60  # the crawl reached the whole site, not just a sign-in page
    fields_shown = {tags[tag] for tag in shown}
    expected = set(tags.values()) - NOT_ON_ANY_PAGE - ASSESSMENT_FIELDS
    assert expected - fields_shown == set()
    client.force_login(world.users["admin"])
    body = client.get(reverse("projects:detail", args=[everything.project.pk])).content.decode()
    assert ESCAPED + "{{7*7}}=1+1" in body  # the whole text, escaped once


def test_hostile_text_in_emails(client, world: World, django_capture_on_commit_callbacks) -> None:
    everything = build_everything(world)
    taint(hostile)
    for user in User.objects.exclude(username="alice"):
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])
    mail.outbox.clear()
    reminders_send(everything.period.due_on)
    with django_capture_on_commit_callbacks(execute=True):
        user_invite(
            consortium=world.consortium,
            full_name=PAYLOAD,
            email="new@example.cn",
            institution=world.fynu,
            role=Role.CONTACT,
            set_password_url=lambda uid, token: f"/reset/{uid}/{token}/",
        )
    client.post(reverse("password_reset"), {"email": "fynu_contact@example.cn"})
    subjects = {m.subject for m in mail.outbox}
    assert len(mail.outbox) >= 3, subjects
    assert any("<script>" in m.body for m in mail.outbox)  # the names reached the mails
    for message in mail.outbox:
        assert "\n" not in message.subject
        for content, mimetype in getattr(message, "alternatives", []):
            assert mimetype != "text/html" or not any(r in content for r in RAW)


def _cells(data: bytes) -> list[Any]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


def assert_pdf_shows_the_text(data: bytes, tmp_path: Any) -> None:
    text = re.sub(r"\s+", "", pdf_text(data, tmp_path))
    assert re.sub(r"\s+", "", PAYLOAD)[:40] in text


def assert_workbook_keeps_the_text(data: bytes) -> None:
    hostile_cells = [c for c in _cells(data) if isinstance(c.value, str) and "<script>" in c.value]
    assert hostile_cells
    for cell in hostile_cells:
        assert cell.data_type == "s" and "&lt;" not in cell.value and "alert(1)" in cell.value


def test_hostile_text_in_pdfs_and_workbooks(world: World, tmp_path) -> None:
    everything = build_everything(world)
    taint(hostile)
    admin = world.users["admin"]
    params = everything.export_params(world, PAYLOAD)
    for kind, values in params.items():
        output = EXPORTERS[kind](values, user=admin).run(lambda done, total, stage: None)
        if output.content_type == PDF:
            assert_pdf_shows_the_text(output.data, tmp_path)
        else:
            assert output.content_type == XLSX, kind
            assert_workbook_keeps_the_text(output.data)
    # The scoring run's two outputs are tested on their own Guangdong below.
    assert set(EXPORTERS) - set(params) == {"assessment_results", "assessment_report"}


@pytest.mark.usefixtures("gd")
def test_hostile_text_in_the_assessment_pages_and_outputs(
    client,
    scoring_run: AssessmentRun,  # noqa: F811  (the fixture imported above)
    tmp_path,
) -> None:
    run = scoring_run
    officer = User.objects.get(username="gd_edu")
    EvidenceFile.create_from(
        SimpleUploadedFile("佐证.pdf", PDF_BYTES),
        content_type="application/pdf",
        uploaded_by=officer,
        entry=AssessmentEntry.objects.filter(indicator__scheme=run.scheme).first(),
    )
    tags = taint(hostile)
    scheme = run.scheme
    start = [
        reverse("assessments:scheme", args=[scheme.pk]),
        reverse("assessments:run", args=[run.pk]),
    ]
    shown, _pages = crawl(client, [officer], start)
    assert ASSESSMENT_FIELDS - {tags[tag] for tag in shown} == set()
    for kind in ("assessment_results", "assessment_report"):
        output = EXPORTERS[kind]({"run": run.pk}, user=officer).run(lambda *args: None)
        if output.content_type == PDF:
            assert_pdf_shows_the_text(output.data, tmp_path)
        else:
            assert_workbook_keeps_the_text(output.data)
