"""Writes for programmes, their phases and content areas."""

import datetime

from config.services import get_or_create_validated
from programmes.models import ContentArea, Phase, Programme


def programme_ensure(*, slug: str, **fields: object) -> Programme:
    """The programme with this slug, created (validated) when missing; existing ones are kept."""
    return get_or_create_validated(Programme, {"slug": slug}, **fields)


def phase_ensure(
    *,
    programme: Programme,
    number: int,
    name: str,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> Phase:
    return get_or_create_validated(
        Phase,
        {"programme": programme, "number": number},
        name=name,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def content_areas_ensure(
    *, programme: Programme, areas: list[tuple[str, str, str, bool]]
) -> list[ContentArea]:
    """Make sure the programme has these areas, given as (code, name, description, featured)."""
    return [
        get_or_create_validated(
            ContentArea,
            {"programme": programme, "code": code},
            name=name,
            description=description,
            is_featured=featured,
            order=order,
        )
        for order, (code, name, description, featured) in enumerate(areas, start=1)
    ]
