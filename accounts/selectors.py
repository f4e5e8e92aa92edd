"""What each user may see: one scoping function per model, built from the guardian grants.

Every page, download, export and API reaches data through these functions (STYLE rule 3).
A user's scope is read once per request (a handful of queries, whatever the data size) and
then turned into subquery filters, so a page's query count does not grow with the data.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from accounts.models import Affiliation, Role
from accounts.permissions import ACT, COORDINATE, OVERSEE, REVIEW
from pairings.choices import MemberRole
from pairings.models import Consortium, Membership, Pairing, PairingQuerySet
from programmes.models import Programme
from schools.models import Institution, Region

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Scope:
    is_admin: bool
    coordinated: frozenset[int]  # consortia the user coordinates
    reviewing: frozenset[int]  # consortia whose plans the user reviews as an expert
    acting_for: frozenset[int]  # institutions the user acts for
    provinces: frozenset[str]  # region codes of the provinces the user oversees


def _ids(user: User, perm: str, klass: type) -> frozenset:
    objects: QuerySet = get_objects_for_user(
        user,
        perm,
        klass=klass,
        use_groups=True,
        with_superuser=False,
        accept_global_perms=False,
    )
    return frozenset(objects.values_list("pk", flat=True))


def scope_of(user: User) -> Scope:
    """The user's grants, read once and remembered on the user object for the request."""
    cached = getattr(user, "_xtzt_scope", None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        scope = Scope(False, frozenset(), frozenset(), frozenset(), frozenset())
    elif getattr(user, "is_superuser", False):
        scope = Scope(True, frozenset(), frozenset(), frozenset(), frozenset())
    else:
        scope = Scope(
            is_admin=False,
            coordinated=_ids(user, COORDINATE, Consortium),
            reviewing=_ids(user, REVIEW, Consortium),
            acting_for=_ids(user, ACT, Institution),
            provinces=frozenset(
                Region.objects.filter(pk__in=_ids(user, OVERSEE, Region)).values_list(
                    "code", flat=True
                )
            ),
        )
    user._xtzt_scope = scope  # type: ignore[union-attr]
    return scope


def _within(field: str, codes: frozenset[str]) -> Q:
    """Rows whose `field` region code lies in one of the provinces (never true when none)."""
    if not codes:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__code__startswith": code}) for code in codes))


def _member_consortia(scope: Scope) -> QuerySet:
    """Consortia the user belongs to: coordinated, or with one of their institutions as a
    university or college member. A provincial department's seat at the joint meeting does
    not widen its province scope to the other members."""
    memberships = Membership.objects.filter(institution__in=scope.acting_for).exclude(
        role=MemberRole.PROVINCIAL_DEPARTMENT
    )
    return Consortium.objects.filter(
        Q(pk__in=scope.coordinated) | Q(pk__in=memberships.values("consortium"))
    ).values("pk")


def consortia_visible_to(user: User) -> QuerySet[Consortium]:
    scope = scope_of(user)
    if scope.is_admin:
        return Consortium.objects.all()
    in_province = Membership.objects.filter(_within("institution__region", scope.provinces))
    return Consortium.objects.filter(
        Q(pk__in=_member_consortia(scope)) | Q(pk__in=in_province.values("consortium"))
    )


def pairings_visible_to(user: User) -> PairingQuerySet:
    scope = scope_of(user)
    if scope.is_admin:
        return Pairing.objects.all()
    return Pairing.objects.filter(
        Q(consortium__in=_member_consortia(scope))
        | Q(supporter__in=scope.acting_for)
        | Q(supported__in=scope.acting_for)
        | _within("supporter__region", scope.provinces)
        | _within("supported__region", scope.provinces)
    )


def institutions_visible_to(user: User) -> QuerySet[Institution]:
    """Own institutions, members of own consortia, the other side of visible pairings, and
    every institution of an overseen province."""
    scope = scope_of(user)
    if scope.is_admin:
        return Institution.objects.all()
    pairings = pairings_visible_to(user)
    members = Membership.objects.filter(consortium__in=_member_consortia(scope))
    return Institution.objects.filter(
        Q(pk__in=scope.acting_for)
        | Q(pk__in=members.values("institution"))
        | Q(pk__in=pairings.values("supporter"))
        | Q(pk__in=pairings.values("supported"))
        | _within("region", scope.provinces)
    )


def programmes_visible_to(user: User) -> QuerySet[Programme]:
    scope = scope_of(user)
    if scope.is_admin:
        return Programme.objects.all()
    return Programme.objects.filter(
        Q(pk__in=consortia_visible_to(user).values("programme"))
        | Q(pk__in=pairings_visible_to(user).values("programme"))
        | _within("region", scope.provinces)
    )


def can_coordinate(user: User, consortium: Consortium) -> bool:
    scope = scope_of(user)
    return scope.is_admin or consortium.pk in scope.coordinated


def affiliations_of_consortium(consortium: Consortium) -> QuerySet[Affiliation]:
    """Everyone acting for a member institution, or holding a role in this consortium."""
    return (
        Affiliation.objects.filter(
            Q(institution__memberships__consortium=consortium) | Q(consortium=consortium)
        )
        .exclude(Q(role__in=[Role.COORDINATOR, Role.EXPERT]) & ~Q(consortium=consortium))
        .select_related("user", "institution", "consortium")
        .distinct()
        .order_by("institution__name", "role", "user__last_name")
    )


def consortium_history(consortium: Consortium) -> list:
    """Changes to the consortium's members and to the roles of its people, newest first."""
    people = Affiliation.history.filter(
        Q(institution__memberships__consortium=consortium) | Q(consortium=consortium)
    ).select_related("history_user", "user", "institution")
    members = Membership.history.filter(consortium=consortium).select_related(
        "history_user", "institution"
    )
    rows = [*people.distinct()[:200], *members[:200]]
    return sorted(rows, key=lambda r: r.history_date, reverse=True)
