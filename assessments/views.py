"""Pages of the assessment: schemes (tree, weights, versions), data entry, scoring runs with
their results and zone comparison, and one party's result with where each figure came from.

Who sees what comes from accounts/selectors.py: the province (and administrators) manage
and see everything of their programmes; reviewers enter data; an assessed party sees only its
own result, and only once published. Objects out of reach are 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import (
    assessment_programmes_managed_by,
    assessment_results_visible_to,
    assessment_runs_visible_to,
    assessment_schemes_visible_to,
    can_enter_assessment_data,
    can_manage_assessment,
    scope_of,
)
from assessments import forms, selectors, services
from assessments.models import (
    AssessmentEntry,
    AssessmentIndicator,
    AssessmentRun,
    AssessmentScheme,
    AssessmentScore,
    EvidenceFile,
    Source,
)
from config.http import AuthenticatedHttpRequest
from config.uploads import download_response


def _scheme(request: AuthenticatedHttpRequest, pk: int) -> AssessmentScheme:
    return get_object_or_404(
        assessment_schemes_visible_to(request.user).select_related("programme__region", "phase"),
        pk=pk,
    )


def _managed(request: AuthenticatedHttpRequest, pk: int) -> AssessmentScheme:
    scheme = _scheme(request, pk)
    if not can_manage_assessment(request.user, scheme):
        raise PermissionDenied
    return scheme


def _errors(request: AuthenticatedHttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def scheme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    schemes = (
        assessment_schemes_visible_to(user)
        .select_related("programme", "phase")
        .order_by("programme__name", "-year", "basis", "-version")
    )
    own = (
        assessment_results_visible_to(user)
        .filter(party__in=scope_of(user).acting_for, run__published_at__isnull=False)
        .select_related("run__scheme", "party")
        .order_by("-run__scheme__year", "run__scheme__name")
    )
    return render(
        request,
        "assessments/scheme_list.html",
        {
            "schemes": schemes,
            "own_results": own,
            "can_create": assessment_programmes_managed_by(user).exists(),
        },
    )


@login_required
def scheme_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not assessment_programmes_managed_by(request.user).exists():
        raise PermissionDenied
    form = forms.SchemeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.scheme_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("方案已创建，请添加指标并设置权重。"))
            return redirect("assessments:scheme", pk=scheme.pk)
    return render(request, "assessments/scheme_form.html", {"form": form})


@login_required
def scheme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    manager = can_manage_assessment(request.user, scheme)
    tree = selectors.indicator_tree(scheme)
    rows = [
        (indicator, [selectors.weights_of(indicator).get(column) for column in scheme.columns])
        for top, children in tree
        for indicator in [top, *children]
    ]
    runs = (
        assessment_runs_visible_to(request.user)
        .filter(scheme=scheme)
        .select_related("started_by", "published_by")
    )
    return render(
        request,
        "assessments/scheme_detail.html",
        {
            "scheme": scheme,
            "rows": rows,
            "columns": [(c, c.label) for c in scheme.columns],
            "problems": selectors.scheme_problems(scheme) if manager else [],
            "runs": runs,
            "manager": manager,
            "can_enter": can_enter_assessment_data(request.user, scheme),
            "versions": AssessmentScheme.objects.filter(
                programme=scheme.programme_id, year=scheme.year, basis=scheme.basis
            ).order_by("version"),
        },
    )


@login_required
def indicator_edit(
    request: AuthenticatedHttpRequest, pk: int, indicator_pk: int | None = None
) -> HttpResponse:
    scheme = _managed(request, pk)
    indicator = (
        get_object_or_404(AssessmentIndicator, scheme=scheme, pk=indicator_pk)
        if indicator_pk
        else None
    )
    form = forms.IndicatorForm(request.POST or None, instance=indicator, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_save(user=request.user, indicator=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("指标已保存。"))
            return redirect("assessments:scheme", pk=scheme.pk)
    return render(
        request,
        "assessments/indicator_form.html",
        {"scheme": scheme, "form": form, "indicator": indicator},
    )


@login_required
@require_POST
def indicator_delete(request: AuthenticatedHttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    scheme = _managed(request, pk)
    indicator = get_object_or_404(AssessmentIndicator, scheme=scheme, pk=indicator_pk)
    try:
        services.indicator_delete(user=request.user, indicator=indicator)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("指标已删除。"))
    return redirect("assessments:scheme", pk=scheme.pk)


@login_required
def weights_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scheme = _managed(request, pk)
    tree = selectors.indicator_tree(scheme)
    form = forms.WeightsForm(request.POST or None, scheme=scheme, tree=tree)
    if request.method == "POST" and form.is_valid():
        try:
            services.weights_set(
                user=request.user,
                scheme=scheme,
                weights=form.weights(),
                targets=form.targets(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("权重已保存，各级权重合计均为 100。"))
            return redirect("assessments:scheme", pk=scheme.pk)
    return render(
        request,
        "assessments/weights_form.html",
        {"scheme": scheme, "form": form, "columns": [c.label for c in scheme.columns]},
    )


@login_required
@require_POST
def scheme_version(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scheme = _managed(request, pk)
    copy = services.scheme_new_version(user=request.user, scheme=scheme)
    messages.success(
        request,
        _("已建立第 %(n)s 版（含指标、权重和已录入的数据），可以修改。") % {"n": copy.version},
    )
    return redirect("assessments:scheme", pk=copy.pk)


@login_required
def scheme_data(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The parties' values of one entered or imported indicator, with who recorded them."""
    scheme = _scheme(request, pk)
    if not can_enter_assessment_data(request.user, scheme):
        raise PermissionDenied
    indicators = list(
        scheme.indicators.filter(source__in=[Source.ENTERED, Source.IMPORTED]).order_by(
            "order", "code"
        )
    )
    chosen = next(
        (i for i in indicators if str(i.pk) == request.GET.get("indicator")),
        indicators[0] if indicators else None,
    )
    rows = []
    if chosen is not None:
        entries = {
            e.party_id: e
            for e in chosen.entries.select_related("recorded_by").prefetch_related("files")
        }
        rows = [(p, entries.get(p.institution.pk)) for p in selectors.parties_of(scheme)]
    return render(
        request,
        "assessments/scheme_data.html",
        {
            "scheme": scheme,
            "indicators": indicators,
            "chosen": chosen,
            "rows": rows,
            "surveys": scheme.surveys.select_related("region").order_by("region__code"),
            "manager": can_manage_assessment(request.user, scheme),
        },
    )


