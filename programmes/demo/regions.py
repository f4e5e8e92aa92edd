"""Find regions by the names the seeds use (province → prefecture → county), with a cache."""

from functools import cache

from schools.models import Region


class RegionNotFound(LookupError):
    pass


@cache
def _children(parent_id: int | None) -> dict[str, Region]:
    found: dict[str, Region] = {}
    for region in Region.objects.filter(parent_id=parent_id):
        found[region.name] = region
        if region.short_name:
            found.setdefault(region.short_name, region)
    return found


def region(*names: str) -> Region:
    """region("四川省", "凉山州", "美姑县") — each name full or short, each under the previous."""
    node: Region | None = None
    for name in names:
        children = _children(node.pk if node else None)
        if name not in children:
            raise RegionNotFound(f"地区“{'/'.join(names)}”中找不到“{name}”")
        node = children[name]
    assert node is not None
    return node


def clear_cache() -> None:
    _children.cache_clear()
