"""Filters for API lists that refuse what they cannot read instead of ignoring it.

django-filter reads ``?stale=maybe``, ``?stale=`` and ``?status=`` as "no filter" and
``?revision=0.5`` as a number, so a client's mistake silently returns every row. The
API's schema types each filter, and these refuse, with a 400, what the schema does not
allow.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.widgets import BooleanWidget
from drf_spectacular.utils import extend_schema_field

RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


class StrictFilters:
    """A FilterSet mixin: a parameter given empty is an error, except for text filters
    (an empty text is a text)."""

    filters: dict[str, django_filters.Filter]
    data: Any
    form: forms.Form

    def is_valid(self) -> bool:
        valid: bool = super().is_valid()  # type: ignore[misc]
        for name, filter_ in self.filters.items():
            if isinstance(filter_, django_filters.CharFilter) or name not in self.data:
                continue
            if "" in self.data.getlist(name):
                self.form.add_error(name, "Give a value, or leave the parameter out.")
                valid = False
        return valid


class StrictFilterSet(StrictFilters, django_filters.FilterSet):
    pass


class _StrictBooleanWidget(BooleanWidget):
    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        return {"true": True, "false": False}.get(value, value)


class _StrictBooleanField(forms.NullBooleanField):
    widget = _StrictBooleanWidget

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]  # None: unset
        if value is None or isinstance(value, bool):
            return value
        raise forms.ValidationError("Must be true or false.", code="invalid")

    def validate(self, value: Any) -> None:
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    """``?name=true`` or ``?name=false``; any other value is a 400."""

    field_class = _StrictBooleanField


class _WholeNumberField(forms.IntegerField):
    def to_python(self, value: Any) -> int | None:
        if value in (None, ""):
            return None
        if not (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19):
            raise forms.ValidationError("Must be a whole number.", code="invalid")
        return int(value)


@extend_schema_field({"type": "integer", "minimum": 0})
class WholeNumberFilter(django_filters.NumberFilter):
    """A whole number written in ASCII digits (``0.5``, ``-1`` and ``1e3`` are a 400)."""

    field_class = _WholeNumberField


class _DateTimeField(forms.DateTimeField):
    def to_python(self, value: Any) -> datetime | None:
        if value in (None, ""):
            return None
        if not (isinstance(value, str) and RFC3339.fullmatch(value)):
            raise forms.ValidationError(
                "Must be a date and time with its offset, e.g. 2026-11-28T07:25:07Z.",
                code="invalid",
            )
        try:
            return datetime.fromisoformat(value.upper())
        except ValueError:
            raise forms.ValidationError("Not a real date and time.", code="invalid") from None


@extend_schema_field({"type": "string", "format": "date-time"})
class DateTimeFilter(django_filters.DateTimeFilter):
    """An RFC 3339 date-time with an offset, as the schema's ``date-time`` format says."""

    field_class = _DateTimeField


class FilterWhenAskedBackend(DjangoFilterBackend):
    """django-filter's backend, but a list read without any of its filters' parameters
    skips building the FilterSet (its form and fields) and returns the queryset as is."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is not None:
            names = filterset_class.base_filters.keys()
            if not any(name in request.query_params for name in names):
                return queryset
        return super().filter_queryset(request, queryset, view)
