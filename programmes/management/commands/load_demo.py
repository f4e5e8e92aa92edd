"""manage.py load_demo — build the four seed programmes and the demo users (idempotent)."""

import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from assessments.demo import build_assessment
from bulletins.demo import build_bulletins
from dashboards.services import summaries_deferred, summaries_refresh
from programmes.demo import applications, guangdong, guangdong_work, seeds, users
from programmes.demo.regions import clear_cache
from programmes.models import Programme
from projects.demo import build_work
from reports.demo import build_reports
from schools.services import regions_load_country


def _analyze() -> None:
    """Refresh PostgreSQL's statistics after the bulk load (autovacuum has not seen the new
    rows yet): without them the planner takes the thousands of regions, institutions and
    pairings for empty tables and the scoping subqueries run for minutes."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class Command(BaseCommand):
    help = "载入全国行政区划、四个种子计划及其项目、指标、活动和提质计划的示例数据（可重复运行）。"

    def handle(self, *args: object, **options: object) -> None:
        started = time.perf_counter()
        added = regions_load_country()
        self.stdout.write(f"行政区划：新增 {added} 个地区。")
        clear_cache()
        with transaction.atomic(), summaries_deferred():
            for build in (
                seeds.build_national,
                seeds.build_jiangxi,
                seeds.build_leshan,
                guangdong.build_guangdong,
            ):
                programme = build()
                self.stdout.write(
                    f"{programme.short_name}：{programme.pairings.count()} 对结对，"
                    f"{programme.consortia.count()} 个组团。"
                )
            _analyze()
            users.build_users()
            applications.build_applications()
            build_work()
            build_reports()
            guangdong_work.build_guangdong_work()
            build_bulletins()
            for programme in Programme.objects.all():  # the dashboards' summaries, once
                summaries_refresh(programme=programme)
            build_assessment()  # scores report timeliness from the summaries just built
        self.stdout.write(
            self.style.SUCCESS(f"示例数据已就绪，用时 {time.perf_counter() - started:.1f} 秒。")
        )
