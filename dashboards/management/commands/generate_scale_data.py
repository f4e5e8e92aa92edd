"""manage.py generate_scale_data — a synthetic Guangdong-scale programme for the dashboards
(dashboards/synthetic): deterministic for a seed, built in minutes on PostgreSQL."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dashboards.synthetic import DEFAULT_SLUG, scale_data_generate


class Command(BaseCommand):
    help = (
        "生成广东全口径结对帮扶的规模测试数据（约 3,000 个单位、三轮结对、5,000 个项目、"
        "20 个季度的报告和约 50 万条指标填报值；同一种子每次生成相同的数据）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="规模倍数（默认 1）")
        parser.add_argument("--seed", type=int, default=2021, help="随机种子（默认 2021）")
        parser.add_argument("--slug", default=DEFAULT_SLUG, help=f"计划标识（默认 {DEFAULT_SLUG}）")
        parser.add_argument(
            "--replace", action="store_true", help="先删除同一标识的计划及其全部数据，再重新生成"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            programme = scale_data_generate(
                scale=options["scale"],
                seed=options["seed"],
                slug=options["slug"],
                replace=options["replace"],
                log=self.stdout.write,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"已生成“{programme.name}”。"))
