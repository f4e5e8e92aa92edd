"""Writes for users and their affiliations."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from accounts.models import Affiliation
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
) -> AbstractUser:
    """A user with this username acting in this role; the password is set only on creation.

    Takes an already hashed password (make_password) so that a batch of users costs one hash.
    """
    User = get_user_model()
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
    return user  # type: ignore[return-value]
