"""Contributions: which line, condition, mechanism or party moved each score.

Rules (section 0): a noisy-OR total ``R`` gives source ``i`` the share
``R * (-ln(1 - x_i)) / sum_j(-ln(1 - x_j))`` (sources at exactly 1 split ``R``
equally); a weighted mean gives ``w_i * x_i / sum(w)``. Every list sums to its
score within floating-point error: credibility is 100 less each line's and
condition's share of the shortfall ``1 - C``. Mechanisms, which act
multiplicatively, are also explained by leave-one-out (``mechanism_effects``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .core import SCORE_NAMES, Evaluation, noisy_or
from .model import Model
from .params import RISK_NAMES
from .results import Contribution, CredibilityExplanation, MechanismEffect, contribution

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
    cached: list[str] | None = model.__dict__.get("_line_labels")
    if cached is None:
        cached = [
            f"{item_name(model, ln.item)} for {party_name(model, ln.recipient)}"
            for ln in model.lines
        ]
        model.__dict__["_line_labels"] = cached
    return cached


def condition_labels(model: Model) -> list[str]:
    cached: list[str] | None = model.__dict__.get("_condition_labels")
    if cached is None:
        cached = [
            f"{commitment_name(model, cd.commitment)} by {party_name(model, cd.recipient)}"
            for cd in model.conditions
        ]
        model.__dict__["_condition_labels"] = cached
    return cached


def mechanism_labels(model: Model) -> list[str]:
    names = {t.slug: t.name or t.slug for t in model.snapshot.mechanism_types}
    return [f"{names.get(m.mechanism_type, m.mechanism_type)} ({m.key})" for m in model.mechanisms]


STAGED_KEY = "staged_reciprocity"
"""Contribution key of the derived staged reciprocity of one recipient: ``staged_reciprocity:J``."""


def _rows(
    kind: str, keys: Sequence[str], labels: Sequence[str], amounts: Sequence[float] | FloatArray
) -> list[Contribution]:
    values: list[float] = np.asarray(amounts, dtype=np.float64).tolist()
    return [contribution(kind, k, lb, a) for k, lb, a in zip(keys, labels, values, strict=True)]


def _line_supply_shares(model: Model, ev: Evaluation) -> tuple[list[str], list[str], FloatArray]:
    """Split ``supply_provider`` (need-weighted mean of the lines' supply) over mechanisms
    and each recipient's staged reciprocity: keys, labels and amounts."""
    n_mech = len(model.mechanisms)
    staged = [j for j in range(len(model.recipients)) if float(ev.staged_j[0][j]) > 0]
    keys = list(model.mechanism_keys) + [f"{STAGED_KEY}:{model.recipients[j].key}" for j in staged]
    labels = mechanism_labels(model) + [
        f"Staged reciprocity with {model.recipients[j].name} (derived from the phases)"
        for j in staged
    ]
    need = ev.need[0]
    total = float(need.sum())
    eff = ev.effect[0]
    if total <= 0:
        amounts = np.zeros(len(keys))
        idx = [k for k in range(n_mech) if model.covers_provider[k]]
        shares = noisy_or_shares(float(ev.scores["supply_provider"][0]), eff[idx])
        for k, sh in zip(idx, shares, strict=True):
            amounts[k] = sh
        return keys, labels, amounts
    # Sources of each line (L, M + staged): mechanisms in force at its phase and its
    # recipient's staged reciprocity; each line's supply is split by noisy-OR shares.
    in_force = model.covers_provider[None, :] & (
        model.mech_phase[None, :] <= model.line_phase[:, None]
    )
    x = np.where(in_force, eff[None, :], 0.0)
    if staged:
        cols = np.zeros((len(model.lines), len(staged)))
        for pos, j in enumerate(staged):
            cols[:, pos] = np.where(model.line_rec == j, float(ev.staged_j[0][j]), 0.0)
        x = np.concatenate([x, cols], axis=1)
    x = np.clip(x, 0.0, 1.0)
    supply = ev.supply_line[0]
    full = x >= 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        w = -np.log1p(-np.where(full, 0.0, x))
        wsum = w.sum(axis=1, keepdims=True)
        share = np.where(wsum > 0, supply[:, None] * w / np.where(wsum > 0, wsum, 1.0), 0.0)
    n_full = full.sum(axis=1, keepdims=True)
    share = np.where(
        n_full > 0, np.where(full, supply[:, None] / np.maximum(n_full, 1), 0.0), share
    )
    amounts = (need / total) @ share
    return keys, labels, amounts


def contributions(model: Model, ev: Evaluation) -> dict[str, tuple[Contribution, ...]]:
    """Contributions of every score for the first sample of ``ev`` (the point values)."""
    s = {name: float(ev.scores[name][0]) for name in SCORE_NAMES}
    line_keys = [ln.key for ln in model.lines]
    cond_keys = [cd.key for cd in model.conditions]
    l_lab, c_lab = line_labels(model), condition_labels(model)
    prm = model.params
    out: dict[str, list[Contribution]] = {name: [] for name in SCORE_NAMES}
    rec_keys = [p.key for p in model.recipients]
    rec_names = [p.name for p in model.recipients]

    def lines(name: str, amounts: Sequence[float] | FloatArray) -> None:
        out[name] += _rows("line", line_keys, l_lab, amounts)

    def conds(name: str, amounts: Sequence[float] | FloatArray) -> None:
        out[name] += _rows("condition", cond_keys, c_lab, amounts)

    def parties(name: str, amounts: Sequence[float] | FloatArray) -> None:
        out[name] += _rows("party", rec_keys, rec_names, amounts)

    # Section 3.
    shared_j, bundle_j = ev.shared_j[0], ev.bundle_j[0]
    total_x = float(shared_j.sum())
    if model.recipients:
        if total_x > 0:
            parties("power_sharing", shared_j * bundle_j / total_x)
        else:
            has = model.line_rec_onehot.sum(axis=0) > 0
            parties("power_sharing", bundle_j * has / max(1, int(has.sum())))
        top_j = int(np.argmax(bundle_j))
        out["power_bundle_max"].append(
            Contribution("party", rec_keys[top_j], rec_names[top_j], float(bundle_j[top_j]))
        )
    ps = ev.ps[0]
    if model.lines:
        top = int(np.argmax(ps))
        out["power_max"].append(Contribution("line", line_keys[top], l_lab[top], float(ps[top])))

    # Section 4: the credibility shortfall, exactly over lines and conditions.
    d_total = float(ev.demand_total[0])
    stake = float(ev.stake_j[0].sum())
    doubt_l, doubt_c = ev.doubt_line[0], ev.doubt_condition[0]
    if d_total > 0:
        lines("credibility_gap", doubt_l / d_total)
        conds("credibility_gap", doubt_c / d_total)
        out["credibility"].append(
            Contribution("part", "full", "Full credibility, before doubt", 100.0)
        )
        # Per recipient here (its doubt loss); per line and condition in credibility_gap.
        parties("credibility", -100.0 * ev.doubt_j[0] / d_total)
    else:
        out["credibility"].append(
            Contribution("part", "full", "Nothing rests on trust: full credibility", 100.0)
        )
    if stake > 0:
        parties("doubt_discount", ev.doubt_j[0] / stake)
        lines("demand", ev.need[0] / stake)
        conds("demand", prm.gamma * ev.sacrifice[0] / stake)
    if d_total > 0:
        parties("trust_prior", ev.demand_j[0] * ev.trust_j[0] / d_total)
    elif model.recipients:
        parties("trust_prior", ev.trust_j[0] / len(model.recipients))

    keys, labels, amounts = _line_supply_shares(model, ev)
    out["supply_provider"] += _rows("mechanism", keys, labels, list(amounts))
    eff = ev.effect[0]
    m_keys, m_lab = list(model.mechanism_keys), mechanism_labels(model)
    idx = [k for k, covered in enumerate(model.covers_recipients.tolist()) if covered]
    shares = noisy_or_shares(s["supply_recipients"], eff[idx])
    out["supply_recipients"] += _rows(
        "mechanism", [m_keys[k] for k in idx], [m_lab[k] for k in idx], shares
    )

    burden_raw = ev.burden_raw[0]
    if model.conditions and burden_raw.sum() > 0:
        conds("assurance", ev.assured[0] / burden_raw.sum())

    # Section 5.
    lines("risk_proliferation", noisy_or_shares(s["risk_proliferation"], ev.rho[0]))
    _instability(model, ev, s["risk_instability"], out)
    x_r = float((shared_j * model.restraint_recipient).sum())
    if x_r > 0:
        for j, p in enumerate(model.recipients):
            if model.restraint_recipient[j]:
                amount = s["risk_perverse"] * float(shared_j[j]) / x_r
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

    # Section 6.
    signs = ev.signs_j[0]
    cost = ev.cost[0]
    mech_cost = ev.mechanism_cost[0]
    lines("provider_cost", cost)
    out["provider_cost"] += _rows("mechanism", m_keys, m_lab, list(mech_cost))
    n_rec = len(model.recipients)
    cost_j = np.bincount(model.line_rec, cost * signs[model.line_rec], n_rec)
    parties("provider_cost_signers", cost_j)
    out["provider_cost_signers"] += _rows("mechanism", m_keys, m_lab, mech_cost)
    pv = ev.provider_value_k[0] * signs[model.cond_rec]
    conds("provider_value", pv)
    # Per recipient: the value of its commitments less the cost of its lines (signers
    # only); then every mechanism's cost.
    parties("provider_surplus", np.bincount(model.cond_rec, pv, n_rec) - cost_j)
    out["provider_surplus"] += _rows("mechanism", m_keys, m_lab, -mech_cost)
    if not math.isnan(s["leverage"]):
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            conds("leverage", ev.burden[0] * signs[model.cond_rec] / s["provider_cost_signers"])
    if s["viability"] > 0:
        out["viability"].append(
            Contribution("part", "in_force", "Every required party would sign", s["viability"])
        )

    if model.recipients:
        j = int(np.argmin(ev.net_j[0]))
        rec = model.lines_of(j)
        out["min_net_incentive"] += [
            Contribution(
                "line",
                line_keys[i],
                l_lab[i],
                float(ev.value[0][i] - ev.doubt_line[0][i]),
            )
            for i in rec
        ]
        out["min_net_incentive"] += [
            Contribution("condition", cond_keys[k], c_lab[k], -float(ev.burden[0][k]))
            for k in model.conditions_of(j)
        ]
        o = float(ev.outside_j[0][j])
        if o != 0.0:
            out["min_net_incentive"].append(
                Contribution("party", rec_keys[j], f"Outside option of {rec_names[j]}", -o)
            )
    return {name: tuple(rows) for name, rows in out.items()}


def _instability(
    model: Model, ev: Evaluation, total: float, out: dict[str, list[Contribution]]
) -> None:
    """Instability: the noisy-OR of destabilising lines, excluded parties and inequality,
    then the stabilising lines' (negative) share ``R_instab - R_without_them``."""
    dets = ev.deterrence[0]
    positive = np.maximum(dets, 0.0)
    r_sel = float(ev.selective_risk[0])
    f = float(noisy_or(positive[None, :])[0]) if dets.size else 0.0
    without = 1.0 - (1.0 - f) * (1.0 - r_sel)
    sources = np.concatenate(
        [positive, ev.resentment[0], [model.params.inequality_weight * float(ev.inequality[0])]]
    )
    shares = noisy_or_shares(without, sources)
    n_l, n_b = len(model.lines), len(model.bystanders)
    neg = -np.minimum(dets, 0.0)
    weights = -np.log1p(-np.clip(neg, 0.0, 1.0 - 1e-15)) if n_l else np.zeros(0)
    delta = total - without
    wsum = float(weights.sum())
    labels = line_labels(model)
    for i, ln in enumerate(model.lines):
        amount = shares[i] + (delta * float(weights[i]) / wsum if wsum > 0 else 0.0)
        out["risk_instability"].append(Contribution("line", ln.key, labels[i], amount))
    for b, party in enumerate(model.bystanders):
        out["risk_instability"].append(
            Contribution(
                "party", party.key, f"Resentment of {party.name} (left out)", shares[n_l + b]
            )
        )
    out["risk_instability"].append(
        Contribution(
            "part",
            "inequality",
            "Inequality: benefits concentrated on a few recipients",
            shares[n_l + n_b],
        )
    )
    if wsum <= 0 and abs(delta) > 0:
        out["risk_instability"].append(
            Contribution("part", "stabilising", "Stabilising items", delta)
        )


def credibility_explanation(ev: Evaluation) -> CredibilityExplanation:
    """Spell out credibility and the doubt discount for the point values."""
    supply = float(ev.scores["supply_provider"][0])
    demand = float(ev.scores["demand"][0])
    cred = float(ev.scores["credibility"][0])
    delta = float(ev.scores["doubt_discount"][0])
    if float(ev.demand_total[0]) <= 0:
        return CredibilityExplanation(
            supply,
            demand,
            None,
            True,
            "Nothing the recipients receive or give up rests on the provider's word, so "
            "credibility is 100.",
            cred,
            delta,
        )
    text = (
        f"Credibility {cred:.0f}; recipients write off {100 * delta:.0f}% of the deal for "
        f"doubt. {100 * demand:.0f}% of what they stake rests on the provider's word; "
        f"their trust prior is {float(ev.scores['trust_prior'][0]):.2f} and the mechanisms "
        f"binding the provider supply {supply:.2f}."
    )
    return CredibilityExplanation(
        supply, demand, cred / 100.0, cred >= 100.0 - 1e-9, text, cred, delta
    )


def mechanism_effects(model: Model, ev: Evaluation) -> list[MechanismEffect]:
    """Leave-one-out effects from the rows of a ``point_draws(leave_one_out=True)``
    evaluation: row ``1 + k`` lacks mechanism ``k``, the last row staged reciprocity."""
    n_mech = len(model.mechanisms)
    if ev.scores["credibility"].shape[0] < n_mech + 2:
        return []
    names = ("credibility", "assurance", "risk_proliferation", "risk_overall", "provider_cost")
    base = {k: float(ev.scores[k][0]) for k in names}
    labels = mechanism_labels(model)
    out: list[MechanismEffect] = []

    def row(key: str, label: str, covers: str, r: int) -> MechanismEffect:
        without = {k: float(ev.scores[k][r]) for k in names}
        return MechanismEffect(
            key=key,
            label=label,
            covers=covers,
            credibility_without=without["credibility"],
            credibility_drop=base["credibility"] - without["credibility"],
            assurance_drop=None
            if math.isnan(base["assurance"])
            else base["assurance"] - without["assurance"],
            proliferation_rise=without["risk_proliferation"] - base["risk_proliferation"],
            overall_risk_rise=without["risk_overall"] - base["risk_overall"],
            cost=base["provider_cost"] - without["provider_cost"],
        )

    for k, mech in enumerate(model.mechanisms):
        out.append(row(mech.key, labels[k], str(mech.covers), 1 + k))
    if bool((ev.staged_j[0] > 0).any()):
        out.append(
            row(STAGED_KEY, "Staged reciprocity (derived from the phases)", "provider", n_mech + 1)
        )
    return out
