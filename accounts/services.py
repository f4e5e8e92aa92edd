"""Writes for users and their affiliations."""

from django.contrib.auth.models import User
from django.db import transaction

from accounts.models import Affiliation
from accounts.permissions import user_sync_grants
from pairings.models import Consortium
from schools.models import Institution


@transaction.atomic
def user_ensure_with_affiliation(
    *,
    username: str,
    password_hash: str,
    full_name: str,
    institution: Institution | None,
    role: str | None,
    consortium: Consortium | None = None,
    is_superuser: bool = False,
) -> User:
    """A user with this username acting in this role; the password is set only on creation.

    Takes an already hashed password (make_password) so that a batch of users costs one hash.
    """
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={
            "last_name": full_name,
            "is_staff": is_superuser,
            "is_superuser": is_superuser,
            "password": password_hash,
        },
    )
    if institution is not None and role is not None:
        exists = Affiliation.objects.filter(
            user=user, institution=institution, role=role, consortium=consortium
        ).exists()
        if not exists:
            affiliation = Affiliation(
                user=user, institution=institution, role=role, consortium=consortium
            )
            affiliation.full_clean()
            affiliation.save()
            user_sync_grants(user)
    return user


@transaction.atomic
def affiliation_add(
    *,
    user: User,
    institution: Institution,
    role: str,
    consortium: Consortium | None = None,
) -> Affiliation:
    """Give a user a role at an institution; their access follows at once."""
    affiliation = Affiliation(user=user, institution=institution, role=role, consortium=consortium)
    affiliation.full_clean()
    affiliation.save()
    user_sync_grants(user)
    return affiliation


@transaction.atomic
def affiliation_remove(*, affiliation: Affiliation) -> None:
    """Take a role away; every grant that came only from it goes with it, immediately."""
    user = affiliation.user
    affiliation.delete()
    user_sync_grants(user)
