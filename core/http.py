"""Request types for typed views, and parsing of ids that arrive as text."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """An ``HttpRequest`` that went through ``HtmxMiddleware``."""

    htmx: HtmxDetails


class AuthedHtmxRequest(HtmxHttpRequest):
    """An htmx-aware request whose user is signed in (``login_required`` views)."""

    user: AbstractBaseUser | AnonymousUser  # type: ignore[assignment]


def whole_number(value: object) -> int | None:
    """``value`` as a non-negative int when it is plain ASCII digits, else ``None``.

    ``str.isdigit`` alone accepts characters such as "²" that ``int`` refuses.
    """
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 18:  # beyond any id; int()
        return None  # refuses strings over 4,300 digits
    return int(text)
