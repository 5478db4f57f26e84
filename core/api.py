"""Shared REST API pieces: the error format every endpoint uses, strict JSON input and
pagination (the schema class is in ``core.schema``: DRF imports this module while its
settings load)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, cast
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.db.models import ProtectedError
from django.http import Http404
from django.urls import NoReverseMatch
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, pagination, permissions, serializers, status, throttling
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse as drf_reverse
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from core.admin_site import is_curator
from core.pagination import Cursor, page_keys


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every API error as JSON: ``{"detail": ..., "errors": {field: [messages]}}``.

    Django ``ValidationError`` raised by services becomes a 400 with field messages.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_errors(exc))
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": "The request body is too large."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, ProtectedError):
        return Response(
            {"detail": "This entry is in use by drafts and cannot be deleted."},
            status=status.HTTP_409_CONFLICT,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        response.data = {"detail": "Invalid input.", "errors": errors}
    elif isinstance(exc, Http404 | exceptions.NotFound):
        response.data = {"detail": "Not found."}
    return response


def _django_errors(exc: DjangoValidationError) -> dict[str, Any]:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errs for m in e.messages]
            for field, errs in exc.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


class IsCuratorOrReadOnly(permissions.BasePermission):
    """Signed-in users read; only curators write."""

    message = "Only curators can change the catalog."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or is_curator(request.user)


class PageSize:
    """``?page_size=``: a whole number from 1 (else 400), cut to ``max_page_size``."""

    page_size: int | None = 50
    page_size_query_param: str | None = "page_size"
    max_page_size: int | None = 200

    def get_page_size(self, request: Request) -> int:
        default, most = self.page_size or 50, self.max_page_size or 200
        raw = request.query_params.get(self.page_size_query_param or "page_size")
        if raw is None:
            return default
        size = _positive(raw)
        if size is None:
            raise exceptions.ValidationError({"page_size": ["Must be a whole number from 1."]})
        return min(size, most)

    def page_size_parameter(self) -> dict[str, Any]:
        return {
            "name": self.page_size_query_param,
            "required": False,
            "in": "query",
            "description": f"Rows per page (default {self.page_size}; more than "
            f"{self.max_page_size} are cut to {self.max_page_size}).",
            "schema": {"type": "integer", "minimum": 1},
        }


class StandardPagination(PageSize, pagination.PageNumberPagination):
    """Page-numbered lists; clients may ask for up to 200 rows a page.

    ``page`` and ``page_size`` must be whole numbers from 1 (else 400); a page past the
    last one is a 404, and a ``page_size`` above 200 is cut to 200.
    """

    def get_page_number(self, request: Request, paginator: Any) -> int:
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        number = _positive(raw)
        if number is None:
            raise exceptions.ValidationError({"page": ["Must be a whole number from 1."]})
        return number

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number (from 1). A page past the last one is a 404.",
                "schema": {"type": "integer", "minimum": 1},
            },
            self.page_size_parameter(),
        ]


class KeysetPagination(PageSize, pagination.BasePagination):
    """Cursor pages, newest first by ``(updated_at, id)`` (``core.pagination``): ``next``
    is the URL of the following page (``null`` on the last), and no page costs more than
    the first, however deep. No total count (it would cost a scan of the whole list).

    ``cursor`` must be one this API answered (else 400); ``page_size`` as for
    :class:`StandardPagination`.
    """

    cursor_query_param = "cursor"
    next_cursor: Cursor | None = None

    def read(self, request: Request) -> tuple[Cursor | None, int]:
        """The cursor and page size the request asks for (400 when unreadable)."""
        self.request = request
        raw = request.query_params.get(self.cursor_query_param)
        cursor = None if raw is None else Cursor.decode(raw)
        if raw is not None and cursor is None:
            raise exceptions.ValidationError(
                {"cursor": ["Not a cursor this API gave; use the `next` link of a page."]}
            )
        return cursor, self.get_page_size(request)

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        cursor, size = self.read(request)
        keys, self.next_cursor = page_keys(queryset, cursor, size)
        by_pk = queryset.in_bulk([key["pk"] for key in keys])
        return [by_pk[key["pk"]] for key in keys if key["pk"] in by_pk]

    def get_next_link(self) -> str | None:
        if self.next_cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.next_cursor.encode())

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page (null: this is the last).",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: the `cursor` of a `next` link "
                "(absent: the newest drafts). Any other text is a 400.",
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,80}$"},
            },
            self.page_size_parameter(),
        ]


def _positive(raw: str) -> int | None:
    """``raw`` as a whole number from 1 (ASCII digits only; huge ones read as 10^18)."""
    if not (raw.isascii() and raw.isdigit()):
        return None
    digits = raw.lstrip("0")
    if not digits:
        return None
    return int(digits) if len(digits) <= 18 else 10**18


def validated(serializer_class: Any, data: Any) -> dict[str, Any]:
    """Validate ``data`` with ``serializer_class`` (400 on errors) and return plain data."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class AnalysisThrottle(throttling.ScopedRateThrottle):
    """Per-user limit on endpoints that cost seconds of CPU (comparisons, analyses,
    suggestions): ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["analysis"]``, read per
    request so a settings change applies at once. Answers 429 with ``Retry-After``."""

    def get_rate(self) -> str | None:
        rates = cast(Mapping[str, str], settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}))
        return rates.get(self.scope) if self.scope else None


