"""The readiness endpoint (ops/health.py)."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from ops.health import readiness


@never_cache
def ready(request: HttpRequest) -> JsonResponse:
    healthy, report = readiness()
    return JsonResponse({"healthy": healthy, "checks": report}, status=200 if healthy else 503)
