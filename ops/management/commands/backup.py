"""manage.py backup — the database and the uploaded files in one archive (ops/backup.py)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.backup import BackupError, backup_create, default_output_dir


class Command(BaseCommand):
    help = (
        "备份数据库（pg_dump 或 SQLite）和上传文件到一个 .tar.gz 文件，"
        "附清单（各表行数、文件校验值）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, default=None, help="备份目录（默认 $BACKUP_DIR 或 ./backups）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            archive = backup_create(output_dir=options["output"] or default_output_dir())
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"备份完成：{archive}（{archive.stat().st_size} 字节）")
        )