URL_SLOTS = ("windfall-slot", "987654321987")
"""Placeholders a slug and an integer converter accept, unlike anything else in a URL."""


def url_template(view_name: str, kwarg: str, request: Any) -> tuple[str, str] | None:
    """The absolute URL of ``view_name`` split where its ``kwarg`` goes (``None`` when no
    placeholder fits the pattern): one ``reverse()`` for the URLs of many rows."""
    for slot in URL_SLOTS:
        try:
            url = drf_reverse(view_name, kwargs={kwarg: slot}, request=request)
        except NoReverseMatch:
            continue
        if url.count(slot) == 1:
            prefix, suffix = url.split(slot)
            return prefix, suffix
    return None


def filled(template: tuple[str, str], value: Any) -> str:
    """The URL of :func:`url_template` for the row whose ``kwarg`` is ``value``."""
    return f"{template[0]}{quote(str(value), safe='')}{template[1]}"


def row_urls(view_name: str, request: Any, kwarg: str = "pk") -> Callable[[Any], str]:
    """A function giving the absolute URL of ``view_name`` for a row's ``kwarg`` value,
    the same URLs as ``reverse()`` (and ``HyperlinkedIdentityField``) at one ``reverse()``
    for all rows."""
    template = url_template(view_name, kwarg, request)
    if template is None:
        return lambda value: drf_reverse(view_name, kwargs={kwarg: value}, request=request)
    return lambda value: filled(template, value)


class TemplatedIdentityField(serializers.HyperlinkedIdentityField):
    """A row's URL, reversed once per serializer (with a placeholder) and filled in per
    row: ``reverse()`` resolves the whole URL pattern list, which a 200-row page would
    otherwise do 200 times. Same URLs as ``HyperlinkedIdentityField``."""

    def get_url(self, obj: Any, view_name: str, request: Any, format: Any) -> Any:
        value = getattr(obj, self.lookup_field, None)
        if format or value in (None, ""):
            return super().get_url(obj, view_name, request, format)
        templates = cast(dict[str, Any], self.context).setdefault("_url_templates", {})
        key = (view_name, self.lookup_url_kwarg, request.get_host() if request else "")
        if key not in templates:
            templates[key] = url_template(view_name, self.lookup_url_kwarg, request)
        template = templates[key]
        if template is None:
            return super().get_url(obj, view_name, request, format)
        return filled(template, value)


# --- Strict JSON input -----------------------------------------------------------------


def json_type_errors(field: serializers.Field, value: Any) -> list[str] | dict[Any, Any]:
    """What is wrong with the JSON type of ``value`` for ``field`` (empty when nothing).

    DRF fields coerce: ``"0.5"`` passes as a number, ``1`` as true and ``5`` as text.
    The API is JSON, and its schema says which JSON type each field takes, so a value
    of another type is refused rather than guessed at.
    """
    if value is None or field.read_only:
        return []
    if isinstance(field, serializers.BooleanField):
        return [] if isinstance(value, bool) else ["Must be true or false."]
    if isinstance(field, serializers.IntegerField):
        whole = isinstance(value, int) and not isinstance(value, bool)
        return [] if whole else ["Must be a whole number."]
    if isinstance(field, serializers.FloatField):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return ["Must be a number."]
        try:
            finite = math.isfinite(value)
        except OverflowError:  # an integer beyond float range
            finite = False
        return [] if finite else ["Must be a finite number."]
    if isinstance(field, serializers.CharField) or (
        isinstance(field, serializers.ChoiceField)
        and not isinstance(field, serializers.MultipleChoiceField)
    ):
        return [] if isinstance(value, str) else ["Must be text."]
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        return {
            index: errors
            for index, item in enumerate(value)
            if (errors := json_type_errors(field.child, item))
        }
    if isinstance(field, serializers.DictField) and isinstance(value, Mapping):
        return {
            str(key): errors
            for key, item in value.items()
            if (errors := json_type_errors(field.child, item))
        }
    return []


class StrictJSONMixin:
    """Refuse values whose JSON type differs from the field's (see ``json_type_errors``).

    ``closed = True`` also refuses fields the serializer does not know, naming each
    (``unknown_message`` may use ``{allowed}``); its schema then forbids other properties.
    """

    closed = False
    unknown_message = "Unknown field; the fields are {allowed}."
    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors: dict[str, Any] = {}
            known = {name: f for name, f in self.fields.items() if not f.read_only}
            for name, field in known.items():
                if name in data and (problems := json_type_errors(field, data[name])):
                    errors[name] = problems
            if self.closed:
                allowed = ", ".join(sorted(known))
                for name in sorted(set(data) - set(known), key=str):
                    errors[str(name)] = [self.unknown_message.format(allowed=allowed)]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictSerializer(StrictJSONMixin, serializers.Serializer):
    """A request body serializer that takes JSON types as the schema states them."""


