"""The OpenAPI schema class: drf-spectacular's, plus the error answers of every operation.

Kept apart from ``core.api``, which DRF imports while its settings load.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions

from core.api import (
    BAD_REQUEST,
    FORBIDDEN,
    NOT_FOUND,
    TOO_LARGE,
    UNAUTHENTICATED,
    UNSUPPORTED_MEDIA_TYPE,
)


class FieldErrorsFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "core.api.FieldErrorsField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        component = ResolvedComponent(
            name="FieldErrors",
            type=ResolvedComponent.SCHEMA,
            object="FieldErrors",
            schema={
                "type": "object",
                "description": "Messages by field name (or list index). A nested object or "
                "list nests the same shape.",
                "additionalProperties": {
                    "oneOf": [
                        build_array_type(build_basic_type(OpenApiTypes.STR) or {}),
                        {"$ref": "#/components/schemas/FieldErrors"},
                    ]
                },
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus the error answers each operation can give.

    Every operation documents 401 (signed-in users only), 403 (writes), 404 (paths with
    an id, and paginated lists), 400 (bodies and query parameters) and 413/415 (bodies)
    with the shared error components; views add 409, 412, 428 and 429 where they occur.
    A serializer with ``open_schema = True`` is a component that may gain properties;
    ``closed`` ones (see ``StrictJSONMixin``) allow none.
    """

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, response in self._error_responses().items():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    response, str(code), direction=direction
                )
        return dict(sorted(responses.items()))

    def _error_responses(self) -> dict[int, OpenApiResponse]:
        signed_in = not any(
            isinstance(p, type) and issubclass(p, permissions.AllowAny)
            for p in self.view.permission_classes
        )
        body = self.method in ("POST", "PUT", "PATCH")
        query = any(p.get("in") == "query" for p in self._get_parameters())
        out: dict[int, OpenApiResponse] = {}
        if body or query:
            out[400] = BAD_REQUEST
        if signed_in:
            out[401] = UNAUTHENTICATED
            if self.method not in permissions.SAFE_METHODS:
                out[403] = FORBIDDEN
        if "{" in self.path or self._get_pagination_parameters():
            out[404] = NOT_FOUND
        if body:
            out[413] = TOO_LARGE
            out[415] = UNSUPPORTED_MEDIA_TYPE
        return out

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        if getattr(serializer, "open_schema", False):
            schema["additionalProperties"] = True
        elif getattr(serializer, "closed", False) and direction == "request":
            schema["additionalProperties"] = False
        return schema
