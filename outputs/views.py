"""Pages of the output jobs: ask for an output, watch its progress, download the file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.selectors import output_jobs_visible_to
from config.http import AuthenticatedHttpRequest
from outputs import services
from outputs.exporters import EXPORTERS, exporter_for
from outputs.models import OutputJob


@login_required
def job_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    jobs = output_jobs_visible_to(request.user)
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    return render(request, "outputs/job_list.html", {"page": page, "jobs": page.object_list})


@login_required
def job_new(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """The parameters of an output (GET, pre-filled from the query string), then the job."""
    if kind not in EXPORTERS:
        raise Http404
    exporter_class = exporter_for(kind)
    form_class = exporter_class.form_class
    if request.method == "POST":
        form = form_class(request.POST, user=request.user)
        if form.is_valid():
            params = form.to_params()
            if not exporter_class.allowed(request.user, params):
                raise PermissionDenied
            job = services.job_request(user=request.user, kind=kind, params=params)
            messages.success(request, _("已开始生成“%(title)s”。") % {"title": job.title})
            return redirect("outputs:detail", pk=job.pk)
    else:
        form = form_class(initial=request.GET.dict(), user=request.user)
    return render(
        request, "outputs/job_new.html", {"form": form, "exporter": exporter_class, "kind": kind}
    )


def _job(request: AuthenticatedHttpRequest, pk: int) -> OutputJob:
    return get_object_or_404(output_jobs_visible_to(request.user), pk=pk)


@login_required
def job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return render(request, "outputs/job_detail.html", {"job": _job(request, pk)})


@login_required
def job_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the page polls (htmx) until the job has finished."""
    return render(request, "outputs/includes/job_status.html", {"job": _job(request, pk)})


@login_required
def job_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if not exporter_for(job.kind).allowed(request.user, job.params):
        raise Http404
    if not job.downloadable:
        raise Http404(_("文件不存在或已过期，请重新生成。"))
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.filename,
        content_type=job.content_type,
    )
