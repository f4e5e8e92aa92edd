import pytest
from django.db import connection

from tests.world import World, build_world


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """No autovacuum in the test database. Every test's rows are rolled back, so an
    autovacuum that runs mid-suite records "0 rows" for tables whose pages it cannot
    truncate (the next test holds a lock on them); from then on the planner takes every
    table for empty and the bulk tests (the country's regions, load_demo) choose nested
    loops over thousands of rows: 0.5 s became 25 s, at random, depending on when it ran."""
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT format('ALTER TABLE %I.%I SET (autovacuum_enabled = off)',"
            " schemaname, tablename) FROM pg_tables WHERE schemaname = current_schema()"
        )
        for (statement,) in cursor.fetchall():
            cursor.execute(statement)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded and generated files go to the test's own folder, never into the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def coordinator_client(client, world: World):
    """Signed in as the coordinator of the BNU consortium."""
    client.force_login(world.users["bnu_coordinator"])
    return client
