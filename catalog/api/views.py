"""Catalog API: read for signed-in users, write for curators; filtered like the page."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from catalog import selectors
from catalog.api import serializers as s
from catalog.filters import ActorFilterSet, BenefitItemFilterSet
from catalog.models import CatalogEntry
from catalog.services import catalog_entries_changed
from core.api import IsCuratorOrReadOnly


class CatalogViewSet(viewsets.ModelViewSet):
    """Entries by slug; saving through the API flags the entry as curated."""

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    permission_classes = [IsCuratorOrReadOnly]

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.save(locally_modified=True)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        with transaction.atomic():
            entry = serializer.save(locally_modified=True)
            catalog_entries_changed(entries=[entry])


class BenefitItemViewSet(CatalogViewSet):
    """Benefit items with their attributes, uncertainty, rationales and derived label."""

    serializer_class = s.BenefitItemSerializer
    filterset_class = BenefitItemFilterSet

    def get_queryset(self) -> QuerySet[CatalogEntry]:
        return selectors.benefit_item_queryset()


class CommitmentViewSet(CatalogViewSet):
    serializer_class = s.CommitmentSerializer
    filterset_fields = ["restraint"]

    def get_queryset(self) -> QuerySet[CatalogEntry]:
        return selectors.commitment_list()


class MechanismTypeViewSet(CatalogViewSet):
    serializer_class = s.MechanismTypeSerializer
    filterset_fields = ["derived"]

    def get_queryset(self) -> QuerySet[CatalogEntry]:
        return selectors.mechanism_type_list()


class RiskKindViewSet(CatalogViewSet):
    serializer_class = s.RiskKindSerializer

    def get_queryset(self) -> QuerySet[CatalogEntry]:
        return selectors.risk_kind_list()


class ActorViewSet(CatalogViewSet):
    serializer_class = s.ActorSerializer
    filterset_class = ActorFilterSet

    def get_queryset(self) -> QuerySet[CatalogEntry]:
        return selectors.actor_list()
