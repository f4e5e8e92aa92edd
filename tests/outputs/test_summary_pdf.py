"""The consortium quarterly summary: what it says, read back with pdftotext, and how it reads
(a bounded number of queries; nothing fetched from outside)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outputs.exporters.consortium_summary import ConsortiumSummaryExporter, summary_build
from outputs.pdf import BASE_URL, StaticFilesOnly, html_to_pdf
from projects.choices import ActualSource
from projects.models import Indicator, IndicatorTarget
from projects.selectors import indicators_ready_for
from projects.services.indicators import indicator_save
from reports.models import QuarterlyReport
from tests.pdf import pdf_text
from tests.projects.conftest import grow_work
from tests.projects.helpers import make_activity, make_project
from tests.world import World


def _render(world: World, period, overview: str = "本季度组团稳步推进。") -> bytes:
    exporter = ConsortiumSummaryExporter(
        {"consortium": world.consortium.pk, "period": period.pk, "overview": overview}
    )
    return exporter.run(lambda done, total, stage: None).data


def test_summary_reads_as_the_office_sends_it(world: World, summary_period, tmp_path) -> None:
    text = pdf_text(_render(world, summary_period), tmp_path)
    flat = re.sub(r"\s+", "", text)
    # Cover, contents and the sections in order.
    for title in [
        "季度工作汇总",
        "目录",
        "一、综述",
        "二、报送完整率与及时率",
        "三、各成员单位工作进展",
    ]:
        assert title in flat
    assert flat.index("一、综述") < flat.index("附录：迟报、未报单位")
    assert "师范教育协同提质计划" in flat and "2024年第1季度" in flat
    assert "本季度组团稳步推进。" in flat
    # Every member once, by its Chinese name (北京师范大学 leads and supports: one section).
    for member in [world.bnu, world.ahnu, world.fynu, world.abtc, world.xcyz, world.qhnu]:
        assert member.name in flat
    assert "牵头高校、参与帮扶高校" in flat
    # Completeness: 8 members, 2 received, 1 on time.
    assert "应报8家，已报2家，按时报送1家" in flat
    # 阜阳师大's narrative per area, its highlights, the shared project and its indicator.
    assert "人才队伍建设：开展送教下乡" in flat and "阜阳师大亮点经验" in flat
    assert "青年骨干教师培育" in flat and "培训学时" in flat
    # The appendix lists 安徽师大 as late and the silent members as missing.
    appendix = flat[flat.rindex("附录：迟报、未报单位") :]
    assert "安徽师范大学迟报" in appendix
    assert "阿坝师范学院未报" in appendix and "阜阳师范大学" not in appendix
    # Page numbers “n / total” on the pages after the cover.
    pages = text.split("\f")
    assert re.search(r"\b2\s*/\s*\d+", pages[1]) and not re.search(r"\d\s*/\s*\d", pages[0])


def test_indicator_figures_and_chart(world: World, summary_period) -> None:
    summary = summary_build(world.consortium, summary_period)
    fynu = next(m for m in summary.members if m.institution == world.fynu)
    row = next(r for r in fynu.indicators if r.name == "培训学时")
    # 30 hours recorded in February against 100 for 2024, seen at the end of March.
    assert row.this_period == 30 and row.actual == 30 and row.target == 100
    assert row.percent == 30 and row.expected == 25 and not row.behind
    assert "<svg" in fynu.chart and "30%" in fynu.chart
    silent = next(m for m in summary.members if m.institution == world.abtc)
    assert silent.report is None and not silent.received and silent.indicators == []


def test_text_from_users_is_escaped_and_fetches_nothing(
    world: World, summary_period, tmp_path
) -> None:
    QuarterlyReport.objects.filter(institution=world.fynu).update(
        highlights='<img src="http://169.254.169.254/latest"><b>加粗</b><link rel=stylesheet '
        'href="file:///etc/passwd">'
    )
    data = _render(world, summary_period, "<script>x</script>")
    text = re.sub(r"\s+", "", pdf_text(data, tmp_path))
    assert '<imgsrc="http://169.254.169.254/latest"><b>加粗</b>' in text
    assert "<script>x</script>" in text


def test_the_renderer_reads_only_static_files() -> None:
    fetcher = StaticFilesOnly()
    response = fetcher.fetch(f"{BASE_URL}static/css/app.css")
    assert response.read() == (settings.BASE_DIR / "static/css/app.css").read_bytes()
    assert response.content_type == "text/css"
    for url in [
        "http://example.com/x.png",
        "file:///etc/passwd",
        f"{BASE_URL}media/reports/secret.pdf",
        f"{BASE_URL}static/../config/settings/base.py",
        f"{BASE_URL}static/%2e%2e/manage.py",
        "https://xtzt.invalid.evil.com/static/css/app.css",
    ]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    # A document pointing at a forbidden URL still renders (the image is left out).
    assert html_to_pdf('<html lang="zh-CN"><img src="http://example.com/a.png">中</html>')[:5] == (
        b"%PDF-"
    )


def test_summary_reads_in_a_fixed_number_of_queries(world: World, summary_period) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            summary_build(world.consortium, summary_period)
        return len(queries)

    small = count()
    grow_work(world, 4)  # four more projects with indicators and activities
    assert count() == small


def test_the_same_indicator_in_several_projects_is_summed(world: World, summary_period) -> None:
    """Two projects of 阜阳师大 count 培训学时 (sum): one row with both, 30 + 20 of 100 + 50."""
    project = make_project(world, title="第二个项目", units=[world.fynu])
    second = indicator_save(
        user=world.users["admin"],
        indicator=Indicator(project=project, name="培训学时", source=ActualSource.ACTIVITY_HOURS),
        targets=[IndicatorTarget(year=2024, value=Decimal(50))],
    )
    make_activity(world, project, day=dt.date(2024, 3, 1), hours=Decimal(20), indicators=[second])
    fynu = next(
        m
        for m in summary_build(world.consortium, summary_period).members
        if m.institution == world.fynu
    )
    (row,) = [r for r in fynu.indicators if r.name == "培训学时"]
    assert row.owners == ["青年骨干教师培育", "第二个项目"]
    assert (row.this_period, row.actual, row.target, row.percent) == (50, 50, 150, 33)
    tallies = {p.project.title: (p.indicators, p.reached, p.behind) for p in fynu.projects}
    assert tallies == {"青年骨干教师培育": (1, 0, 0), "第二个项目": (1, 0, 0)}


def test_reading_only_the_targets_in_force_changes_no_figure(world: World, summary_period) -> None:
    """indicators_ready_for reads a subset of targets and actuals; progress must not change,
    including for an indicator whose only target lies in another year (the fallback)."""
    project = make_project(world, title="往年项目", units=[world.fynu])
    old = indicator_save(
        user=world.users["admin"],
        indicator=Indicator(project=project, name="教研活动", source=ActualSource.MANUAL),
        targets=[IndicatorTarget(year=2023, value=Decimal(10))],
    )
    old.actuals.create(starts_on=dt.date(2023, 4, 1), ends_on=dt.date(2023, 6, 30), value=4)
    old.actuals.create(starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2024, 3, 31), value=5)
    day = summary_period.ends_on
    everything = Indicator.objects.with_progress_data().order_by("pk")
    subset = indicators_ready_for(Indicator.objects.order_by("pk"), day)
    assert [i.progress(today=day) for i in subset] == [i.progress(today=day) for i in everything]
    fallback = subset[-1].progress(today=day)
    assert len(subset) == 2 and fallback is not None and fallback.actual == 4
