"""Pages of quarterly reporting: my reports, the report form, a report with its timeline, the
review list with bulk approval, completeness and timeliness, periods, notifications."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import (
    can_edit_periods,
    can_fill_report,
    can_review_report,
    institutions_visible_to,
    reports_visible_to,
    scope_of,
)
from config.http import AuthenticatedHttpRequest
from config.uploads import download_response
from programmes.models import ContentArea
from programmes.selectors import programme_get
from projects.views.common import int_param
from reports import forms, offline, selectors, services
from reports.models import (
    Notification,
    QuarterlyReport,
    ReminderSettings,
    ReportAttachment,
    ReportStatus,
)


@login_required
def my_reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    return render(
        request,
        "reports/my_reports.html",
        {
            "institutions": selectors.my_reports(user=request.user),
            "can_review": scope.is_admin or bool(scope.coordinated) or bool(scope.provinces),
            "programmes": selectors.programmes_with_periods(user=request.user),
            "today": timezone.localdate(),
        },
    )


def _build_forms(
    request: AuthenticatedHttpRequest, report: QuarterlyReport, data: Any
) -> dict[str, Any]:
    period = report.period
    areas = list(ContentArea.objects.filter(programme=period.programme_id))
    projects = list(selectors.projects_reported_by(institution=report.institution, period=period))
    indicators = selectors.indicators_reported_by(institution=report.institution, period=period)
    sections = {s.area_id: s for s in report.sections.all()}
    progress = {p.project_id: p for p in report.project_progress.all()}
    values = {v.indicator_id: v for v in report.indicator_values.all()}
    main = forms.ReportForm(data, instance=report, initial={"version": report.version})
    section_forms = [
        (area, forms.SectionForm(data, prefix=f"s{area.pk}", instance=sections.get(area.pk)))
        for area in areas
    ]
    progress_forms = []
    for project in projects:
        stored = progress.get(project.pk)
        initial_progress: dict[str, Any] = (
            {
                "percent": stored.percent,
                "milestones_reached": stored.milestones_reached,
                "note": stored.note,
            }
            if stored
            else {}
        )
        progress_forms.append(
            (project, forms.ProgressForm(data, prefix=f"p{project.pk}", initial=initial_progress))
        )
    value_forms = []
    for indicator in indicators:
        derived = selectors.derived_value(indicator, period)
        stored_value = values.get(indicator.pk)
        initial: dict[str, Any] = (
            {"value": stored_value.value, "reason": stored_value.reason}
            if stored_value
            else {"value": derived}
        )
        value_forms.append(
            (indicator, derived, forms.ValueForm(data, prefix=f"v{indicator.pk}", initial=initial))
        )
    return {
        "areas": areas,
        "projects": projects,
        "indicators": indicators,
        "form": main,
        "section_forms": section_forms,
        "progress_forms": progress_forms,
        "value_forms": value_forms,
    }


def _report_opened(
    request: AuthenticatedHttpRequest, period_pk: int, institution_pk: int
) -> QuarterlyReport:
    """The institution's report for the period (opened as a draft on first use), within the
    user's scope; 404 when the institution does not report in that period."""
    period = selectors.period_get(user=request.user, pk=period_pk)
    institution = get_object_or_404(institutions_visible_to(request.user), pk=institution_pk)
    try:
        return services.report_open(user=request.user, period=period, institution=institution)
    except ValidationError as error:
        raise Http404(" ".join(error.messages)) from error


