"""Contributions: which line, condition, mechanism or party moved each score.

Rules (section 0): a noisy-OR total ``R`` gives source ``i`` the share
``R * (-ln(1 - x_i)) / sum_j(-ln(1 - x_j))`` (sources at exactly 1 split ``R``
equally); a weighted mean gives ``w_i * x_i / sum(w)``. Every list sums to its
score within floating-point error, except credibility, which is explained by its
two parts (supply and demand) and ``CredibilityExplanation``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .core import SCORE_NAMES, Evaluation
from .model import Model
from .params import RISK_NAMES
from .results import Contribution, CredibilityExplanation

FloatArray = NDArray[np.float64]


def noisy_or_shares(total: float, x: FloatArray) -> list[float]:
    """Split a noisy-OR ``total`` over its sources ``x`` (section 0)."""
    x = np.clip(np.asarray(x, dtype=np.float64), 0.0, 1.0)
    if x.size == 0 or total <= 0.0:
        return [0.0] * int(x.size)
    full = x >= 1.0
    if full.any():
        return [total / int(full.sum()) if f else 0.0 for f in full]
    w = -np.log1p(-x)
    return [float(a) for a in total * w / w.sum()]


def party_name(model: Model, key: str) -> str:
    return model.party_names.get(key, key)


def item_name(model: Model, slug: str) -> str:
    return model.item_names.get(slug, slug)


def commitment_name(model: Model, slug: str) -> str:
    for cm in model.snapshot.commitments:
        if cm.slug == slug:
            return cm.name or slug
    return slug


def line_labels(model: Model) -> list[str]:
    return [
        f"{item_name(model, ln.item)} for {party_name(model, ln.recipient)}" for ln in model.lines
    ]


def condition_labels(model: Model) -> list[str]:
    return [
        f"{commitment_name(model, cd.commitment)} by {party_name(model, cd.recipient)}"
        for cd in model.conditions
    ]


def mechanism_labels(model: Model) -> list[str]:
    names = {t.slug: t.name or t.slug for t in model.snapshot.mechanism_types}
    out = [f"{names.get(m.mechanism_type, m.mechanism_type)} ({m.key})" for m in model.mechanisms]
    if model.has_phased:
        out.append("phased reversible steps (derived from the phases)")
    return out


def _rows(
    kind: str, keys: Sequence[str], labels: Sequence[str], amounts: Sequence[float]
) -> list[Contribution]:
    return [
        Contribution(kind, k, lb, float(a)) for k, lb, a in zip(keys, labels, amounts, strict=True)
    ]


def contributions(model: Model, ev: Evaluation) -> dict[str, tuple[Contribution, ...]]:
    """Contributions of every score for the first sample of ``ev`` (the point values)."""
    s = {name: float(ev.scores[name][0]) for name in SCORE_NAMES}
    line_keys = [ln.key for ln in model.lines]
    cond_keys = [cd.key for cd in model.conditions]
    mech_keys = list(model.mechanism_keys)
    l_lab, c_lab, m_lab = line_labels(model), condition_labels(model), mechanism_labels(model)
    prm = model.params
    out: dict[str, list[Contribution]] = {name: [] for name in SCORE_NAMES}

    def lines(name: str, amounts: Sequence[float]) -> None:
        out[name] += _rows("line", line_keys, l_lab, amounts)

    def conds(name: str, amounts: Sequence[float]) -> None:
        out[name] += _rows("condition", cond_keys, c_lab, amounts)

    value, ps = ev.value[0], ev.ps[0]
    total = float(value.sum())
    if model.lines:
        lines("power_sharing", value * ps / total if total > 0 else ps / len(model.lines))
        top = int(np.argmax(ps))
        out["power_max"].append(Contribution("line", line_keys[top], l_lab[top], float(ps[top])))

    den = float(ev.demand_den[0])
    if den > 0:
        g = ev.distrust_j[0]
        lines("demand", g[model.line_rec] * ev.need[0] / den)
        conds("demand", g[model.cond_rec] * prm.gamma * ev.sacrifice[0] / den)
    else:
        lines("demand", [0.0] * len(line_keys))
        conds("demand", [0.0] * len(cond_keys))

    eff = ev.effect[0]
    sides = (
        ("supply_provider", model.covers_provider),
        ("supply_recipients", model.covers_recipients),
    )
    for name, mask in sides:
        idx = [k for k, covered in enumerate(mask.tolist()) if covered]
        shares = noisy_or_shares(s[name], eff[idx])
        out[name] += _rows(
            "mechanism", [mech_keys[k] for k in idx], [m_lab[k] for k in idx], shares
        )

    out["credibility"] = [
        Contribution(
            "part", "supply_provider", "Provider-side assurance (supply)", s["supply_provider"]
        ),
        Contribution(
            "part", "demand", "Trust recipients must place in the provider (demand)", s["demand"]
        ),
    ]
    if s["credibility_gap"] > 0:
        out["credibility_gap"] = list(out["demand"]) + [
            Contribution(c.kind, c.key, c.label, -c.amount) for c in out["supply_provider"]
        ]

    burden = ev.burden[0]
    if model.conditions and burden.sum() > 0:
        conds("assurance", ev.assured[0] / burden.sum())

    lines("risk_proliferation", noisy_or_shares(s["risk_proliferation"], ev.rho[0]))
    sel = prm.selectivity_weight * float(ev.selectivity[0])
    shares = noisy_or_shares(s["risk_instability"], np.append(ev.deterrence[0], sel))
    lines("risk_instability", shares[:-1])
    out["risk_instability"].append(
        Contribution(
            "part", "selectivity", "Selectivity: benefits concentrated on a few states", shares[-1]
        )
    )
    if ev.value_j[0].sum() > 0:
        factor = prm.perverse_base + prm.perverse_slope * float(ev.psi[0])
        for j, p in enumerate(model.recipients):
            if model.restraint_recipient[j]:
                amount = float(ev.value_j[0][j]) * factor / float(ev.value_j[0].sum())
                out["risk_perverse"].append(Contribution("party", p.key, p.name, amount))
    z = np.concatenate([ev.signal_line[0], ev.signal_condition[0]])
    z_total = float(z.sum())
    zs = (s["risk_signalling"] * z / z_total).tolist() if z_total > 0 else [0.0] * z.size
    lines("risk_signalling", zs[: len(line_keys)])
    conds("risk_signalling", zs[len(line_keys) :])
    conds("risk_framing", noisy_or_shares(s["risk_framing"], ev.framing[0]))
    for k, name in enumerate(RISK_NAMES):
        out["risk_overall"].append(
            Contribution(
                "part",
                name,
                name.replace("risk_", "").capitalize() + " risk",
                float(model.risk_weights[k] * ev.risks[0][k]),
            )
        )

    lines("provider_cost", ev.cost[0])
    if not math.isnan(s["leverage"]):
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            conds("leverage", burden / s["provider_cost"])

    if model.recipients:
        j = int(np.argmin(ev.net_j[0]))
        rec = model.lines_of(j)
        c_j = float(ev.credibility_j[0][j])
        out["min_net_incentive"] += [
            Contribution(
                "line", line_keys[i], l_lab[i], float(value[i] - (1 - c_j) * ev.need[0][i])
            )
            for i in rec
        ]
        out["min_net_incentive"] += [
            Contribution("condition", cond_keys[k], c_lab[k], -float(burden[k]))
            for k in model.conditions_of(j)
        ]
    return {name: tuple(rows) for name, rows in out.items()}


def credibility_explanation(ev: Evaluation) -> CredibilityExplanation:
    """Spell out ``C = min(1, S_prov / D)`` for the point values."""
    supply = float(ev.scores["supply_provider"][0])
    demand = float(ev.scores["demand"][0])
    if demand <= 0:
        return CredibilityExplanation(
            supply,
            demand,
            None,
            True,
            "Recipients need no trust in the provider (demand is 0), so credibility is 100.",
        )
    ratio = supply / demand
    capped = ratio >= 1.0
    verdict = (
        "supply covers demand, so credibility is 100"
        if capped
        else f"supply covers {100 * ratio:.0f}% of demand, so credibility is {100 * ratio:.0f}"
    )
    text = (
        f"Recipients must trust the provider to the degree {demand:.2f} (demand); the "
        f"mechanisms binding the provider supply {supply:.2f}; {verdict}."
    )
    return CredibilityExplanation(supply, demand, ratio, capped, text)
