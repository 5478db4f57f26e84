"""Database trouble answered in seconds: the outage response and worker timeouts.

The connection options themselves (connect and statement timeouts, keepalives, health
checks) are set in ``windfall.env.database_settings``. A request that still meets a
database outage gets a 503 with ``Retry-After`` (JSON under ``/api/``, a plain page
elsewhere) instead of a 500.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
OUTAGE_ERRORS = (OperationalError, InterfaceError)
"""Errors that mean "the database is unreachable, hung or restarting", not bad input."""


def use_statement_timeout(milliseconds: int) -> None:
    """Give connections opened from now on another statement timeout (workers run
    longer queries than web requests). Closes open connections so none keeps the old one."""
    for alias in connections:
        options = connections.settings[alias].get("OPTIONS", {})
        if "options" in options:
            options["options"] = re.sub(
                r"statement_timeout=\d+", f"statement_timeout={milliseconds}", options["options"]
            )
    connections.close_all()


def is_outage(exc: BaseException | None) -> bool:
    """Whether ``exc`` is a database outage (unreachable, hung, restarting, or a statement
    cancelled by the timeout), not a constraint or data error."""
    return isinstance(exc, OUTAGE_ERRORS)


def outage_response(request: HttpRequest) -> HttpResponse:
    """A 503 asking the client to retry shortly: JSON for the API, a page otherwise.

    Renders without touching the database (no session, no user, no context processors).
    """
    message = "The database is not answering; nothing was changed. Try again in a few seconds."
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=503)
    else:
        page = loader.get_template("503.html").render({"message": message})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseOutageMiddleware:
    """Answer a view's database outage with :func:`outage_response` instead of a 500."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        logger.warning("database outage during %s %s: %s", request.method, request.path, exception)
        return outage_response(request)
