"""manage.py bench_outputs — how long the outputs take and how much memory they need.

Builds (and removes again at the end) a consortium of 9 institutions × 20 projects
× 10 indicators (1,800 indicators) over 56 quarters, with typed actuals every quarter and a
full report from every member for the last one. Then, each in a fresh `manage.py` process (as a
worker would: its memory is its own), it produces:

- the consortium quarterly summary PDF for the last quarter (target: < 10 s, < 400 MB);
- the indicator workbook, one row per institution × indicator × quarter: 9 × 200 × 56 =
  100,800 rows (target: < 10 s), the same through openpyxl's write-only mode for comparison,
  and the streamed one again for 6 quarters (10,800 rows) for the ratio.

Figures: wall time, peak resident memory of the process (VmHWM) and its size before the work.
"""

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from outputs.exporters.consortium_summary import ConsortiumSummaryExporter
from outputs.exporters.indicator_workbook import (
    indicator_workbook,
    indicator_workbook_openpyxl,
    workbook_rows,
)
from pairings.choices import MemberRole
from pairings.models import Consortium, Membership
from programmes.models import ContentArea, Programme, ProgrammeLevel
from projects.models import (
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    Milestone,
    Project,
    ResponsibleUnit,
)
from reports.models import (
    IndicatorValue,
    ProjectProgress,
    QuarterlyReport,
    ReportingPeriod,
    ReportSection,
    ReportStatus,
)
from schools.models import Institution, InstitutionKind, Region

BENCH_SLUG = "bench-outputs"
BENCH_USER = "bench-outputs"
NARRATIVE = (
    "本季度围绕人才队伍建设、学科专业建设和基础教育服务能力建设，组织骨干教师赴帮扶高校跟岗研修，"
    "联合开展教研活动和送教下乡，完善课程体系和实践教学基地建设，取得阶段性成效。"
)


