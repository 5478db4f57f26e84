"""A validated snapshot compiled into index arrays for vectorised scoring."""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .levers import LeverArrays, line_effects
from .params import RISK_WEIGHT_KEYS, LeverEffect, ParameterSet
from .types import (
    ITEM_ATTRIBUTES,
    BenefitItem,
    Condition,
    Covers,
    Levers,
    Line,
    Mechanism,
    Party,
    Phase,
    Role,
    Snapshot,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

PARTY_ATTRIBUTES: tuple[str, ...] = (
    "trust",
    "capability",
    "security",
    "need",
    "threat",
    "outside_option",
)
CONDITION_ATTRIBUTES: tuple[str, ...] = ("burden", "verifiability")
TYPE_ATTRIBUTES: tuple[str, ...] = ("effectiveness", "erosion", "cost")
CLUSTER_ORDER: tuple[str, ...] = (
    "financial_resource",
    "frontier_ai",
    "national_security",
    "seats_at_table",
    "other",
)
"""Clusters in the order of the valuation-multiplier columns (section 3)."""


@dataclass(frozen=True)
class Entity:
    """A sampled entity: its identity (for common random numbers), point values and half-widths."""

    identity: str
    values: tuple[float, ...]
    half_widths: tuple[float, ...]
    low: tuple[float, ...] | None = None
    """Per-attribute lower clip bound of samples; ``None``: 0 for every attribute."""
    high: tuple[float, ...] | None = None
    """Per-attribute upper clip bound of samples; ``None``: 1 for every attribute."""


@dataclass(frozen=True)
class Model:
    """Index arrays of one snapshot. Lines ``L``, recipients ``R``, bystanders ``B``,
    conditions ``K``, mechanisms ``M``, phase ranks ``1..n_ranks``.

    Party entities are the recipients followed by the bystanders. Staged reciprocity
    (section 4) is derived per recipient; ``staged_fixed`` (when set) replaces its
    strength, so a trajectory cut keeps the whole draft's staging.
    """

    snapshot: Snapshot
    params: ParameterSet
    provider: Party
    recipients: tuple[Party, ...]
    bystanders: tuple[Party, ...]
    lines: tuple[Line, ...]
    conditions: tuple[Condition, ...]
    mechanisms: tuple[Mechanism, ...]
    phases: tuple[Phase, ...]
    items: tuple[BenefitItem, ...]
    item_entities: tuple[Entity, ...]
    party_entities: tuple[Entity, ...]
    condition_entities: tuple[Entity, ...]
    mechanism_entities: tuple[Entity, ...]
    type_entities: tuple[Entity, ...]
    dsa_entity: Entity
    omega_entity: Entity
    line_item: IntArray
    line_rec: IntArray
    magnitude: FloatArray
    line_phase: IntArray
    levers: LeverArrays
    line_rec_onehot: FloatArray
    cond_rec: IntArray
    cond_rec_onehot: FloatArray
    cond_reversible: FloatArray
    cond_restraint: BoolArray
    cond_race: FloatArray
    cond_phase: IntArray
    cond_scaled: BoolArray
    cond_pi: FloatArray
    cond_staged: BoolArray
    mech_type: IntArray
    mech_phase: IntArray
    covers_provider: BoolArray
    covers_recipients: BoolArray
    n_ranks: int
    line_cluster: IntArray
    multiplier_override: FloatArray
    hostility: FloatArray
    bystander_hostility: FloatArray
    bystander_weight: FloatArray
    restraint_recipient: BoolArray
    member: BoolArray
    risk_weights: FloatArray
    staged_fixed: FloatArray | None = None

    @functools.cached_property
    def party_names(self) -> dict[str, str]:
        return {p.key: p.name for p in self.snapshot.parties}

    @functools.cached_property
    def item_names(self) -> dict[str, str]:
        return {it.slug: it.name or it.slug for it in self.snapshot.items}

    def lines_of(self, j: int) -> list[int]:
        """Indices of recipient ``j``'s lines."""
        return [i for i, r in enumerate(self.line_rec.tolist()) if r == j]

    def conditions_of(self, j: int) -> list[int]:
        """Indices of recipient ``j``'s conditions."""
        return [k for k, r in enumerate(self.cond_rec.tolist()) if r == j]

    @property
    def mechanism_keys(self) -> tuple[str, ...]:
        return tuple(m.key for m in self.mechanisms)

    @functools.cached_property
    def has_override(self) -> bool:
        return bool((~np.isnan(self.multiplier_override)).any())

    @functools.cached_property
    def line_stabilising(self) -> BoolArray:
        """Lines whose item has ``q < 0`` (samples keep the sign)."""
        q = np.array([e.values[ITEM_ATTRIBUTES.index("q")] for e in self.item_entities])
        return np.asarray(q[self.line_item] < 0, dtype=np.bool_) if q.size else np.zeros(0, bool)

    @functools.cached_property
    def any_stabilising(self) -> bool:
        return bool(self.line_stabilising.any())

    @functools.cached_property
    def staged_possible(self) -> BoolArray:
        """Recipients for whom staged reciprocity exists (section 4)."""
        if self.staged_fixed is not None:
            return np.asarray(self.staged_fixed > 0, dtype=np.bool_)
        if not len(self.conditions):
            return np.zeros(len(self.recipients), dtype=np.bool_)
        return np.asarray(self.cond_rec_onehot[self.cond_staged].sum(axis=0) > 0, dtype=np.bool_)


def _uncertain(
    mapping: Mapping[str, float], names: tuple[str, ...], default: float
) -> tuple[float, ...]:
    """Half-widths of ``names``: the row's own where it sets one, else ``default``."""
    if not mapping:
        return (float(default),) * len(names)
    get = mapping.get
    return tuple([float(get(n, default)) for n in names])


_item_values = operator.attrgetter(*ITEM_ATTRIBUTES)
_party_values = operator.attrgetter(*PARTY_ATTRIBUTES)


def phase_orders(snapshot: Snapshot) -> dict[str | None, int]:
    """Rank of each phase key (1-based, by ``order``); ``None`` is the first phase."""
    ranks: dict[str | None, int] = {
        ph.key: i + 1 for i, ph in enumerate(sorted(snapshot.phases, key=lambda ph: ph.order))
    }
    ranks[None] = 1
    return ranks


def compile_snapshot(
    snapshot: Snapshot, params: ParameterSet, *, staged_fixed: FloatArray | None = None
) -> Model:
    """Build the ``Model`` of a snapshot that has passed validation.

    ``staged_fixed`` (one strength per recipient) replaces the derived staged
    reciprocity: the trajectory passes the whole draft's values to its cuts, whose
    later conditions are still to come.
    """
    u0 = params.default_half_width
    provider = next(p for p in snapshot.parties if p.role == Role.PROVIDER)
    recipients = tuple(p for p in snapshot.parties if p.role == Role.RECIPIENT)
    bystanders = tuple(p for p in snapshot.parties if p.role not in (Role.PROVIDER, Role.RECIPIENT))
    rec_index = {p.key: i for i, p in enumerate(recipients)}
    catalog = {it.slug: it for it in snapshot.items}
    used_items: list[BenefitItem] = []
    item_index: dict[str, int] = {}
    for ln in snapshot.lines:
        if ln.item not in item_index:
            item_index[ln.item] = len(used_items)
            used_items.append(catalog[ln.item])
    ranks = phase_orders(snapshot)
    phases = tuple(sorted(snapshot.phases, key=lambda ph: ph.order))
    n_lines, n_rec = len(snapshot.lines), len(recipients)

    line_rec = np.array([rec_index[ln.recipient] for ln in snapshot.lines], dtype=np.int64)
    line_phase = np.array([ranks[ln.phase] for ln in snapshot.lines], dtype=np.int64)
    cond_rec = np.array([rec_index[cd.recipient] for cd in snapshot.conditions], dtype=np.int64)
    line_onehot = np.zeros((n_lines, n_rec))
    line_onehot[np.arange(n_lines), line_rec] = 1.0
    cond_onehot = np.zeros((len(snapshot.conditions), n_rec))
    cond_onehot[np.arange(len(snapshot.conditions)), cond_rec] = 1.0
    commitments = {cm.slug: cm for cm in snapshot.commitments}
    restraint = np.array(
        [commitments[cd.commitment].restraint for cd in snapshot.conditions], dtype=np.bool_
    )
    cond_phase = np.array([ranks[cd.phase] for cd in snapshot.conditions], dtype=np.int64)
    # Staged reciprocity: a reversible condition in a later phase than some benefit
    # its recipient receives.
    first_benefit: dict[int, int] = {}
    for j, rank in zip(line_rec.tolist(), line_phase.tolist(), strict=True):
        first_benefit[j] = min(first_benefit.get(j, rank), rank)
    cond_staged = np.array(
        [
            bool(cd.reversible)
            and int(cond_rec[k]) in first_benefit
            and int(cond_phase[k]) > first_benefit[int(cond_rec[k])]
            for k, cd in enumerate(snapshot.conditions)
        ],
        dtype=np.bool_,
    )

    used_types: list[str] = []
    for m in snapshot.mechanisms:
        if m.mechanism_type not in used_types:
            used_types.append(m.mechanism_type)
    type_rows = {t.slug: t for t in snapshot.mechanism_types}
    big = params.max_mechanism_cost
    type_entities = [
        Entity(
            f"mechanism_type:{slug}",
            (type_rows[slug].effectiveness, type_rows[slug].erosion, type_rows[slug].cost),
            (
                *_uncertain(type_rows[slug].uncertainty, TYPE_ATTRIBUTES[:2], u0),
                float(type_rows[slug].uncertainty.get("cost", params.default_value_half_width)),
            ),
            (0.0, 0.0, 0.0),
            (1.0, 1.0, big),
        )
        for slug in used_types
    ]
    mech_type = [used_types.index(m.mechanism_type) for m in snapshot.mechanisms]
    prov = [m.covers in (Covers.PROVIDER, Covers.BOTH) for m in snapshot.mechanisms]
    recs = [m.covers in (Covers.RECIPIENTS, Covers.BOTH) for m in snapshot.mechanisms]

    weights = snapshot.risk_weights or params.risk_weights
    w = np.array([float(weights.get(k, 0.0)) for k in RISK_WEIGHT_KEYS])

    memo: dict[tuple[Levers | None, bool], list[LeverEffect]] = {}

    def effects(levers: Levers | None, applies: bool) -> list[LeverEffect]:
        key = (levers, applies)
        found = memo.get(key)
        if found is None:
            found = memo[key] = line_effects(levers, applies, params)
        return found

    def u_or(value: float | None) -> float:
        return u0 if value is None else float(value)

    def item_entity(it: BenefitItem) -> Entity:
        lows = [0.0] * len(ITEM_ATTRIBUTES)
        highs = [1.0] * len(ITEM_ATTRIBUTES)
        q = ITEM_ATTRIBUTES.index("q")
        if it.q < 0:  # sampled within its sign (section 5)
            lows[q], highs[q] = -1.0, 0.0
        return Entity(
            f"item:{it.slug}",
            tuple(map(float, _item_values(it))),
            _uncertain(it.uncertainty, ITEM_ATTRIBUTES, u0),
            tuple(lows),
            tuple(highs),
        )

    def party_entity(p: Party) -> Entity:
        uv = params.default_value_half_width
        return Entity(
            f"party:{p.key}",
            tuple(map(float, _party_values(p))),
            (
                *_uncertain(p.uncertainty, PARTY_ATTRIBUTES[:5], u0),
                float(p.uncertainty.get("outside_option", uv)),
            ),
            (0.0, 0.0, 0.0, 0.0, 0.0, params.outside_option_low),
            (1.0, 1.0, 1.0, 1.0, 1.0, params.outside_option_high),
        )

    override = np.full((n_rec, len(CLUSTER_ORDER)), np.nan)
    for j, p in enumerate(recipients):
        for name, mu in p.multipliers.items():
            override[j, CLUSTER_ORDER.index(str(name))] = float(mu)
    members = cond_onehot.sum(axis=0) > 0 if len(snapshot.conditions) else np.zeros(n_rec, bool)

    return Model(
        snapshot=snapshot,
        params=params,
        provider=provider,
        recipients=recipients,
        bystanders=bystanders,
        lines=snapshot.lines,
        conditions=snapshot.conditions,
        mechanisms=snapshot.mechanisms,
        phases=phases,
        items=tuple(used_items),
        item_entities=tuple(item_entity(it) for it in used_items),
        party_entities=tuple(party_entity(p) for p in (*recipients, *bystanders)),
        condition_entities=tuple(
            Entity(
                f"condition:{cd.key}",
                (float(cd.burden), float(cd.verifiability)),
                _uncertain(cd.uncertainty, CONDITION_ATTRIBUTES, u0),
            )
            for cd in snapshot.conditions
        ),
        mechanism_entities=tuple(
            Entity(f"mechanism:{m.key}", (float(m.strength),), (u_or(m.uncertainty),))
            for m in snapshot.mechanisms
        ),
        type_entities=tuple(type_entities),
        dsa_entity=Entity(
            "scenario:dsa", (float(snapshot.dsa),), (u_or(snapshot.dsa_uncertainty),)
        ),
        omega_entity=Entity(
            "scenario:omega",
            (params.default_omega if snapshot.omega is None else float(snapshot.omega),),
            (u_or(snapshot.omega_uncertainty),),
        ),
        line_item=np.array([item_index[ln.item] for ln in snapshot.lines], dtype=np.int64),
        line_rec=line_rec,
        magnitude=np.array([float(ln.magnitude) for ln in snapshot.lines]),
        line_phase=line_phase,
        levers=LeverArrays.stack(
            [effects(ln.levers, catalog[ln.item].levers_apply) for ln in snapshot.lines]
        ),
        line_rec_onehot=line_onehot,
        cond_rec=cond_rec,
        cond_rec_onehot=cond_onehot,
        cond_reversible=np.array([1.0 if cd.reversible else 0.0 for cd in snapshot.conditions]),
        cond_restraint=restraint,
        cond_race=np.array(
            [float(commitments[cd.commitment].race_framing) for cd in snapshot.conditions]
        ),
        cond_phase=cond_phase,
        cond_scaled=np.array(
            [commitments[cd.commitment].capability_scaled for cd in snapshot.conditions],
            dtype=np.bool_,
        ),
        cond_pi=np.array(
            [float(commitments[cd.commitment].provider_value) for cd in snapshot.conditions]
        ),
        cond_staged=cond_staged,
        mech_type=np.array(mech_type, dtype=np.int64),
        mech_phase=np.array([ranks[m.phase] for m in snapshot.mechanisms], dtype=np.int64),
        covers_provider=np.array(prov, dtype=np.bool_),
        covers_recipients=np.array(recs, dtype=np.bool_),
        n_ranks=max(1, len(phases)),
        line_cluster=np.array(
            [CLUSTER_ORDER.index(str(catalog[ln.item].cluster)) for ln in snapshot.lines],
            dtype=np.int64,
        ),
        multiplier_override=override,
        hostility=np.array([params.hostility[str(p.alignment)] for p in recipients]),
        bystander_hostility=np.array([params.hostility[str(p.alignment)] for p in bystanders]),
        bystander_weight=np.array(
            [params.observer_weight if p.role == Role.OBSERVER else 1.0 for p in bystanders]
        ),
        restraint_recipient=(cond_onehot[restraint].sum(axis=0) > 0)
        if len(snapshot.conditions)
        else np.zeros(n_rec, dtype=np.bool_),
        member=np.asarray(members, dtype=np.bool_),
        risk_weights=w / w.sum(),
        staged_fixed=staged_fixed,
    )
