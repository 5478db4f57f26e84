"""Catalog API: read for signed-in users, write for curators; filtered like the page."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
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
from core.api import PRECONDITION_FAILED, IsCuratorOrReadOnly, error_response
from core.concurrency import (
    PreconditionRequired,
    StaleVersionError,
    etag,
    etag_parameter,
    if_match_parameter,
    if_match_version,
)

STALE_RESPONSES = {
    412: PRECONDITION_FAILED,
    428: error_response("If-Match is missing."),
}
IF_MATCH = if_match_parameter("the entry", required=True)
ETAG = etag_parameter("The entry", 200)


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
        response["ETag"] = etag(entry_version(self.get_object()))
        return response

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        expected = if_match_version(request.headers)
        if expected is None:
            raise PreconditionRequired
        with transaction.atomic():
            current = entry_current_locked(self.get_object())
            if expected != entry_version(current):
                raise StaleVersionError(
                    entry_stale_message(current),
                    current_version=entry_version(current),
                    precondition=True,
                )
            response = super().update(request, *args, **kwargs)
        response["ETag"] = etag(entry_version(self.get_object()))
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
