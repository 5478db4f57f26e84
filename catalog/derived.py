"""Values derived from a catalog item by the engine (never entered by hand)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring import engine
from scoring.adapters import benefit_item_to_engine, levers_from_mapping

if TYPE_CHECKING:
    from catalog.models import BenefitItem


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
