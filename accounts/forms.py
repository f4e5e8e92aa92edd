"""Forms for managing the people of a consortium."""

import unicodedata
from collections.abc import Iterator

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from pairings.models import Consortium
from schools.models import Institution

INVITABLE_ROLES = [
    (Role.CONTACT, Role.CONTACT.label),
    (Role.INFORMATION_OFFICER, Role.INFORMATION_OFFICER.label),
    (Role.COORDINATOR, Role.COORDINATOR.label),
    (Role.EXPERT, Role.EXPERT.label),
]


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=64)
    email = forms.EmailField(label=_("电子邮箱"))
    institution = forms.ModelChoiceField(label=_("单位"), queryset=Institution.objects.none())
    role = forms.ChoiceField(label=_("角色"), choices=INVITABLE_ROLES)

    def __init__(self, *args: object, consortium: Consortium, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.consortium = consortium
        self.fields["institution"].queryset = Institution.objects.filter(  # type: ignore[attr-defined]
            memberships__consortium=consortium
        ).distinct()

    def clean(self) -> dict:
        data = super().clean() or {}
        institution = data.get("institution")
        if (
            data.get("role") == Role.COORDINATOR
            and institution
            and (institution.pk != self.consortium.lead_id)
        ):
            self.add_error("institution", _("协调人只能设在牵头高校。"))
        return data


def _folded(text: str) -> str:
    """Case- and width-insensitive form of an address, as Django's own reset form compares."""
    return unicodedata.normalize("NFKC", text).casefold()


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, which also reaches invited people who have not yet set a password.

    Invitations leave the account without a usable password until its link is followed; when
    that link has expired or the mail was lost, asking for a reset is the way back in. (Django
    skips such accounts because elsewhere they may sign in another way; here there is none.)
    """

    def get_users(self, email: str) -> Iterator[User]:
        email_field = User.get_email_field_name()
        candidates = User._default_manager.filter(
            **{f"{email_field}__iexact": email, "is_active": True}
        )
        return (
            user
            for user in candidates
            if _folded(email) == _folded(getattr(user, email_field) or "")
        )
