"""manage.py backup / restore: a round trip into a fresh database — same rows, same files."""

import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ops.backup import _pg_url
from schools.models import Institution, InstitutionKind, Region, RegionLevel


def _data(settings) -> Path:
    province = Region.objects.create(code="44", name="广东省", level=RegionLevel.PROVINCE)
    Institution.objects.create(
        name="华南师范大学", kind=InstitutionKind.NORMAL_UNIVERSITY, region=province
    )
    upload = Path(settings.MEDIA_ROOT) / "reports" / "2026" / "11" / "纪要.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.4 minutes of the visit")
    return upload


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_on_postgresql(settings, tmp_path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the production database is PostgreSQL (scripts/test.sh runs on it)")
    import psycopg

    upload = _data(settings)
    call_command("backup", output=tmp_path / "backups")
    (archive,) = (tmp_path / "backups").glob("xtzt-backup-*.tar.gz")
    with tarfile.open(archive) as tar:
        assert {"manifest.json", "database.dump", "media/reports/2026/11/纪要.pdf"} <= set(
            tar.getnames()
        )

    fresh = f"xtzt_restore_{uuid.uuid4().hex[:8]}"
    server = _pg_url({**connection.settings_dict, "NAME": "postgres"})
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{fresh}"')
    target = _pg_url({**connection.settings_dict, "NAME": fresh})
    restored_media = tmp_path / "restored-media"
    try:
        call_command(
            "restore", str(archive), database_url=target, media_root=restored_media
        )  # checks every table's count and every file itself; raises on a difference
        with psycopg.connect(target) as conn:
            names = conn.execute("SELECT name FROM schools_institution").fetchall()
            migrations = conn.execute("SELECT count(*) FROM django_migrations").fetchone()
        assert names == [("华南师范大学",)]
        assert migrations is not None and migrations[0] > 50
        copy = restored_media / "reports" / "2026" / "11" / "纪要.pdf"
        assert copy.read_bytes() == upload.read_bytes()
        # Restoring again into the now non-empty database is refused.
        with pytest.raises(CommandError, match="已有"):
            call_command("restore", str(archive), database_url=target, media_root=restored_media)
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


def test_restore_refuses_archives_that_climb_out(tmp_path) -> None:
    evil = tmp_path / "evil.tar.gz"
    payload = tmp_path / "payload"
    payload.write_text("x")
    with tarfile.open(evil, "w:gz") as tar:
        tar.add(payload, arcname="../../etc/cron.d/evil")
    with pytest.raises(CommandError, match="不允许"):
        call_command("restore", str(evil), database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert not (tmp_path.parent.parent / "etc" / "cron.d" / "evil").exists()
