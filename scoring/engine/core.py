"""The scoring formulas of sections 3 to 6, vectorised over samples.

``evaluate`` takes a compiled ``Model`` and ``Draws`` of ``n`` samples and returns
every intermediate quantity as arrays with a leading sample axis. The
deterministic score is the same function applied to one sample of point values,
so point values and Monte Carlo samples can never disagree about a formula.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .levers import apply_levers
from .model import CLUSTER_ORDER, Model
from .params import ParameterSet
from .sampling import Draws
from .types import Purpose

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

SCORE_NAMES: tuple[str, ...] = (
    "credibility",
    "doubt_discount",
    "demand",
    "trust_prior",
    "supply_provider",
    "supply_recipients",
    "credibility_gap",
    "assurance",
    "power_sharing",
    "power_max",
    "power_bundle_max",
    "risk_proliferation",
    "risk_instability",
    "risk_perverse",
    "risk_signalling",
    "risk_framing",
    "risk_overall",
    "viability",
    "provider_cost",
    "provider_cost_signers",
    "provider_value",
    "provider_surplus",
    "leverage",
    "min_net_incentive",
)
"""Every score the engine reports, in display order."""

# Indices into ITEM_ATTRIBUTES ("p", "t", "r", "d", "q", "c", "v", "a").
_P, _T, _R, _D, _Q, _C, _V, _A = range(8)


LABELS: tuple[str, ...] = ("benefit_sharing", "borderline", "power_sharing")


def draft_labels(
    power: FloatArray, power_max: FloatArray, bundle_max: FloatArray, prm: ParameterSet
) -> NDArray[np.int64]:
    """Label index (into ``LABELS``) of each sample from ``P``, the largest line ``p'``
    and the largest recipient bundle ``PS_j`` (section 3)."""
    strong = (
        (power >= prm.label_power_p)
        | (power_max >= prm.label_power_max)
        | (bundle_max >= prm.label_power_bundle)
    )
    middle = (power >= prm.label_borderline_p) | (bundle_max >= prm.label_borderline_bundle)
    return np.where(strong, 2, np.where(middle, 1, 0)).astype(np.int64)


def line_label(ps: float, prm: ParameterSet) -> str:
    """Label of one line from its power share ``ps_i``."""
    if ps >= prm.line_power:
        return LABELS[2]
    return LABELS[1] if ps >= prm.line_borderline else LABELS[0]


def noisy_or(x: FloatArray) -> FloatArray:
    """``1 - prod(1 - x)`` along the last axis (0 for an empty axis)."""
    return np.asarray(1.0 - np.prod(1.0 - x, axis=-1), dtype=np.float64)


def _ratio(num: FloatArray, den: FloatArray, fallback: float | FloatArray) -> FloatArray:
    """``num / den`` where ``den > 0``, else ``fallback`` (broadcast); one pass, no copies
    of ``np.where`` (which costs several multiplications on large sample arrays)."""
    num, den = np.asarray(num, dtype=np.float64), np.asarray(den, dtype=np.float64)
    out = np.empty(np.broadcast(num, den, fallback).shape)
    out[...] = fallback
    # A vanishing positive denominator gives inf, which results report as null.
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        np.divide(num, den, out=out, where=den > 0)
    return out


@dataclass(frozen=True)
class Evaluation:
    """Every quantity of sections 3-6 for ``n`` samples (leading axis ``n``)."""

    # Lines (n, L).
    p: FloatArray
    d: FloatArray
    r: FloatArray
    v: FloatArray
    t: FloatArray
    q: FloatArray
    shared: FloatArray
    """``X_i = m_i v'_i``: what outsiders see."""
    value: FloatArray
    """``V_i = X_i mu_(j,c)``: what the line is worth to its recipient."""
    multiplier: FloatArray
    ps: FloatArray
    need_share: FloatArray
    need: FloatArray
    """``V_i n_i``: the part of the line's value that rests on trust."""
    trust_line: FloatArray
    supply_line: FloatArray
    supply_rec_line: FloatArray
    belief: FloatArray
    doubt_line: FloatArray
    rho: FloatArray
    zeta: FloatArray
    deterrence: FloatArray
    """``m_i q_i`` (signed)."""
    signal_line: FloatArray
    cost: FloatArray
    # Recipients (n, R).
    shared_j: FloatArray
    value_j: FloatArray
    need_j: FloatArray
    bundle_j: FloatArray
    sacrifice_j: FloatArray
    burden_j: FloatArray
    trust_j: FloatArray
    belief_j: FloatArray
    demand_j: FloatArray
    doubt_j: FloatArray
    stake_j: FloatArray
    demand_ratio_j: FloatArray
    credibility_j: FloatArray
    staged_j: FloatArray
    believed_j: FloatArray
    outside_j: FloatArray
    net_j: FloatArray
    margin_j: FloatArray
    """Coalition margin ``M_j`` (10a) of members; ``+inf`` for non-members."""
    signs_j: FloatArray
    """1.0 where the recipient would sign (section 6), else 0.0."""
    exposure_j: FloatArray
    capability_j: FloatArray
    # Bystanders (n, B).
    resentment: FloatArray
    # Conditions (n, K).
    burden: FloatArray
    """Effective burden ``beta'_k``."""
    burden_raw: FloatArray
    verifiability: FloatArray
    sacrifice: FloatArray
    doubt_condition: FloatArray
    assured: FloatArray
    signal_condition: FloatArray
    framing: FloatArray
    provider_value_k: FloatArray
    # Mechanisms (n, M).
    effect: FloatArray
    mechanism_cost: FloatArray
    # Scenario (n,).
    omega: FloatArray
    dsa: FloatArray
    demand_total: FloatArray
    total_value: FloatArray
    total_shared: FloatArray
    inequality: FloatArray
    deterrence_risk: FloatArray
    selective_risk: FloatArray
    eta: FloatArray
    kbar: FloatArray
    risks: FloatArray
    """(n, 5) in the order of ``RISK_NAMES``."""
    scores: dict[str, FloatArray]
    """Each name of ``SCORE_NAMES`` -> (n,); NaN where a score is undefined."""


