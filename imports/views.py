"""Pages of imports: choose what to import, download its template, upload, watch the check,
read the preview, confirm or cancel; the record of every import with its original file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import can_import, import_batches_visible_to
from config.http import AuthenticatedHttpRequest
from config.uploads import XLSX_CONTENT_TYPE, download_response
from imports import services
from imports.importers import IMPORTERS, Importer, importer_for
from imports.importers.base import STATUS_LABELS, RowStatus
from imports.models import ImportBatch, ImportStatus

PREVIEW_PAGE_SIZE = 100


def _importer_class(request: AuthenticatedHttpRequest, kind: str) -> type[Importer]:
    if kind not in IMPORTERS:
        raise Http404
    importer_class = importer_for(kind)
    if not importer_class.open_to(request.user):
        raise PermissionDenied
    return importer_class


@login_required
def batch_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The importers open to the user and the imports they may see (an administrator all of
    them, a provincial department its own)."""
    importers = [i for i in IMPORTERS.values() if i.open_to(request.user)]
    if not importers:
        raise PermissionDenied
    batches = import_batches_visible_to(request.user).select_related("uploaded_by")
    page = Paginator(batches, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/batch_list.html",
        {
            "page": page,
            "batches": page.object_list,
            "importers": importers,
            "can_export_round": can_import(request.user),
        },
    )


@login_required
def batch_new(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    importer_class = _importer_class(request, kind)
    form_class = importer_class.form_class
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            params = form.to_params()
            if not importer_class.allowed(request.user, params):
                raise PermissionDenied
            try:
                batch = services.batch_upload(
                    user=request.user, kind=kind, params=params, upload=form.cleaned_data["file"]
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                return redirect("imports:detail", pk=batch.pk)
    else:
        form = form_class(initial=request.GET.dict(), user=request.user)
    return render(
        request, "imports/batch_new.html", {"form": form, "importer": importer_class, "kind": kind}
    )


@login_required
def template_download(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """The empty workbook to fill, with instructions, dropdowns and an example row."""
    importer_class = _importer_class(request, kind)
    params = {k: v for k, v in request.GET.items() if k != "file"}
    importer = importer_class(params, user=request.user)
    response = HttpResponse(importer.template(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        content_disposition_header(True, f"{importer_class.template_name}.xlsx") or ""
    )
    return response


def _batch(request: AuthenticatedHttpRequest, pk: int) -> ImportBatch:
    return get_object_or_404(
        import_batches_visible_to(request.user).select_related("uploaded_by", "applied_by"), pk=pk
    )


@login_required
def batch_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    show = request.GET.get("show") or ""
    rows = batch.preview
    if show in STATUS_LABELS:
        rows = [row for row in rows if row["status"] == show]
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = batch.counts or {}
    filters = [
        {"key": key, "label": label, "count": counts.get(key, 0)}
        for key, label in STATUS_LABELS.items()
    ]
    return render(
        request,
        "imports/batch_detail.html",
        {
            "batch": batch,
            "page": page,
            "rows": page.object_list,
            "show": show,
            "filters": filters,
            "importer": importer_for(batch.kind) if batch.kind in IMPORTERS else None,
            "error_status": RowStatus.ERROR,
            # Problems beyond MAX_STORED_PROBLEMS are counted, not kept.
            "problem_count": counts.get("problems") or len(batch.problems),
        },
    )


@login_required
def batch_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the page polls (htmx); once finished it asks for a full reload."""
    batch = _batch(request, pk)
    response = render(request, "imports/includes/batch_status.html", {"batch": batch})
    if not batch.working:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def batch_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    try:
        batch = services.batch_confirm(user=request.user, batch=batch)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("imports:detail", pk=pk)
    if batch.status == ImportStatus.APPLIED:
        messages.success(request, _("已导入“%(title)s”。") % {"title": batch.title})
    elif batch.status == ImportStatus.FAILED:
        messages.error(request, batch.error)
    return redirect("imports:detail", pk=pk)


@login_required
@require_POST
def batch_discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = services.batch_discard(user=request.user, batch=_batch(request, pk))
    messages.info(request, _("已取消导入“%(title)s”。") % {"title": batch.title})
    return redirect("imports:list")


@login_required
def batch_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The original file, as uploaded."""
    batch = _batch(request, pk)
    if not batch.file:
        raise Http404
    return download_response(batch)
