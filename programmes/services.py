"""Writes for programmes, their phases and content areas."""

import datetime

from django.db import transaction

from programmes.models import ContentArea, Phase, Programme


@transaction.atomic
def programme_ensure(*, slug: str, **fields: object) -> Programme:
    """The programme with this slug, created (validated) when missing; existing ones are kept."""
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        programme = Programme(slug=slug, **fields)
        programme.full_clean()
        programme.save()
    return programme


def phase_ensure(
    *,
    programme: Programme,
    number: int,
    name: str,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> Phase:
    phase = programme.phases.filter(number=number).first()
    if phase is None:
        phase = Phase(
            programme=programme,
            number=number,
            name=name,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        phase.full_clean()
        phase.save()
    return phase


def content_areas_ensure(
    *, programme: Programme, areas: list[tuple[str, str, str, bool]]
) -> list[ContentArea]:
    """Make sure the programme has these areas, given as (code, name, description, featured)."""
    result = []
    for order, (code, name, description, featured) in enumerate(areas, start=1):
        area = programme.content_areas.filter(code=code).first()
        if area is None:
            area = ContentArea(
                programme=programme,
                code=code,
                name=name,
                description=description,
                is_featured=featured,
                order=order,
            )
            area.full_clean()
            area.save()
        result.append(area)
    return result
