"""Warnings in plain words, naming parties, items and mechanisms.

Codes are stable; messages may be reworded. Input that the formulas cannot use is
an ``EngineValidationError`` instead (see ``validation.py``).

| code | when |
|---|---|
| ``no_net_incentive`` | a recipient would not sign (``N_j < 0``, or a coalition margin below 0) |
| ``uncertain_incentive`` | it would sign at the point values but not in >= 25% of samples |
| ``credibility_gap`` | the credibility shortfall ``1 - C`` exceeds the threshold (0.25) |
| ``low_viability`` | the agreement enters into force in fewer than half the samples |
| ``hidden_power_sharing`` | a power-sharing line in a draft labelled benefit-sharing |
| ``high_risk`` | a risk at or above the high-risk threshold |
| ``mechanism_eroded`` | a mechanism loses at least half its effect under the assumed ``dsa`` |
| ``levers_ignored`` | lever settings on an item that has no levers (info) |
| ``no_lines`` / ``recipient_without_lines`` | nothing shared (info) |
| ``hold_up_exposure`` | a party is exposed after an early phase (trajectory) |
| ``coalition_member_leaves``, ``coalition_below_threshold`` | section 10a |
| ``coalition_fragile``, ``coalition_empty`` | section 10a |
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from .core import Evaluation
from .explain import line_labels, mechanism_labels
from .model import Model
from .params import RISK_NAMES
from .results import Contribution, EngineWarning

_ALIGNMENT_WORDS = {"ally": "Allied", "neutral": "Neutral", "competitor": "Competitor"}


def describe_party(alignment: str, name: str) -> str:
    """``"Neutral state Brazil"``."""
    return f"{_ALIGNMENT_WORDS.get(alignment, 'The')} state {name}"


def no_incentive_warning(model: Model, ev: Evaluation, j: int, who: str) -> EngineWarning:
    """``no_net_incentive`` for recipient ``j``, in words that match its numbers."""
    prm = model.params
    burden, believed = float(ev.burden_j[0][j]), float(ev.believed_j[0][j])
    value, outside = float(ev.value_j[0][j]), float(ev.outside_j[0][j])
    net = float(ev.net_j[0][j])
    key = model.recipients[j].key
    doubt = value - believed
    parts = [f"it carries burdens of {burden:.2f}"]
    if outside != 0:
        parts.append(f"its outside option is worth {outside:.2f}")
    if value > 0 and doubt >= prm.warn_doubt_share * value:
        worth = (
            f"values what it receives at {believed:.2f} after writing off {doubt:.2f} of "
            f"{value:.2f} for doubt about the provider (credibility "
            f"{100 * float(ev.credibility_j[0][j]):.0f})"
        )
        advice = "Add benefits, lighten its commitments or bind the provider more firmly."
    else:
        worth = f"values what it receives at only {believed:.2f}"
        advice = "Add benefits it values or lighten its commitments."
    if net >= 0 and math.isfinite(float(ev.margin_j[0][j])):
        reason = (
            f"staying in the coalition is worth {float(ev.margin_j[0][j]):+.2f} to it against "
            "free-riding"
        )
        text = f"{who} would not stay in the coalition: {reason}. {advice}"
    else:
        text = (
            f"{who} has no net incentive to sign: {' and '.join(parts)}, but {worth} "
            f"(net {net:+.2f}). {advice}"
        )
    return EngineWarning("no_net_incentive", text, "party", key)


def deterministic_warnings(
    model: Model,
    ev: Evaluation,
    contributions: Mapping[str, Sequence[Contribution]],
    label: str,
) -> list[EngineWarning]:
    """Warnings that follow from the point values of one draft."""
    prm = model.params
    out: list[EngineWarning] = []
    scores = {k: float(v[0]) for k, v in ev.scores.items()}
    if not model.lines:
        out.append(
            EngineWarning(
                "no_lines",
                "The draft shares no benefits yet; add lines from the catalog.",
                "agreement",
                "",
                "info",
            )
        )
    for j, p in enumerate(model.recipients):
        who = describe_party(str(p.alignment), p.name)
        if not model.lines_of(j):
            out.append(
                EngineWarning(
                    "recipient_without_lines",
                    f"{who} receives nothing in this draft.",
                    "party",
                    p.key,
                    "info",
                )
            )
        if not bool(ev.signs_j[0][j]):
            out.append(no_incentive_warning(model, ev, j, who))
    gap = scores["credibility_gap"]
    if gap > prm.warn_credibility_gap:
        weakest = int(np.argmin(ev.credibility_j[0])) if model.recipients else 0
        rec = model.recipients[weakest]
        out.append(
            EngineWarning(
                "credibility_gap",
                f"Recipients doubt the provider's promises: credibility "
                f"{scores['credibility']:.0f}, and they write off "
                f"{100 * scores['doubt_discount']:.0f}% of the deal for doubt (lowest: "
                f"{rec.name} at {100 * float(ev.credibility_j[0][weakest]):.0f}). Add "
                "provider-side mechanisms in force from the first phase (escrow, hardware "
                "governance, a verification body), stage reversible commitments after the "
                "benefits, or share benefits that are more tangible and harder to revoke.",
                "agreement",
                "",
            )
        )
    if label == "benefit_sharing":
        labels = line_labels(model)
        for i, ln in enumerate(model.lines):
            ps = float(ev.ps[0][i])
            if ps >= prm.line_power:
                out.append(
                    EngineWarning(
                        "hidden_power_sharing",
                        f"{labels[i]} is power-sharing on its own (power share {ps:.2f}) although "
                        "the draft "
                        f"as a whole reads as benefit-sharing (P = {scores['power_sharing']:.2f}).",
                        "line",
                        ln.key,
                    )
                )
    for name in RISK_NAMES:
        value = scores[name]
        if value >= prm.warn_high_risk:
            rows = [c for c in contributions[name] if c.amount > 0]
            top = max(rows, key=lambda c: c.amount) if rows else None
            source = f"; the largest share comes from {top.label}" if top else ""
            title = name.replace("risk_", "").capitalize()
            out.append(
                EngineWarning(
                    "high_risk",
                    f"{title} risk is high ({value:.2f}){source}.",
                    top.kind if top and top.kind != "part" else "agreement",
                    top.key if top and top.kind != "part" else "",
                )
            )
    dsa = float(model.snapshot.dsa)
    m_labels = mechanism_labels(model)
    eps = [float(model.type_entities[t].values[1]) for t in model.mech_type.tolist()]
    for k, key in enumerate(model.mechanism_keys):
        loss = eps[k] * dsa
        if loss >= prm.warn_mechanism_erosion:
            out.append(
                EngineWarning(
                    "mechanism_eroded",
                    f"{m_labels[k]} loses {100 * loss:.0f}% of its effect if the provider gains a "
                    "decisive "
                    f"strategic advantage (dsa {dsa:.2f}); mechanisms such as hardware governance "
                    "or escrow "
                    f"erode less.",
                    "mechanism",
                    key,
                )
            )
    items = {it.slug: it for it in model.snapshot.items}
    for ln in model.lines:
        if ln.levers is not None and not items[ln.item].levers_apply:
            out.append(
                EngineWarning(
                    "levers_ignored",
                    f"Lever settings on line {ln.key} are ignored: "
                    f"{items[ln.item].name or ln.item} is not "
                    f"a frontier-AI access item.",
                    "line",
                    ln.key,
                    "info",
                )
            )
    return out