def weighted_inequality(x: FloatArray) -> FloatArray:
    """``G = sum_jk s_j s_k |x_j - x_k| / (2 sum_j s_j x_j)``, ``s = x / sum x``, along
    the last axis (0 when every value is 0): a party worth ``eps`` moves it by ``O(eps)``."""
    # With s = x / T: sum_jk x_j x_k |x_j - x_k| / (T sum x^2 ... ) computed on sorted
    # values, pairs j < k: x_k * (x_k * sum_(j<k) x_j - sum_(j<k) x_j^2), O(R log R).
    xs = np.sort(x, axis=-1)
    c1 = np.cumsum(xs, axis=-1) - xs
    c2 = np.cumsum(xs * xs, axis=-1) - xs * xs
    pairs = (xs * (xs * c1 - c2)).sum(axis=-1)
    total = xs.sum(axis=-1)
    squares = (xs * xs).sum(axis=-1)
    return np.clip(_ratio(pairs, total * squares, 0.0), 0.0, 1.0)


def supply_by_rank(
    effect: FloatArray, covers: BoolArray, phase: IntArray, n_ranks: int
) -> FloatArray:
    """Noisy-OR of the covering mechanisms in force at each phase rank, shape (n, ranks)."""
    cols = [
        noisy_or(np.where(covers & (phase <= rank), effect, 0.0)) for rank in range(1, n_ranks + 1)
    ]
    return np.stack(cols, axis=-1)


