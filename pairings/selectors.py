"""Reads for consortia and pairings; everything is scoped by accounts.selectors."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from accounts.selectors import User, consortia_visible_to, pairings_visible_to
from pairings.choices import MemberRole
from pairings.models import Consortium, Membership


def consortium_get(*, user: User, pk: int) -> Consortium:
    return get_object_or_404(
        consortia_visible_to(user)
        .select_related("programme", "lead")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("institution__region"),
            ),
            Prefetch(
                "pairings",
                queryset=pairings_visible_to(user).with_parties().order_by("phase__number", "id"),
            ),
        ),
        pk=pk,
    )


def consortium_structure(consortium: Consortium) -> dict[str, list[Membership]]:
    """The prefetched members grouped by role, in the order the consortium lists them."""
    groups: dict[str, list[Membership]] = {role: [] for role in MemberRole.values}
    for membership in consortium.memberships.all():
        groups[membership.role].append(membership)
    return groups
