"""Catalog API: read for signed-in users, write for curators; filtered like the page."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from catalog import selectors
from catalog.api import serializers as s
from catalog.api.filters import (
    ActorApiFilterSet,
    BenefitItemApiFilterSet,
    CommitmentFilterSet,
    MechanismTypeFilterSet,
)
from catalog.models import CatalogEntry
from catalog.services import (
    catalog_entries_changed,
    entry_current_locked,
    entry_stale_message,
    entry_version,
)
from core.api import IsCuratorOrReadOnly, error_response


class PreconditionRequired(APIException):
    status_code = 428
    default_code = "precondition_required"
    default_detail = (
        "Send If-Match with the ETag of the entry you edit (GET it first), so that another "
        "curator's change is never overwritten unseen."
    )


class EntryChanged(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale_entry"


STALE_RESPONSES = {
    412: error_response("The entry changed since that ETag; nothing was saved."),
    428: error_response("If-Match is missing."),
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    pattern=r'^(W/)?"[0-9]+"$',
    description='The ETag of the entry as you read it, e.g. "1732780800000000".',
)
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200],
    required=True,
    description="The entry's version; send it back in If-Match.",
)


def _documented(viewset: type[CatalogViewSet]) -> type[CatalogViewSet]:
    """Document the ETag, the If-Match header and the 412/428 answers of updates, and the
    409 of deleting an entry in use."""
    responses = {200: viewset.serializer_class, **STALE_RESPONSES}
    update = extend_schema(parameters=[IF_MATCH, ETAG], responses=responses)
    return extend_schema_view(
        retrieve=extend_schema(parameters=[ETAG]),
        update=update,
        partial_update=update,
        destroy=extend_schema(
            responses={
                204: None,
                409: error_response("The entry is in use by drafts and cannot be deleted."),
            }
        ),
    )(viewset)


class CatalogViewSet(viewsets.ModelViewSet):
    """Entries by slug; saving through the API flags the entry as curated.

    Reads carry an ``ETag`` (the entry's version); updates must send it back in
    ``If-Match`` and are refused with 412, naming who changed the entry, when it is stale.
    """

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    permission_classes = [IsCuratorOrReadOnly]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = f'"{entry_version(self.get_object())}"'
        return response

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            current = entry_current_locked(self.get_object())
            expected = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
            if not expected:
                raise PreconditionRequired
            if expected != entry_version(current):
                raise EntryChanged(entry_stale_message(current))
            response = super().update(request, *args, **kwargs)
        response["ETag"] = f'"{entry_version(self.get_object())}"'
        return response

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        with transaction.atomic():
            entry = serializer.save(locally_modified=True)
            catalog_entries_changed(entries=[entry])

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        with transaction.atomic():
            entry = serializer.save(locally_modified=True)
            catalog_entries_changed(entries=[entry])


@_documented
class BenefitItemViewSet(CatalogViewSet):
    """Benefit items with their attributes, uncertainty, rationales and derived label."""

    serializer_class = s.BenefitItemSerializer
    filterset_class = BenefitItemApiFilterSet

    def get_queryset(self) -> QuerySet[CatalogEntry]:
        return selectors.benefit_item_queryset()


@_documented
class CommitmentViewSet(CatalogViewSet):
    serializer_class = s.CommitmentSerializer
    filterset_class = CommitmentFilterSet

    def get_queryset(self) -> QuerySet[CatalogEntry]:
        return selectors.commitment_list()


@_documented
class MechanismTypeViewSet(CatalogViewSet):
    serializer_class = s.MechanismTypeSerializer
    filterset_class = MechanismTypeFilterSet

    def get_queryset(self) -> QuerySet[CatalogEntry]:
        return selectors.mechanism_type_list()


@_documented
class RiskKindViewSet(CatalogViewSet):
    serializer_class = s.RiskKindSerializer

    def get_queryset(self) -> QuerySet[CatalogEntry]:
        return selectors.risk_kind_list()


@_documented
class ActorViewSet(CatalogViewSet):
    serializer_class = s.ActorSerializer
    filterset_class = ActorApiFilterSet

    def get_queryset(self) -> QuerySet[CatalogEntry]:
        return selectors.actor_list()
