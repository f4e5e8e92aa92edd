"""A consortium's work at a glance: overview, activities, field visits with yearly compliance,
and meetings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import can_coordinate, can_edit_activity, can_edit_visit
from config.http import AuthenticatedHttpRequest
from pairings.selectors import consortium_get
from projects import forms, selectors
from projects.choices import ActivityKind
from projects.models import Activity, Meeting, Visit
from projects.services.activities import activity_save, meeting_save, visit_save
from projects.views.common import add_service_errors, int_param


@login_required
def overview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consortium = consortium_get(user=request.user, pk=pk)
    return render(
        request,
        "projects/overview.html",
        {
            "consortium": consortium,
            "overview": selectors.consortium_overview(user=request.user, consortium=consortium),
        },
    )


@login_required
def activity_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in ActivityKind.values else ""
    activities = selectors.activity_list(
        user=request.user,
        consortium=int_param(request, "consortium"),
        kind=kind,
        year=int_param(request, "year"),
        project=int_param(request, "project"),
    )
    page = Paginator(activities, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/activity_list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": ActivityKind.choices,
            "may_start": forms.may_start_work(request.user),
            "year": request.GET.get("year", ""),
        },
    )


def _activity_form_page(request: AuthenticatedHttpRequest, activity: Activity) -> HttpResponse:
    initial = {}
    if not activity.pk and (project := int_param(request, "project")):
        initial["project"] = project
    form = forms.ActivityForm(
        request.POST or None, instance=activity, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = activity_save(
                user=request.user,
                activity=form.save(commit=False),
                indicators=list(form.cleaned_data["indicators"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("活动“%(title)s”已保存。") % {"title": saved.title})
            if saved.project_id:
                return redirect("projects:detail", saved.project_id)
            return redirect("projects:activities")
    title = _("编辑活动") if activity.pk else _("填报活动")
    return render(request, "projects/simple_form.html", {"form": form, "title": title})


@login_required
def activity_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not forms.may_start_work(request.user):
        raise PermissionDenied
    return _activity_form_page(request, Activity())


@login_required
def activity_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get(user=request.user, pk=pk)
    if not can_edit_activity(request.user, activity):
        raise PermissionDenied
    return _activity_form_page(request, activity)


@login_required
def visit_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consortium = consortium_get(user=request.user, pk=pk)
    programme = consortium.programme
    # By default the current year, or the programme's last one once it has ended.
    default = min(max(timezone.localdate().year, programme.starts_on.year), programme.ends_on.year)
    year = int_param(request, "year") or default
    return render(
        request,
        "projects/visit_list.html",
        {
            "consortium": consortium,
            "year": year,
            "years": list(range(programme.starts_on.year, programme.ends_on.year + 1)),
            "visits": selectors.visit_list(user=request.user, consortium=consortium, year=year),
            "compliance": selectors.visit_compliance(consortium=consortium, year=year),
        },
    )


def _visit_form_page(request: AuthenticatedHttpRequest, visit: Visit) -> HttpResponse:
    consortium = visit.consortium
    form = forms.VisitForm(request.POST or None, instance=visit, consortium=consortium)
    if request.method == "POST" and form.is_valid():
        try:
            saved = visit_save(user=request.user, visit=form.save(commit=False))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("调研走访已记录。"))
            url = reverse("projects:visits", args=[consortium.pk])
            return redirect(f"{url}?year={saved.starts_on.year}")
    title = _("编辑调研走访") if visit.pk else _("记录调研走访")
    return render(
        request,
        "projects/simple_form.html",
        {"form": form, "title": title, "consortium": consortium},
    )


@login_required
def visit_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _visit_form_page(request, Visit(consortium=consortium_get(user=request.user, pk=pk)))


@login_required
def visit_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(user=request.user, pk=pk)
    if not can_edit_visit(request.user, visit):
        raise PermissionDenied
    return _visit_form_page(request, visit)


@login_required
def meeting_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consortium = consortium_get(user=request.user, pk=pk)
    return render(
        request,
        "projects/meeting_list.html",
        {
            "consortium": consortium,
            "meetings": selectors.meeting_list(user=request.user, consortium=consortium),
            "can_record": can_coordinate(request.user, consortium),
        },
    )


def _meeting_form_page(request: AuthenticatedHttpRequest, meeting: Meeting) -> HttpResponse:
    consortium = meeting.consortium
    if not can_coordinate(request.user, consortium):
        raise PermissionDenied
    form = forms.MeetingForm(request.POST or None, instance=meeting, consortium=consortium)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_save(
                user=request.user,
                meeting=form.save(commit=False),
                attendees=list(form.cleaned_data["attendees"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("会议已记录。"))
            return redirect("projects:meetings", consortium.pk)
    title = _("编辑会议") if meeting.pk else _("记录会议")
    return render(
        request,
        "projects/simple_form.html",
        {"form": form, "title": title, "consortium": consortium},
    )


@login_required
def meeting_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _meeting_form_page(request, Meeting(consortium=consortium_get(user=request.user, pk=pk)))


@login_required
def meeting_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _meeting_form_page(request, selectors.meeting_get(user=request.user, pk=pk))
