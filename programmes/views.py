"""Pages for programmes: the list and one programme's rounds, areas, consortia and pairings."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.selectors import scope_of
from pairings.choices import PairingKind
from programmes import selectors


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
