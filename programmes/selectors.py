"""Reads for programmes and applications; everything is scoped by accounts.selectors."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.selectors import (
    User,
    applications_visible_to,
    consortia_visible_to,
    pairings_visible_to,
    programmes_visible_to,
)
from pairings.choices import MemberRole
from pairings.models import Consortium, Membership, Pairing
from programmes.models import Application, ApplicationEvent, Phase, Programme
from schools.models import Region


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


# Applications (申报)


def _supported_in(field: str) -> Subquery:
    """The consortium (by `field`) in which the application's college is a 重点支持院校."""
    memberships = Membership.objects.filter(
        institution=OuterRef("institution"),
        consortium__programme=OuterRef("programme"),
        role=MemberRole.SUPPORTED,
    ).order_by("consortium__name")
    return Subquery(memberships.values(field)[:1])


def application_list(
    *,
    user: User,
    programme: Programme | None = None,
    phase: Phase | None = None,
    province: Region | None = None,
    status: str = "",
) -> QuerySet[Application]:
    """Visible applications with what the list shows, in one query whatever their number."""
    applications = applications_visible_to(user)
    if programme is not None:
        applications = applications.filter(programme=programme)
    if phase is not None:
        applications = applications.filter(phase=phase)
    if province is not None:
        applications = applications.filter(province=province)
    if status:
        applications = applications.filter(status=status)
    return applications.select_related(
        "programme", "phase", "institution", "province", "prefecture", "document"
    ).annotate(
        consortium_id=_supported_in("consortium"),
        consortium_name=_supported_in("consortium__name"),
    )


def application_filter_choices(*, user: User) -> dict[str, QuerySet]:
    """The programmes, rounds and provinces the visible applications belong to."""
    visible = applications_visible_to(user)
    return {
        "programmes": Programme.objects.filter(pk__in=visible.values("programme")).order_by("name"),
        "phases": Phase.objects.filter(pk__in=visible.values("phase"))
        .select_related("programme")
        .order_by("programme__name", "number"),
        "provinces": Region.objects.filter(pk__in=visible.values("province")).order_by("code"),
    }


def application_get(*, user: User, pk: int) -> Application:
    """One visible application with its 申报书 and history (404 for the others)."""
    return get_object_or_404(
        applications_visible_to(user)
        .select_related(
            "programme",
            "phase",
            "institution__region",
            "province",
            "prefecture",
            "recommended_by",
            "document",
        )
        .prefetch_related(
            "underdeveloped_counties",
            "document__teacher_counts",
            "document__majors",
            "document__years",
            "document__measures",
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("by")),
        ),
        pk=pk,
    )


def application_consortium(*, application: Application) -> Consortium | None:
    """The consortium of the programme in which the college is a 重点支持院校, if any."""
    return (
        Consortium.objects.filter(
            programme=application.programme_id,
            memberships__institution=application.institution_id,
            memberships__role=MemberRole.SUPPORTED,
        )
        .order_by("name")
        .first()
    )


def application_consortium_choices(*, user: User, application: Application) -> QuerySet[Consortium]:
    """Consortia of the application's programme the user can see, for joining."""
    return (
        consortia_visible_to(user)
        .filter(programme=application.programme_id)
        .select_related("lead")
        .order_by("name")
    )
