"""A validated snapshot compiled into index arrays for vectorised scoring."""

from __future__ import annotations

import functools
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

PARTY_ATTRIBUTES: tuple[str, ...] = ("trust", "capability", "security")
CONDITION_ATTRIBUTES: tuple[str, ...] = ("burden", "verifiability")
TYPE_ATTRIBUTES: tuple[str, ...] = ("effectiveness", "erosion")


@dataclass(frozen=True)
class Entity:
    """A sampled entity: its identity (for common random numbers), point values and half-widths."""

    identity: str
    values: tuple[float, ...]
    half_widths: tuple[float, ...]


@dataclass(frozen=True)
class Model:
    """Index arrays of one snapshot. Lines ``L``, recipients ``R``, conditions ``K``,
    mechanisms ``M`` (the derived phased mechanism, when present, is last)."""

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
    cond_in_reversible_phase: BoolArray
    mech_type: IntArray
    covers_provider: BoolArray
    covers_recipients: BoolArray
    has_phased: bool
    hostility: FloatArray
    restraint_recipient: BoolArray
    risk_weights: FloatArray

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
        keys = tuple(m.key for m in self.mechanisms)
        return (*keys, self.params.phased_slug) if self.has_phased else keys


def _uncertain(mapping: object, names: tuple[str, ...], default: float) -> tuple[float, ...]:
    assert hasattr(mapping, "get")
    return tuple(float(mapping.get(n, default)) for n in names)


def phase_orders(snapshot: Snapshot) -> dict[str | None, int]:
    """Rank of each phase key (1-based, by ``order``); ``None`` is the first phase."""
    ranks: dict[str | None, int] = {
        ph.key: i + 1 for i, ph in enumerate(sorted(snapshot.phases, key=lambda ph: ph.order))
    }
    ranks[None] = 1
    return ranks


def spread_over_phases(snapshot: Snapshot) -> bool:
    """Whether lines or conditions sit in at least two phases, so the derived phased
    mechanism exists (an empty second phase protects nobody)."""
    ranks = phase_orders(snapshot)
    used = {ranks[ln.phase] for ln in snapshot.lines}
    used |= {ranks[cd.phase] for cd in snapshot.conditions}
    return len(used) >= 2


def compile_snapshot(
    snapshot: Snapshot, params: ParameterSet, *, phased: bool | None = None
) -> Model:
    """Build the ``Model`` of a snapshot that has passed validation.

    ``phased`` says whether the derived phased mechanism exists; by default
    :func:`spread_over_phases` decides. The trajectory passes the whole draft's answer
    to its cuts, whose later phases are still to come.
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
    reversible_rank = {i + 1: ph.reversible for i, ph in enumerate(phases)}
    n_lines, n_rec = len(snapshot.lines), len(recipients)

    line_rec = np.array([rec_index[ln.recipient] for ln in snapshot.lines], dtype=np.int64)
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

    used_types: list[str] = []
    for m in snapshot.mechanisms:
        if m.mechanism_type not in used_types:
            used_types.append(m.mechanism_type)
    type_rows = {t.slug: t for t in snapshot.mechanism_types}
    type_entities = [
        Entity(
            f"mechanism_type:{slug}",
            (type_rows[slug].effectiveness, type_rows[slug].erosion),
            _uncertain(type_rows[slug].uncertainty, TYPE_ATTRIBUTES, u0),
        )
        for slug in used_types
    ]
    has_phased = spread_over_phases(snapshot) if phased is None else phased
    # The derived mechanism's effectiveness and erosion: the catalog row when the
    # snapshot carries one, else the parameter set.
    phased_row = type_rows.get(params.phased_slug)
    mech_type = [used_types.index(m.mechanism_type) for m in snapshot.mechanisms]
    prov = [m.covers in (Covers.PROVIDER, Covers.BOTH) for m in snapshot.mechanisms]
    recs = [m.covers in (Covers.RECIPIENTS, Covers.BOTH) for m in snapshot.mechanisms]
    if has_phased:
        type_entities.append(
            Entity(
                f"mechanism_type:{params.phased_slug}",
                (phased_row.effectiveness, phased_row.erosion)
                if phased_row
                else (params.phased_effectiveness, params.phased_erosion),
                _uncertain(phased_row.uncertainty, TYPE_ATTRIBUTES, u0) if phased_row else (u0, u0),
            )
        )
        mech_type.append(len(type_entities) - 1)
        prov.append(True)
        recs.append(True)

    weights = snapshot.risk_weights or params.risk_weights
    w = np.array([float(weights.get(k, 0.0)) for k in RISK_WEIGHT_KEYS])

    memo: dict[tuple[Levers | None, bool], list[LeverEffect]] = {}

    def effects(levers: Levers | None, applies: bool) -> list[LeverEffect]:
        if (levers, applies) not in memo:
            memo[(levers, applies)] = line_effects(levers, applies, params)
        return memo[(levers, applies)]

    def u_or(value: float | None) -> float:
        return u0 if value is None else float(value)

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
        item_entities=tuple(
            Entity(
                f"item:{it.slug}",
                tuple(float(getattr(it, a)) for a in ITEM_ATTRIBUTES),
                _uncertain(it.uncertainty, ITEM_ATTRIBUTES, u0),
            )
            for it in used_items
        ),
        party_entities=tuple(
            Entity(
                f"party:{p.key}",
                tuple(float(getattr(p, a)) for a in PARTY_ATTRIBUTES),
                _uncertain(p.uncertainty, PARTY_ATTRIBUTES, u0),
            )
            for p in recipients
        ),
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
        line_phase=np.array([ranks[ln.phase] for ln in snapshot.lines], dtype=np.int64),
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
        cond_in_reversible_phase=np.array(
            [reversible_rank.get(int(r), True) for r in cond_phase], dtype=np.bool_
        ),
        mech_type=np.array(mech_type, dtype=np.int64),
        covers_provider=np.array(prov, dtype=np.bool_),
        covers_recipients=np.array(recs, dtype=np.bool_),
        has_phased=has_phased,
        hostility=np.array([params.hostility[str(p.alignment)] for p in recipients]),
        restraint_recipient=(cond_onehot[restraint].sum(axis=0) > 0)
        if len(snapshot.conditions)
        else np.zeros(n_rec, dtype=np.bool_),
        risk_weights=w / w.sum(),
    )
