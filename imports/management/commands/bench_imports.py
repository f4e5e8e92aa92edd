"""manage.py bench_imports — a 10,000-row pairing sheet through our import path and through
django-import-export's default (row-by-row) configuration, side by side in one run.

Builds a throwaway provincial programme in Guangdong with 100 supporting and 100 supported
schools (100 × 100 = 10,000 school pairs), writes the sheet once in our layout (Chinese
labels, as people fill it) and once in the resource's columns, and measures for each path the
preview (our check; import-export's dry run) and the import (our confirm: check again and
write in one transaction; import-export's real run), with the peak memory of each step.
Everything is rolled back at the end. Targets: ours at least 5× faster, the import under 5 s.
"""

import datetime as dt
import io
import time
from collections.abc import Callable
from typing import Any

import tablib
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from openpyxl import Workbook as OpenpyxlWorkbook

from imports.importers.round_setup import RoundSetupImporter
from imports.workbook import Workbook
from pairings.choices import PairingKind
from pairings.models import Pairing
from pairings.resources import PairingResource
from programmes.models import Phase, PhaseKind, Programme, ProgrammeLevel
from schools.models import Institution, InstitutionKind, Region
from schools.services import regions_load_country


class _Rollback(Exception):
    pass


def _peak_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> None:
    """Start a new peak-memory measurement (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        pass


def _measure(step: Callable[[], Any]) -> tuple[float, float, Any]:
    _reset_peak()
    started = time.perf_counter()
    result = step()
    return time.perf_counter() - started, _peak_mb(), result


class Command(BaseCommand):
    help = "对比本系统与 django-import-export 默认配置导入 1 万行结对表的时间和内存。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--side", type=int, default=100, help="支援学校和受援学校各多少所")

    def handle(self, *args: Any, **options: Any) -> None:
        if not Region.objects.filter(code="44").exists():
            regions_load_country()
        figures: dict[str, Any] = {}
        try:
            with transaction.atomic():
                self._run(options["side"], figures)
                raise _Rollback
        except _Rollback:
            pass
        self._print(figures)

    def _run(self, side: int, figures: dict[str, Any]) -> None:
        user, _created = User.objects.get_or_create(
            username="bench-imports", defaults={"is_superuser": True}
        )
        guangdong = Region.objects.get(code="44")
        programme = Programme.objects.create(
            name="基准测试：广东结对导入",
            short_name="基准测试",
            slug="bench-imports",
            level=ProgrammeLevel.PROVINCIAL,
            issuing_authority="—",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2030, 12, 31),
            region=guangdong,
        )
        phase = Phase.objects.create(
            programme=programme,
            kind=PhaseKind.ROUND,
            number=1,
            name="第二轮",
            starts_on=programme.starts_on,
            ends_on=programme.ends_on,
        )
        cities = list(Region.objects.filter(parent__parent=guangdong).order_by("code"))
        supporters = [
            Institution(
                name=f"基准测试支援学校{i:04d}",
                kind=InstitutionKind.MIDDLE_SCHOOL,
                region=cities[i % len(cities)],
            )
            for i in range(side)
        ]
        supported = [
            Institution(
                name=f"基准测试受援学校{i:04d}",
                kind=InstitutionKind.PRIMARY_SCHOOL,
                region=cities[-1 - i % len(cities)],
            )
            for i in range(side)
        ]
        Institution.objects.bulk_create(supporters + supported)
        pairs = [(a.name, b.name) for a in supporters for b in supported]
        figures["rows"] = len(pairs)
        label = str(PairingKind.SCHOOL_SCHOOL.label)
        ours = _xlsx(
            ["结对类型", "支援方", "受援方", "开始日期", "结束日期", "备注"],
            ([label, a, b, "2026-01-01", "2030-12-31", "第二轮"] for a, b in pairs),
        )
        dates = [dt.date(2026, 1, 1), dt.date(2030, 12, 31)]
        headers = ["计划", "轮次", "结对类型", "支援方", "受援方", "开始日期", "结束日期", "备注"]
        theirs = _xlsx(
            headers,
            (
                [programme.slug, phase.pk, PairingKind.SCHOOL_SCHOOL.value, a, b, *dates, "第二轮"]
                for a, b in pairs
            ),
        )
        params = {"programme": programme.pk, "phase": phase.pk}

        def check() -> Any:
            importer = RoundSetupImporter(params, user=user)
            with Workbook(io.BytesIO(ours), name="bench.xlsx") as book:
                return importer.check(book)

        def confirm() -> Any:
            importer = RoundSetupImporter(params, user=user)
            with Workbook(io.BytesIO(ours), name="bench.xlsx") as book:
                result = importer.check(book)
            with transaction.atomic():
                return result, importer.apply()

        figures["ours_check"] = _measure(check)
        assert figures["ours_check"][2].ok, figures["ours_check"][2].problems[:3]
        figures["ours_import"] = _measure(confirm)
        figures["ours_count"] = Pairing.objects.filter(programme=programme).count()
        Pairing.objects.filter(programme=programme).delete()

        def dataset() -> tablib.Dataset:
            return tablib.Dataset().load(io.BytesIO(theirs), format="xlsx")

        def dry_run() -> Any:
            return PairingResource().import_data(dataset(), dry_run=True, raise_errors=True)

        def real_run() -> Any:
            return PairingResource().import_data(dataset(), dry_run=False, raise_errors=True)

        figures["theirs_check"] = _measure(dry_run)
        figures["theirs_import"] = _measure(real_run)
        figures["theirs_count"] = Pairing.objects.filter(programme=programme).count()

    def _print(self, f: dict[str, Any]) -> None:
        out = self.stdout.write
        out(f"结对表 {f['rows']:,} 行（中小学结对），同一份数据，同一次运行：")
        out(f"{'':28}{'预览（检查）':>14}{'导入':>12}{'合计':>12}{'峰值内存':>12}")
        for key, name in (("ours", "本系统"), ("theirs", "django-import-export 默认")):
            check, imported = f[f"{key}_check"], f[f"{key}_import"]
            total = check[0] + imported[0]
            peak = max(check[1], imported[1])
            out(
                f"{name:28}{check[0]:>12.2f} s{imported[0]:>10.2f} s{total:>10.2f} s{peak:>9.0f} MB"
            )
        ours = f["ours_check"][0] + f["ours_import"][0]
        theirs = f["theirs_check"][0] + f["theirs_import"][0]
        out(f"写入的结对：本系统 {f['ours_count']:,}，django-import-export {f['theirs_count']:,}")
        out(
            f"倍数（django-import-export / 本系统）：导入 "
            f"{f['theirs_import'][0] / f['ours_import'][0]:.1f}×，合计 {theirs / ours:.1f}×"
            f"（目标 ≥ 5×；本系统导入 {f['ours_import'][0]:.2f} s，目标 < 5 s）"
        )


def _xlsx(header: list[str], rows: Any) -> bytes:
    book = OpenpyxlWorkbook(write_only=True)
    sheet = book.create_sheet("结对")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
