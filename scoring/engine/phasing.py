"""Phase trajectory (section 9): scores and hold-up exposure after each phase.

The agreement is cut after phase ``k`` (lines, conditions and mechanisms of phases
1..k; staged reciprocity as in the whole draft, since its later conditions are
still to come) and scored at its point values. Exposure is what a party has given
that it cannot take back, less what it has received, floored at 0; with a phase
duration, exposure-months are the exposure after phase ``k`` times its duration:

* provider: gives ``sum m_i c_i (1 - r'_i)`` (cost of benefits it could not revoke),
  receives ``sum_k assured_k (1 - 0.5 reversible_k)`` (assured, lasting restraint);
* recipient ``j``: gives its sacrifice ``S_j``, receives its believed value ``B_j``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import NDArray

from .core import Evaluation, evaluate
from .deterministic import point_label, point_scores
from .model import Model, compile_snapshot, phase_orders
from .params import DEFAULT_PARAMETERS, ParameterSet
from .results import EngineWarning, PartyExposure, TrajectoryStep, WorstPhase
from .sampling import point_draws
from .types import Snapshot
from .validation import validate_snapshot

FloatArray = NDArray[np.float64]


def _cut(snapshot: Snapshot, rank: int) -> Snapshot:
    ranks = phase_orders(snapshot)
    return dataclasses.replace(
        snapshot,
        lines=tuple(ln for ln in snapshot.lines if ranks[ln.phase] <= rank),
        conditions=tuple(cd for cd in snapshot.conditions if ranks[cd.phase] <= rank),
        mechanisms=tuple(mc for mc in snapshot.mechanisms if ranks[mc.phase] <= rank),
    )


def _step(
    model: Model,
    phase_key: str | None,
    rank: int,
    reversible: bool,
    months: float | None = None,
) -> TrajectoryStep:
    ev = evaluate(model, point_draws(model))
    prm = model.params
    given_p = float((ev.cost[0] * (1.0 - ev.r[0])).sum())
    received_p = float(
        (ev.assured[0] * (1.0 - prm.reversible_sacrifice_discount * model.cond_reversible)).sum()
    )
    exposures = [
        PartyExposure(
            model.provider.key,
            model.provider.name,
            "provider",
            given_p,
            received_p,
            max(0.0, given_p - received_p),
            None if months is None else months * max(0.0, given_p - received_p),
        )
    ]
    for j, p in enumerate(model.recipients):
        given, received = float(ev.sacrifice_j[0][j]), float(ev.believed_j[0][j])
        gap = max(0.0, given - received)
        exposures.append(
            PartyExposure(
                p.key,
                p.name,
                "recipient",
                given,
                received,
                gap,
                None if months is None else months * gap,
            )
        )
    return TrajectoryStep(
        phase_key=phase_key,
        phase_order=rank,
        reversible=reversible,
        label=point_label(model, ev),
        scores=point_scores(ev),
        exposures=tuple(exposures),
    )


def staged_strengths(model: Model, ev: Evaluation | None = None) -> FloatArray:
    """Point strength of each recipient's staged reciprocity in the whole draft
    (from row 0 of ``ev`` when given, else a point evaluation)."""
    if ev is None:
        ev = evaluate(model, point_draws(model))
    staged = (ev.burden[0] * model.cond_staged) @ model.cond_rec_onehot
    total = ev.burden_j[0]
    return np.where(total > 0, staged / np.where(total > 0, total, 1.0), 0.0)


def trajectory_model(model: Model, ev: Evaluation | None = None) -> list[TrajectoryStep]:
    """Steps of a compiled (valid) model; one step when it has no phases. ``ev`` is the
    model's point evaluation when the caller already has it."""
    snap, prm = model.snapshot, model.params
    if not model.phases:
        return [_step(model, None, 1, True)]
    fixed = staged_strengths(model, ev)
    return [
        _step(
            compile_snapshot(_cut(snap, k), prm, staged_fixed=fixed),
            ph.key,
            k,
            ph.reversible,
            ph.duration_months,
        )
        for k, ph in enumerate(model.phases, start=1)
    ]


def worst_phases(steps: list[TrajectoryStep]) -> list[WorstPhase]:
    """Each party's most exposed phase (the first of equals), with total exposure-months."""
    best: dict[str, WorstPhase] = {}
    totals: dict[str, float | None] = {}
    for step in steps:
        for ex in step.exposures:
            prev = totals.get(ex.key, 0.0)
            totals[ex.key] = (
                None if prev is None or ex.exposure_months is None else prev + ex.exposure_months
            )
            if ex.key not in best or ex.exposure > best[ex.key].exposure:
                best[ex.key] = WorstPhase(
                    ex.key,
                    ex.name,
                    step.phase_key,
                    step.phase_order,
                    ex.exposure,
                    ex.exposure_months,
                    None,
                )
    return [dataclasses.replace(w, total_exposure_months=totals[k]) for k, w in best.items()]


def trajectory(
    snapshot: Snapshot, params: ParameterSet = DEFAULT_PARAMETERS
) -> tuple[TrajectoryStep, ...]:
    """Score ``snapshot`` cumulatively after each phase (section 9)."""
    validate_snapshot(snapshot, params)
    return tuple(trajectory_model(compile_snapshot(snapshot, params)))


def trajectory_warnings(steps: list[TrajectoryStep], params: ParameterSet) -> list[EngineWarning]:
    """``hold_up_exposure`` for each party exposed after a phase other than the last."""
    worst: dict[str, tuple[float, TrajectoryStep, PartyExposure]] = {}
    for step in steps[:-1]:
        for ex in step.exposures:
            if ex.exposure >= params.warn_exposure and ex.exposure > worst.get(ex.key, (0.0,))[0]:
                worst[ex.key] = (ex.exposure, step, ex)
    out = []
    for key, (amount, step, ex) in worst.items():
        advice = (
            "Deliver benefits earlier or ask for commitments later."
            if ex.role == "recipient"
            else "Ask for commitments earlier or share revocable benefits first."
        )
        out.append(
            EngineWarning(
                "hold_up_exposure",
                f"If the deal stops after phase {step.phase_order} ({step.phase_key}), {ex.name} "
                "is exposed "
                f"by {amount:.2f}: it has given {ex.given:.2f} and received {ex.received:.2f}. "
                f"{advice}",
                "party",
                key,
            )
        )
    return out
