"""Reads for programmes; everything is scoped by accounts.selectors."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.selectors import (
    User,
    consortia_visible_to,
    pairings_visible_to,
    programmes_visible_to,
)
from pairings.models import Consortium, Pairing
from programmes.models import Programme


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT subquery (cheaper than joining two one-to-many relations at once)."""
    counted = queryset.order_by().values("programme").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def programme_list(*, user: User) -> QuerySet[Programme]:
    return (
        programmes_visible_to(user)
        .select_related("region")
        .annotate(
            consortium_count=_count(consortia_visible_to(user).filter(programme=OuterRef("pk"))),
            pairing_count=_count(pairings_visible_to(user).filter(programme=OuterRef("pk"))),
        )
        .order_by("level", "starts_on")
    )


def programme_get(*, user: User, slug: str) -> Programme:
    return get_object_or_404(
        programmes_visible_to(user)
        .select_related("region")
        .prefetch_related("phases", "content_areas"),
        slug=slug,
    )


def programme_pairing_summary(*, user: User, programme: Programme) -> list[dict]:
    """Visible pairings counted by round and kind, in one query."""
    rows = (
        pairings_visible_to(user)
        .filter(programme=programme)
        .order_by()
        .values("phase__number", "phase__name", "kind")
        .annotate(count=Count("pk"), demo=Count("pk", filter=Q(is_demo=True)))
        .order_by("phase__number", "kind")
    )
    labels = dict(Pairing._meta.get_field("kind").choices)  # type: ignore[arg-type]
    return [{**row, "label": labels.get(row["kind"], row["kind"])} for row in rows]


def programme_pairings(
    *, user: User, programme: Programme, kind: str = "", phase_number: str = ""
) -> QuerySet[Pairing]:
    pairings = pairings_visible_to(user).filter(programme=programme).with_parties()
    if kind:
        pairings = pairings.filter(kind=kind)
    if phase_number:
        pairings = pairings.filter(phase__number=phase_number)
    return pairings.order_by("phase__number", "kind", "supporter__name", "supported__name")


def programme_consortia(*, user: User, programme: Programme) -> QuerySet[Consortium]:
    return (
        consortia_visible_to(user)
        .filter(programme=programme)
        .select_related("lead")
        .prefetch_related("memberships")
    )
