"""Scope and edge cases of the outputs found in review: drafts stay private, figures follow
the progress rules, expired files are gone, a broker that cannot be reached fails the job."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
from django.urls import reverse
from django.utils import timezone

from outputs import services
from outputs.exporters.consortium_summary import ConsortiumSummaryExporter, summary_build
from outputs.exporters.indicator_workbook import IndicatorWorkbookExporter
from outputs.models import JobStatus, OutputJob
from outputs.xlsx_stream import write_table
from projects.choices import ActualSource, Direction
from projects.models import Indicator, IndicatorTarget
from projects.services.indicators import indicator_save
from reports.models import IndicatorValue, QuarterlyReport, ReportStatus
from tests.projects.helpers import make_project
from tests.world import World


def test_the_last_overview_is_offered_only_to_the_coordinator(
    client, world: World, summary_period
) -> None:
    OutputJob.objects.create(
        kind=ConsortiumSummaryExporter.kind,
        title="x",
        requested_by=world.users["bnu_coordinator"],
        params={
            "consortium": world.consortium.pk,
            "period": summary_period.pk,
            "overview": "内部综述",
        },
    )
    url = reverse("outputs:new", args=[ConsortiumSummaryExporter.kind])
    query = {"consortium": world.consortium.pk, "period": summary_period.pk}
    client.force_login(world.users["bnu_coordinator"])
    assert "内部综述" in client.get(url, query).content.decode()
    for username in ("carol", "fynu_contact", "anhui_edu"):
        client.force_login(world.users[username])
        assert "内部综述" not in client.get(url, query).content.decode()


def test_drafts_are_not_printed_or_exported(world: World, summary_period) -> None:
    report = QuarterlyReport.objects.get(institution=world.fynu)
    indicator = Indicator.objects.get(name="培训学时")
    IndicatorValue.objects.create(report=report, indicator=indicator, value=Decimal(77))
    QuarterlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.RETURNED)
    fynu = next(
        m
        for m in summary_build(world.consortium, summary_period).members
        if m.institution == world.fynu
    )
    assert not fynu.received and all(section is None for _area, section in fynu.narratives)
    params = {"programme": world.programme.pk, "consortium": world.consortium.pk}
    data = IndicatorWorkbookExporter(params, user=world.users["admin"]).run(lambda *a: None).data
    values = {
        (r[1], r[7]): r[10]
        for r in openpyxl.load_workbook(io.BytesIO(data))["指标数据"].iter_rows(
            min_row=2, values_only=True
        )
    }
    assert values[("阜阳师范大学", "2024年第1季度")] == 30  # the activities, not the draft's 77
    QuarterlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    data = IndicatorWorkbookExporter(params, user=world.users["admin"]).run(lambda *a: None).data
    sheet = openpyxl.load_workbook(io.BytesIO(data))["指标数据"]
    rows = {(r[1], r[7]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[("阜阳师范大学", "2024年第1季度")][10] == 77
    assert rows[("阜阳师范大学", "2024年第1季度")][11] == "季度报告"


def test_a_decreasing_indicator_keeps_its_own_progress(world: World, summary_period) -> None:
    project = make_project(world, title="减负项目", units=[world.fynu])
    indicator = indicator_save(
        user=world.users["admin"],
        indicator=Indicator(
            project=project,
            name="大班额班级数",
            source=ActualSource.MANUAL,
            direction=Direction.DECREASE,
            baseline=Decimal(10),
        ),
        targets=[IndicatorTarget(year=2024, value=Decimal(5))],
    )
    indicator.actuals.create(starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2024, 3, 31), value=7)
    fynu = next(
        m
        for m in summary_build(world.consortium, summary_period).members
        if m.institution == world.fynu
    )
    (row,) = [r for r in fynu.indicators if r.name == "大班额班级数"]
    # From 10 down to 7 of the way to 5: 60 %, as projects/progress.py says (not 7/5).
    progress = indicator.progress(today=summary_period.ends_on)
    assert progress is not None and row.percent == 60 == progress.percent


def test_an_expired_file_is_not_served_before_the_clean_up(
    client, world: World, summary_period, django_capture_on_commit_callbacks
) -> None:
    client.force_login(world.users["bnu_coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("outputs:new", args=[ConsortiumSummaryExporter.kind]),
            {"consortium": world.consortium.pk, "period": summary_period.pk},
        )
    job = OutputJob.objects.get()
    OutputJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    assert client.get(reverse("outputs:download", args=[job.pk])).status_code == 404


def test_an_unreachable_broker_fails_the_job(world: World, monkeypatch) -> None:
    from outputs import tasks

    def down(*args, **kwargs):
        raise ConnectionRefusedError("redis down")

    monkeypatch.setattr(tasks.output_run, "apply_async", down)
    job = OutputJob.objects.create(
        kind="indicator_workbook_xlsx", title="x", requested_by=world.alice
    )
    services.job_enqueue(job)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "无法连接后台处理服务" in job.error


def test_the_stream_writer_drops_what_xml_cannot_hold() -> None:
    data = write_table(
        sheet_name="表",
        headers=[("甲", 10), ("乙", 10), ("丙", 10)],
        rows=iter([["a\ud800b\ufffe", float("nan"), "x" * 40_000]]),
        total=1,
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data))["表"]
    assert sheet["A2"].value == "ab" and sheet["B2"].value is None
    assert len(sheet["C2"].value) == 32_767
