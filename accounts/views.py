"""Account pages beyond Django's own sign-in and sign-out views."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What django-axes answers after too many failed sign-ins: a 429 page saying when
    to try again (``AXES_LOCKOUT_CALLABLE``)."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = render(
        request,
        "accounts/locked_out.html",
        {"seconds": seconds, "failures": settings.WINDFALL_LOGIN_FAILURES},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
