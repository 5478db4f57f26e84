"""Coalition stability: the draft's own coalition (10a) and the abstract model (10b)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .core import Evaluation, MonteCarloSamples
from .model import Model
from .results import (
    JSON,
    CoalitionResult,
    EngineWarning,
    FreeRider,
    MemberMargin,
    StableSubset,
    plain,
)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def _margins(
    model: Model, ev: Evaluation, members: list[int]
) -> tuple[FloatArray, FloatArray, FloatArray, bool]:
    """Payoff in, payoff out and margin of each member, shape ``(n, members)`` (10a):
    ``u_j(S) = B_j - K_j + omega sum_S K``; leaving gives ``o_j + omega sum_(S - j) K``
    while the rest stays in force, ``o_j`` when ``j`` is pivotal."""
    believed = ev.believed_j[:, members]
    burden = ev.burden_j[:, members]
    outside = ev.outside_j[:, members]
    omega = ev.omega[:, None]
    total = burden.sum(axis=-1, keepdims=True)
    pivotal = len(members) - 1 < model.snapshot.min_participation
    payoff_in = believed - burden + omega * total
    payoff_out = outside if pivotal else outside + omega * (total - burden)
    return payoff_in, payoff_out, payoff_in - payoff_out, pivotal


def subset_margins(
    net: FloatArray, burden: FloatArray, omega: float, masks: BoolArray, threshold: int
) -> FloatArray:
    """Margins ``M_j(S)`` of every member of every set (rows of ``masks``), NaN outside."""
    size = masks.sum(axis=-1, keepdims=True)
    total = (masks * burden).sum(axis=-1, keepdims=True)
    pivotal = size - 1 < threshold
    margin = net + omega * np.where(pivotal, total, burden)
    return np.where(masks, margin, np.nan)


def largest_stable_subset(model: Model, det: Evaluation, members: list[int]) -> StableSubset | None:
    """The largest set of members in which each would sign (``N_j >= 0`` and
    ``M_j(S) >= 0``) and that meets the threshold; ties: the larger total margin.
    Exact over every subset up to ``max_exact_subset`` members, greedy above (drop the
    member with the lowest margin until every margin holds)."""
    prm = model.params
    tol = prm.stability_tolerance
    threshold = max(1, model.snapshot.min_participation)
    net = det.net_j[0, members]
    burden = det.burden_j[0, members]
    omega = float(det.omega[0])
    n = len(members)
    if n == 0:
        return None
    if n <= prm.max_exact_subset:
        masks = membership(n)
        margins = subset_margins(net, burden, omega, masks, threshold)
        ok = np.where(masks, (margins >= -tol) & (net >= -tol), True).all(axis=-1)
        size = masks.sum(axis=-1)
        ok &= size >= threshold
        if not ok.any():
            return _subset_result(model, members, None, net, burden, omega, threshold, "exact")
        total = np.where(masks, margins, 0.0).sum(axis=-1)
        rows = np.flatnonzero(ok)
        pick = rows[np.lexsort((-total[rows], -size[rows]))][0]
        return _subset_result(model, members, masks[pick], net, burden, omega, threshold, "exact")
    chosen = np.ones(n, dtype=np.bool_)
    while chosen.any():
        m = subset_margins(net, burden, omega, chosen[None, :], threshold)[0]
        worst = np.where(chosen, np.minimum(m, net), np.inf)
        k = int(np.argmin(worst))
        if worst[k] >= -tol:
            break
        chosen[k] = False
    if chosen.sum() < threshold:
        return _subset_result(model, members, None, net, burden, omega, threshold, "greedy")
    return _subset_result(model, members, chosen, net, burden, omega, threshold, "greedy")


def _subset_result(
    model: Model,
    members: list[int],
    chosen: BoolArray | None,
    net: FloatArray,
    burden: FloatArray,
    omega: float,
    threshold: int,
    method: str,
) -> StableSubset:
    keys = [model.recipients[j].key for j in members]
    if chosen is None:
        chosen = np.zeros(len(members), dtype=np.bool_)
    margins = subset_margins(net, burden, omega, chosen[None, :], threshold)[0]
    keep: dict[str, float] = {}
    for pos, key in enumerate(keys):
        if not chosen[pos]:
            grown = chosen.copy()
            grown[pos] = True
            m = subset_margins(net, burden, omega, grown[None, :], threshold)[0][pos]
            keep[key] = float(max(0.0, -net[pos], -m))
    return StableSubset(
        members=tuple(k for pos, k in enumerate(keys) if chosen[pos]),
        size=int(chosen.sum()),
        method=method,
        margins={k: float(margins[pos]) for pos, k in enumerate(keys) if chosen[pos]},
        transfers_to_keep=keep,
    )


def split_transfers(margins: FloatArray) -> tuple[float, bool, FloatArray]:
    """Smallest total transfer making every margin >= 0, whether members' surpluses
    can pay it, and one split (receive > 0, pay < 0; payers in proportion to surplus)."""
    deficit = np.maximum(0.0, -margins)
    surplus = np.maximum(0.0, margins)
    need = float(deficit.sum())
    available = float(surplus.sum())
    paid = min(need, available)
    split = deficit - (surplus * (paid / available) if available > 0 else 0.0)
    return need, available >= need, split


def draft_coalition(
    model: Model, det: Evaluation, mc: Evaluation | MonteCarloSamples | None
) -> tuple[CoalitionResult, list[EngineWarning]]:
    """Section 10a for a draft whose purpose is coalition."""
    prm = model.params
    tol = prm.stability_tolerance
    members = [j for j in range(len(model.recipients)) if model.conditions_of(j)]
    threshold = model.snapshot.min_participation
    omega = float(det.omega[0])
    warnings: list[EngineWarning] = []
    names = [model.recipients[j].name for j in members]
    if not members:
        warnings.append(
            EngineWarning(
                "coalition_empty",
                "No recipient takes a commitment, so the coalition has no members.",
                "agreement",
                "",
            )
        )
        return CoalitionResult(
            (),
            0,
            threshold,
            threshold == 0,
            omega,
            False,
            0.0 if mc else None,
            (),
            0.0,
            True,
            {},
            (),
        ), warnings
    p_in, p_out, margin, pivotal = _margins(model, det, members)
    stay_prob: list[float | None] = [None] * len(members)
    likelihood: float | None = None
    if mc is not None:
        # One rule (section 6): a member stays when it would sign.
        stays_mc = mc.signs_j[:, members] > 0
        likelihood = float(stays_mc.all(axis=-1).mean())
        stay_prob = [float(x) for x in stays_mc.mean(axis=0)]
    # The shortfall each member must be paid to sign: the larger of -N_j and -M_j.
    needed = np.minimum(margin[0], det.net_j[0, members])
    need, self_financing, split = split_transfers(needed)
    burdens = det.burden_j[0, members]
    rows = []
    for pos, j in enumerate(members):
        p = model.recipients[j]
        m = float(margin[0, pos])
        signs = bool(det.signs_j[0, j] > 0)
        rows.append(
            MemberMargin(
                key=p.key,
                name=p.name,
                burden=float(burdens[pos]),
                believed_value=float(det.believed_j[0, j]),
                payoff_in=float(p_in[0, pos]),
                payoff_out=float(p_out[0, pos]),
                margin=m,
                pivotal=pivotal,
                transfer_needed=max(0.0, -float(needed[pos])),
                stays=signs,
                stay_probability=stay_prob[pos],
                net_incentive=float(det.net_j[0, j]),
                outside_option=float(det.outside_j[0, j]),
            )
        )
        if m < -tol:
            warnings.append(
                EngineWarning(
                    "coalition_member_leaves",
                    f"{p.name} would leave the coalition: staying is worth {-m:.2f} less to it "
                    "than "
                    f"free-riding on the others' restraint. A transfer of {-m:.2f} would keep it "
                    "in.",
                    "party",
                    p.key,
                )
            )
    size = len(members)
    if size < threshold:
        warnings.append(
            EngineWarning(
                "coalition_below_threshold",
                f"The coalition has {size} members ({', '.join(names)}) but enters into force only "
                "with "
                f"{threshold}.",
                "agreement",
                "",
            )
        )
    # Below the threshold the agreement is not in force, so there is nothing to be
    # stable: whatever the margins say, the set is reported unstable.
    in_force = size >= threshold
    stable = in_force and bool((det.signs_j[0, members] > 0).all())
    if likelihood is not None and not in_force:
        likelihood = 0.0
    if likelihood is not None and stable and likelihood < prm.warn_fragile_coalition:
        warnings.append(
            EngineWarning(
                "coalition_fragile",
                f"The coalition is stable at the point values but only in {100 * likelihood:.0f}% "
                "of the "
                f"uncertainty samples.",
                "agreement",
                "",
            )
        )
    member_keys = {model.recipients[j].key for j in members}
    outsiders = [p for p in model.recipients if p.key not in member_keys] + list(model.bystanders)
    total_k = float(burdens.sum())
    free = tuple(FreeRider(p.key, p.name, omega * total_k, total_k / size) for p in outsiders)
    result = CoalitionResult(
        members=tuple(model.recipients[j].key for j in members),
        size=size,
        min_participation=threshold,
        in_force=in_force,
        omega=omega,
        stable=stable,
        stability_likelihood=likelihood,
        margins=tuple(rows),
        total_transfer_needed=need,
        self_financing=self_financing,
        transfer_split={
            model.recipients[j].key: float(split[pos]) for pos, j in enumerate(members)
        },
        free_riders=free,
        largest_stable_subset=largest_stable_subset(model, det, members),
    )
    return result, warnings


def membership(n: int) -> BoolArray:
    """All ``2**n`` member sets as rows of a boolean matrix; row index = bit mask."""
    idx = np.arange(2**n, dtype=np.int64)
    return ((idx[:, None] >> np.arange(n, dtype=np.int64)) & 1).astype(np.bool_)


def payoffs(b: FloatArray, c: FloatArray, masks: BoolArray) -> FloatArray:
    """Barrett payoffs ``pi_i(S)`` of every player for every member set, shape ``(sets, n)``.

    Members choose ``q_i = sum_S b / c_i``, outsiders ``q_i = b_i / c_i``;
    ``pi_i = b_i Q - (c_i / 2) q_i^2``.
    """
    b_s = masks.astype(np.float64) @ b
    q = np.where(masks, b_s[:, None] / c, b / c)
    total = q.sum(axis=-1, keepdims=True)
    return np.asarray(b * total - 0.5 * c * q * q, dtype=np.float64)


def stability_tables(
    b: FloatArray, c: FloatArray, t: FloatArray, tol: float
) -> tuple[BoolArray, FloatArray, FloatArray, float]:
    """Masks, internal margins (NaN for outsiders) and external gains (NaN for members)
    of every member set, plus the absolute tolerance used."""
    masks, _, internal, external, atol = _tables(b, c, t, tol)
    return masks, internal, external, atol


def _tables(
    b: FloatArray, c: FloatArray, t: FloatArray, tol: float
) -> tuple[BoolArray, FloatArray, FloatArray, FloatArray, float]:
    """``stability_tables`` plus the payoffs ``pi`` they were computed from."""
    n = b.shape[0]
    masks = membership(n)
    pi = payoffs(b, c, masks)
    players = np.arange(n, dtype=np.int64)
    # toggled[s, i]: player i's payoff in set s with i's membership switched.
    toggled = pi[np.arange(2**n, dtype=np.int64)[:, None] ^ (np.int64(1) << players), players]
    internal = np.where(masks, pi + t - toggled, np.nan)
    external = np.where(masks, np.nan, toggled + t - pi)
    atol = tol * max(1.0, float(np.abs(pi).max()))
    return masks, pi, internal, external, atol


@dataclass(frozen=True)
class CoalitionEntry:
    """One member set of the abstract model (players by index).

    ``internal_margins`` (one per member) are ``pi_i(S) + T_i - pi_i(S without i)``;
    ``external_gains`` (one per outsider) are ``pi_j(S with j) + T_j - pi_j(S)``.
    ``transfer_needed`` is the smallest total extra transfer that makes every
    member's margin non-negative; ``transfer_split`` (one per member) is one split
    that does it (receive > 0, pay < 0), paid by members with a surplus when
    ``self_financing``.
    """

    members: tuple[int, ...]
    outsiders: tuple[int, ...]
    size: int
    internal_margins: tuple[float, ...]
    external_gains: tuple[float, ...]
    internally_stable: bool
    externally_stable: bool
    potentially_internally_stable: bool
    total_payoff: float
    transfer_needed: float
    self_financing: bool
    transfer_split: tuple[float, ...]


@dataclass(frozen=True)
class CoalitionAnalysis:
    """Every member set of up to 16 players, enumerated (Barrett 1994).

    ``stable`` lists internally and externally stable sets, largest first, up to
    the limit (``truncated`` says when more exist); ``largest_potentially_stable``
    is the largest set whose members' total payoff covers their total temptation
    to leave, i.e. one that ideal transfers can make internally stable.
    """

    n_players: int
    n_stable: int
    n_internally_stable: int
    largest_stable_size: int
    stable: tuple[CoalitionEntry, ...]
    truncated: bool
    grand_coalition: CoalitionEntry
    largest_potentially_stable: CoalitionEntry | None

    def to_dict(self) -> JSON:
        out: JSON = plain(self)
        return out


def _entry(
    row: int,
    masks: BoolArray,
    pi: FloatArray,
    internal: FloatArray,
    external: FloatArray,
    t: FloatArray,
    atol: float,
) -> CoalitionEntry:
    member = masks[row]
    members = tuple(int(i) for i in np.flatnonzero(member))
    outsiders = tuple(int(i) for i in np.flatnonzero(~member))
    margins = internal[row, list(members)]
    gains = external[row, list(outsiders)]
    need, self_financing, split = split_transfers(
        np.where(margins >= -atol, np.maximum(margins, 0.0), margins)
    )
    return CoalitionEntry(
        members=members,
        outsiders=outsiders,
        size=len(members),
        internal_margins=tuple(float(x) for x in margins),
        external_gains=tuple(float(x) for x in gains),
        internally_stable=bool((margins >= -atol).all()),
        externally_stable=bool((gains <= atol).all()),
        potentially_internally_stable=bool((margins - t[list(members)]).sum() >= -atol),
        total_payoff=float(pi[row, list(members)].sum()),
        transfer_needed=need,
        self_financing=self_financing,
        transfer_split=tuple(float(x) for x in split),
    )


def analyse_coalitions(
    benefits: FloatArray, costs: FloatArray, transfers: FloatArray, tol: float, limit: int
) -> CoalitionAnalysis:
    """Enumerate all ``2**n`` member sets at once and classify them (section 10b)."""
    n = benefits.shape[0]
    masks, pi, internal, external, atol = _tables(benefits, costs, transfers, tol)
    size = masks.sum(axis=1)
    nonempty = size > 0
    inside = np.where(masks, internal >= -atol, True).all(axis=1) & nonempty
    outside = np.where(masks, True, external <= atol).all(axis=1)
    stable = inside & outside
    total = np.where(masks, pi, 0.0).sum(axis=1)
    base = np.where(masks, internal - transfers, 0.0).sum(axis=1)
    pis = (base >= -atol) & nonempty
    rows = np.flatnonzero(stable)
    rows = rows[np.lexsort((-total[rows], -size[rows]))]
    listed = [_entry(int(r), masks, pi, internal, external, transfers, atol) for r in rows[:limit]]
    best_pis = np.flatnonzero(pis)
    largest = None
    if best_pis.size:
        pick = best_pis[np.lexsort((-total[best_pis], -size[best_pis]))][0]
        largest = _entry(int(pick), masks, pi, internal, external, transfers, atol)
    return CoalitionAnalysis(
        n_players=n,
        n_stable=int(stable.sum()),
        n_internally_stable=int(inside.sum()),
        largest_stable_size=int(size[stable].max()) if stable.any() else 0,
        stable=tuple(listed),
        truncated=rows.size > limit,
        grand_coalition=_entry(2**n - 1, masks, pi, internal, external, transfers, atol),
        largest_potentially_stable=largest,
    )
