"""Backup and restore (备份与恢复): the database and the uploaded files in one archive.

An archive (`xtzt-backup-<time>.tar.gz`) holds `manifest.json` (when, which database, the
applied migrations, the row count of every table and the size and SHA-256 of every file),
the database (`database.dump`, pg_dump's custom format, or `database.sqlite3`) and `media/`.
Restoring writes into an empty database (refused otherwise unless forced) and a media
directory, then checks the restored rows and files against the manifest: a restore either
matches the backup exactly or says what differs.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from glob import glob
from pathlib import Path, PurePosixPath
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

MANIFEST = "manifest.json"
PG_DUMP, SQLITE_DUMP = "database.dump", "database.sqlite3"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese."""


def _pg_tool(name: str) -> str:
    """pg_dump / pg_restore: on PATH (the Docker image), else the newest apt cluster's."""
    found = shutil.which(name) or next(
        iter(sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if not found:
        raise BackupError(_("找不到 %(tool)s，请安装 PostgreSQL 客户端。") % {"tool": name})
    return found


def _pg_url(config: Any) -> str:
    user, password = config.get("USER") or "", config.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = config.get("HOST") or "localhost"
    port = f":{config['PORT']}" if config.get("PORT") else ""
    return f"postgresql://{auth}{host}{port}/{config['NAME']}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(root: Path) -> list[dict[str, Any]]:
    if not root.exists():
        return []
    return [
        {
            "path": path.relative_to(root).as_posix(),
            "size": path.stat().st_size,
            "sha256": _sha256(path),
        }
        for path in sorted(root.rglob("*"))
        if path.is_file()
    ]


def table_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 — names from the schema
        counts[table] = cursor.fetchone()[0]
    return counts


def backup_create(*, output_dir: Path) -> Path:
    """Write an archive of the default database and MEDIA_ROOT into output_dir."""
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(_("不支持的数据库：%(vendor)s。") % {"vendor": vendor})
    media_root = Path(settings.MEDIA_ROOT)
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = output_dir / f"xtzt-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / (PG_DUMP if vendor == "postgresql" else SQLITE_DUMP)
        with connection.cursor() as cursor:
            tables = sorted(connection.introspection.table_names(cursor))
            counts = table_counts(cursor, tables)
        if vendor == "postgresql":
            _run(
                [
                    _pg_tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={dump}",
                    _pg_url(connection.settings_dict),
                ]
            )
        else:
            source = sqlite3.connect(connection.settings_dict["NAME"])
            target = sqlite3.connect(dump)
            with target:
                source.backup(target)
            source.close()
            target.close()
        manifest = {
            "created_at": timezone.now().isoformat(),
            "vendor": vendor,
            "migrations": sorted(
                f"{app}.{name}"
                for app, name in MigrationRecorder.Migration.objects.values_list("app", "name")
            ),
            "counts": counts,
            "files": _media_files(media_root),
        }
        (Path(work) / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(Path(work) / MANIFEST, arcname=MANIFEST)
            tar.add(dump, arcname=dump.name)
            if media_root.exists():
                tar.add(media_root, arcname="media")
    return archive


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise BackupError(
            _("%(tool)s 失败：%(error)s")
            % {"tool": Path(command[0]).name, "error": done.stderr.strip()[-500:]}
        )


@dataclass
class Restored:
    tables: int
    rows: int
    files: int


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Only regular files and directories, named as a backup names them: no links, no
    absolute paths, nothing climbing out with “..”."""
    members = []
    for member in tar.getmembers():
        name = PurePosixPath(member.name)
        allowed = name.parts and (
            name.parts[0] == "media" or member.name in (MANIFEST, PG_DUMP, SQLITE_DUMP)
        )
        if (
            not allowed
            or name.is_absolute()
            or ".." in name.parts
            or not (member.isfile() or member.isdir())
        ):
            raise BackupError(_("备份文件中有不允许的条目：%(name)s。") % {"name": member.name})
        members.append(member)
    return members


def backup_restore(
    *,
    archive: Path,
    database_url: str | None = None,
    media_root: Path | None = None,
    force: bool = False,
) -> Restored:
    """Restore an archive into a database (default: the configured one) and media root,
    then check every table's row count and every file against the manifest."""
    config = dj_database_url.parse(database_url) if database_url else connection.settings_dict
    engine = config["ENGINE"]
    media_root = media_root or Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive, "r:gz") as tar:
        tar.extractall(work, members=_safe_members(tar), filter="data")
        manifest = json.loads((Path(work) / MANIFEST).read_text(encoding="utf-8"))
        if "postgresql" in engine:
            if manifest["vendor"] != "postgresql":
                raise BackupError(_("这是 SQLite 的备份，不能恢复到 PostgreSQL。"))
            url = _pg_url(config)
            _refuse_unless_empty_pg(url, force)
            _run(
                [
                    _pg_tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--clean",
                    "--if-exists",
                    "--exit-on-error",
                    f"--dbname={url}",
                    str(Path(work) / PG_DUMP),
                ]
            )
            counts = _pg_counts(url, list(manifest["counts"]))
        else:
            if manifest["vendor"] != "sqlite":
                raise BackupError(_("这是 PostgreSQL 的备份，不能恢复到 SQLite。"))
            target = Path(config["NAME"])
            if target.exists() and target.stat().st_size and not force:
                raise BackupError(
                    _("目标数据库 %(name)s 已存在；确认覆盖请加 --force。") % {"name": target}
                )
            shutil.copyfile(Path(work) / SQLITE_DUMP, target)
            with sqlite3.connect(target) as restored:
                counts = table_counts(restored.cursor(), list(manifest["counts"]))
        media = Path(work) / "media"
        if media.exists():
            shutil.copytree(media, media_root, dirs_exist_ok=True)
    _check(manifest, counts, media_root)
    return Restored(tables=len(counts), rows=sum(counts.values()), files=len(manifest["files"]))


def _refuse_unless_empty_pg(url: str, force: bool) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    if tables and tables[0] and not force:
        raise BackupError(
            _("目标数据库已有 %(n)s 张表；请恢复到新建的空数据库，或加 --force 覆盖。")
            % {"n": tables[0]}
        )


def _pg_counts(url: str, tables: list[str]) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        return table_counts(conn.cursor(), tables)


def _check(manifest: dict[str, Any], counts: dict[str, int], media_root: Path) -> None:
    problems = [
        _("表 %(table)s：备份 %(expected)s 行，恢复后 %(got)s 行。")
        % {"table": table, "expected": expected, "got": counts.get(table)}
        for table, expected in manifest["counts"].items()
        if counts.get(table) != expected
    ]
    for item in manifest["files"]:
        path = media_root / item["path"]
        if not path.is_file() or _sha256(path) != item["sha256"]:
            problems.append(_("文件 %(path)s 缺失或内容不同。") % {"path": item["path"]})
    if problems:
        raise BackupError("\n".join(problems))


def default_output_dir() -> Path:
    return Path(os.environ.get("BACKUP_DIR", Path(settings.BASE_DIR) / "backups"))
