"""Liveness and readiness probes, and the error pages Django answers itself."""

from __future__ import annotations

import logging
import sys

import redis
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.db import is_outage, outage_response

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and serving requests."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready when the database answers (within the connect timeout).

    The broker is reported but does not decide: without it edits still save and their
    scores wait for the sweep, so a load balancer should keep sending traffic.
    """
    checks: dict[str, str] = {"database": _check_database()}
    if settings.REDIS_URL:
        checks["broker"] = _check_broker(settings.REDIS_URL)
    if checks["database"] != "ok":
        status = "unavailable"
    elif checks.get("broker", "ok") != "ok":
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse(
        {"status": status, "checks": checks}, status=503 if status == "unavailable" else 200
    )


def _check_database() -> str:
    """Run ``SELECT 1`` on a fresh connection, so a hung pooled one cannot hang the probe:
    a new connection is bounded by the connect and statement timeouts."""
    probe = connections.create_connection("default")
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"
        logger.warning("readyz: database unreachable: %s", exc)
        return "unreachable"
    finally:
        probe.close()
    return "ok"


def _check_broker(url: str) -> str:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except redis.RedisError as exc:
        logger.warning("readyz: broker unreachable: %s", exc)
        return "unreachable"
    return "ok"


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: Django's 404 page; under ``/api/`` the API's JSON error shape."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``: Django's 400 page (e.g. a suspicious request); JSON under ``/api/``."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a database outage outside a view is still a 503; other errors get a
    page (or JSON under ``/api/``) that renders without the database."""
    if is_outage(sys.exc_info()[1]):
        return outage_response(request)
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Server error; it was logged."}, status=500)
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
