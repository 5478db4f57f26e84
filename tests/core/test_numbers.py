"""The fast floatformat gives Django's text, and templates use it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template, defaultfilters
from django.test import override_settings
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.templatetags.numbers import floatformat

ARGS = [-3, -2, -1, 0, 1, 2, 3, "2", "-2", "0", "g", "2g", "2u", "abc"]
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1000, max_value=1000),
    st.decimals(places=4, min_value=-1000, max_value=1000).map(float),
    st.integers(min_value=-(10**18), max_value=10**18),
)


@given(value=numbers, arg=st.sampled_from(ARGS))
def test_same_text_as_djangos_floatformat(value: float | int, arg: object) -> None:
    assert floatformat(value, arg) == defaultfilters.floatformat(value, arg)


@pytest.mark.parametrize(
    ("value", "arg", "shown"),
    [
        (0.125, 2, "0.13"),  # half up, as Django rounds (not to even)
        (-0.001, 2, "0.00"),  # no negative zero
        (2.5, 0, "3"),
        (34.0, -1, "34"),
        (34.26, -1, "34.3"),
        (7, 2, "7.00"),
        (None, 2, ""),
        ("0.5", 2, "0.50"),
        (Decimal("1.005"), 2, "1.01"),
    ],
)
def test_examples(value: object, arg: object, shown: str) -> None:
    assert floatformat(value, arg) == shown == defaultfilters.floatformat(value, arg)


def test_other_locales_keep_their_decimal_separator() -> None:
    with translation.override("de"):
        assert floatformat(0.5, 2) == "0,50" == defaultfilters.floatformat(0.5, 2)
    assert floatformat(0.5, 2) == "0.50"


@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_thousand_separators_are_left_to_django() -> None:
    assert floatformat(12345.5, 2) == defaultfilters.floatformat(12345.5, 2) == "12,345.50"


def test_templates_use_it_without_loading_anything() -> None:
    assert Template("{{ x|floatformat:2 }}").render(Context({"x": 0.125})) == "0.13"
    from core.templatetags import numbers

    engine_filter = Template("").engine.template_builtins[-1].filters["floatformat"]
    assert engine_filter is numbers.floatformat
