"""manage.py bench_dashboards — server time and queries of every dashboard page, at demo size
and at Guangdong scale, measured side by side in one run.

Needs the demo (load_demo). The large programme is made by generate_scale_data; with
--generate this command makes it first (minutes), else it must exist already. Every page is
requested through Django's test client as the demo's 广东省教育厅 (or BNU coordinator) user:
the time is the whole request in the server (middleware, queries, template), no network.

Besides the pages, two baselines show what the cached summaries bought: the same figures
computed without them, as the pages before #9 did (who owed a report per period, in Python;
every indicator's progress from its values, in Python).
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, reset_queries, transaction
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards import services
from dashboards.models import ReportSlot
from dashboards.synthetic import DEFAULT_SLUG, scale_data_generate
from outputs.exporters.dashboard import DashboardExporter
from programmes.models import Programme
from reports.models import IndicatorValue, QuarterlyReport
from reports.selectors import completeness

SMALL = "guangdong"


@dataclass
class Run:
    label: str
    median_ms: float
    p95_ms: float
    queries: int
    status: int = 200


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _time(fn: Callable[[], Any], repeat: int) -> tuple[list[float], int, Any]:
    fn()  # warm: first request compiles templates, fills caches
    times = []
    result = None
    queries = 0
    for _i in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    return times, queries, result


class Command(BaseCommand):
    help = "测量各数据看板页面在示例规模与广东规模下的服务端耗时（中位数、p95）和查询次数。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--generate", action="store_true", help="先生成规模数据（数分钟）")
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--large", default=DEFAULT_SLUG)
        parser.add_argument("--baseline-repeat", type=int, default=3)

    def handle(self, *args: object, **options: Any) -> None:
        # The test client's host, and no DEBUG page machinery in the timings.
        with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
            self._run(options)

    def _run(self, options: dict[str, Any]) -> None:
        repeat = options["repeat"]
        if not Programme.objects.filter(slug=SMALL).exists():
            raise CommandError("请先运行 manage.py load_demo。")
        small = self._measure(SMALL, repeat)
        coordinator_small = self._coordinator(repeat)
        if options["generate"]:
            scale_data_generate(
                scale=options["scale"], slug=options["large"], replace=True, log=self.stdout.write
            )
        if not Programme.objects.filter(slug=options["large"]).exists():
            raise CommandError("没有规模数据：请先运行 generate_scale_data，或加 --generate。")
        large = self._measure(options["large"], repeat)
        small_in_large_db = self._measure(SMALL, repeat)
        coordinator_large = self._coordinator(repeat)

        self._sizes([SMALL, options["large"]])
        self.stdout.write(
            f"\n每页请求 {repeat} 次（先预热 1 次），服务端全程耗时（毫秒）；"
            f"S = 示例“{SMALL}”，L = 规模“{options['large']}”。"
        )
        header = (
            f"{'页面':<22}{'S 中位':>8}{'S p95':>8}{'S 查询':>7}"
            f"{'L 中位':>8}{'L p95':>8}{'L 查询':>7}{'L/S p95':>9}"
        )
        self.stdout.write(header)
        for (label, s), (_l, big) in zip(small.items(), large.items(), strict=True):
            self._row(label, s, big)
        self._row("协调人工作台", coordinator_small, coordinator_large)
        self.stdout.write("\n同一页面在大数据库中的示例计划（表变大、计划不变）：")
        for (label, s), (_l, again) in zip(small.items(), small_in_large_db.items(), strict=True):
            self._row(label, s, again)
        self._baselines(options["large"], options["baseline_repeat"])

    def _row(self, label: str, s: Run, big: Run) -> None:
        ok = "" if big.p95_ms < 300 and big.p95_ms / max(s.p95_ms, 0.1) < 3 else "  ✗"
        self.stdout.write(
            f"{label:<22}{s.median_ms:>8.1f}{s.p95_ms:>8.1f}{s.queries:>7}"
            f"{big.median_ms:>8.1f}{big.p95_ms:>8.1f}{big.queries:>7}"
            f"{big.p95_ms / max(s.p95_ms, 0.1):>9.2f}{ok}"
        )

    def _pages(self, slug: str) -> dict[str, str]:
        """The pages of one programme, at each level of the drill-down (the busiest region
        and institution of each level, so the large case is the worst case)."""
        programme = Programme.objects.get(slug=slug)
        slots = ReportSlot.objects.filter(programme=programme)
        busiest = slots.values("region_code").annotate(n=Count("pk")).order_by("-n", "region_code")
        counties = [r["region_code"] for r in busiest if len(r["region_code"]) >= 6]
        county = counties[0] if counties else "44"
        institution = (
            slots.values("institution").annotate(n=Count("pk")).order_by("-n", "institution")
        )[0]["institution"]
        template = programme.indicator_templates.order_by("order", "code")[1:2].first()
        base = reverse("dashboards:province") + f"?programme={slug}"
        return {
            "省级看板": base,
            "地级下钻": f"{base}&region={county[:4]}",
            "县级下钻": f"{base}&region={county}",
            "单位": f"{base}&institution={institution}",
            "筛选（小学·及时率）": f"{base}&kind=primary_school&metric=timeliness"
            + (f"&indicator={template.code}" if template else ""),
            "逾期清单（全轮）": reverse("dashboards:late") + f"?programme={slug}&all=1",
        }

    def _measure(self, slug: str, repeat: int) -> dict[str, Run]:
        user = get_user_model().objects.get(username="guangdong_edu")
        client = Client()
        client.force_login(user)
        runs = {}
        for label, url in self._pages(slug).items():
            times, queries, response = _time(partial(client.get, url), repeat)
            if response.status_code != 200:
                raise CommandError(f"{label} {url}: {response.status_code}")
            runs[label] = Run(label, statistics.median(times), _percentile(times, 0.95), queries)
        params = {"programme": slug}
        exporter = DashboardExporter(params, user=user)
        times, queries, _output = _time(lambda: exporter.run(lambda *a: None), max(3, repeat // 5))
        runs["导出 Excel（任务）"] = Run(
            "export", statistics.median(times), _percentile(times, 0.95), queries
        )
        return runs

    def _coordinator(self, repeat: int) -> Run:
        client = Client()
        client.force_login(get_user_model().objects.get(username="bnu_coordinator"))
        url = reverse("dashboards:coordinator")
        times, queries, response = _time(lambda: client.get(url), repeat)
        assert response.status_code == 200
        return Run("coordinator", statistics.median(times), _percentile(times, 0.95), queries)

    def _sizes(self, slugs: list[str]) -> None:
        self.stdout.write("\n数据规模：")
        for slug in slugs:
            programme = Programme.objects.get(slug=slug)
            reports = QuarterlyReport.objects.filter(period__programme=programme).count()
            values = IndicatorValue.objects.filter(report__period__programme=programme).count()
            self.stdout.write(
                f"  {slug}: 结对 {programme.pairings.count()}，"
                f"报告 {reports}，指标填报值 {values}，"
                f"应报记录 {ReportSlot.objects.filter(programme=programme).count()}"
            )

    def _baselines(self, slug: str, repeat: int) -> None:
        """What the summaries replaced, timed on the large programme."""
        programme = Programme.objects.get(slug=slug)
        admin = get_user_model().objects.get(username="admin")
        period = programme.reporting_periods.filter(reports__isnull=False).order_by("-starts_on")
        chosen = period.first()
        self.stdout.write(f"\n不用汇总表时（大规模，{repeat} 次中位数）：")
        times, queries, _r = _time(
            lambda: completeness(
                user=admin, programme=programme, period_pk=chosen.pk if chosen else None
            ),
            repeat,
        )
        self.stdout.write(
            f"  完整率/及时率：逐期计算应报单位并读取全部报告 {statistics.median(times):.0f} ms，"
            f"{queries} 次查询（看板改读应报记录表）"
        )
        with transaction.atomic():  # rebuilt, timed, and rolled back
            for name, rebuild in (
                ("应报记录（应报单位 × 报送期）", services.slots_refresh),
                ("指标进展（逐个指标按报告值计算）", services.standings_refresh),
                ("各季度指标合计", services.totals_refresh),
            ):
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as captured:
                    rows = rebuild(programme=programme)
                self.stdout.write(
                    f"  {name}：重算 {time.perf_counter() - started:.1f} s，{rows} 行，"
                    f"{len(captured)} 次查询——每次打开页面都算就是这个代价"
                )
            transaction.set_rollback(True)