@login_required
def report_fill(
    request: AuthenticatedHttpRequest, period_pk: int, institution_pk: int
) -> HttpResponse:
    report = _report_opened(request, period_pk, institution_pk)
    period, institution = report.period, report.institution
    if not can_fill_report(request.user, report):
        # Who reads the report is sent to it; anyone else learns nothing (not even its id).
        if not reports_visible_to(request.user).filter(pk=report.pk).exists():
            raise Http404
        return redirect("reports:detail", report.pk)
    reason = report.lock_reason(timezone.localdate())
    if reason:
        messages.info(request, reason)
        return redirect("reports:detail", report.pk)
    context = _build_forms(request, report, request.POST or None)
    conflict = None
    if request.method == "POST":
        all_forms = [context["form"]] + [f for _a, f in context["section_forms"]]
        all_forms += [f for _p, f in context["progress_forms"]]
        all_forms += [f for _i, _d, f in context["value_forms"]]
        if all(f.is_valid() for f in all_forms):
            try:
                report = services.report_save(
                    user=request.user,
                    report=report,
                    version=context["form"].cleaned_data["version"],
                    fields=context["form"].cleaned_data,
                    sections={a.pk: f.cleaned_data for a, f in context["section_forms"]},
                    progress={p.pk: f.cleaned_data for p, f in context["progress_forms"]},
                    values={
                        i.pk: {**f.cleaned_data, "derived": d} for i, d, f in context["value_forms"]
                    },
                )
            except services.EditConflict as error:
                conflict = error.changes
                # Their input stays in the form; saving again now overwrites knowingly.
                data = request.POST.copy()
                data["version"] = str(error.report.version)
                context = _build_forms(request, report, data)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                if request.POST.get("action") != "submit":
                    messages.success(request, _("草稿已保存。"))
                    return redirect("reports:fill", period.pk, institution.pk)
                try:
                    services.report_submit(
                        user=request.user,
                        report=report,
                        projects=context["projects"],
                        indicators=context["indicators"],
                    )
                except ValidationError as error:
                    context = _build_forms(request, report, None)
                    context["submit_errors"] = error.messages
                    messages.error(request, _("草稿已保存，但还不能提交，请补充以下内容。"))
                else:
                    messages.success(request, _("报告已提交，等待组团办公室审核。"))
                    return redirect("reports:detail", report.pk)
    return render(
        request,
        "reports/report_form.html",
        {
            **context,
            "report": report,
            "period": period,
            "institution": institution,
            "conflict": conflict,
        },
    )


@login_required
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    today = timezone.localdate()
    reviewer = can_review_report(request.user, report)
    areas = list(ContentArea.objects.filter(programme=report.period.programme_id))
    sections = {s.area_id: s for s in report.sections.all()}
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "sections": [(area, sections.get(area.pk)) for area in areas],
            "lock_reason": report.lock_reason(today),
            "can_fill": can_fill_report(request.user, report),
            "can_review": reviewer,
            "return_form": forms.ReturnForm(areas=areas)
            if reviewer and report.status == ReportStatus.SUBMITTED
            else None,
            "reopen_form": forms.ReasonForm()
            if reviewer and report.can_be_reopened(today)
            else None,
            "attachment_form": forms.AttachmentForm(),
        },
    )


@login_required
@require_POST
def report_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    try:
        if action == "return":
            areas = list(ContentArea.objects.filter(programme=report.period.programme_id))
            form = forms.ReturnForm(request.POST, areas=areas)
            form.is_valid()
            services.report_return(
                user=request.user,
                report=report,
                comment=form.cleaned_data.get("comment", ""),
                sections=form.section_comments(areas),
            )
            messages.success(request, _("报告已退回，填报单位会收到提醒。"))
        elif action == "approve":
            services.reports_approve(user=request.user, reports=[report])
            messages.success(request, _("报告已审核通过。"))
        elif action == "reopen":
            services.report_reopen(
                user=request.user, report=report, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("报告已重新开放修改。"))
        elif action == "attachment":
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationError(_("请选择要上传的文件。"))
            services.report_attachment_add(user=request.user, report=report, upload=upload)
            messages.success(request, _("附件已上传。"))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("reports:detail", report.pk)


@login_required
def review_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", ReportStatus.SUBMITTED)
    status = status if status in ReportStatus.values else ""
    reports = list(
        selectors.review_list(
            user=request.user, status=status, period=int_param(request, "period")
        )[:300]
    )
    return render(
        request,
        "reports/review_list.html",
        {"reports": reports, "status": status, "statuses": ReportStatus.choices},
    )