@login_required
def entry_edit(
    request: AuthenticatedHttpRequest, pk: int, indicator_pk: int, party_pk: int
) -> HttpResponse:
    scheme = _scheme(request, pk)
    if not can_enter_assessment_data(request.user, scheme):
        raise PermissionDenied
    indicator = get_object_or_404(AssessmentIndicator, scheme=scheme, pk=indicator_pk)
    party = next(
        (p.institution for p in selectors.parties_of(scheme) if p.institution.pk == party_pk),
        None,
    )
    if party is None:
        raise Http404
    entry = AssessmentEntry.objects.filter(indicator=indicator, party=party).first()
    initial = (
        {"value": entry.value, "target": entry.target, "last_year": entry.last_year}
        if entry
        else {}
    )
    form = forms.EntryForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.entry_record(
                user=request.user,
                indicator=indicator,
                party=party,
                value=data["value"],
                target=data["target"],
                last_year=data["last_year"],
                evidence=data["evidence"],
                files=[data["file"]] if data["file"] else [],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已保存“%(party)s”的数据。") % {"party": party})
            return redirect(
                f"{redirect('assessments:data', pk=scheme.pk).url}?indicator={indicator.pk}"
            )
    return render(
        request,
        "assessments/entry_form.html",
        {"scheme": scheme, "indicator": indicator, "party": party, "entry": entry, "form": form},
    )


@login_required
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    stored = get_object_or_404(
        EvidenceFile.objects.select_related("entry__indicator__scheme__programme__region"),
        pk=pk,
    )
    scheme = stored.entry.indicator.scheme
    own = assessment_results_visible_to(request.user).filter(
        party=stored.entry.party_id,
        party__in=scope_of(request.user).acting_for,
        run__scheme=scheme,
    )
    if not (can_enter_assessment_data(request.user, scheme) or own.exists()):
        raise Http404
    return download_response(stored)


@login_required
@require_POST
def run_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scheme = _managed(request, pk)
    try:
        run = services.run_start(user=request.user, scheme=scheme)
    except ValidationError as error:
        _errors(request, error)
        return redirect("assessments:scheme", pk=scheme.pk)
    messages.success(request, _("已开始评分，方案已冻结。"))
    return redirect("assessments:run", pk=run.pk)


def _run(request: AuthenticatedHttpRequest, pk: int) -> AssessmentRun:
    return get_object_or_404(
        assessment_runs_visible_to(request.user).select_related(
            "scheme__programme__region", "scheme__phase", "started_by", "published_by"
        ),
        pk=pk,
    )


@login_required
def run_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    if not can_manage_assessment(request.user, run.scheme):
        mine = assessment_results_visible_to(request.user).filter(
            run=run, party__in=scope_of(request.user).acting_for
        )
        first = mine.first()
        if first is None:
            raise PermissionDenied
        return redirect("assessments:result", pk=first.pk)
    results = run.results.select_related("party__region")
    top = list(run.scheme.indicators.filter(parent=None).order_by("order", "code"))
    top_scores = AssessmentScore.objects.filter(result__run=run, indicator__parent=None)
    by_result: dict[int, dict[int, AssessmentScore]] = {}
    for score in top_scores:
        by_result.setdefault(score.result_id, {})[score.indicator_id] = score
    groups: dict[str, list] = {}
    for result in results:
        cells = [by_result.get(result.pk, {}).get(i.pk) for i in top]
        groups.setdefault(result.group, []).append((result, cells))
    indicators, means = selectors.first_level_means(run)
    return render(
        request,
        "assessments/run_detail.html",
        {
            "run": run,
            "scheme": run.scheme,
            "top": top,
            "groups": [
                (selectors.group_label(g), rows)
                for g, rows in sorted(
                    groups.items(), key=lambda item: selectors.group_order(item[0])
                )
            ],
            "comparison": selectors.run_comparison(run.results.all()),
            "mean_indicators": indicators,
            "means": means,
        },
    )


@login_required
def run_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the run page polls (htmx) until scoring has finished."""
    run = _run(request, pk)
    if not can_manage_assessment(request.user, run.scheme):
        raise PermissionDenied
    return render(request, "assessments/includes/run_status.html", {"run": run})


@login_required
@require_POST
def run_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    try:
        if request.POST.get("withdraw"):
            services.run_withdraw(user=request.user, run=run)
            messages.success(request, _("已撤回发布，被考核单位不再能看到本次结果。"))
        else:
            services.run_publish(user=request.user, run=run)
            messages.success(request, _("已发布，各被考核单位可以查看本单位的结果。"))
    except ValidationError as error:
        _errors(request, error)
    return redirect("assessments:run", pk=run.pk)


@login_required
def result_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    result = get_object_or_404(
        assessment_results_visible_to(request.user).select_related(
            "run__scheme__programme", "party__region"
        ),
        pk=pk,
    )
    scores = result.scores.select_related("indicator").order_by(
        "indicator__order", "indicator__code"
    )
    entries = AssessmentEntry.objects.filter(
        party=result.party_id, indicator__scheme=result.run.scheme_id
    ).prefetch_related(Prefetch("files", queryset=EvidenceFile.objects.order_by("uploaded_at")))
    files = {e.indicator_id: list(e.files.all()) for e in entries}
    return render(
        request,
        "assessments/result_detail.html",
        {
            "result": result,
            "run": result.run,
            "scheme": result.run.scheme,
            "rows": [(s, files.get(s.indicator_id, [])) for s in scores],
            "group_label": selectors.group_label(result.group),
            "manager": can_manage_assessment(request.user, result.run.scheme),
        },
    )
