"""The only bridge between stored data and the pure engine's input types.

A draft is stored as an *agreement document* (the JSON of a revision, of an export
and of a reference template; see ``docs/api.md``). ``snapshot_from_document`` turns
one into an engine ``Snapshot`` using current catalog values, which
``catalog_values_from_db`` reads in a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agreements.shape import UNSTATED_PARTY_VALUES
from scoring import engine

if TYPE_CHECKING:
    from catalog.models import Actor, BenefitItem, Commitment, MechanismType

DOCUMENT_FORMAT = "windfall.agreement/1"


@dataclass(frozen=True)
class ActorProfile:
    """An actor's default party values (a draft may override each).

    ``uncertainty`` holds the half-widths of ``trust``, ``capability``, ``security``,
    ``need``, ``threat`` and ``outside_option``.
    """

    name: str
    alignment: str
    trust: float
    capability: float
    security: float
    uncertainty: Mapping[str, float]
    need: float = 0.5
    threat: float = 0.5
    outside_option: float = 0.0


@dataclass(frozen=True)
class CatalogValues:
    """Catalog entries an agreement document refers to, keyed by slug."""

    items: Mapping[str, engine.BenefitItem] = field(default_factory=dict)
    commitments: Mapping[str, engine.Commitment] = field(default_factory=dict)
    commitment_uncertainty: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    mechanism_types: Mapping[str, engine.MechanismType] = field(default_factory=dict)
    actors: Mapping[str, ActorProfile] = field(default_factory=dict)


def levers_from_mapping(settings: Mapping[str, Any] | None) -> engine.Levers | None:
    """Engine lever settings from a stored mapping (missing keys take the defaults)."""
    if settings is None:
        return None
    defaults = engine.Levers()
    return engine.Levers(
        scope=engine.Scope(settings.get("scope", defaults.scope)),
        generation_lag=int(settings.get("generation_lag", defaults.generation_lag)),
        output_controls=engine.OutputControls(
            settings.get("output_controls", defaults.output_controls)
        ),
        monitoring=engine.Monitoring(settings.get("monitoring", defaults.monitoring)),
        access_mode=engine.AccessMode(settings.get("access_mode", defaults.access_mode)),
        throttling=engine.Throttling(settings.get("throttling", defaults.throttling)),
        disclosure=engine.Disclosure(settings.get("disclosure", defaults.disclosure)),
    )


def benefit_item_to_engine(item: BenefitItem) -> engine.BenefitItem:
    """A catalog item as the engine sees it (values and half-widths; ``q`` signed)."""
    values = {name: getattr(item, name) for name in engine.ITEM_ATTRIBUTES}
    return engine.BenefitItem(
        slug=item.slug,
        name=item.name,
        cluster=engine.Cluster(item.cluster),
        levers_apply=item.levers_apply,
        uncertainty={name: getattr(item, f"u_{name}") for name in engine.ITEM_ATTRIBUTES},
        **values,
    )


def _commitment_to_engine(commitment: Commitment) -> engine.Commitment:
    return engine.Commitment(
        slug=commitment.slug,
        name=commitment.name,
        burden=commitment.burden,
        verifiability=commitment.verifiability,
        restraint=commitment.restraint,
        race_framing=commitment.race_framing,
        provider_value=commitment.provider_value,
        capability_scaled=commitment.capability_scaled,
    )


def mechanism_type_to_engine(mechanism_type: MechanismType) -> engine.MechanismType:
    return engine.MechanismType(
        slug=mechanism_type.slug,
        name=mechanism_type.name,
        effectiveness=mechanism_type.effectiveness,
        erosion=mechanism_type.erosion,
        cost=mechanism_type.cost,
        uncertainty={"cost": mechanism_type.u_cost},
    )


def _actor_profile(actor: Actor) -> ActorProfile:
    return ActorProfile(
        name=actor.name,
        alignment=actor.alignment,
        trust=actor.trust,
        capability=actor.capability,
        security=actor.security,
        need=actor.need,
        threat=actor.threat,
        outside_option=actor.outside_option,
        uncertainty={
            "trust": actor.u_trust,
            "capability": actor.u_capability,
            "security": actor.u_security,
            "need": actor.u_need,
            "threat": actor.u_threat,
            "outside_option": actor.u_outside_option,
        },
    )


def referenced_slugs(documents: Iterable[Mapping[str, Any]]) -> dict[str, set[str]]:
    """Catalog slugs the documents refer to, by kind."""
    slugs: dict[str, set[str]] = {
        "items": set(),
        "commitments": set(),
        "mechanisms": set(),
        "actors": set(),
    }
    for document in documents:
        slugs["items"].update(line["item"] for line in document.get("lines", []))
        slugs["commitments"].update(c["commitment"] for c in document.get("conditions", []))
        slugs["mechanisms"].update(m["type"] for m in document.get("mechanisms", []))
        slugs["actors"].update(p["actor"] for p in document.get("parties", []) if p.get("actor"))
    return slugs


def catalog_values_from_db(
    documents: Iterable[Mapping[str, Any]], *, extra_items: Iterable[str] = ()
) -> CatalogValues:
    """Catalog values for the documents (and ``extra_items``), in four queries whatever
    their size."""
    from catalog.models import Actor, BenefitItem, Commitment, MechanismType

    slugs = referenced_slugs(list(documents))
    slugs["items"].update(extra_items)
    commitments = list(Commitment.objects.filter(slug__in=slugs["commitments"]))
    return CatalogValues(
        items={
            item.slug: benefit_item_to_engine(item)
            for item in BenefitItem.objects.filter(slug__in=slugs["items"])
        },
        commitments={c.slug: _commitment_to_engine(c) for c in commitments},
        commitment_uncertainty={
            c.slug: {"burden": c.u_burden, "verifiability": c.u_verifiability} for c in commitments
        },
        mechanism_types={
            m.slug: mechanism_type_to_engine(m)
            for m in MechanismType.objects.filter(
                slug__in=slugs["mechanisms"] | {engine.DEFAULT_PARAMETERS.phased_slug}
            )
        },
        actors={a.slug: _actor_profile(a) for a in Actor.objects.filter(slug__in=slugs["actors"])},
    )


def _party_to_engine(party: Mapping[str, Any], catalog: CatalogValues) -> engine.Party:
    profile = catalog.actors.get(party.get("actor") or "")

    def pick(name: str, default: Any) -> Any:
        value = party.get(name)
        if value is not None:
            return value
        return getattr(profile, name, default) if profile is not None else default

    defaults = engine.Party(key="", name="", role=engine.Role.RECIPIENT)
    return engine.Party(
        key=party["key"],
        name=party.get("name") or (profile.name if profile else party["key"]),
        role=engine.Role(party["role"]),
        alignment=engine.Alignment(pick("alignment", engine.Alignment.NEUTRAL)),
        trust=float(pick("trust", defaults.trust)),
        capability=float(pick("capability", defaults.capability)),
        security=float(pick("security", defaults.security)),
        **{name: float(pick(name, value)) for name, value in UNSTATED_PARTY_VALUES.items()},
        multipliers=dict(party.get("multipliers") or {}),
        uncertainty=dict(profile.uncertainty) if profile else {},
    )


def snapshot_from_document(
    document: Mapping[str, Any],
    catalog: CatalogValues,
    *,
    label: str = "",
    extra_items: Iterable[str] = (),
) -> engine.Snapshot:
    """The engine input for an agreement document, with current catalog values;
    ``extra_items`` are catalog items the snapshot carries without a line (e.g. the item
    a negotiation view offers as a transfer)."""
    scenario = document.get("scenario", {})
    lines = document.get("lines", [])
    conditions = document.get("conditions", [])
    mechanisms = document.get("mechanisms", [])
    item_slugs = {line["item"] for line in lines} | set(extra_items)
    commitment_slugs = {c["commitment"] for c in conditions}
    mechanism_slugs = {m["type"] for m in mechanisms} | {engine.DEFAULT_PARAMETERS.phased_slug}
    return engine.Snapshot(
        label=label or document.get("title", ""),
        purpose=engine.Purpose(document.get("purpose", engine.Purpose.OTHER)),
        dsa=float(scenario.get("dsa", 0.0)),
        dsa_uncertainty=scenario.get("dsa_uncertainty"),
        omega=scenario.get("omega"),
        omega_uncertainty=scenario.get("omega_uncertainty"),
        min_participation=int(scenario.get("min_participation") or 0),
        risk_weights=scenario.get("risk_weights"),
        parties=tuple(_party_to_engine(p, catalog) for p in document.get("parties", [])),
        items=tuple(catalog.items[s] for s in sorted(item_slugs) if s in catalog.items),
        commitments=tuple(
            catalog.commitments[s] for s in sorted(commitment_slugs) if s in catalog.commitments
        ),
        mechanism_types=tuple(
            catalog.mechanism_types[s]
            for s in sorted(mechanism_slugs)
            if s in catalog.mechanism_types
        ),
        phases=tuple(
            engine.Phase(
                key=p["key"],
                order=int(p["order"]),
                reversible=bool(p.get("reversible", True)),
                duration_months=p.get("duration_months"),
            )
            for p in document.get("phases", [])
        ),
        lines=tuple(
            engine.Line(
                key=line["key"],
                item=line["item"],
                recipient=line["recipient"],
                magnitude=float(line["magnitude"]),
                phase=line.get("phase"),
                levers=levers_from_mapping(line.get("levers")),
            )
            for line in lines
        ),
        conditions=tuple(
            engine.Condition(
                key=c["key"],
                commitment=c["commitment"],
                recipient=c["recipient"],
                burden=float(
                    c["burden"]
                    if c.get("burden") is not None
                    else catalog.commitments[c["commitment"]].burden
                ),
                verifiability=float(
                    c["verifiability"]
                    if c.get("verifiability") is not None
                    else catalog.commitments[c["commitment"]].verifiability
                ),
                reversible=bool(c.get("reversible", False)),
                phase=c.get("phase"),
                uncertainty=dict(catalog.commitment_uncertainty.get(c["commitment"], {})),
            )
            for c in conditions
        ),
        mechanisms=tuple(
            engine.Mechanism(
                key=m["key"],
                mechanism_type=m["type"],
                strength=float(m["strength"]),
                covers=engine.Covers(m.get("covers", engine.Covers.BOTH)),
                phase=m.get("phase"),
            )
            for m in mechanisms
        ),
    )
