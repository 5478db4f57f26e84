"""``floatformat`` with a fast path, installed as a template builtin (settings: TEMPLATES).

Django's ``floatformat`` goes through ``Decimal`` arithmetic with its own precision
context and the locale machinery for every number; a builder page formats about 170
numbers that way, a few milliseconds of its render. This filter gives the same text for
the common case (an ``int`` or finite ``float`` between 1e-150 and 10**15 in size, a
whole number of places, no grouping) with one ``Decimal.quantize``, and hands everything
else (``"g"``/``"u"`` suffixes, other types, thousand separators) to Django's own filter.
``tests/core/test_numbers.py`` checks that both agree.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.conf import settings
from django.template import defaultfilters
from django.utils import formats, translation
from django.utils.safestring import SafeString

register = template.Library()

_LIMIT = 10**15
_TINY = 1e-150
_EXPONENTS = {places: Decimal(1).scaleb(-places) for places in range(10)}
_SEPARATORS: dict[str | None, str] = {}


def _places(arg: Any) -> int | None:
    """The number of places ``arg`` asks for, when the fast path can honour it."""
    if isinstance(arg, int) and not isinstance(arg, bool):
        return arg if abs(arg) in _EXPONENTS else None
    if isinstance(arg, str) and arg.lstrip("-").isdigit():
        return _places(int(arg))
    return None


def _decimal_separator() -> str:
    language = translation.get_language()
    separator = _SEPARATORS.get(language)
    if separator is None:
        separator = _SEPARATORS[language] = str(formats.get_format("DECIMAL_SEPARATOR"))
    return separator


@register.filter(is_safe=True)
def floatformat(text: Any, arg: Any = -1) -> SafeString | str:
    """Django's ``floatformat``: ``arg`` decimal places (negative: only when needed)."""
    places = _places(arg)
    if (
        places is None
        or type(text) not in (float, int)
        or settings.USE_THOUSAND_SEPARATOR
        or not (math.isfinite(text) and -_LIMIT < text < _LIMIT)
        or 0 < abs(text) < _TINY  # Django returns such numbers as they are
    ):
        return defaultfilters.floatformat(text, arg)
    number = Decimal(str(text))
    if places <= 0 and number == number.to_integral_value():
        return str(int(number))
    rounded = number.quantize(_EXPONENTS[abs(places)], ROUND_HALF_UP)
    shown = f"{rounded if rounded else rounded.copy_abs():f}"  # no "-0.00"
    separator = _decimal_separator()
    return shown if separator == "." else shown.replace(".", separator)
