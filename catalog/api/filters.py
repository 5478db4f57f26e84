"""The API's catalog filters: the page's FilterSets, refusing what they cannot read
(``?levers_apply=maybe`` is a 400 here; the page reads it as no filter)."""

from __future__ import annotations

from catalog.filters import ActorFilterSet, BenefitItemFilterSet
from catalog.models import Commitment, MechanismType
from core.filters import StrictBooleanFilter, StrictFilters, StrictFilterSet


class BenefitItemApiFilterSet(StrictFilters, BenefitItemFilterSet):
    levers_apply = StrictBooleanFilter(label="Frontier-AI levers apply")


class ActorApiFilterSet(StrictFilters, ActorFilterSet):
    pass


class CommitmentFilterSet(StrictFilterSet):
    restraint = StrictBooleanFilter(label="Slows the recipient's own AI development.")
    capability_scaled = StrictBooleanFilter(
        label="Its real burden grows with how close the recipient is to the frontier."
    )

    class Meta:
        model = Commitment
        fields = ["restraint", "capability_scaled"]


class MechanismTypeFilterSet(StrictFilterSet):
    derived = StrictBooleanFilter(label="Computed from the phases; never attached by hand.")

    class Meta:
        model = MechanismType
        fields = ["derived"]
