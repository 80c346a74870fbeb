"""Probes for load balancers: /healthz says the process answers, /readyz that it can serve."""

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    cache.set("readyz", "ok", 5)
    if cache.get("readyz") != "ok":
        raise ConnectionError("the cache did not keep a value")


@never_cache
@require_GET
def readyz(request):
    checks = {}
    for name, check in (("database", check_database), ("cache", check_cache)):
        try:
            check()
        except Exception as error:
            checks[name] = f"unavailable: {type(error).__name__}"
        else:
            checks[name] = "ok"
    # Without the cache pages are served uncached; without the database nothing is served.
    if checks["database"] != "ok":
        status, code = "unavailable", 503
    elif checks["cache"] != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, "checks": checks}, status=code)
