"""Reads of the catalog."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404, QueryDict

from catalog.choices import Band, Cluster, PowerLabel
from catalog.filters import BAND_FACETS, BenefitItemFilterSet, band_q
from catalog.models import Actor, BenefitItem, Commitment, MechanismType, RiskKind


def benefit_item_queryset() -> QuerySet[BenefitItem]:
    """All benefit items, grouped by cluster."""
    return BenefitItem.objects.order_by("cluster", "name")


def benefit_item_list(*, params: QueryDict | None = None) -> BenefitItemFilterSet:
    """The filtered benefit items (``.qs``) with the bound filter form (``.form``)."""
    return BenefitItemFilterSet(params or None, queryset=benefit_item_queryset())


def benefit_item_get(*, slug: str) -> BenefitItem:
    try:
        return BenefitItem.objects.get(slug=slug)
    except BenefitItem.DoesNotExist:
        raise Http404("No benefit item with that slug.") from None


FACET_TITLES: dict[str, str] = {
    "cluster": "Cluster",
    "label": "Label",
    **{name: title for name, (_, title) in BAND_FACETS.items()},
}


def benefit_item_facets(
    *, queryset: QuerySet[BenefitItem], selected: QueryDict | None = None
) -> list[dict[str, Any]]:
    """Each facet with its options, their counts among ``queryset`` and whether selected.

    All counts come from one aggregate query.
    """
    facets: dict[str, list[tuple[str, str, Q]]] = {
        "cluster": [(v, label, Q(cluster=v)) for v, label in Cluster.choices],
        "label": [(v, label, Q(label=v)) for v, label in PowerLabel.choices],
        **{
            name: [(v, label, band_q(field, [v])) for v, label in Band.choices]
            for name, (field, _) in BAND_FACETS.items()
        },
    }
    aggregates = {
        f"{facet}__{value}": Count("id", filter=condition)
        for facet, options in facets.items()
        for value, _, condition in options
    }
    counts = queryset.order_by().aggregate(**aggregates)
    return [
        {
            "name": facet,
            "title": FACET_TITLES[facet],
            "options": [
                {
                    "value": value,
                    "label": label,
                    "count": counts[f"{facet}__{value}"],
                    "selected": selected is not None and value in selected.getlist(facet),
                }
                for value, label, _ in options
            ],
        }
        for facet, options in facets.items()
    ]


def commitment_list() -> QuerySet[Commitment]:
    return Commitment.objects.order_by("name")


def mechanism_type_list(*, include_derived: bool = True) -> QuerySet[MechanismType]:
    queryset = MechanismType.objects.order_by("name")
    return queryset if include_derived else queryset.filter(derived=False)


def risk_kind_list() -> QuerySet[RiskKind]:
    return RiskKind.objects.order_by("position", "name")


def actor_list() -> QuerySet[Actor]:
    return Actor.objects.order_by("name")
