"""Shared REST API pieces: the error format every endpoint uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from rest_framework import exceptions, pagination, permissions, status, throttling
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from core.admin_site import is_curator


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


class StandardPagination(pagination.PageNumberPagination):
    """Page-numbered lists; clients may ask for up to 200 rows a page."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


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
