"""Reads for regions and institutions; everything is scoped by accounts.selectors."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.selectors import (
    User,
    consortia_visible_to,
    institutions_visible_to,
    pairings_visible_to,
)
from pairings.models import Membership
from schools.models import Institution, Region


def institution_list(
    *, user: User, query: str = "", kind: str = "", region: Region | None = None
) -> QuerySet[Institution]:
    institutions = institutions_visible_to(user).select_related("region")
    if query:
        institutions = institutions.filter(
            Q(name__icontains=query) | Q(short_name__icontains=query) | Q(cluster=query)
        )
    if kind:
        institutions = institutions.filter(kind=kind)
    if region is not None:
        institutions = institutions.filter(region__code__startswith=region.code)
    return institutions.order_by("region__code", "name")


def institution_get(*, user: User, pk: int) -> Institution:
    pairings = (
        pairings_visible_to(user).with_parties().order_by("programme__starts_on", "phase__number")
    )
    memberships = Membership.objects.filter(
        consortium__in=consortia_visible_to(user)
    ).select_related("consortium__programme")
    return get_object_or_404(
        institutions_visible_to(user)
        .select_related("region__parent__parent")
        .prefetch_related(
            "contacts",
            Prefetch("memberships", queryset=memberships),
            Prefetch("pairings_as_supporter", queryset=pairings),
            Prefetch("pairings_as_supported", queryset=pairings),
        ),
        pk=pk,
    )


@dataclass
class RegionRow:
    region: Region
    institution_count: int
    child_count: int


def region_get(*, code: str) -> Region:
    return get_object_or_404(Region.objects.select_related("parent__parent"), code=code)


def region_children(*, user: User, parent: Region | None) -> list[RegionRow]:
    """The regions one level below `parent` (provinces when None), each with the number of
    institutions in it and below it. Three queries whatever the size of the tree."""
    children = list(Region.objects.filter(parent=parent).annotate(child_count=Count("children")))
    if not children:
        return []
    prefix_length = len(children[0].code)
    located = institutions_visible_to(user).order_by()
    if parent is not None:
        located = located.filter(region__code__startswith=parent.code)
    counts: dict[str, int] = {}
    for code, n in located.values_list("region__code").annotate(n=Count("pk")):
        counts[code[:prefix_length]] = counts.get(code[:prefix_length], 0) + n
    return [
        RegionRow(
            region=child, institution_count=counts.get(child.code, 0), child_count=child.child_count
        )  # type: ignore[attr-defined]
        for child in children
    ]
