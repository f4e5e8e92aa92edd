"""manage.py load_regions — the country's regions (GB/T 2260) on a new installation.

The demo loads them too; a production database starts empty and needs them before any
institution, pairing or 汇总表 can name its province, prefecture or county. Idempotent.
"""

from typing import Any

from django.core.management.base import BaseCommand

from schools.services import regions_load_country


class Command(BaseCommand):
    help = "载入全国省、地、县三级行政区划（GB/T 2260）及广东的片区；可重复运行。"

    def handle(self, *args: Any, **options: Any) -> None:
        added = regions_load_country()
        self.stdout.write(self.style.SUCCESS(f"行政区划：新增 {added} 个地区。"))
