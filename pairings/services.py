"""Writes for consortia and pairings: every rule checked, every multi-row write atomic."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from pairings.choices import PairingKind, PairingStatus
from pairings.models import Consortium, Membership, Pairing
from pairings.rules import MemberSpec
from programmes.models import Phase, Programme
from schools.models import Institution


@transaction.atomic
def consortium_create(
    *,
    programme: Programme,
    name: str,
    lead: Institution,
    members: list[MemberSpec],
    secretariat: str = "",
    established_on: datetime.date | None = None,
    description: str = "",
) -> Consortium:
    """Create a consortium with all its members at once; nothing is saved if any rule fails."""
    consortium = Consortium(
        programme=programme,
        name=name,
        lead=lead,
        secretariat=secretariat,
        established_on=established_on,
        description=description,
    )
    consortium.full_clean()
    consortium.save()
    consortium_set_members(consortium=consortium, members=members)
    return consortium


@transaction.atomic
def consortium_set_members(*, consortium: Consortium, members: list[MemberSpec]) -> Consortium:
    """Replace the members of a consortium, keeping the 1+M+N structure valid."""
    errors = consortium.structure_errors(members)
    if errors:
        raise ValidationError(errors)
    # Row by row and with history, so the audit trail shows who left and who joined.
    for membership in consortium.memberships.all():
        membership.delete()
    bulk_create_with_history(
        [
            Membership(consortium=consortium, institution=m.institution, role=m.role, order=i)
            for i, m in enumerate(members)
        ],
        Membership,
    )
    return consortium


def pairing_create(
    *,
    programme: Programme,
    kind: PairingKind | str,
    supporter: Institution,
    supported: Institution,
    phase: Phase | None = None,
    consortium: Consortium | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    status: str = PairingStatus.ACTIVE,
    note: str = "",
    is_demo: bool = False,
) -> Pairing:
    """Pair a supporter with a supported institution; the round's dates are the default."""
    pairing = Pairing(
        programme=programme,
        phase=phase,
        consortium=consortium,
        kind=kind,
        supporter=supporter,
        supported=supported,
        starts_on=starts_on or (phase.starts_on if phase else None),
        ends_on=ends_on or (phase.ends_on if phase else None),
        status=status,
        note=note,
        is_demo=is_demo,
    )
    pairing.full_clean()
    pairing.save()
    return pairing


def pairing_ensure(
    *,
    programme: Programme,
    kind: PairingKind | str,
    supporter: Institution,
    supported: Institution,
    phase: Phase | None = None,
    **fields: object,
) -> Pairing:
    """The pairing of these two in this round, created (validated) when missing."""
    existing = Pairing.objects.filter(
        programme=programme, phase=phase, supporter=supporter, supported=supported
    ).first()
    if existing is not None:
        return existing
    return pairing_create(
        programme=programme,
        kind=kind,
        supporter=supporter,
        supported=supported,
        phase=phase,
        **fields,  # type: ignore[arg-type]
    )


def consortium_ensure(
    *, programme: Programme, name: str, lead: Institution, members: list[MemberSpec], **fields
) -> Consortium:
    existing = Consortium.objects.filter(programme=programme, name=name).first()
    if existing is not None:
        return existing
    return consortium_create(programme=programme, name=name, lead=lead, members=members, **fields)
