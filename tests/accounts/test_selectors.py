"""Selectors run a constant number of queries whatever the amount of data."""

import pytest

from accounts import selectors
from accounts.scale import scale_data_build
from schools.models import Region, RegionLevel
from tests.world import World

SELECTORS = [
    selectors.programmes_visible_to,
    selectors.consortia_visible_to,
    selectors.pairings_visible_to,
    selectors.institutions_visible_to,
]
ROLES = ["bnu_coordinator", "fynu_contact", "anhui_edu", "guangdong_edu", "carol", "admin"]


def add_guangdong_counties(world: World, n: int) -> None:
    for i in range(n):
        Region.objects.create(
            code=f"4414{50 + i:02d}",
            name=f"测试县{i}",
            level=RegionLevel.COUNTY,
            parent=world.region("梅州市"),
        )


# The scope (guardian grants: 4 queries, the province codes 1 more), then count and a page.
MAX_QUERIES = 7


@pytest.mark.parametrize("role", ROLES)
def test_selector_queries_do_not_grow_with_data(
    world: World, role: str, django_user_model, django_assert_max_num_queries
) -> None:
    add_guangdong_counties(world, 5)
    selectors.institutions_visible_to(world.users[role]).count()  # warm the content-type cache
    rows = {}
    for size, tag in ((20, "s"), (400, "l")):
        scale_data_build(n_institutions=size, n_pairings=size // 2, tag=tag)
        for selector in SELECTORS:
            user = django_user_model.objects.get(username=role)  # fresh: scope not cached
            with django_assert_max_num_queries(MAX_QUERIES):
                queryset = selector(user)
                rows[(tag, selector.__name__)] = queryset.count()
                list(queryset[:50])
    if role in {"guangdong_edu", "admin"}:  # they see the generated Guangdong schools
        assert rows[("l", "institutions_visible_to")] > rows[("s", "institutions_visible_to")]
    else:
        assert rows[("l", "institutions_visible_to")] == rows[("s", "institutions_visible_to")]
