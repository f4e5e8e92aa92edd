"""manage.py restore ARCHIVE — back into an empty database, checked against the manifest."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "从 manage.py backup 的备份文件恢复数据库和上传文件，并按清单核对各表行数和文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--database-url", default=None, help="恢复到这个数据库（默认：当前配置的数据库）"
        )
        parser.add_argument("--media-root", type=Path, default=None)
        parser.add_argument("--force", action="store_true", help="目标数据库不为空时也覆盖（慎用）")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["archive"].is_file():
            raise CommandError(f"找不到备份文件：{options['archive']}")
        try:
            restored = backup_restore(
                archive=options["archive"],
                database_url=options["database_url"],
                media_root=options["media_root"],
                force=options["force"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复完成并已核对：{restored.tables} 张表、{restored.rows} 行、"
                f"{restored.files} 个文件与备份一致。"
            )
        )
