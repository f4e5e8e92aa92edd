"""The reporting loop: fill, submit, return with comments, resubmit, approve; who may do what;
locking and reopening; two people saving the same report."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects.choices import ActualSource
from projects.models import Indicator, IndicatorTarget
from projects.services.indicators import indicator_save
from reports.models import QuarterlyReport, ReportStatus
from reports.periods import periods_ensure
from reports.selectors import expected_reporters
from reports.services import (
    EditConflict,
    report_open,
    report_reopen,
    report_return,
    report_save,
    report_submit,
    reports_approve,
)
from tests.projects.helpers import make_activity, make_project
from tests.reports.helpers import FULL, fill
from tests.world import World

pytestmark = pytest.mark.django_db


def test_quarters_follow_the_programme(world: World) -> None:
    created = periods_ensure(world.programme, dt.date(2022, 8, 1))
    assert created == 3
    periods = list(world.programme.reporting_periods.order_by("starts_on"))
    assert [p.name for p in periods] == ["2022年第1季度", "2022年第2季度", "2022年第3季度"]
    q3 = periods[2]
    assert (q3.starts_on, q3.ends_on) == (dt.date(2022, 7, 1), dt.date(2022, 9, 30))
    assert (q3.due_on, q3.locks_on) == (dt.date(2022, 10, 10), dt.date(2022, 10, 30))
    assert periods_ensure(world.programme, dt.date(2030, 1, 1)) == 13  # stops at the end, 2025
    assert periods_ensure(world.programme, dt.date(2030, 1, 1)) == 0


def test_members_report_but_not_provincial_departments(world: World, period) -> None:
    names = set(expected_reporters(world.programme, period).values_list("name", flat=True))
    assert {"北京师范大学", "阜阳师范大学", "嘉应学院"} <= names
    assert "安徽省教育厅" not in names and len(names) == 12  # 8 + 4 in 华南师大组团


def test_the_whole_loop(world: World, period) -> None:
    contact, coordinator = world.users["fynu_contact"], world.users["bnu_coordinator"]
    report = fill(contact, period, world.fynu)
    assert report.status == ReportStatus.SUBMITTED and report.is_timely
    area = period.programme.content_areas.first()
    report_return(
        user=coordinator, report=report, comment="请补充数据", sections={area.name: "写明人数"}
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    report = report_save(
        user=world.users["fynu_info"],
        report=report,
        version=report.version,
        fields={"contact_name": "王信息员", "contact_phone": "0558-1234567"},
        sections={area.pk: {**FULL, "work_done": "培训 120 人"}},
        progress={},
        values={},
    )
    report_submit(user=world.users["fynu_info"], report=report, projects=[], indicators=[])
    assert reports_approve(user=coordinator, reports=[report]) == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.approved_at
    steps = [(e.from_status, e.to_status, e.actor) for e in report.events.all()]
    assert steps == [
        ("", ReportStatus.DRAFT, contact),
        (ReportStatus.DRAFT, ReportStatus.SUBMITTED, contact),
        (ReportStatus.SUBMITTED, ReportStatus.RETURNED, coordinator),
        (ReportStatus.RETURNED, ReportStatus.SUBMITTED, world.users["fynu_info"]),
        (ReportStatus.SUBMITTED, ReportStatus.APPROVED, coordinator),
    ]
    assert report.events.get(to_status=ReportStatus.RETURNED).section_comments == {
        area.name: "写明人数"
    }


def test_submission_names_every_missing_field(world: World, period) -> None:
    project = make_project(world, units=[world.fynu], starts_on=dt.date(2023, 1, 1))
    period.starts_on, period.ends_on = dt.date(2024, 1, 1), dt.date(2024, 3, 31)
    period.save()
    hours = indicator_save(
        user=world.users["admin"],
        indicator=Indicator(project=project, name="培训学时", source=ActualSource.ACTIVITY_HOURS),
        targets=[IndicatorTarget(year=2024, value=100)],
    )
    make_activity(world, project, day=dt.date(2024, 2, 1), hours=Decimal(8), indicators=[hours])
    contact = world.users["fynu_contact"]
    report = report_open(user=contact, period=period, institution=world.fynu)
    areas = list(period.programme.content_areas.all())
    report_save(
        user=contact,
        report=report,
        version=report.version,
        fields={},
        sections={areas[0].pk: FULL},
        progress={},
        values={hours.pk: {"value": Decimal(10), "derived": Decimal(8), "reason": ""}},
    )
    with pytest.raises(ValidationError) as error:
        report_submit(user=contact, report=report, projects=[project], indicators=[hours])
    assert error.value.messages == [
        "请填写信息员姓名。",
        "请填写信息员联系电话。",
        "“学科专业建设”：请填写本季度工作（没有开展请写“无”）。",
        "“学科专业建设”：请填写下季度计划。",
        "“组团特色项目”：请填写本季度工作（没有开展请写“无”）。",
        "“组团特色项目”：请填写下季度计划。",
        f"项目“{project.title}”：请填写完成进度。",
        "指标“培训学时”：本期数值与活动记录汇总的 8.00 不同，请说明修改原因。",
    ]
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_who_may_do_what(world: World, period) -> None:
    with pytest.raises(PermissionDenied):
        report_open(user=world.users["ahnu_contact"], period=period, institution=world.fynu)
    report = fill(world.users["fynu_contact"], period, world.fynu)
    for username in ("fynu_contact", "ahnu_contact", "anhui_edu", "carol", "bnu_expert"):
        with pytest.raises(PermissionDenied):
            reports_approve(user=world.users[username], reports=[report])
        with pytest.raises(PermissionDenied):
            report_return(user=world.users[username], report=report, comment="x")
    with pytest.raises(ValidationError):
        report_open(user=world.users["admin"], period=period, institution=world.anhui_department)


def test_approved_and_late_reports_are_locked_until_reopened(world: World, period) -> None:
    coordinator = world.users["bnu_coordinator"]
    report = fill(world.users["fynu_contact"], period, world.fynu)
    reports_approve(user=coordinator, reports=[report])
    report.refresh_from_db()
    with pytest.raises(ValidationError, match="已审核通过，内容已锁定"):
        report_save(
            user=world.users["fynu_contact"],
            report=report,
            version=report.version,
            fields={},
            sections={},
            progress={},
            values={},
        )
    with pytest.raises(ValidationError):
        report_reopen(user=coordinator, report=report, reason=" ")
    with pytest.raises(PermissionDenied):
        report_reopen(user=world.users["fynu_contact"], report=report, reason="补充")
    report_reopen(user=coordinator, report=report, reason="补充附件")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.reopened
    assert report.events.filter(comment="重新开放：补充附件").exists()

    late = report_open(user=world.users["ahnu_contact"], period=period, institution=world.ahnu)
    after_lock = period.locks_on + dt.timedelta(days=1)
    assert "锁定" in late.lock_reason(after_lock) and "重新开放" in late.lock_reason(after_lock)
    with pytest.raises(ValidationError, match="报送期已于"):
        report_save(
            user=world.users["ahnu_contact"],
            report=late,
            version=late.version,
            fields={},
            sections={},
            progress={},
            values={},
            today=after_lock,
        )


def test_a_second_save_from_an_old_copy_is_refused_with_the_changes(world: World, period):
    area = period.programme.content_areas.first()
    first, second = world.users["fynu_contact"], world.users["fynu_info"]
    report = report_open(user=first, period=period, institution=world.fynu)
    opened_at = report.version
    report_save(
        user=first,
        report=report,
        version=opened_at,
        fields={"contact_name": "甲"},
        sections={area.pk: {"work_done": "甲写的"}},
        progress={},
        values={},
    )
    with pytest.raises(EditConflict) as conflict:
        report_save(
            user=second,
            report=report,
            version=opened_at,  # opened before the first save
            fields={"contact_name": "乙"},
            sections={area.pk: {"work_done": "乙写的"}},
            progress={},
            values={},
        )
    changes = {c.label: (c.theirs, c.mine) for c in conflict.value.changes}
    assert changes["信息员姓名"] == ("甲", "乙")
    assert changes[f"{area.name} · 本季度工作"] == ("甲写的", "乙写的")
    stored = QuarterlyReport.objects.get(pk=report.pk)
    assert stored.contact_name == "甲"  # nothing of the second save was written


@pytest.mark.parametrize(
    ("cadence", "names"),
    [
        ("half_yearly", ["2022年上半年", "2022年下半年"]),
        ("yearly", ["2022年度"]),
        ("monthly", ["2022年2月", "2022年3月"]),
    ],
)
def test_other_cadences(world: World, cadence: str, names: list[str]) -> None:
    world.programme.reporting_cadence = cadence
    world.programme.save()
    periods_ensure(
        world.programme, dt.date(2022, 7, 1) if cadence != "monthly" else dt.date(2022, 3, 5)
    )
    assert [p.name for p in world.programme.reporting_periods.order_by("starts_on")] == names


def xlsx_bytes() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def test_report_attachments_are_checked_and_scoped(
    world: World, period, client, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from reports.services import report_attachment_add

    settings.MEDIA_ROOT = tmp_path
    contact = world.users["fynu_contact"]
    report = report_open(user=contact, period=period, institution=world.fynu)
    with pytest.raises(ValidationError, match="只能上传"):
        report_attachment_add(
            user=contact, report=report, upload=SimpleUploadedFile("a.exe", b"MZ")
        )
    with pytest.raises(ValidationError, match="内容与扩展名不符"):
        report_attachment_add(
            user=contact, report=report, upload=SimpleUploadedFile("photo.jpg", b"GIF89a")
        )
    sheet = report_attachment_add(
        user=contact, report=report, upload=SimpleUploadedFile("统计表.xlsx", xlsx_bytes())
    )
    photo = report_attachment_add(
        user=contact, report=report, upload=SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n...")
    )
    assert sheet.content_type.endswith("spreadsheetml.sheet") and photo.content_type == "image/png"
    with pytest.raises(PermissionDenied):
        report_attachment_add(
            user=world.users["ahnu_contact"],
            report=report,
            upload=SimpleUploadedFile("x.pdf", b"%PDF-1.4"),
        )
    url = reverse("reports:attachment", args=[sheet.pk])
    client.force_login(world.users["bnu_coordinator"])
    assert client.get(url).status_code == 200
    client.force_login(world.users["ahnu_contact"])
    assert client.get(url).status_code == 404


def test_reports_wait_for_their_period_to_open(world: World, period) -> None:
    from django.utils import timezone

    period.opens_on = timezone.localdate() + dt.timedelta(days=3)
    period.save()
    report = report_open(user=world.users["fynu_contact"], period=period, institution=world.fynu)
    with pytest.raises(ValidationError, match="开放填报"):
        report_submit(user=world.users["fynu_contact"], report=report, projects=[], indicators=[])


def test_submitted_reports_cannot_be_reopened_and_resubmission_keeps_timeliness(
    world: World, period
) -> None:
    from django.utils import timezone

    from reports.models import QuarterlyReport as Report

    coordinator = world.users["bnu_coordinator"]
    report = fill(world.users["fynu_contact"], period, world.fynu)
    with pytest.raises(ValidationError, match="只能重新开放"):
        report_reopen(user=coordinator, report=report, reason="无")
    report_return(user=coordinator, report=report, comment="补充")
    later = timezone.now() + dt.timedelta(days=40)  # resubmitted long after the due date
    report = report_save(
        user=world.users["fynu_contact"],
        report=report,
        version=Report.objects.get(pk=report.pk).version,
        fields={"contact_name": "王", "contact_phone": "1"},
        sections={a.pk: FULL for a in period.programme.content_areas.all()},
        progress={},
        values={},
    )
    report = report_submit(
        user=world.users["fynu_contact"], report=report, projects=[], indicators=[]
    )
    Report.objects.filter(pk=report.pk).update(submitted_at=later)
    assert Report.objects.get(pk=report.pk).is_timely  # it first arrived on time