def _status_mb(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return 0.0


def _pages(pdf: bytes) -> int:
    """The page count as poppler's pdfinfo reads it (0 when pdfinfo is missing)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        try:
            info = subprocess.run(  # noqa: S603
                ["pdfinfo", handle.name],  # noqa: S607 — poppler-utils, from setup.sh
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        except (OSError, subprocess.CalledProcessError):
            return 0
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(found.group(1)) if found else 0


def _measure(what: str, params: dict[str, int]) -> dict[str, float]:
    """Produce one output in this process and report time and memory."""
    user = User.objects.get(username=BENCH_USER)
    start_mb = _status_mb("VmRSS:")
    started = time.perf_counter()
    if what == "pdf":
        exporter = ConsortiumSummaryExporter({**params, "overview": NARRATIVE}, user=user)
        data = exporter.run(lambda done, total, stage: None).data
        size, pages = len(data), _pages(data)
    else:
        total, rows = workbook_rows(user=user, params=params, progress=lambda *a: None)
        writer = indicator_workbook_openpyxl if what == "workbook-openpyxl" else indicator_workbook
        size, pages = len(writer(total, rows)), 0
    return {
        "pages": pages,
        "seconds": time.perf_counter() - started,
        "peak_mb": _status_mb("VmHWM:"),
        "start_mb": start_mb,
        "bytes": size,
    }


def _in_fresh_process(what: str, params: dict[str, int]) -> dict[str, float]:
    command = [sys.executable, "manage.py", "bench_outputs", "--measure", what]
    command += ["--params", json.dumps(params)]
    result = subprocess.run(  # noqa: S603 — our own manage.py with our own arguments
        command, cwd=settings.BASE_DIR, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise CommandError(f"{what} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


class Command(BaseCommand):
    help = "测量季度工作汇总 PDF 与指标数据表（10 万行）的生成时间和内存。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--institutions", type=int, default=9)
        parser.add_argument("--projects", type=int, default=20, help="每个单位的项目数")
        parser.add_argument("--indicators", type=int, default=10, help="每个项目的指标数")
        parser.add_argument("--quarters", type=int, default=56)
        parser.add_argument(
            "--skip-openpyxl", action="store_true", help="不比较 openpyxl（省约 1 分钟）"
        )
        parser.add_argument("--measure", help=argparse.SUPPRESS)
        parser.add_argument("--params", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["measure"]:
            self.stdout.write(
                json.dumps(_measure(options["measure"], json.loads(options["params"])))
            )
            return
        if Programme.objects.filter(slug=BENCH_SLUG).exists():
            _remove()  # left over from an interrupted run
        try:
            self._run(options)
        finally:
            _remove()
            self.stdout.write("（基准数据已删除 bench data removed）")

    def _run(self, options: dict[str, Any]) -> None:
        started = time.perf_counter()
        programme, consortium, periods = self._build(options)
        self.stdout.write(
            f"数据 data: {options['institutions']} 单位 × {options['projects']} 项目 × "
            f"{options['indicators']} 指标, {len(periods)} 季度 — "
            f"built in {time.perf_counter() - started:.1f} s"
        )
        per_quarter = options["institutions"] * options["projects"] * options["indicators"]
        summary = {"consortium": consortium.pk, "period": periods[-1].pk}
        workbook = {"programme": programme.pk, "consortium": consortium.pk}
        rows = per_quarter * len(periods)
        results = [
            ("summary PDF", _in_fresh_process("pdf", summary), 0, 10, 400),
            ("workbook (streamed)", _in_fresh_process("workbook", workbook), rows, 10, 0),
        ]
        if not options["skip_openpyxl"]:
            results.append(
                (
                    "workbook (openpyxl)",
                    _in_fresh_process("workbook-openpyxl", workbook),
                    rows,
                    0,
                    0,
                )
            )
        ReportingPeriod.objects.filter(pk__in=[p.pk for p in periods[:-6]]).delete()
        small = ("workbook (6 quarters)", _in_fresh_process("workbook", workbook), per_quarter * 6)
        results.append((*small, 0, 0))
        self.stdout.write("")
        self.stdout.write(
            f"{'output':<24}{'rows/pages':>10}{'seconds':>10}{'peak MB':>10}{'start MB':>10}"
            f"{'size KB':>10}  target"
        )
        for name, figures, count, seconds, megabytes in results:
            target = []
            if seconds:
                target.append(f"< {seconds} s ({figures['seconds'] / seconds:.2f} of it)")
            if megabytes:
                target.append(f"< {megabytes} MB ({figures['peak_mb'] / megabytes:.2f} of it)")
            self.stdout.write(
                f"{name:<24}{count or int(figures['pages']) or '':>10}{figures['seconds']:>10.2f}"
                f"{figures['peak_mb']:>10.0f}{figures['start_mb']:>10.0f}"
                f"{figures['bytes'] / 1024:>10.0f}  {', '.join(target)}"
            )
        big, few = results[1][1], results[-1][1]
        self.stdout.write(
            f"\nworkbook {rows:,} vs {per_quarter * 6:,} rows: "
            f"rows ×{rows / (per_quarter * 6):.1f}, "
            f"time ×{big['seconds'] / few['seconds']:.1f}, "
            f"peak memory ×{big['peak_mb'] / few['peak_mb']:.2f} "
            f"({rows / big['seconds']:,.0f} rows/s)"
        )
        if not options["skip_openpyxl"]:
            slow = results[2][1]
            self.stdout.write(
                f"streamed vs openpyxl write-only: ×{slow['seconds'] / big['seconds']:.1f} faster, "
                f"peak memory {big['peak_mb']:.0f} vs {slow['peak_mb']:.0f} MB"
            )
        # A reference for reading the figures on another machine.
        loop_started = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        self.stdout.write(
            f"CPU reference: a 10-million-step Python loop takes "
            f"{time.perf_counter() - loop_started:.2f} s here"
        )

    @transaction.atomic
    def _build(self, options: dict[str, Any]) -> tuple[Programme, Consortium, list]:
        User.objects.create_superuser(BENCH_USER, password=None)
        region = Region.objects.filter(level="prefecture").first() or Region.objects.create(
            code="9901", name="基准市", level="prefecture"
        )
        quarters = options["quarters"]
        first_year = 2022
        programme = Programme.objects.create(
            name="基准测试计划（回滚）",
            short_name="基准",
            slug=BENCH_SLUG,
            level=ProgrammeLevel.NATIONAL,
            issuing_authority="基准",
            starts_on=dt.date(first_year, 1, 1),
            ends_on=dt.date(first_year + (quarters - 1) // 4, 12, 31),
        )
        areas = ContentArea.objects.bulk_create(
            ContentArea(programme=programme, code=str(i + 1), name=name, order=i)
            for i, name in enumerate(
                [
                    "人才队伍建设",
                    "学科专业建设",
                    "基础教育服务能力",
                    "学校管理与发展",
                    "组团特色项目",
                ]
            )
        )
        institutions = Institution.objects.bulk_create(
            Institution(
                name=f"基准院校{i + 1:02d}", kind=InstitutionKind.NORMAL_COLLEGE, region=region
            )
            for i in range(options["institutions"])
        )
        consortium = Consortium.objects.create(
            programme=programme, name="基准组团", lead=institutions[0]
        )
        Membership.objects.bulk_create(
            Membership(
                consortium=consortium,
                institution=institution,
                role=MemberRole.LEAD if i == 0 else MemberRole.SUPPORTED,
                order=i,
            )
            for i, institution in enumerate(institutions)
        )
        periods = []
        for q in range(quarters):
            year, quarter = first_year + q // 4, q % 4
            starts = dt.date(year, 3 * quarter + 1, 1)
            ends = (
                dt.date(year, 3 * quarter + 4, 1) - dt.timedelta(days=1)
                if quarter < 3
                else dt.date(year, 12, 31)
            )
            periods.append(
                ReportingPeriod(
                    programme=programme,
                    name=f"{year}年第{quarter + 1}季度",
                    starts_on=starts,
                    ends_on=ends,
                    opens_on=starts,
                    due_on=ends + dt.timedelta(days=10),
                    locks_on=ends + dt.timedelta(days=30),
                )
            )
        periods = ReportingPeriod.objects.bulk_create(periods)
        projects = Project.objects.bulk_create(
            Project(
                programme=programme,
                area=areas[p % len(areas)],
                consortium=consortium,
                title=f"{institution.name}帮扶项目{p + 1:02d}",
                starts_on=programme.starts_on,
                ends_on=programme.ends_on,
            )
            for institution in institutions
            for p in range(options["projects"])
        )
        per_institution = options["projects"]
        ResponsibleUnit.objects.bulk_create(
            ResponsibleUnit(project=project, institution=institutions[i // per_institution])
            for i, project in enumerate(projects)
        )
        # Three steps over the project's life: one done early on, one done mid-way, one due
        # in the last quarter (the one the summary is for) and not done yet.
        last_year = programme.ends_on.year
        steps = [
            (dt.date(first_year + 1, 6, 30), dt.date(first_year + 1, 6, 20)),
            (
                dt.date((first_year + last_year) // 2, 6, 30),
                dt.date((first_year + last_year) // 2, 7, 5),
            ),
            (dt.date(last_year, 11, 30), None),
        ]
        Milestone.objects.bulk_create(
            Milestone(project=project, title=f"实施步骤{m + 1}", due_on=due, done_on=done)
            for project in projects
            for m, (due, done) in enumerate(steps)
        )
        indicators = Indicator.objects.bulk_create(
            Indicator(project=project, name=f"指标{k + 1:02d}", unit="人次", order=k)
            for project in projects
            for k in range(options["indicators"])
        )
        years = range(first_year, programme.ends_on.year + 1)
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(indicator=indicator, year=year, value=Decimal(400))
            for indicator in indicators
            for year in years
        )
        IndicatorActual.objects.bulk_create(
            (
                IndicatorActual(
                    indicator=indicator,
                    starts_on=period.starts_on,
                    ends_on=period.ends_on,
                    value=Decimal(80 + (indicator.pk + n) % 40),
                )
                for indicator in indicators
                for n, period in enumerate(periods)
            ),
            batch_size=5000,
        )
        last = periods[-1]
        reports = QuarterlyReport.objects.bulk_create(
            QuarterlyReport(
                period=last,
                institution=institution,
                consortium=consortium,
                status=ReportStatus.SUBMITTED,
                highlights=NARRATIVE,
                submitted_at=dt.datetime.combine(last.due_on, dt.time(9), tzinfo=dt.UTC),
            )
            for institution in institutions
        )
        ReportSection.objects.bulk_create(
            ReportSection(
                report=report, area=area, work_done=NARRATIVE, outcomes=NARRATIVE, next_plan="继续"
            )
            for report in reports
            for area in areas
        )
        report_of = {r.institution_id: r for r in reports}
        unit_of = {p.pk: institutions[i // per_institution] for i, p in enumerate(projects)}
        ProjectProgress.objects.bulk_create(
            ProjectProgress(
                report=report_of[unit_of[p.pk].pk], project=p, percent=60, note="按计划推进"
            )
            for p in projects
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                report=report_of[unit_of[indicator.project_id or 0].pk],
                indicator=indicator,
                value=Decimal(95),
            )
            for indicator in indicators
        )
        return programme, consortium, periods


@transaction.atomic
def _remove() -> None:
    """Delete everything the bench built (dependants first: reports and projects protect)."""
    programme = Programme.objects.filter(slug=BENCH_SLUG).first()
    if programme is not None:
        QuarterlyReport.objects.filter(period__programme=programme).delete()
        Project.objects.filter(programme=programme).delete()
        consortia = Consortium.objects.filter(programme=programme)
        institutions = list(
            Membership.objects.filter(consortium__in=consortia).values_list(
                "institution", flat=True
            )
        )
        consortia.delete()
        programme.delete()
        Institution.objects.filter(pk__in=institutions).delete()
    User.objects.filter(username=BENCH_USER).delete()
