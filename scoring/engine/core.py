"""The scoring formulas of sections 3 to 6, vectorised over samples.

``evaluate`` takes a compiled ``Model`` and ``Draws`` of ``n`` samples and returns
every intermediate quantity as arrays with a leading sample axis. The
deterministic score is the same function applied to one sample of point values,
so point values and Monte Carlo samples can never disagree about a formula.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .levers import apply_levers
from .model import Model
from .params import ParameterSet
from .sampling import Draws

FloatArray = NDArray[np.float64]

SCORE_NAMES: tuple[str, ...] = (
    "credibility",
    "demand",
    "supply_provider",
    "supply_recipients",
    "credibility_gap",
    "assurance",
    "power_sharing",
    "power_max",
    "risk_proliferation",
    "risk_instability",
    "risk_perverse",
    "risk_signalling",
    "risk_framing",
    "risk_overall",
    "provider_cost",
    "leverage",
    "min_net_incentive",
)
"""Every score the engine reports, in display order."""

# Indices into ITEM_ATTRIBUTES ("p", "t", "r", "d", "q", "c", "v", "a").
_P, _T, _R, _D, _Q, _C, _V, _A = range(8)


LABELS: tuple[str, ...] = ("benefit_sharing", "borderline", "power_sharing")


def draft_labels(power: FloatArray, power_max: FloatArray, prm: ParameterSet) -> NDArray[np.int64]:
    """Label index (into ``LABELS``) of each sample from ``P`` and ``P_max`` (section 3)."""
    strong = (power >= prm.label_power_p) | (power_max >= prm.label_power_max)
    return np.where(strong, 2, np.where(power >= prm.label_borderline_p, 1, 0)).astype(np.int64)


def line_label(ps: float, prm: ParameterSet) -> str:
    """Label of one line from its power share ``ps_i``."""
    if ps >= prm.line_power:
        return LABELS[2]
    return LABELS[1] if ps >= prm.line_borderline else LABELS[0]


def noisy_or(x: FloatArray) -> FloatArray:
    """``1 - prod(1 - x)`` along the last axis (0 for an empty axis)."""
    return np.asarray(1.0 - np.prod(1.0 - x, axis=-1), dtype=np.float64)


def _ratio(num: FloatArray, den: FloatArray, fallback: float | FloatArray) -> FloatArray:
    safe = np.where(den > 0, den, 1.0)
    # A vanishing positive denominator gives inf, which results report as null.
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        quotient = num / safe
    return np.asarray(np.where(den > 0, quotient, fallback), dtype=np.float64)


@dataclass(frozen=True)
class Evaluation:
    """Every quantity of sections 3-6 for ``n`` samples (leading axis ``n``)."""

    # Lines (n, L).
    p: FloatArray
    d: FloatArray
    r: FloatArray
    v: FloatArray
    t: FloatArray
    value: FloatArray
    ps: FloatArray
    need: FloatArray
    rho: FloatArray
    deterrence: FloatArray
    signal_line: FloatArray
    cost: FloatArray
    # Recipients (n, R).
    value_j: FloatArray
    need_j: FloatArray
    sacrifice_j: FloatArray
    burden_j: FloatArray
    distrust_j: FloatArray
    demand_j: FloatArray
    demand_ratio_j: FloatArray
    credibility_j: FloatArray
    believed_j: FloatArray
    net_j: FloatArray
    exposure_j: FloatArray
    # Conditions (n, K).
    burden: FloatArray
    verifiability: FloatArray
    sacrifice: FloatArray
    assured: FloatArray
    signal_condition: FloatArray
    framing: FloatArray
    # Mechanisms (n, M).
    effect: FloatArray
    # Scenario (n,).
    omega: FloatArray
    demand_den: FloatArray
    total_value: FloatArray
    selectivity: FloatArray
    eta: FloatArray
    psi: FloatArray
    risks: FloatArray
    """(n, 5) in the order of ``RISK_NAMES``."""
    scores: dict[str, FloatArray]
    """Each name of ``SCORE_NAMES`` -> (n,); NaN where a score is undefined."""


def _gini(x: FloatArray) -> FloatArray:
    """Gini coefficient along the last axis (0 when all values are 0 or n < 2)."""
    n = x.shape[-1]
    if n < 2:
        return np.zeros(x.shape[:-1])
    xs = np.sort(x, axis=-1)
    ranks = np.arange(1, n + 1, dtype=np.float64)
    total = xs.sum(axis=-1)
    g = _ratio(2.0 * (xs * ranks).sum(axis=-1), n * total, 0.0) - (n + 1.0) / n
    return np.asarray(np.where(total > 0, np.clip(g, 0.0, 1.0), 0.0), dtype=np.float64)


def _positive_correlation(a: FloatArray, b: FloatArray) -> FloatArray:
    """``max(0, Pearson(a, b))`` along the last axis; 0 with < 2 values or no variance."""
    if a.shape[-1] < 2:
        return np.zeros(a.shape[:-1])
    da = a - a.mean(axis=-1, keepdims=True)
    db = b - b.mean(axis=-1, keepdims=True)
    cov = (da * db).sum(axis=-1)
    var = np.sqrt((da * da).sum(axis=-1) * (db * db).sum(axis=-1))
    tiny = 1e-12
    corr = _ratio(cov, np.where(var > tiny, var, 0.0), 0.0)
    return np.clip(corr, 0.0, 1.0)


def evaluate(model: Model, draws: Draws) -> Evaluation:
    """Apply sections 3-6 to every sample of ``draws``."""
    prm = model.params
    n = draws.n
    # (8, n, L): one contiguous (samples x lines) block per attribute.
    attrs = np.ascontiguousarray(np.moveaxis(draws.item, -1, 0))[:, :, model.line_item]
    p, d, r, v = apply_levers(model.levers, attrs[_P], attrs[_D], attrs[_R], attrs[_V])
    t = attrs[_T]
    m = model.magnitude
    value = m * v
    ps = p + (1.0 - p) * prm.lambda_ * m * v * (1.0 - r)
    total_value = value.sum(axis=-1)
    n_lines = value.shape[-1]
    mean_ps = ps.mean(axis=-1) if n_lines else np.zeros(n)
    power = _ratio((value * ps).sum(axis=-1), total_value, mean_ps)
    power_max = ps.max(axis=-1) if n_lines else np.zeros(n)

    # Section 4: demand.
    need = value * (prm.alpha * (1.0 - t) + (1.0 - prm.alpha) * r)
    onehot_l = model.line_rec_onehot
    onehot_k = model.cond_rec_onehot
    value_j = value @ onehot_l
    need_j = need @ onehot_l
    burden = draws.condition[..., 0]
    verif = draws.condition[..., 1]
    sacrifice = burden * (1.0 - prm.reversible_sacrifice_discount * model.cond_reversible)
    sacrifice_j = sacrifice @ onehot_k
    burden_j = burden @ onehot_k
    trust = draws.party[..., 0]
    capability = draws.party[..., 1]
    security = draws.party[..., 2]
    distrust = prm.distrust_base + prm.distrust_slope * (1.0 - trust)
    demand_j = distrust * (need_j + prm.gamma * sacrifice_j)
    den_j = value_j + prm.gamma * sacrifice_j
    demand_den = den_j.sum(axis=-1)
    demand = _ratio(demand_j.sum(axis=-1), demand_den, 0.0)

    # Section 4: supply.
    e_type = draws.mtype[:, model.mech_type, 0]
    eps_type = draws.mtype[:, model.mech_type, 1]
    strength = draws.strength
    if model.has_phased:
        in_rev = burden * model.cond_in_reversible_phase
        share = _ratio(in_rev.sum(axis=-1), burden.sum(axis=-1), 0.0)
        strength = np.concatenate([strength, share[:, None]], axis=-1)
    effect = e_type * strength * (1.0 - eps_type * draws.dsa[:, None])
    supply_p = noisy_or(np.where(model.covers_provider, effect, 0.0))
    supply_r = noisy_or(np.where(model.covers_recipients, effect, 0.0))
    credibility = np.minimum(1.0, _ratio(supply_p, demand, 1.0))
    gap = np.maximum(0.0, demand - supply_p)
    demand_ratio_j = _ratio(demand_j, den_j, 0.0)
    credibility_j = np.minimum(1.0, _ratio(supply_p[:, None], demand_ratio_j, 1.0))
    assured = burden * (1.0 - (1.0 - verif) * (1.0 - supply_r[:, None]))
    assurance = _ratio(assured.sum(axis=-1), burden.sum(axis=-1), np.nan)

    # Section 5: risks.
    exposure_j = np.clip(
        prm.exposure_security_weight * (1.0 - security)
        + prm.exposure_hostility_weight * model.hostility,
        0.0,
        1.0,
    )
    rho = (
        m
        * d
        * exposure_j[:, model.line_rec]
        * (1.0 - prm.proliferation_assurance_factor * supply_r[:, None])
    )
    r_prolif = noisy_or(rho)
    deterrence = m * attrs[_Q]
    everyone = np.concatenate([value_j, np.zeros((n, len(model.bystanders)))], axis=-1)
    selectivity = _gini(everyone)
    r_instab = 1.0 - (1.0 - noisy_or(deterrence)) * (1.0 - prm.selectivity_weight * selectivity)
    eta = _ratio((value_j * model.restraint_recipient).sum(axis=-1), value_j.sum(axis=-1), 0.0)
    psi = _positive_correlation(capability, value_j)
    r_perverse = np.clip(eta * (prm.perverse_base + prm.perverse_slope * psi), 0.0, 1.0)
    signal_line = value * attrs[_A]
    signal_condition = burden * model.cond_restraint
    r_signal = 1.0 - np.exp(
        -prm.signalling_rate * (signal_line.sum(axis=-1) + signal_condition.sum(axis=-1))
    )
    framing = burden * model.cond_race
    r_framing = noisy_or(framing)
    risks = np.stack([r_prolif, r_instab, r_perverse, r_signal, r_framing], axis=-1)
    r_overall = risks @ model.risk_weights

    # Section 6: participation and cost-effectiveness.
    believed_j = value_j - (1.0 - credibility_j) * need_j
    net_j = believed_j - burden_j
    cost = m * attrs[_C]
    provider_cost = cost.sum(axis=-1)
    leverage = _ratio(burden_j.sum(axis=-1), provider_cost, np.nan)
    min_net = net_j.min(axis=-1)

    scores = {
        "credibility": 100.0 * credibility,
        "demand": demand,
        "supply_provider": supply_p,
        "supply_recipients": supply_r,
        "credibility_gap": gap,
        "assurance": assurance,
        "power_sharing": power,
        "power_max": power_max,
        "risk_proliferation": risks[:, 0],
        "risk_instability": risks[:, 1],
        "risk_perverse": risks[:, 2],
        "risk_signalling": risks[:, 3],
        "risk_framing": risks[:, 4],
        "risk_overall": r_overall,
        "provider_cost": provider_cost,
        "leverage": leverage,
        "min_net_incentive": min_net,
    }
    return Evaluation(
        p=p, d=d, r=r, v=v, t=t, value=value, ps=ps, need=need, rho=rho,
        deterrence=deterrence, signal_line=signal_line, cost=cost,
        value_j=value_j, need_j=need_j, sacrifice_j=sacrifice_j, burden_j=burden_j,
        distrust_j=distrust, demand_j=demand_j, demand_ratio_j=demand_ratio_j,
        credibility_j=credibility_j, believed_j=believed_j, net_j=net_j, exposure_j=exposure_j,
        burden=burden, verifiability=verif, sacrifice=sacrifice, assured=assured,
        signal_condition=signal_condition, framing=framing, effect=effect,
        omega=draws.omega, demand_den=demand_den, total_value=total_value,
        selectivity=selectivity, eta=eta, psi=psi, risks=risks, scores=scores,
    )  # fmt: skip