def evaluate(model: Model, draws: Draws) -> Evaluation:
    """Apply sections 3-6 to every sample of ``draws``."""
    prm = model.params
    n = draws.n
    n_rec = len(model.recipients)
    # (8, n, L): one contiguous (samples x lines) block per attribute.
    # ``attrs`` is a new array, so the levers may transform its blocks in place.
    attrs = np.take(draws.item, model.line_item, axis=2)
    p, d, r, v = apply_levers(
        model.levers, attrs[_P], attrs[_D], attrs[_R], attrs[_V], in_place=True
    )
    t, q = attrs[_T], attrs[_Q]
    m = model.magnitude
    onehot_l = model.line_rec_onehot
    onehot_k = model.cond_rec_onehot
    line_rec, cond_rec = model.line_rec, model.cond_rec
    n_lines = m.shape[0]

    party = draws.party
    trust = party[:, :n_rec, 0]
    capability = party[:, :n_rec, 1]
    security = party[:, :n_rec, 2]
    need_nu = party[:, :n_rec, 3]
    threat = party[:, :n_rec, 4]
    outside = party[:, :n_rec, 5]

    # Section 3: value and power sharing.
    mult = np.stack(
        [
            prm.multiplier_financial_base + need_nu,
            prm.multiplier_frontier_base - capability,
            prm.multiplier_security_base + threat,
            prm.multiplier_seats_base + prm.multiplier_seats_slope * capability,
            np.ones_like(capability),
        ],
        axis=-1,
    )
    if model.has_override:
        mult = np.where(np.isnan(model.multiplier_override), mult, model.multiplier_override)
    mult = np.clip(mult, prm.multiplier_low, prm.multiplier_high)
    mu = np.take(mult.reshape(n, -1), line_rec * len(CLUSTER_ORDER) + model.line_cluster, axis=1)
    shared = m * v
    value = shared * mu
    shared_j = shared @ onehot_l
    value_j = value @ onehot_l
    counts = onehot_l.sum(axis=0)
    if bool((shared_j > 0.0).all()):  # the fallback (mean p of the lines) is not used
        mean_p_j: FloatArray | float = 0.0
    else:
        mean_p_j = _ratio(p @ onehot_l, np.broadcast_to(counts, (n, n_rec)), 0.0)
    pbar_j = _ratio((shared * p) @ onehot_l, shared_j, mean_p_j)
    irrevocable = np.subtract(1.0, r)
    irrevocable *= shared
    irrevocable_j = irrevocable @ onehot_l
    bundle_j = pbar_j + (1.0 - pbar_j) * prm.lambda_ * (
        1.0 - np.exp(-irrevocable_j / prm.bundle_value_scale)
    )
    total_shared = shared_j.sum(axis=-1)
    has_lines = counts > 0
    fallback_p = (bundle_j * has_lines).sum(axis=-1) / max(1, int(has_lines.sum()))
    power = _ratio((shared_j * bundle_j).sum(axis=-1), total_shared, fallback_p)
    power_max = p.max(axis=-1) if n_lines else np.zeros(n)
    bundle_max = bundle_j.max(axis=-1) if n_rec else np.zeros(n)

    # Section 6 (first part): effective burden.
    burden_raw = draws.condition[..., 0]
    verif = draws.condition[..., 1]
    cap_k = np.take(capability, cond_rec, axis=1)
    scale = np.where(model.cond_scaled, 1.0 + prm.xi_capability * (cap_k - 0.5), 1.0)
    burden = burden_raw * scale * (1.0 - prm.rho_reversible * model.cond_reversible)
    burden_j = burden @ onehot_k
    sacrifice = burden * (1.0 - prm.reversible_sacrifice_discount * model.cond_reversible)
    sacrifice_j = sacrifice @ onehot_k

    # Section 4: supply, by phase.
    dsa = draws.dsa
    e_type = np.take(draws.mtype[:, :, 0], model.mech_type, axis=1)
    eps_type = np.take(draws.mtype[:, :, 1], model.mech_type, axis=1)
    cost_type = np.take(draws.mtype[:, :, 2], model.mech_type, axis=1)
    strength = draws.strength
    effect = e_type * strength * (1.0 - eps_type * dsa[:, None])
    s_prov = supply_by_rank(effect, model.covers_provider, model.mech_phase, model.n_ranks)
    s_rec = supply_by_rank(effect, model.covers_recipients, model.mech_phase, model.n_ranks)
    if model.staged_fixed is not None:
        staged_strength = np.broadcast_to(model.staged_fixed, (n, n_rec))
    else:
        staged_strength = _ratio((burden * model.cond_staged) @ onehot_k, burden_j, 0.0)
    staged_j = (
        prm.staged_effectiveness
        * staged_strength
        * (1.0 - prm.staged_erosion * dsa[:, None])
        * draws.staged_on[:, None]
    )
    rank_l = model.line_phase - 1
    if model.staged_possible.any():
        # ``1 - take(x)`` is ``take(1 - x)`` element by element; the small arrays are cheaper.
        supply_line = np.take(1.0 - s_prov, rank_l, axis=1)
        supply_line *= np.take(1.0 - staged_j, line_rec, axis=1)
        np.subtract(1.0, supply_line, out=supply_line)
    else:
        supply_line = np.take(s_prov, rank_l, axis=1)
    supply_rec_line = np.take(s_rec, rank_l, axis=1)

    # Section 4: belief, demand and doubt.
    trust_j = trust * (1.0 - prm.theta_dsa * dsa[:, None])
    later = np.where(model.line_phase > 1, 1.0 - prm.chi_later_phase, 1.0)
    trust_line = np.take(trust_j, line_rec, axis=1) * later
    belief = np.subtract(1.0, trust_line)
    belief *= 1.0 - supply_line
    np.subtract(1.0, belief, out=belief)
    need_share = np.subtract(1.0, t)
    need_share *= prm.alpha
    need_share += (1.0 - prm.alpha) * r
    need = value * need_share
    need_j = need @ onehot_l
    belief_j = _ratio((need * belief) @ onehot_l, need_j, trust_j)
    demand_j = need_j + prm.gamma * sacrifice_j
    doubt_line = np.subtract(1.0, belief)
    np.multiply(need, doubt_line, out=doubt_line)
    doubt_condition = prm.gamma * sacrifice * (1.0 - np.take(belief_j, cond_rec, axis=1))
    doubt_line_j = doubt_line @ onehot_l
    doubt_j = doubt_line_j + doubt_condition @ onehot_k
    credibility_j = 1.0 - _ratio(doubt_j, demand_j, 0.0)
    demand_total = demand_j.sum(axis=-1)
    shortfall = _ratio(doubt_j.sum(axis=-1), demand_total, 0.0)
    stake_j = value_j + prm.gamma * sacrifice_j
    stake = stake_j.sum(axis=-1)
    doubt_discount = _ratio(doubt_j.sum(axis=-1), stake, 0.0)
    demand = _ratio(demand_total, stake, 0.0)
    demand_ratio_j = _ratio(demand_j, stake_j, 0.0)
    trust_prior = _ratio(
        (demand_j * trust_j).sum(axis=-1),
        demand_total,
        trust_j.mean(axis=-1) if n_rec else np.zeros(n),
    )
    supply_p = _ratio((need * supply_line).sum(axis=-1), need.sum(axis=-1), s_prov[:, -1])
    supply_r = s_rec[:, -1]
    assured = burden_raw * (
        1.0 - (1.0 - verif) * (1.0 - np.take(s_rec, model.cond_phase - 1, axis=1))
    )
    assurance = _ratio(assured.sum(axis=-1), burden_raw.sum(axis=-1), np.nan)

    # Section 5: risks.
    hostility = model.hostility
    reach = prm.exposure_capability_base + (1.0 - prm.exposure_capability_base) * capability
    exposure_j = 1.0 - (1.0 - hostility * reach) * (
        1.0 - prm.exposure_security_weight * (1.0 - security)
    )
    zeta = prm.recall_slope * r
    np.add(prm.recall_base, zeta, out=zeta)
    rho = m * d
    rho *= np.take(exposure_j, line_rec, axis=1)
    recalled = zeta * supply_rec_line
    np.subtract(1.0, recalled, out=recalled)
    rho *= recalled
    r_prolif = noisy_or(rho)
    deterrence = m * q
    if model.any_stabilising:  # q is sampled within its sign, so the sign is static
        r_det = noisy_or(np.maximum(deterrence, 0.0)) * np.prod(
            1.0 + np.minimum(deterrence, 0.0), axis=-1
        )
        open_shared = np.where(model.line_stabilising, 0.0, shared)
    else:
        r_det = noisy_or(deterrence)
        open_shared = shared
    pressure = 1.0 - np.exp(-open_shared.sum(axis=-1) / prm.selective_value_scale)
    by_cap = party[:, n_rec:, 1]
    floor = prm.selective_capability_floor
    weight_cap = np.clip((by_cap - floor) / (1.0 - floor), 0.0, 1.0)
    resentment = (
        model.bystander_weight * weight_cap**2 * model.bystander_hostility * pressure[:, None]
    )
    open_j = shared_j if open_shared is shared else open_shared @ onehot_l
    inequality = weighted_inequality(open_j) if n_rec else np.zeros(n)
    r_sel = 1.0 - np.prod(1.0 - resentment, axis=-1) * (1.0 - prm.inequality_weight * inequality)
    r_instab = 1.0 - (1.0 - r_det) * (1.0 - r_sel)
    restrained = model.restraint_recipient
    x_r = (shared_j * restrained).sum(axis=-1)
    eta = _ratio(x_r, total_shared, 0.0) * (1.0 - np.exp(-x_r / prm.perverse_value_scale))
    kbar = _ratio((shared_j * restrained * capability).sum(axis=-1), x_r, 0.0)
    r_perverse = np.clip(eta * (prm.perverse_base + prm.perverse_slope * kbar), 0.0, 1.0)
    signal_line = shared * attrs[_A]
    signal_condition = burden_raw * model.cond_restraint
    r_signal = 1.0 - np.exp(
        -prm.signalling_rate * (signal_line.sum(axis=-1) + signal_condition.sum(axis=-1))
    )
    framing = burden_raw * model.cond_race
    r_framing = noisy_or(framing)
    risks = np.stack([r_prolif, r_instab, r_perverse, r_signal, r_framing], axis=-1)
    r_overall = risks @ model.risk_weights

    # Section 6: participation, cost and the provider's side.
    believed_j = value_j - doubt_line_j
    net_j = believed_j - burden_j - outside
    tol = prm.stability_tolerance
    omega = draws.omega
    if model.snapshot.purpose == Purpose.COALITION:
        members = model.member
        pivotal = int(members.sum()) - 1 < model.snapshot.min_participation
        member_k = (burden_j * members).sum(axis=-1, keepdims=True)
        kept = member_k if pivotal else burden_j
        margin_j = np.where(members, net_j + omega[:, None] * kept, np.inf)
        signs = (net_j >= -tol) & (margin_j >= -tol)
        n_sign = (signs & members).sum(axis=-1)
        viable = n_sign >= max(1, model.snapshot.min_participation)
    else:
        margin_j = np.full_like(net_j, np.inf)
        signs = net_j >= -tol
        viable = signs.all(axis=-1) if n_rec else np.zeros(n, dtype=np.bool_)
    signs_j = signs.astype(np.float64)
    cost = m * attrs[_C]
    mechanism_cost = strength * cost_type
    mech_total = mechanism_cost.sum(axis=-1)
    provider_cost = cost.sum(axis=-1) + mech_total
    cost_signers = (cost * np.take(signs_j, line_rec, axis=1)).sum(axis=-1) + mech_total
    provider_value_k = burden * model.cond_pi
    provider_value = (provider_value_k * np.take(signs_j, cond_rec, axis=1)).sum(axis=-1)
    leverage = _ratio((burden_j * signs_j).sum(axis=-1), cost_signers, np.nan)
    min_net = net_j.min(axis=-1) if n_rec else np.zeros(n)

    scores = {
        "credibility": 100.0 * (1.0 - shortfall),
        "doubt_discount": doubt_discount,
        "demand": demand,
        "trust_prior": trust_prior,
        "supply_provider": supply_p,
        "supply_recipients": supply_r,
        "credibility_gap": shortfall,
        "assurance": assurance,
        "power_sharing": power,
        "power_max": power_max,
        "power_bundle_max": bundle_max,
        "risk_proliferation": risks[:, 0],
        "risk_instability": risks[:, 1],
        "risk_perverse": risks[:, 2],
        "risk_signalling": risks[:, 3],
        "risk_framing": risks[:, 4],
        "risk_overall": r_overall,
        "viability": viable.astype(np.float64),
        "provider_cost": provider_cost,
        "provider_cost_signers": cost_signers,
        "provider_value": provider_value,
        "provider_surplus": provider_value - cost_signers,
        "leverage": leverage,
        "min_net_incentive": min_net,
    }
    return Evaluation(
        p=p, d=d, r=r, v=v, t=t, q=q, shared=shared, value=value, multiplier=mu, ps=p,
        need_share=need_share, need=need, trust_line=trust_line, supply_line=supply_line,
        supply_rec_line=supply_rec_line, belief=belief, doubt_line=doubt_line, rho=rho,
        zeta=zeta, deterrence=deterrence, signal_line=signal_line, cost=cost,
        shared_j=shared_j, value_j=value_j, need_j=need_j, bundle_j=bundle_j,
        sacrifice_j=sacrifice_j, burden_j=burden_j, trust_j=trust_j, belief_j=belief_j,
        demand_j=demand_j, doubt_j=doubt_j, stake_j=stake_j, demand_ratio_j=demand_ratio_j,
        credibility_j=credibility_j, staged_j=staged_j, believed_j=believed_j,
        outside_j=outside, net_j=net_j, margin_j=margin_j, signs_j=signs_j,
        exposure_j=exposure_j, capability_j=capability, resentment=resentment,
        burden=burden, burden_raw=burden_raw, verifiability=verif, sacrifice=sacrifice,
        doubt_condition=doubt_condition, assured=assured, signal_condition=signal_condition,
        framing=framing, provider_value_k=provider_value_k, effect=effect,
        mechanism_cost=mechanism_cost, omega=omega, dsa=dsa, demand_total=demand_total,
        total_value=value_j.sum(axis=-1), total_shared=total_shared, inequality=inequality,
        deterrence_risk=r_det, selective_risk=r_sel, eta=eta, kbar=kbar, risks=risks,
        scores=scores,
    )  # fmt: skip