@login_required
@require_POST
def approve_selected(request: AuthenticatedHttpRequest) -> HttpResponse:
    ids = [int(pk) for pk in request.POST.getlist("report") if pk.isascii() and pk.isdigit()]
    reports = list(reports_visible_to(request.user).filter(pk__in=ids))
    if not reports:
        messages.error(request, _("请先勾选要审核通过的报告。"))
        return redirect("reports:review")
    if not all(can_review_report(request.user, r) for r in reports):
        raise PermissionDenied
    approved = services.reports_approve(user=request.user, reports=reports)
    messages.success(
        request,
        _("已审核通过 %(n)d 份报告；%(skipped)d 份不是待审核状态，未作改动。")
        % {"n": approved, "skipped": len(reports) - approved},
    )
    return redirect("reports:review")


@login_required
def completeness(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    programme = programme_get(user=request.user, slug=slug)
    return render(
        request,
        "reports/completeness.html",
        {
            "programme": programme,
            "can_edit_periods": can_edit_periods(request.user, programme),
            "data": selectors.completeness(
                user=request.user, programme=programme, period_pk=int_param(request, "period")
            ),
        },
    )


@login_required
def period_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = selectors.period_get(user=request.user, pk=pk)
    form = forms.PeriodForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_update(
                user=request.user,
                period=period,
                **{f: form.cleaned_data[f] for f in ("opens_on", "due_on", "locks_on")},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("报送期已更新。"))
            return redirect("reports:completeness", period.programme.slug)
    elif not can_edit_periods(request.user, period.programme):
        raise PermissionDenied
    return render(
        request,
        "projects/simple_form.html",
        {"form": form, "title": _("调整报送期：%(name)s") % {"name": period}},
    )


@login_required
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    settings_row, _created = ReminderSettings.objects.get_or_create(user=request.user)
    if request.method == "POST":
        if "email_reminders" in request.POST:
            settings_row.email_reminders = request.POST["email_reminders"] == "on"
            settings_row.save(update_fields=["email_reminders"])
            messages.success(request, _("提醒设置已保存。"))
        Notification.objects.filter(user=request.user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        return redirect("reports:notifications")
    return render(
        request,
        "reports/notifications.html",
        {
            "notifications": Notification.objects.filter(user=request.user)[:100],
            "email_reminders": settings_row.email_reminders,
        },
    )


@login_required
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(
        ReportAttachment.objects.filter(report__in=reports_visible_to(request.user).values("pk")),
        pk=pk,
    )
    return download_response(attachment)


@login_required
def report_upload_offline(
    request: AuthenticatedHttpRequest, period_pk: int, institution_pk: int
) -> HttpResponse:
    """Upload a filled offline form (离线填报表) as the report's draft; every row error is
    listed on the page, and nothing is saved until the whole file is right."""
    report = _report_opened(request, period_pk, institution_pk)
    if not can_fill_report(request.user, report):
        # Who reads the report learns they may not change it; anyone else learns nothing.
        if reports_visible_to(request.user).filter(pk=report.pk).exists():
            raise PermissionDenied
        raise Http404
    reason = report.lock_reason(timezone.localdate())
    if reason:
        messages.info(request, reason)
        return redirect("reports:detail", report.pk)
    errors: list[str] = []
    conflict = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError(_("请选择填好的离线填报表（.xlsx）。"))
            offline.report_import_offline(
                user=request.user,
                report=report,
                upload=upload,
                overwrite=request.POST.get("overwrite") == "on",
            )
        except offline.OfflineFormInvalid as error:
            errors = error.errors
        except services.EditConflict as error:
            conflict = error.changes
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("已导入为草稿。"))
            return redirect("reports:detail", report.pk)
    return render(
        request,
        "reports/report_upload.html",
        {"report": report, "errors": errors, "conflict": conflict},
    )