# Every character Python's ``str.strip`` removes, for a pattern that reads the same in
# Python, ECMA-262 and Rust regular expressions (their ``\s`` differ).
WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = f"[^{WHITESPACE}]"
"""Matches text with at least one character that is not whitespace."""
KEY_REGEX = r"^[a-z0-9][a-z0-9_-]{0,31}$"
"""A part key: 1 to 32 lowercase letters, digits, ``-`` or ``_``, not starting with those two."""
SLUG_REGEX = r"^[-a-zA-Z0-9_]+$"


class TextField(serializers.CharField):
    """Text, trimmed of surrounding whitespace; ``max_length`` counts the text as sent.

    (DRF counts after trimming, which no schema can say.) Unless ``allow_blank``, the
    text must have a character that is not whitespace, and the schema says so.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not self.allow_blank:
            self.validators.append(
                RegexValidator(NOT_BLANK, message="This field may not be blank.")
            )

    def run_validation(self, data: Any = empty) -> Any:
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)


class ExactRegexField(serializers.RegexField):
    """Text matching ``regex`` as sent: no trimming (the schema's pattern sees it whole)."""

    def __init__(self, regex: str, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(regex, **kwargs)


def key_field(*, regex: str = KEY_REGEX, **kwargs: Any) -> serializers.Field:
    """The key of a part of a draft (``KEY_REGEX``, or a narrower ``regex``)."""
    kwargs.setdefault("help_text", "Stable key of the part within the draft.")
    kwargs.setdefault("error_messages", {"invalid": KEY_MESSAGE})
    return ExactRegexField(regex, max_length=32, **kwargs)


def slug_field(**kwargs: Any) -> serializers.Field:
    """The slug of a catalog entry, team or template (``SLUG_REGEX``)."""
    return ExactRegexField(SLUG_REGEX, error_messages={"invalid": SLUG_MESSAGE}, **kwargs)


KEY_MESSAGE = "Must be 1-32 lowercase letters, digits, - or _ (starting with a letter or digit)."
SLUG_MESSAGE = "Must be letters, digits, - or _."


# --- Error answers and their schema ----------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """An error answer: one sentence saying what went wrong."""

    detail = serializers.CharField()


class FieldErrorsField(serializers.JSONField):
    """``{field: [messages]}``; a nested object or list element nests the same shape."""


class ValidationErrorSerializer(ErrorSerializer):
    """A 400: ``detail`` and, for validation errors, ``errors`` by field.

    In an agreement document the fields are paths such as ``lines[0].magnitude``;
    ``non_field_errors`` holds errors of no single field. A body that is not JSON, or
    not readable, has ``detail`` only.
    """

    errors = FieldErrorsField(required=False)  # type: ignore[assignment]  # DRF stubs: a field named like an attribute


class StaleChangeSerializer(serializers.Serializer):
    revision = serializers.IntegerField()
    author = serializers.CharField()
    message = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField()


class StaleVersionErrorSerializer(ErrorSerializer):
    """A 409 or 412: the draft or catalog entry changed since the version named; nothing
    was written. ``changes`` lists the draft revisions made since (empty for an entry)."""

    current_version = serializers.IntegerField()
    changes = StaleChangeSerializer(many=True, help_text="The revisions made since that version.")


def error_response(description: str, serializer: Any = ErrorSerializer) -> OpenApiResponse:
    return OpenApiResponse(serializer, description=description)


BAD_REQUEST = error_response(
    "Invalid input: `errors` names each field and what is wrong with it.",
    ValidationErrorSerializer,
)
UNAUTHENTICATED = error_response("Not signed in (no, or an invalid, token or session).")
FORBIDDEN = error_response(
    "Not allowed: a viewer writing, a non-curator changing the catalog, or a missing "
    "CSRF token with session sign-in."
)
NOT_FOUND = error_response(
    "No such object among yours (another team's draft is a 404 too), or a page past the last."
)
STALE = error_response(
    "`version` is stale: the draft changed since; nothing was written.",
    StaleVersionErrorSerializer,
)
PRECONDITION_FAILED = error_response(
    "`If-Match` names a stale version; nothing was written.", StaleVersionErrorSerializer
)
TOO_LARGE = error_response("The request body is too large.")
UNSUPPORTED_MEDIA_TYPE = error_response("The body is not `application/json`.")
THROTTLED = error_response("Too many requests: wait as `Retry-After` says, then try again.")
VERSIONED_WRITE = {409: STALE, 412: PRECONDITION_FAILED}
"""The answers of a write that names the draft version it edits."""
