import pytest

from tests.world import World, build_world


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
