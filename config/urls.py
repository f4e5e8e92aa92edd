from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.forms import PasswordResetForm
from dashboards import views as dashboard_views
from ops import views as ops_views

admin.site.site_header = _("协同提质管理平台")
admin.site.site_title = _("协同提质管理平台")
admin.site.index_title = _("系统管理")


def _administrators_only(request: HttpRequest) -> bool:
    """The admin shows every row unscoped, so only administrators (superusers) may enter it."""
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = _administrators_only  # type: ignore[method-assign]


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for docker-compose and load balancers (no database access)."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("healthz/ready", ops_views.ready, name="ready"),
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path("", include("django.contrib.auth.urls")),  # login, logout, the rest of password reset
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("programmes/", include("programmes.urls")),
    path("", include("pairings.urls")),
    path("", include("projects.urls")),
    path("", include("reports.urls")),
    path("", include("outputs.urls")),
    path("", include("bulletins.urls")),
    path("", include("imports.urls")),
    path("", include("accounts.urls")),
    path("", include("schools.urls")),
    path("", include("dashboards.urls")),
    path("", include("assessments.urls")),
]
