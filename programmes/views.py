"""Pages for programmes: the list and one programme's rounds, areas, consortia and pairings;
applications (申报) with their 申报书, selection workflow and joining a consortium."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import (
    applications_visible_to,
    can_decide_application,
    can_import,
    scope_of,
)
from config.http import AuthenticatedHttpRequest
from pairings.choices import PairingKind
from programmes import selectors, services
from programmes.forms import ApplicationConsortiumForm, ApplicationFilterForm, ApplicationMoveForm
from programmes.models import Application, ApplicationDocument, ApplicationStatus


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = selectors.programme_list(user=request.user)
    return render(request, "programmes/programme_list.html", {"programmes": programmes})


@login_required
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = selectors.programme_get(user=request.user, slug=slug)
    scope = scope_of(request.user)
    kind = request.GET.get("kind", "")
    phase = request.GET.get("phase", "")
    if kind not in PairingKind.values:
        kind = ""
    if not phase.isdigit():
        phase = ""
    pairings = selectors.programme_pairings(
        user=request.user, programme=programme, kind=kind, phase_number=phase
    )
    page = Paginator(pairings, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "consortia": selectors.programme_consortia(user=request.user, programme=programme),
            "summary": selectors.programme_pairing_summary(user=request.user, programme=programme),
            "page": page,
            "kind": kind,
            "phase": phase,
            "kinds": PairingKind.choices,
            "oversees_provinces": scope.is_admin or bool(scope.provinces),
        },
    )


# Applications (申报)

APPLICATIONS_PER_PAGE = 50


@login_required
def application_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApplicationFilterForm(
        request.GET or None, choices=selectors.application_filter_choices(user=request.user)
    )
    applications = selectors.application_list(user=request.user, **form.filters())
    page = Paginator(applications, APPLICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/application_list.html",
        {
            "form": form,
            "page": page,
            "applications": page.object_list,
            "can_import": can_import(request.user),
        },
    )


def _document(application: Application) -> ApplicationDocument | None:
    try:
        return application.document
    except ApplicationDocument.DoesNotExist:
        return None


@login_required
def application_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    consortium = selectors.application_consortium(application=application)
    may_decide = can_decide_application(request.user)
    move_form = None
    if may_decide:
        move_form = ApplicationMoveForm(application=application)
        if not move_form.fields["to_status"].choices:  # type: ignore[attr-defined]
            move_form = None
    consortium_form = None
    if may_decide and consortium is None and application.status == ApplicationStatus.SELECTED:
        consortium_form = ApplicationConsortiumForm(
            consortia=selectors.application_consortium_choices(
                user=request.user, application=application
            )
        )
    return render(
        request,
        "programmes/application_detail.html",
        {
            "application": application,
            "document": _document(application),
            "consortium": consortium,
            "move_form": move_form,
            "consortium_form": consortium_form,
            "can_import": can_import(request.user),
        },
    )


def _application_to_decide(request: AuthenticatedHttpRequest, pk: int) -> Application:
    """404 for an application the user cannot see, 403 when they see it but may not decide."""
    application = get_object_or_404(
        applications_visible_to(request.user).select_related("institution", "programme"), pk=pk
    )
    if not can_decide_application(request.user):
        raise PermissionDenied
    return application


def _refused(request: AuthenticatedHttpRequest, error: ValidationError) -> None:
    messages.error(request, "；".join(error.messages))


@login_required
@require_POST
def application_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _application_to_decide(request, pk)
    form = ApplicationMoveForm(request.POST, application=application)
    if not form.is_valid():
        messages.error(request, _("请选择申报可以改为的状态。"))
        return redirect("programmes:application_detail", pk=pk)
    try:
        application = services.application_move(
            user=request.user,
            application=application,
            to_status=form.cleaned_data["to_status"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("“%(school)s”的申报已改为“%(status)s”。")
            % {"school": application.institution, "status": application.get_status_display()},
        )
    return redirect("programmes:application_detail", pk=pk)


@login_required
@require_POST
def application_add_to_consortium(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _application_to_decide(request, pk)
    form = ApplicationConsortiumForm(
        request.POST,
        consortia=selectors.application_consortium_choices(
            user=request.user, application=application
        ),
    )
    if not form.is_valid():
        messages.error(request, _("请选择本计划的一个组团。"))
        return redirect("programmes:application_detail", pk=pk)
    try:
        consortium = services.application_add_to_consortium(
            user=request.user, application=application, consortium=form.cleaned_data["consortium"]
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("“%(school)s”已作为重点支持院校加入“%(consortium)s”。")
            % {"school": application.institution, "consortium": consortium},
        )
    return redirect("programmes:application_detail", pk=pk)
