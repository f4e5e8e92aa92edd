"""Pages for coordinators: the people of a consortium (invite, remove) and its audit trail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors
from accounts.forms import InviteForm
from accounts.services import affiliation_remove, user_invite
from pairings.models import Consortium


def _consortium_for_coordinator(request: HttpRequest, pk: int) -> Consortium:
    """404 when the user cannot see the consortium, 403 when they see it but do not run it."""
    consortium = get_object_or_404(selectors.consortia_visible_to(request.user), pk=pk)
    if not selectors.can_coordinate(request.user, consortium):
        raise PermissionDenied(_("只有本组团的协调人和管理员可以管理人员。"))
    return consortium


@login_required
def people(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _consortium_for_coordinator(request, pk)
    form = InviteForm(request.POST or None, consortium=consortium)
    if request.method == "POST" and form.is_valid():
        try:
            affiliation = user_invite(
                consortium=consortium,
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                institution=form.cleaned_data["institution"],
                role=form.cleaned_data["role"],
                set_password_url=lambda uid, token: request.build_absolute_uri(
                    reverse("password_reset_confirm", args=[uid, token])
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("已邀请 %(email)s 担任%(institution)s的%(role)s，设置密码的链接已发送。")
                % {
                    "email": affiliation.user.email,
                    "institution": affiliation.institution,
                    "role": affiliation.get_role_display(),
                },
            )
            return redirect("accounts:people", pk=consortium.pk)
    return render(
        request,
        "accounts/people.html",
        {
            "consortium": consortium,
            "affiliations": selectors.affiliations_of_consortium(consortium),
            "form": form,
        },
    )


@login_required
@require_POST
def remove(request: HttpRequest, pk: int, affiliation_pk: int) -> HttpResponse:
    consortium = _consortium_for_coordinator(request, pk)
    affiliation = get_object_or_404(
        selectors.affiliations_of_consortium(consortium), pk=affiliation_pk
    )
    affiliation_remove(affiliation=affiliation)
    messages.success(
        request,
        _("已取消 %(user)s 在%(institution)s的%(role)s角色，其访问权限立即失效。")
        % {
            "user": affiliation.user.get_full_name() or affiliation.user.get_username(),
            "institution": affiliation.institution,
            "role": affiliation.get_role_display(),
        },
    )
    return redirect("accounts:people", pk=consortium.pk)


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = _consortium_for_coordinator(request, pk)
    return render(
        request,
        "accounts/history.html",
        {"consortium": consortium, "rows": selectors.consortium_history(consortium)},
    )
