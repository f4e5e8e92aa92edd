"""Writes for users and their affiliations."""

from collections.abc import Callable

from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import Affiliation, Role
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
            affiliation_add(user=user, institution=institution, role=role, consortium=consortium)
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


@transaction.atomic
def user_invite(
    *,
    consortium: Consortium,
    full_name: str,
    email: str,
    institution: Institution,
    role: str,
    set_password_url: Callable[[str, str], str],
) -> Affiliation:
    """Invite someone into a consortium: their account (made when new, with no usable password),
    their role, and an email with a link to set their password. All or nothing."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(username=email, email=email, last_name=full_name)
        user.set_unusable_password()
        user.full_clean()
        user.save()
    in_consortium = role in {Role.COORDINATOR, Role.EXPERT}
    affiliation = affiliation_add(
        user=user,
        institution=institution,
        role=role,
        consortium=consortium if in_consortium else None,
    )
    link = set_password_url(
        urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)
    )
    subject = _("协同提质管理平台：您已被加入%(consortium)s") % {"consortium": consortium}
    body = _(
        "%(name)s，您好：\n\n%(consortium)s已将您设为%(institution)s的%(role)s。\n"
        "请打开以下链接设置密码并登录（用户名：%(username)s）：\n%(link)s\n"
    ) % {
        "name": full_name,
        "consortium": consortium,
        "institution": institution,
        "role": affiliation.get_role_display(),
        "username": user.get_username(),
        "link": link,
    }
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return affiliation
