"""Dashboard pages: the provincial dashboard with its late-report list, the coordinator's
dashboard, and the home page that sends each user to the one they start their day on."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from accounts.selectors import can_view_province_dashboard, scope_of
from config.http import AuthenticatedHttpRequest
from dashboards import charts
from dashboards.coordinator import coordinator_consortia, coordinator_dashboard
from dashboards.filters import filters_from
from dashboards.selectors import dashboard_build, late_slots
from schools.models import InstitutionKind


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Provincial departments start on their province's dashboard, coordinators on their
    consortium's; everyone else on the programme list."""
    scope = scope_of(request.user)
    if scope.provinces:
        return redirect("dashboards:province")
    if scope.coordinated:
        return redirect("dashboards:coordinator")
    return redirect("programmes:list")


def _check_province_access(request: AuthenticatedHttpRequest) -> None:
    if not can_view_province_dashboard(request.user):
        raise PermissionDenied


@login_required
def province(request: AuthenticatedHttpRequest) -> HttpResponse:
    _check_province_access(request)
    f = filters_from(user=request.user, params=request.GET)
    dashboard = dashboard_build(f)
    heat_rows = charts.heat_table(dashboard)
    return render(
        request,
        "dashboards/province.html",
        {
            "d": dashboard,
            "f": f,
            "kinds": InstitutionKind.choices,
            "charts": {
                "heat": charts.heat_map(dashboard, heat_rows),
                "child_indicator": charts.indicator_by_child(dashboard),
                "zones": charts.zones_side_by_side(dashboard),
                "reporting_trend": charts.reporting_trend(dashboard),
                "indicator_trend": charts.indicator_trend(dashboard),
            },
            "heat_rows": heat_rows,
            "heat_legend": charts.heat_legend(),
        },
    )


@login_required
def late(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The reports behind a heat-map cell: past due and not received on time."""
    _check_province_access(request)
    f = filters_from(user=request.user, params=request.GET)
    slots = late_slots(f, all_quarters=request.GET.get("all") == "1")
    page = Paginator(slots, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboards/late.html",
        {"f": f, "page": page, "slots": page.object_list, "all": request.GET.get("all") == "1"},
    )


@login_required
def coordinator(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    consortia = list(coordinator_consortia(request.user))
    if not consortia:
        raise PermissionDenied
    consortium = consortia[0] if pk is None else next((c for c in consortia if c.pk == pk), None)
    if consortium is None:
        raise Http404
    return render(
        request,
        "dashboards/coordinator.html",
        {"board": coordinator_dashboard(consortium), "consortia": consortia},
    )
