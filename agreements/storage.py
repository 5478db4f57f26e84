"""Map an agreement's rows to its document and back (constant queries either way)."""

from __future__ import annotations

from typing import Any

from agreements.document import DOCUMENT_FORMAT, CatalogIndex
from agreements.models import Agreement, Condition, Line, Mechanism, Party, Phase

SCENARIO_FIELDS = (
    "dsa",
    "dsa_uncertainty",
    "omega",
    "omega_uncertainty",
    "min_participation",
    "risk_weights",
)


def document_read(agreement: Agreement) -> dict[str, Any]:
    """The document of the draft's current rows (five queries)."""
    parties = list(Party.objects.filter(agreement=agreement).select_related("actor"))
    phases = list(Phase.objects.filter(agreement=agreement))
    party_keys = {p.pk: p.key for p in parties}
    phase_keys = {p.pk: p.key for p in phases}
    return {
        "format": DOCUMENT_FORMAT,
        "title": agreement.title,
        "purpose": agreement.purpose,
        "status": agreement.status,
        "notes": agreement.notes,
        "scenario": {name: getattr(agreement, name) for name in SCENARIO_FIELDS},
        "parties": [
            {
                "key": p.key,
                "actor": p.actor.slug if p.actor else None,
                "name": p.name,
                "role": p.role,
                "alignment": p.alignment or None,
                "trust": p.trust,
                "capability": p.capability,
                "security": p.security,
                "note": p.note,
            }
            for p in parties
        ],
        "phases": [
            {
                "key": p.key,
                "order": p.order,
                "name": p.name,
                "reversible": p.reversible,
                "description": p.description,
            }
            for p in phases
        ],
        "lines": [
            {
                "key": line.key,
                "item": line.item.slug,
                "recipient": party_keys[line.recipient_id],
                "magnitude": line.magnitude,
                "phase": phase_keys.get(line.phase_id),
                "levers": line.levers,
                "note": line.note,
            }
            for line in Line.objects.filter(agreement=agreement).select_related("item")
        ],
        "conditions": [
            {
                "key": c.key,
                "commitment": c.commitment.slug,
                "recipient": party_keys[c.recipient_id],
                "burden": c.burden,
                "verifiability": c.verifiability,
                "reversible": c.reversible,
                "phase": phase_keys.get(c.phase_id),
                "note": c.note,
            }
            for c in Condition.objects.filter(agreement=agreement).select_related("commitment")
        ],
        "mechanisms": [
            {
                "key": m.key,
                "type": m.mechanism_type.slug,
                "strength": m.strength,
                "covers": m.covers,
                "note": m.note,
            }
            for m in Mechanism.objects.filter(agreement=agreement).select_related("mechanism_type")
        ],
    }


def document_write(
    agreement: Agreement, document: dict[str, Any], catalog: CatalogIndex | None = None
) -> None:
    """Replace the draft's fields and rows with a *validated* document.

    Runs inside the caller's transaction; a constant number of queries. ``catalog`` is the
    index validation used (it carries the row ids of the slugs); without it, it is read.
    """
    agreement.title = document["title"]
    agreement.purpose = document["purpose"]
    agreement.status = document["status"]
    agreement.notes = document["notes"]
    for name in SCENARIO_FIELDS:
        setattr(agreement, name, document["scenario"][name])
    agreement.save()
    for model in (Mechanism, Condition, Line, Phase, Party):
        model.objects.filter(agreement=agreement).delete()

    ids = (catalog or CatalogIndex.from_db(document)).ids
    actors, items = ids["parties"], ids["lines"]
    commitments, mechanism_types = ids["conditions"], ids["mechanisms"]

    parties = Party.objects.bulk_create(
        Party(
            agreement=agreement,
            key=p["key"],
            actor_id=actors.get(p["actor"] or ""),
            name=p["name"],
            role=p["role"],
            alignment=p["alignment"] or "",
            trust=p["trust"],
            capability=p["capability"],
            security=p["security"],
            note=p["note"],
            position=position,
        )
        for position, p in enumerate(document["parties"])
    )
    phases = Phase.objects.bulk_create(
        Phase(
            agreement=agreement,
            key=p["key"],
            order=p["order"],
            name=p["name"],
            reversible=p["reversible"],
            description=p["description"],
            position=position,
        )
        for position, p in enumerate(document["phases"])
    )
    party_ids = {p.key: p.pk for p in parties}
    phase_ids = {p.key: p.pk for p in phases}
    Line.objects.bulk_create(
        Line(
            agreement=agreement,
            key=line["key"],
            item_id=items[line["item"]],
            recipient_id=party_ids[line["recipient"]],
            magnitude=line["magnitude"],
            phase_id=phase_ids.get(line["phase"] or ""),
            levers=line["levers"],
            note=line["note"],
            position=position,
        )
        for position, line in enumerate(document["lines"])
    )
    Condition.objects.bulk_create(
        Condition(
            agreement=agreement,
            key=c["key"],
            commitment_id=commitments[c["commitment"]],
            recipient_id=party_ids[c["recipient"]],
            burden=c["burden"],
            verifiability=c["verifiability"],
            reversible=c["reversible"],
            phase_id=phase_ids.get(c["phase"] or ""),
            note=c["note"],
            position=position,
        )
        for position, c in enumerate(document["conditions"])
    )
    Mechanism.objects.bulk_create(
        Mechanism(
            agreement=agreement,
            key=m["key"],
            mechanism_type_id=mechanism_types[m["type"]],
            strength=m["strength"],
            covers=m["covers"],
            note=m["note"],
            position=position,
        )
        for position, m in enumerate(document["mechanisms"])
    )
