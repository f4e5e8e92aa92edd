"""Pages for institutions and the region tree."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from schools import selectors
from schools.models import InstitutionKind


@login_required
def institution_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if kind not in InstitutionKind.values:
        kind = ""
    region_code = request.GET.get("region", "")
    region = selectors.region_get(code=region_code) if region_code else None
    institutions = selectors.institution_list(
        user=request.user, query=query, kind=kind, region=region
    )
    page = Paginator(institutions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "schools/institution_list.html",
        {
            "page": page,
            "query": query,
            "kind": kind,
            "region": region,
            "kinds": InstitutionKind.choices,
        },
    )


@login_required
def institution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    institution = selectors.institution_get(user=request.user, pk=pk)
    pairings = [*institution.pairings_as_supporter.all(), *institution.pairings_as_supported.all()]
    programmes = {p.programme for p in pairings} | {
        m.consortium.programme for m in institution.memberships.all()
    }
    return render(
        request,
        "schools/institution_detail.html",
        {
            "institution": institution,
            "lineage": institution.region.lineage(),
            "pairings": pairings,
            "programmes": sorted(programmes, key=lambda p: p.starts_on),
        },
    )


@login_required
def region_tree(request: HttpRequest, code: str = "") -> HttpResponse:
    region = selectors.region_get(code=code) if code else None
    rows = selectors.region_children(user=request.user, parent=region)
    here = (
        selectors.institution_list(user=request.user).filter(region=region)
        if region is not None
        else []
    )
    return render(
        request,
        "schools/region_tree.html",
        {
            "region": region,
            "lineage": region.lineage() if region else [],
            "rows": rows,
            "here": here,
        },
    )
