import pytest

from tests.world import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def coordinator_client(client, world: World):
    """Signed in as the coordinator of the BNU consortium."""
    client.force_login(world.users["bnu_coordinator"])
    return client
