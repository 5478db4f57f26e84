"""Deterministic scoring of one snapshot at its point values (sections 2-6)."""

from __future__ import annotations

import math

from .core import LABELS, SCORE_NAMES, Evaluation, draft_labels, evaluate, line_label
from .explain import contributions, credibility_explanation, item_name, party_name
from .model import Model, compile_snapshot
from .params import DEFAULT_PARAMETERS, ParameterSet
from .results import DeterministicResult, LineResult, RecipientResult
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
    idx = draft_labels(ev.scores["power_sharing"], ev.scores["power_max"], model.params)
    return LABELS[int(idx[0])]


def recipient_results(model: Model, ev: Evaluation) -> list[RecipientResult]:
    out = []
    for j, p in enumerate(model.recipients):
        out.append(
            RecipientResult(
                key=p.key,
                name=p.name,
                alignment=str(p.alignment),
                value=float(ev.value_j[0][j]),
                need=float(ev.need_j[0][j]),
                sacrifice=float(ev.sacrifice_j[0][j]),
                burden=float(ev.burden_j[0][j]),
                demand=float(ev.demand_j[0][j]),
                demand_ratio=float(ev.demand_ratio_j[0][j]),
                credibility=100.0 * float(ev.credibility_j[0][j]),
                believed_value=float(ev.believed_j[0][j]),
                net_incentive=float(ev.net_j[0][j]),
                exposure=float(ev.exposure_j[0][j]),
                restraint=bool(model.restraint_recipient[j]),
            )
        )
    return out


def line_results(model: Model, ev: Evaluation) -> list[LineResult]:
    cols = {
        k: getattr(ev, k)[0].tolist() for k in ("p", "d", "r", "v", "value", "ps", "need", "rho")
    }
    out = []
    for i, ln in enumerate(model.lines):
        ps = cols["ps"][i]
        out.append(
            LineResult(
                key=ln.key,
                item=ln.item,
                item_name=item_name(model, ln.item),
                recipient=ln.recipient,
                recipient_name=party_name(model, ln.recipient),
                phase=ln.phase,
                magnitude=float(ln.magnitude),
                p=cols["p"][i],
                d=cols["d"][i],
                r=cols["r"][i],
                v=cols["v"][i],
                value=cols["value"][i],
                power_share=ps,
                label=line_label(ps, model.params),
                need=cols["need"][i],
                proliferation=cols["rho"][i],
            )
        )
    return out


def score_model(model: Model) -> tuple[DeterministicResult, Evaluation]:
    """Score a compiled model at its point values; also return the raw evaluation."""
    ev = evaluate(model, point_draws(model))
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
    )
    return result, ev


def score(snapshot: Snapshot, params: ParameterSet = DEFAULT_PARAMETERS) -> DeterministicResult:
    """Deterministic scores of ``snapshot`` with their contributions and warnings.

    Raises ``EngineValidationError`` (listing every problem) before computing anything.
    """
    validate_snapshot(snapshot, params)
    result, _ = score_model(compile_snapshot(snapshot, params))
    return result
