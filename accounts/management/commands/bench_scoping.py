"""manage.py bench_scoping — what scoping costs per selector, small vs Guangdong scale.

Builds the data inside a transaction that is rolled back, so it leaves nothing behind.
Needs the regions (load_demo or the demo users are used when present).
"""

import time
from collections.abc import Callable

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts import selectors
from accounts.models import Role
from accounts.scale import scale_data_build
from accounts.services import affiliation_add
from schools.models import InstitutionKind, Region
from schools.services import institution_ensure, regions_load_country

SELECTORS: dict[str, Callable] = {
    "programmes_visible_to": selectors.programmes_visible_to,
    "consortia_visible_to": selectors.consortia_visible_to,
    "pairings_visible_to": selectors.pairings_visible_to,
    "institutions_visible_to": selectors.institutions_visible_to,
}


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "测量权限范围查询在小规模与广东规模数据下的查询次数和耗时。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--institutions", type=int, default=6000)
        parser.add_argument("--pairings", type=int, default=3000)
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args: object, **options: int) -> None:
        try:
            with transaction.atomic():
                self._run(options["institutions"], options["pairings"], options["repeat"])
                raise Rollback
        except Rollback:
            self.stdout.write("（测试数据已回滚）")

    def _run(self, n_institutions: int, n_pairings: int, repeat: int) -> None:
        regions_load_country()
        department = institution_ensure(
            name="广东省教育厅",
            kind=InstitutionKind.PROVINCIAL_DEPARTMENT,
            region=Region.objects.get(code="44"),
        )
        officer = User.objects.create_user("bench_officer")
        affiliation_add(user=officer, institution=department, role=Role.PROVINCIAL_OFFICER)

        scale_data_build(n_institutions=100, n_pairings=50, tag="s")
        results = {"small": self._measure(officer, repeat)}
        scale_data_build(n_institutions=n_institutions, n_pairings=n_pairings, tag="l")
        results["large"] = self._measure(officer, repeat)

        self.stdout.write(
            f"广东省教育厅用户；小规模 = 100 所学校 / 50 对结对，"
            f"大规模 = +{n_institutions} 所 / +{n_pairings} 对；每项取 {repeat} 次中位数。"
        )
        self.stdout.write(
            f"{'selector':<26}{'rows S':>8}{'rows L':>8}{'q S':>5}{'q L':>5}"
            f"{'ms S':>9}{'ms L':>9}{'L/S':>7}"
        )
        for name in SELECTORS:
            small_run, large_run = results["small"][name], results["large"][name]
            self.stdout.write(
                f"{name:<26}{small_run['rows']:>8}{large_run['rows']:>8}"
                f"{small_run['queries']:>5}{large_run['queries']:>5}"
                f"{small_run['ms']:>9.1f}{large_run['ms']:>9.1f}"
                f"{large_run['ms'] / max(small_run['ms'], 0.001):>7.1f}"
            )

    def _measure(self, user: User, repeat: int) -> dict[str, dict]:
        measured = {}
        for name, selector in SELECTORS.items():
            timings, queries, rows = [], 0, 0
            for _ in range(repeat):
                fresh = User.objects.get(pk=user.pk)  # no cached scope: the full cost
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    queryset = selector(fresh)
                    rows = queryset.count()
                    list(queryset.order_by("pk")[:50])
                    timings.append((time.perf_counter() - started) * 1000)
                queries = len(captured)
            measured[name] = {
                "ms": sorted(timings)[len(timings) // 2],
                "queries": queries,
                "rows": rows,
            }
        return measured
