"""Pages for 一校一策 improvement plans: list, create, edit the current version, submit, assign
experts, review, attachments and linked projects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import (
    can_coordinate,
    can_draft_plan,
    can_review_plan,
    plans_visible_to,
)
from config.http import AuthenticatedHttpRequest
from config.uploads import download_response
from projects import forms, selectors
from projects.choices import PlanStatus
from projects.models import PlanAttachment, SchoolPlan
from projects.services import plans as services
from projects.views.common import add_service_errors, int_param


@login_required
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in PlanStatus.values else ""
    plans = list(
        selectors.plan_list(
            user=request.user, consortium=int_param(request, "consortium"), status=status
        )
    )
    return render(
        request,
        "projects/plan_list.html",
        {
            "plans": plans,
            "status": status,
            "statuses": PlanStatus.choices,
            "summary": selectors.plan_summary(plans),
            "may_start": forms.may_start_work(request.user),
        },
    )


@login_required
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not forms.may_start_work(request.user):
        raise PermissionDenied
    form = forms.PlanCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(
                user=request.user,
                consortium=data["consortium"],
                phase=data["phase"],
                college=data["college"],
                supporter=data["supporter"],
                title=data["title"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("提质计划已创建，请填写第 1 版内容。"))
            return redirect("projects:plan_edit", plan.pk)
    return render(request, "projects/simple_form.html", {"form": form, "title": _("新建提质计划")})


def _role_context(request: AuthenticatedHttpRequest, plan: SchoolPlan) -> dict:
    return {
        "can_draft": can_draft_plan(request.user, plan),
        "can_assign": can_coordinate(request.user, plan.consortium),
        "is_reviewer": can_review_plan(request.user, plan),
    }


@login_required
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    roles = _role_context(request, plan)
    current = plan.current_version
    my_review = None
    if current is not None:
        my_review = next((r for r in current.reviews.all() if r.expert_id == request.user.pk), None)
    context = {
        "plan": plan,
        "current": current,
        "versions": sorted(plan.versions.all(), key=lambda v: -v.number),
        "my_review": my_review,
        **roles,
    }
    if roles["can_assign"]:
        context["assign_form"] = forms.AssignExpertsForm(
            initial={"experts": [str(a.expert_id) for a in plan.assignments.all()]},
            committee=services.experts_of(plan.consortium),
        )
    if roles["is_reviewer"] and plan.status == PlanStatus.SUBMITTED and my_review is None:
        context["review_form"] = forms.ReviewForm()
    if roles["can_draft"]:
        context["attachment_form"] = forms.AttachmentForm()
        context["projects_form"] = forms.PlanProjectsForm(
            user=request.user, plan=plan, initial={"projects": list(plan.projects.all())}
        )
    return render(request, "projects/plan_detail.html", context)


@login_required
def plan_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    if not can_draft_plan(request.user, plan):
        raise PermissionDenied
    version = plan.current_version
    if version is None or version.is_frozen or not plan.is_editable:
        messages.error(request, _("该版本已提交或已通过，内容已锁定。"))
        return redirect("projects:plan", plan.pk)
    form = forms.PlanVersionForm(request.POST or None, instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_version_update(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("第 %(n)d 版已保存。") % {"n": version.number})
            return redirect("projects:plan", plan.pk)
    return render(
        request,
        "projects/simple_form.html",
        {
            "form": form,
            "title": _("编辑“%(title)s”第 %(n)d 版") % {"title": plan.title, "n": version.number},
            "back": plan,
        },
    )


def _post_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    try:
        if action == "submit":
            services.plan_submit(
                user=request.user, plan=plan, comment=request.POST.get("comment", "")
            )
            messages.success(request, _("已提交专家委员会评审，该版本内容已锁定。"))
        elif action == "experts":
            form = forms.AssignExpertsForm(
                request.POST, committee=services.experts_of(plan.consortium)
            )
            if not form.is_valid():
                raise ValidationError(_("请从专家委员会名单中选择。"))
            services.plan_assign_experts(user=request.user, plan=plan, experts=form.chosen())
            messages.success(request, _("评审专家已更新。"))
        elif action == "review":
            review_form = forms.ReviewForm(request.POST)
            if not review_form.is_valid():
                raise ValidationError(_("请选择评审结论并填写评审意见。"))
            services.plan_review(user=request.user, plan=plan, **review_form.cleaned_data)
            messages.success(request, _("评审意见已提交。"))
        elif action == "attachment":
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationError(_("请选择要上传的文件。"))
            services.plan_attachment_add(user=request.user, plan=plan, upload=upload)
            messages.success(request, _("附件已上传。"))
        elif action == "projects":
            projects_form = forms.PlanProjectsForm(request.POST, user=request.user, plan=plan)
            if not projects_form.is_valid():
                raise ValidationError(_("所选项目无效。"))
            services.plan_link_projects(
                user=request.user, plan=plan, projects=list(projects_form.cleaned_data["projects"])
            )
            messages.success(request, _("实施项目已更新。"))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("projects:plan", plan.pk)


@login_required
@require_POST
def plan_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    return _post_action(request, pk, action)


@login_required
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """Attachments are served only here, to people who can see the plan."""
    try:
        attachment = PlanAttachment.objects.select_related("version").get(
            pk=pk, version__plan__in=plans_visible_to(request.user).values("pk")
        )
    except PlanAttachment.DoesNotExist as error:
        raise Http404 from error
    return download_response(attachment)
