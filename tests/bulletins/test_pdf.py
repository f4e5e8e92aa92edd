"""The bulletin as a PDF: the exporter on its own (what the worker runs), and the whole round
through the output-job pages."""

import pytest
from django.urls import reverse

from outputs.exporters import exporter_for
from outputs.models import JobStatus, OutputJob
from tests.bulletins.conftest import make_issue
from tests.pdf import pdf_text
from tests.world import World

pytestmark = pytest.mark.django_db


def test_exporter_typesets_the_issue(world: World, anhui, tmp_path) -> None:
    issue = make_issue(world, anhui, entries=4, publish=True)
    exporter_class = exporter_for("bulletin_pdf")
    assert exporter_class.queue == "pdf"
    stages = []
    output = exporter_class({"issue": issue.pk}).run(lambda d, t, s: stages.append((d, t)))
    assert output.content_type == "application/pdf" and output.data.startswith(b"%PDF")
    assert output.filename == "安徽协同提质工作动态2023年第1期.pdf"
    assert stages[-1] == (2, 2)
    text = "".join(pdf_text(output.data, tmp_path).split())  # lines wrap anywhere in Chinese
    for expected in (
        "安徽省高校与县域基础教育协同提质行动",
        "〔2023〕第1期",
        "【省级动态】",
        "【市县动态】",
        "【专家引领】",
        "【他山之石】",
        "★第3条导语。第3条正文：召开协同提质工作推进会",
        "省协同提质行动工作领导小组办公室",
        "报：",
        "印发",
    ):
        assert expected in text, expected


def test_who_may_have_the_pdf(world: World, anhui, guangdong) -> None:
    exporter_class = exporter_for("bulletin_pdf")
    published = {"issue": make_issue(world, anhui, publish=True).pk}
    draft = {"issue": make_issue(world, anhui).pk}
    for username, on_published, on_draft in [
        ("admin", True, True),
        ("anhui_edu", True, True),
        ("fynu_info", True, False),
        ("guangdong_edu", False, False),
        ("bnu_coordinator", False, False),
    ]:
        user = world.users[username]
        assert exporter_class.allowed(user, published) is on_published, username
        assert exporter_class.allowed(user, draft) is on_draft, username
    assert not exporter_class.allowed(world.users["admin"], {"issue": "x"})
    assert not exporter_class.allowed(world.users["admin"], {"issue": 999999})


def test_pdf_through_the_job_pages(
    client, world: World, anhui, tmp_path, django_capture_on_commit_callbacks
) -> None:
    issue = make_issue(world, anhui, entries=2, publish=True)
    draft = make_issue(world, anhui)
    client.force_login(world.users["fynu_info"])
    # The form offers what the user may see: the published issue, not the draft.
    form = client.get(reverse("outputs:new", args=["bulletin_pdf"])).context["form"]
    assert list(form.fields["issue"].queryset) == [issue]
    assert (
        client.post(reverse("outputs:new", args=["bulletin_pdf"]), {"issue": draft.pk}).status_code
        == 200
    )  # not a valid choice
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("outputs:new", args=["bulletin_pdf"]), {"issue": issue.pk})
    job = OutputJob.objects.get(kind="bulletin_pdf")
    assert response["Location"] == reverse("outputs:detail", args=[job.pk])
    assert job.status == JobStatus.DONE and "〔2023〕第1期" in job.title
    download = client.get(reverse("outputs:download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    data = b"".join(download.streaming_content)
    assert data.startswith(b"%PDF")
    assert "第1条正文" in pdf_text(data, tmp_path)
