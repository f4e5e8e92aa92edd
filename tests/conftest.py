import pytest

from tests.world import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def alice_client(client, world: World):
    client.force_login(world.alice)
    return client
