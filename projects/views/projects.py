"""Pages for support projects, pairings' work, and indicators."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import (
    can_edit_indicator,
    can_edit_pairing_work,
    can_edit_project,
    institutions_visible_to,
)
from config.http import AuthenticatedHttpRequest
from programmes.models import Phase
from programmes.selectors import programme_get
from projects import forms, selectors
from projects.choices import IndicatorKind, ProjectStatus
from projects.models import Indicator, IndicatorTemplate, Project
from projects.services.indicators import (
    indicator_actual_record,
    indicator_adopt,
    indicator_save,
    templates_available,
)
from projects.services.projects import project_save, project_transition
from projects.views.common import add_service_errors, int_param


@login_required
def project_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    filters = selectors.ProjectFilters(
        consortium=int_param(request, "consortium"),
        area=int_param(request, "area"),
        status=status if status in ProjectStatus.values else "",
        unit=int_param(request, "unit"),
        year=int_param(request, "year"),
        q=request.GET.get("q", "").strip()[:100],
    )
    page = Paginator(selectors.project_list(user=request.user, filters=filters), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "projects/project_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": ProjectStatus.choices,
            "today": timezone.localdate(),
            "may_start": forms.may_start_work(request.user),
            **selectors.filter_choices(user=request.user),
        },
    )


@login_required
def project_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    today = timezone.localdate()
    editable = can_edit_project(request.user, project)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "can_edit": editable,
            "indicators": [(i, i.progress(today)) for i in project.indicators.all()],
            "templates": templates_available(project=project) if editable else [],
            "status_form": forms.StatusForm(project=project) if editable else None,
        },
    )


def _project_formsets(
    request: AuthenticatedHttpRequest, project: Project | None
) -> tuple[Any, Any, Any]:
    institutions = institutions_visible_to(request.user).order_by("name")
    data = request.POST if request.method == "POST" else None
    kwargs: dict[str, Any] = {"form_kwargs": {"institutions": institutions}}
    initial: dict[str, list] = {"units": [], "members": [], "milestones": []}
    if project is not None:
        initial = {
            "units": forms.initial_rows(project.units.all(), ["institution", "department"]),
            "members": forms.initial_rows(
                project.members.all(), ["name", "institution", "title", "position"]
            ),
            "milestones": forms.initial_rows(
                project.milestones.all(), ["title", "due_on", "done_on", "evidence"]
            ),
        }
    return (
        forms.UnitFormSet(data, prefix="units", initial=initial["units"], **kwargs),
        forms.MemberFormSet(data, prefix="members", initial=initial["members"], **kwargs),
        forms.MilestoneFormSet(data, prefix="milestones", initial=initial["milestones"]),
    )


def _project_form_page(request: AuthenticatedHttpRequest, project: Project | None) -> HttpResponse:
    form = forms.ProjectForm(request.POST or None, instance=project or Project(), user=request.user)
    units, members, milestones = _project_formsets(request, project)
    if request.method == "POST" and all(
        [form.is_valid(), units.is_valid(), members.is_valid(), milestones.is_valid()]
    ):
        try:
            saved = project_save(
                user=request.user,
                project=form.save(commit=False),
                units=forms.kept_instances(units),
                members=forms.kept_instances(members),
                milestones=forms.kept_instances(milestones),
                beneficiaries=list(form.cleaned_data["beneficiaries"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("项目“%(title)s”已保存。") % {"title": saved.title})
            return redirect("projects:detail", saved.pk)
    return render(
        request,
        "projects/project_form.html",
        {
            "form": form,
            "formsets": [
                (_("责任单位（第一个为牵头单位）"), units),
                (_("项目组"), members),
                (_("实施步骤"), milestones),
            ],
            "project": project,
        },
    )


@login_required
def project_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not forms.may_start_work(request.user):
        raise PermissionDenied
    return _project_form_page(request, None)


@login_required
def project_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    if not can_edit_project(request.user, project):
        raise PermissionDenied
    return _project_form_page(request, project)


@login_required
@require_POST
def project_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    form = forms.StatusForm(request.POST, project=project)
    if form.is_valid():
        try:
            project_transition(
                user=request.user,
                project=project,
                to_status=form.cleaned_data["to_status"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("项目状态已更新。"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("请选择新的状态。"))
    return redirect("projects:detail", project.pk)


@login_required
@require_POST
def adopt_templates(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    """Take on one template (template=<pk>) or every template still available (all)."""
    if kind == "project":
        owner: Any = selectors.project_get(user=request.user, pk=pk)
        if not can_edit_project(request.user, owner):
            raise PermissionDenied
        available = templates_available(project=owner)
    else:
        owner = selectors.pairing_get(user=request.user, pk=pk)
        if not can_edit_pairing_work(request.user, owner):
            raise PermissionDenied
        available = templates_available(pairing=owner)
    wanted = request.POST.get("template", "")
    chosen = available if wanted == "all" else [t for t in available if str(t.pk) == wanted]
    owner_kwargs = {kind: owner}
    try:
        with transaction.atomic():  # all of them or none
            for template in chosen:
                indicator_adopt(user=request.user, template=template, **owner_kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已采用 %(n)d 项指标模板。") % {"n": len(chosen)})
    return redirect("projects:detail" if kind == "project" else "projects:pairing", pk)


@login_required
def pairing_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pairing = selectors.pairing_get(user=request.user, pk=pk)
    today = timezone.localdate()
    editable = can_edit_pairing_work(request.user, pairing)
    indicators = Indicator.objects.filter(pairing=pairing).with_progress_data()
    return render(
        request,
        "projects/pairing_detail.html",
        {
            "pairing": pairing,
            "can_edit": editable,
            "indicators": [(i, i.progress(today)) for i in indicators],
            "templates": templates_available(pairing=pairing) if editable else [],
            "projects": selectors.project_list(user=request.user).filter(pairing=pairing),
            "activities": selectors.activity_list(user=request.user).filter(pairing=pairing)[:20],
        },
    )


@login_required
def indicator_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    today = timezone.localdate()
    editable = can_edit_indicator(request.user, indicator)
    actual_form = None
    if editable and not indicator.is_derived and indicator.kind == IndicatorKind.QUANTITATIVE:
        actual_form = forms.ActualForm(request.POST or None, indicator=indicator)
        if request.method == "POST" and actual_form.is_valid():
            starts_on, ends_on = actual_form.cleaned_data["period"]
            try:
                indicator_actual_record(
                    user=request.user,
                    indicator=indicator,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    value=actual_form.cleaned_data["value"],
                    note=actual_form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_errors(actual_form, error)
            else:
                messages.success(request, _("实际值已保存。"))
                return redirect("projects:indicator", indicator.pk)
    targets = [(t, indicator.progress_for(t, today)) for t in indicator.targets.all()]
    return render(
        request,
        "projects/indicator_detail.html",
        {
            "indicator": indicator,
            "progress": indicator.progress(today),
            "targets": targets,
            "values": [(v, forms.quarter_label(v.starts_on)) for v in indicator.quarterly_values()],
            "can_edit": editable,
            "actual_form": actual_form,
        },
    )


def _indicator_form_page(
    request: AuthenticatedHttpRequest, indicator: Indicator, phases: Any
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = forms.IndicatorForm(data, instance=indicator)
    initial_targets = initial_items = []
    if indicator.pk:
        initial_targets = forms.initial_rows(indicator.targets.all(), ["year", "phase", "value"])
        initial_items = forms.initial_rows(indicator.items.all(), ["title", "done_on", "evidence"])
    targets = forms.TargetFormSet(
        data, prefix="targets", initial=initial_targets, form_kwargs={"phases": phases}
    )
    items = forms.ItemFormSet(data, prefix="items", initial=initial_items)
    if request.method == "POST" and all([form.is_valid(), targets.is_valid(), items.is_valid()]):
        try:
            saved = indicator_save(
                user=request.user,
                indicator=form.save(commit=False),
                targets=forms.kept_instances(targets),
                items=forms.kept_instances(items),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("指标“%(name)s”已保存。") % {"name": saved.name})
            return redirect("projects:indicator", saved.pk)
    return render(
        request,
        "projects/indicator_form.html",
        {
            "form": form,
            "formsets": [(_("目标值（按年度或轮次）"), targets), (_("成果清单"), items)],
            "indicator": indicator,
        },
    )


@login_required
def indicator_create(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind == "project":
        project = selectors.project_get(user=request.user, pk=pk)
        if not can_edit_project(request.user, project):
            raise PermissionDenied
        indicator = Indicator(project=project)
        programme_id = project.programme_id
    else:
        pairing = selectors.pairing_get(user=request.user, pk=pk)
        if not can_edit_pairing_work(request.user, pairing):
            raise PermissionDenied
        indicator = Indicator(pairing=pairing)
        programme_id = pairing.programme_id
    return _indicator_form_page(request, indicator, Phase.objects.filter(programme_id=programme_id))


@login_required
def indicator_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    if not can_edit_indicator(request.user, indicator):
        raise PermissionDenied
    owner = indicator.project or indicator.pairing
    assert owner is not None
    return _indicator_form_page(
        request, indicator, Phase.objects.filter(programme_id=owner.programme_id)
    )


@login_required
def template_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    programme = programme_get(user=request.user, slug=slug)
    return render(
        request,
        "projects/template_list.html",
        {
            "programme": programme,
            "templates": IndicatorTemplate.objects.filter(programme=programme),
        },
    )
