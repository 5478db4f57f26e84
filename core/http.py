"""Request types for typed views."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """An ``HttpRequest`` that went through ``HtmxMiddleware``."""

    htmx: HtmxDetails


class AuthedHtmxRequest(HtmxHttpRequest):
    """An htmx-aware request whose user is signed in (``login_required`` views)."""

    user: AbstractBaseUser | AnonymousUser  # type: ignore[assignment]
