"""Deterministic scoring of one snapshot at its point values (sections 2-6)."""

from __future__ import annotations

import math

import numpy as np

from .core import LABELS, SCORE_NAMES, Evaluation, draft_labels, evaluate, line_label
from .explain import (
    contributions,
    credibility_explanation,
    item_name,
    mechanism_effects,
    party_name,
)
from .model import Model, compile_snapshot
from .params import DEFAULT_PARAMETERS, ParameterSet
from .results import DeterministicResult, LineResult, RecipientResult, assemble
from .sampling import point_draws
from .types import Snapshot
from .validation import validate_snapshot
from .warnings import deterministic_warnings


def _value(x: float) -> float | None:
    return x if math.isfinite(x) else None


def point_scores(ev: Evaluation, index: int = 0) -> dict[str, float | None]:
    """Scores of one sample as plain floats (``None`` where undefined)."""
    return {name: _value(float(ev.scores[name][index])) for name in SCORE_NAMES}


def point_label(model: Model, ev: Evaluation) -> str:
    sc = ev.scores
    idx = draft_labels(
        sc["power_sharing"][:1], sc["power_max"][:1], sc["power_bundle_max"][:1], model.params
    )
    return LABELS[int(idx[0])]


def recipient_results(model: Model, ev: Evaluation) -> list[RecipientResult]:
    cols = {
        k: getattr(ev, k)[0].tolist()
        for k in (
            "value_j", "need_j", "sacrifice_j", "burden_j", "demand_j", "demand_ratio_j",
            "credibility_j", "believed_j", "net_j", "exposure_j", "shared_j", "bundle_j",
            "trust_j", "belief_j", "doubt_j", "staged_j", "outside_j", "margin_j", "signs_j",
        )
    }  # fmt: skip
    signs = ev.signs_j[0]
    pv = np.bincount(
        model.cond_rec, ev.provider_value_k[0] * signs[model.cond_rec], len(model.recipients)
    )
    pc = np.bincount(model.line_rec, ev.cost[0], len(model.recipients))
    out = []
    for j, p in enumerate(model.recipients):
        margin = cols["margin_j"][j]
        out.append(
            RecipientResult(
                key=p.key,
                name=p.name,
                alignment=str(p.alignment),
                value=cols["value_j"][j],
                need=cols["need_j"][j],
                sacrifice=cols["sacrifice_j"][j],
                burden=cols["burden_j"][j],
                demand=cols["demand_j"][j],
                demand_ratio=cols["demand_ratio_j"][j],
                credibility=100.0 * cols["credibility_j"][j],
                believed_value=cols["believed_j"][j],
                net_incentive=cols["net_j"][j],
                exposure=cols["exposure_j"][j],
                restraint=bool(model.restraint_recipient[j]),
                shared_value=cols["shared_j"][j],
                power_share=cols["bundle_j"][j],
                trust_prior=cols["trust_j"][j],
                belief=cols["belief_j"][j],
                doubt=cols["doubt_j"][j],
                staged_reciprocity=cols["staged_j"][j],
                outside_option=cols["outside_j"][j],
                margin=margin if math.isfinite(margin) else None,
                would_sign=bool(cols["signs_j"][j] > 0),
                provider_value=float(pv[j]),
                provider_cost=float(pc[j]),
            )
        )
    return out


def line_results(model: Model, ev: Evaluation) -> list[LineResult]:
    cols = {
        k: getattr(ev, k)[0].tolist()
        for k in (
            "p", "d", "r", "v", "value", "ps", "need", "rho", "shared", "multiplier",
            "need_share", "trust_line", "supply_line", "belief", "doubt_line",
        )
    }  # fmt: skip
    out = []
    for i, ln in enumerate(model.lines):
        ps = cols["ps"][i]
        out.append(
            assemble(
                LineResult,
                {
                    "key": ln.key,
                    "item": ln.item,
                    "item_name": item_name(model, ln.item),
                    "recipient": ln.recipient,
                    "recipient_name": party_name(model, ln.recipient),
                    "phase": ln.phase,
                    "magnitude": float(ln.magnitude),
                    "p": cols["p"][i],
                    "d": cols["d"][i],
                    "r": cols["r"][i],
                    "v": cols["v"][i],
                    "value": cols["value"][i],
                    "power_share": ps,
                    "label": line_label(ps, model.params),
                    "need": cols["need"][i],
                    "proliferation": cols["rho"][i],
                    "shared_value": cols["shared"][i],
                    "multiplier": cols["multiplier"][i],
                    "need_share": cols["need_share"][i],
                    "trust_prior": cols["trust_line"][i],
                    "supply": cols["supply_line"][i],
                    "belief": cols["belief"][i],
                    "doubt": cols["doubt_line"][i],
                },
            )
        )
    return out


def score_model(model: Model) -> tuple[DeterministicResult, Evaluation]:
    """Score a compiled model at its point values; also return the raw evaluation.

    The evaluation has the leave-one-out rows of ``point_draws``: row 0 is the point.
    """
    ev = evaluate(model, point_draws(model, leave_one_out=True))
    contrib = contributions(model, ev)
    label = point_label(model, ev)
    result = DeterministicResult(
        parameter_version=model.params.version,
        label=label,
        scores=point_scores(ev),
        contributions=contrib,
        credibility_explanation=credibility_explanation(ev),
        lines=tuple(line_results(model, ev)),
        recipients=tuple(recipient_results(model, ev)),
        warnings=tuple(deterministic_warnings(model, ev, contrib, label)),
        mechanism_effects=tuple(mechanism_effects(model, ev)),
    )
    return result, ev


def score(snapshot: Snapshot, params: ParameterSet = DEFAULT_PARAMETERS) -> DeterministicResult:
    """Deterministic scores of ``snapshot`` with their contributions and warnings.

    Raises ``EngineValidationError`` (listing every problem) before computing anything.
    """
    validate_snapshot(snapshot, params)
    result, _ = score_model(compile_snapshot(snapshot, params))
    return result
