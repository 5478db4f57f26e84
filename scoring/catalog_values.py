"""Values the scoring model derives for catalog entries (never entered by hand).

A benefit item's power-sharing index and label are what the engine gives a one-line
draft of it; they are stored on the item so the catalog can show and filter them.
``catalog_values_refresh`` recomputes them whenever the catalog announces a change.
"""

from __future__ import annotations

from collections.abc import Sequence

from catalog.models import BenefitItem, CatalogEntry
from scoring import engine
from scoring.adapters import benefit_item_to_engine, levers_from_mapping


def item_power_index(item: BenefitItem) -> tuple[float, str]:
    """Power-sharing index and label of a full-magnitude line with the item's default levers.

    Scored by the engine on a one-line draft, so the catalog's label is exactly the
    label that line would get in any draft.
    """
    snapshot = engine.Snapshot(
        purpose=engine.Purpose.OTHER,
        dsa=0.0,
        parties=(
            engine.Party(key="provider", name="Provider", role=engine.Role.PROVIDER),
            engine.Party(key="recipient", name="Recipient", role=engine.Role.RECIPIENT),
        ),
        items=(benefit_item_to_engine(item),),
        lines=(
            engine.Line(
                key="line",
                item=item.slug,
                recipient="recipient",
                magnitude=1.0,
                levers=levers_from_mapping(item.default_levers) if item.levers_apply else None,
            ),
        ),
    )
    line = engine.score(snapshot).lines[0]
    return round(line.power_share, 6), line.label


def catalog_values_refresh(entries: Sequence[CatalogEntry]) -> int:
    """Listener of ``catalog.services.catalog_on_entries_changed``: store the derived
    values of changed benefit items (on the instances too, for the caller's response)."""
    for item in entries:
        if isinstance(item, BenefitItem):
            item.power_index, item.label = item_power_index(item)
            BenefitItem.objects.filter(pk=item.pk).update(
                power_index=item.power_index, label=item.label
            )
    return 0
