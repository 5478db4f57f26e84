"""One FilterSet per list, shared by the catalog page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from catalog.choices import BAND_BOUNDS, Band, Cluster, PowerLabel
from catalog.models import Actor, BenefitItem

BAND_FACETS: dict[str, tuple[str, str]] = {
    "tangibility": ("t", "Tangibility"),
    "revocability": ("r", "Revocability"),
    "dual_use": ("d", "Dual-use"),
}
"""Filter name -> (model field, label) of the banded 0-1 facets."""


def band_q(field: str, bands: list[str]) -> Q:
    """Rows whose ``field`` falls in any of ``bands``."""
    condition = Q()
    for band in bands:
        low, high = BAND_BOUNDS[band]
        condition |= Q(**{f"{field}__gte": low, f"{field}__lt": high})
    return condition


class BenefitItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search")
    cluster = django_filters.MultipleChoiceFilter(choices=Cluster.choices)
    label = django_filters.MultipleChoiceFilter(choices=PowerLabel.choices)
    levers_apply = django_filters.BooleanFilter(label="Frontier-AI levers apply")
    tangibility = django_filters.MultipleChoiceFilter(
        choices=Band.choices, method="filter_band", label="Tangibility"
    )
    revocability = django_filters.MultipleChoiceFilter(
        choices=Band.choices, method="filter_band", label="Revocability"
    )
    dual_use = django_filters.MultipleChoiceFilter(
        choices=Band.choices, method="filter_band", label="Dual-use"
    )

    class Meta:
        model = BenefitItem
        fields = [
            "q",
            "cluster",
            "label",
            "levers_apply",
            "tangibility",
            "revocability",
            "dual_use",
        ]

    def filter_search(
        self, queryset: QuerySet[BenefitItem], name: str, value: str
    ) -> QuerySet[BenefitItem]:
        condition = Q()
        for word in value.split()[:8]:
            condition &= (
                Q(name__icontains=word)
                | Q(summary__icontains=word)
                | Q(description__icontains=word)
                | Q(slug__icontains=word)
            )
        return queryset.filter(condition)

    def filter_band(
        self, queryset: QuerySet[BenefitItem], name: str, value: list[str]
    ) -> QuerySet[BenefitItem]:
        if not value:
            return queryset
        return queryset.filter(band_q(BAND_FACETS[name][0], value))


class ActorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search")

    class Meta:
        model = Actor
        fields = ["q", "alignment"]

    def filter_search(self, queryset: QuerySet[Actor], name: str, value: str) -> QuerySet[Actor]:
        return queryset.filter(Q(name__icontains=value) | Q(slug__iexact=value))