_CHUNK_CELLS = 50_000
"""Samples x lines evaluated at once: blocks that stay in the CPU caches (about 0.4 MB per
(samples x lines) array) make the Monte Carlo formulas about twice as fast as one pass."""
_MIN_CHUNK = 512


@dataclass(frozen=True)
class MonteCarloSamples:
    """Per-sample inputs and outputs of one Monte Carlo run (leading axis ``n``).

    ``draws`` are the sampled inputs (see ``Draws``), ``scores`` every name of
    ``SCORE_NAMES`` -> (n,); the recipient arrays (n, R) are the ``Evaluation`` fields
    of the same name. Other intermediate arrays are not kept (copying them out of every
    block of samples would cost more than the blocks save): evaluate a
    ``draws.rows(start, stop)`` slice with ``evaluate`` when a caller needs them.
    """

    draws: Draws
    scores: dict[str, FloatArray]
    value_j: FloatArray
    burden_j: FloatArray
    believed_j: FloatArray
    credibility_j: FloatArray
    net_j: FloatArray
    margin_j: FloatArray
    signs_j: FloatArray


_KEPT = tuple(f.name for f in dataclasses.fields(MonteCarloSamples))[2:]


def sample_chunks(n: int, n_lines: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of near-equal sample blocks of about ``_CHUNK_CELLS`` cells."""
    size = max(_MIN_CHUNK, _CHUNK_CELLS // max(1, n_lines))
    parts = max(1, -(-n // size))
    edges = [n * k // parts for k in range(parts + 1)]
    return list(itertools.pairwise(edges))


def evaluate_samples(model: Model, draws: Draws) -> MonteCarloSamples:
    """``evaluate`` of every sample, block by block (``sample_chunks``). Each sample gets
    the numbers of one pass over all samples, up to the last bits of the per-recipient
    sums, whose order BLAS picks by matrix size (as it does for any sample count)."""
    n = draws.n
    kept: dict[str, FloatArray] = {}
    scores: dict[str, FloatArray] = {}
    for start, stop in sample_chunks(n, int(model.magnitude.shape[0])):
        ev = evaluate(model, draws if stop - start == n else draws.rows(start, stop))
        if stop - start == n:
            kept = {name: getattr(ev, name) for name in _KEPT}
            scores = ev.scores
            break
        if not kept:
            kept = {
                name: np.empty((n, *getattr(ev, name).shape[1:]), dtype=np.float64)
                for name in _KEPT
            }
            scores = {name: np.empty(n, dtype=np.float64) for name in ev.scores}
        for name in _KEPT:
            kept[name][start:stop] = getattr(ev, name)
        for name, values in ev.scores.items():
            scores[name][start:stop] = values
    return MonteCarloSamples(draws=draws, scores=scores, **kept)
