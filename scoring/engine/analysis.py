"""General decision methods on raw numbers (section 11): SMAA, dominance, flip points.

These work on any alternatives x criteria matrix, not only on drafts, so other
tools can call them through the API. Criteria are used as given: the caller makes
them commensurate (the weighted sum adds them up). ``directions`` says whether
more is better (``"up"``) or worse (``"down"``) for each criterion.
``coalition`` (section 10b) is implemented in ``coalition.py`` and offered here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .coalition import CoalitionAnalysis, analyse_coalitions
from .errors import EngineValidationError
from .params import DEFAULT_PARAMETERS, ParameterSet
from .results import JSON, plain
from .sampling import UniformSource
from .validation import Collector, run_errors

FloatArray = NDArray[np.float64]
_TIE = 1e-12
_CHUNK_CELLS = 2_000_000
"""Pairwise cells (samples x alternatives^2) compared at once, to bound memory."""


@dataclass(frozen=True)
class SmaaResult:
    """SMAA-2 results. ``rank_acceptability[a][r]`` is the share of samples in which
    alternative ``a`` ranks ``r + 1`` (ties share their ranks equally);
    ``central_weights[a]`` is the mean weight vector over the samples in which ``a``
    ranks first (``None`` if it never does); ``pairwise_winning_odds[a][b]`` is the
    probability that ``a`` scores above ``b`` (ties count half; ``None`` on the diagonal).
    """

    parameter_version: str
    n_samples: int
    seed: int
    rank_acceptability: tuple[tuple[float, ...], ...]
    central_weights: tuple[tuple[float, ...] | None, ...]
    pairwise_winning_odds: tuple[tuple[float | None, ...], ...]

    def to_dict(self) -> JSON:
        out: JSON = plain(self)
        return out


@dataclass(frozen=True)
class DominanceResult:
    """``dominates[a][b]``: ``a`` is at least as good on every criterion and better on one."""

    dominates: tuple[tuple[bool, ...], ...]
    dominated: tuple[bool, ...]
    dominated_by: tuple[tuple[int, ...], ...]

    def to_dict(self) -> JSON:
        out: JSON = plain(self)
        return out


@dataclass(frozen=True)
class CriterionFlip:
    """Sensitivity of the top alternative to one criterion weight.

    Weights are normalised; changing one weight rescales the others proportionally.
    ``flip_weight`` is the weight at which the runner-up ties the top alternative
    (``None`` if no weight in [0, 1] does it), ``change = flip_weight - weight``,
    ``relative_change = change / weight``; ``keep_top`` is the interval of this
    weight that keeps the top alternative first against all others.
    """

    criterion: int
    weight: float
    flip_weight: float | None
    change: float | None
    relative_change: float | None
    keep_top: tuple[float, float]


@dataclass(frozen=True)
class FlipPoints:
    """Triantaphyllou-Sanchez sensitivity of the weighted-sum ranking."""

    utilities: tuple[float, ...]
    ranking: tuple[int, ...]
    top: int
    runner_up: int | None
    criteria: tuple[CriterionFlip, ...]
    smallest: CriterionFlip | None

    def to_dict(self) -> JSON:
        out: JSON = plain(self)
        return out


def _matrix(
    matrix: ArrayLike, directions: Sequence[str], c: Collector
) -> tuple[FloatArray, FloatArray]:
    try:
        x = np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError):
        c.add("matrix", "must be a rectangular table of numbers")
        return np.zeros((0, 0)), np.zeros(0)
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 1:
        c.add("matrix", f"must be a non-empty alternatives x criteria table, got shape {x.shape}")
        return np.zeros((0, 0)), np.zeros(0)
    for a, b in zip(*np.nonzero(~np.isfinite(x)), strict=True):
        c.add(f"matrix[{a}][{b}]", f"must be a finite number, got {x[a, b]}")
    if len(directions) != x.shape[1]:
        c.add(
            "directions",
            f"must give one direction per criterion ({x.shape[1]}), got {len(directions)}",
        )
    for k, d in enumerate(directions):
        if d not in ("up", "down"):
            c.add(f"directions[{k}]", f"must be 'up' or 'down', got {d!r}")
    signs = np.array([1.0 if d == "up" else -1.0 for d in directions])
    return x, signs


def sample_weights(
    rng: np.random.Generator,
    n: int,
    n_criteria: int,
    intervals: FloatArray | None,
    params: ParameterSet,
) -> FloatArray:
    """``n`` weight vectors uniform on the simplex (Dirichlet(1, ..., 1)).

    With ``intervals`` (criteria x 2), draws outside the box are rejected and
    redrawn in vectorised rounds; if the box is too small to fill ``n`` samples in
    ``params.smaa_max_draw_rounds`` rounds an ``EngineValidationError`` is raised.
    """
    if intervals is None:
        return rng.dirichlet(np.ones(n_criteria), size=n)
    kept: list[FloatArray] = []
    have = 0
    for _ in range(params.smaa_max_draw_rounds):
        w = rng.dirichlet(np.ones(n_criteria), size=max(n, 1024))
        ok = ((w >= intervals[:, 0] - 1e-12) & (w <= intervals[:, 1] + 1e-12)).all(axis=1)
        kept.append(w[ok])
        have += int(ok.sum())
        if have >= n:
            return np.concatenate(kept)[:n]
    raise EngineValidationError(
        [
            (
                "weight_intervals",
                "the intervals leave too little room: too few random weights fall inside them",
            )
        ]
    )


def _tied_ranks(
    util: FloatArray, scale: FloatArray, ranks: FloatArray, wins: FloatArray
) -> FloatArray:
    """Pairwise ranking of rows with ties (ties share their ranks and count half a win):
    adds to ``ranks`` and ``wins`` and returns each row's share of first place."""
    n_alt = util.shape[1]
    diff = util[:, :, None] - util[:, None, :]  # (n, a, b) = u_a - u_b
    better = diff > scale[:, :, None]
    tie = np.abs(diff) <= scale[:, :, None]
    higher = better.sum(axis=1)  # alternatives strictly above a
    equal = tie.sum(axis=1)  # including a itself
    for r in range(n_alt):
        share = ((r >= higher) & (r < higher + equal)) / equal
        ranks[:, r] += share.sum(axis=0)
    wins += better.sum(axis=0) + 0.5 * tie.sum(axis=0)
    return np.asarray((higher == 0) / equal, dtype=np.float64)


def smaa_core(values: FloatArray, weights: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Rank acceptability (A x A), central weights (A x C, NaN if never first) and
    pairwise odds (A x A) for ``values`` of shape (N, A, C) or (A, C), already signed so
    that more is better, and ``weights`` (N, C).

    Samples in which every pair of utilities differs by more than a relative ``1e-12``
    are ranked by counting the alternatives above each and tallied with ``bincount``;
    only samples with ties (or non-finite utilities) go through the pairwise path that
    shares tied ranks."""
    n, n_crit = weights.shape
    n_alt = values.shape[-2]
    ranks = np.zeros((n_alt, n_alt))
    first_w = np.zeros((n_alt, n_crit))
    first_n = np.zeros(n_alt)
    wins = np.zeros((n_alt, n_alt))
    rank_cols = np.arange(n_alt)
    chunk = max(1, _CHUNK_CELLS // (n_alt * n_alt))
    for start in range(0, n, chunk):
        w = weights[start : start + chunk]
        v = values if values.ndim == 2 else values[start : start + chunk]
        util = np.einsum("...ac,...c->...a", v, w) if values.ndim == 3 else w @ v.T
        scale = _TIE * (1.0 + np.abs(util).max(axis=-1, keepdims=True))
        # Samples on the last axis: the (a, b) comparisons then run over long rows.
        u_t = np.ascontiguousarray(util.T)
        beats = (u_t[:, None, :] - u_t[None, :, :]) > scale[:, 0]  # (a, b, n): a above b
        place = beats.sum(axis=0)  # (b, n): alternatives above b = b's rank - 1
        # Every pair decided means a strict order; a pair within the tie scale, or a NaN /
        # infinite utility, leaves some pair undecided and needs the pairwise path.
        tied = place.sum(axis=0) != n_alt * (n_alt - 1) // 2
        some_tied = bool(tied.any())
        if some_tied:
            beats, place = beats[:, :, ~tied], place[:, ~tied]
        first = np.zeros(util.shape)
        if place.shape[1]:
            for a, column in enumerate(place):
                ranks[a] += np.bincount(column, minlength=n_alt)
            wins += beats.sum(axis=2)
            wins[rank_cols, rank_cols] += 0.5 * place.shape[1]  # a ties itself, as pairwise
            if some_tied:
                first[~tied] = place.T == 0
            else:
                first[place.T == 0] = 1.0
        if tied.any():
            rows = np.flatnonzero(tied)
            first[rows] = _tied_ranks(util[rows], scale[rows], ranks, wins)
        first_w += first.T @ w
        first_n += first.sum(axis=0)
    safe = np.where(first_n > 0, first_n, 1.0)
    central = np.where(first_n[:, None] > 0, first_w / safe[:, None], np.nan)
    return ranks / n, central, wins / n


def smaa(
    matrix: ArrayLike,
    directions: Sequence[str],
    *,
    weight_intervals: Sequence[tuple[float, float]] | None = None,
    n_samples: int | None = None,
    seed: int,
    params: ParameterSet = DEFAULT_PARAMETERS,
) -> SmaaResult:
    """SMAA-2 on a deterministic alternatives x criteria matrix.

    Weights are drawn uniformly from the simplex (restricted to
    ``weight_intervals``, one ``(low, high)`` per criterion, if given); each
    alternative's score is the weighted sum of its criteria (``down`` criteria
    negated). Closed form: ``A = (0.8, 0.2)``, ``B = (0.3, 0.6)``, both up,
    ranks A first with probability 5/9.
    """
    n = params.default_samples if n_samples is None else n_samples
    c = Collector()
    x, signs = _matrix(matrix, directions, c)
    c.errors += run_errors(n, seed, params)
    box = None
    if weight_intervals is not None:
        if len(weight_intervals) != x.shape[1]:
            c.add("weight_intervals", f"must give one (low, high) per criterion ({x.shape[1]})")
        else:
            for k, (lo, hi) in enumerate(weight_intervals):
                c.number(f"weight_intervals[{k}][0]", lo)
                c.number(f"weight_intervals[{k}][1]", hi)
            if not c.errors:
                box = np.asarray(weight_intervals, dtype=np.float64)
                if (box[:, 0] > box[:, 1]).any() or box[:, 0].sum() > 1 or box[:, 1].sum() < 1:
                    c.add("weight_intervals", "no weights summing to 1 fit these intervals")
    c.raise_if_any()
    rng = UniformSource(seed, n).generator("smaa:weights")
    w = sample_weights(rng, n, x.shape[1], box, params)
    ranks, central, odds = smaa_core(x * signs, w)
    np.fill_diagonal(odds, np.nan)
    return SmaaResult(
        parameter_version=params.version,
        n_samples=n,
        seed=seed,
        rank_acceptability=tuple(tuple(float(v) for v in row) for row in ranks),
        central_weights=tuple(
            None if np.isnan(row).any() else tuple(float(v) for v in row) for row in central
        ),
        pairwise_winning_odds=tuple(
            tuple(None if np.isnan(v) else float(v) for v in row) for row in odds
        ),
    )


def dominance_core(signed: FloatArray) -> NDArray[np.bool_]:
    """``out[a, b]``: row ``a`` weakly beats ``b`` everywhere and strictly somewhere."""
    ge = (signed[:, None, :] >= signed[None, :, :]).all(axis=-1)
    gt = (signed[:, None, :] > signed[None, :, :]).any(axis=-1)
    return np.asarray(ge & gt)


def dominance(matrix: ArrayLike, directions: Sequence[str]) -> DominanceResult:
    """Pareto dominance between the rows of ``matrix``."""
    c = Collector()
    x, signs = _matrix(matrix, directions, c)
    c.raise_if_any()
    dom = dominance_core(x * signs)
    return DominanceResult(
        dominates=tuple(tuple(bool(v) for v in row) for row in dom),
        dominated=tuple(bool(v) for v in dom.any(axis=0)),
        dominated_by=tuple(
            tuple(int(a) for a in np.flatnonzero(dom[:, b])) for b in range(dom.shape[0])
        ),
    )


def _to_weight(w: float, delta: float) -> float:
    """Normalised weight after adding ``delta`` to a weight ``w`` of a unit-sum vector."""
    if delta == np.inf:
        return 1.0
    return 0.0 if 1.0 + delta <= 0.0 else float((w + delta) / (1.0 + delta))


def flip_points_core(signed: FloatArray, weights: FloatArray) -> FlipPoints:
    """Flip points for ``signed`` values (more is better) and unit-sum ``weights``."""
    util = signed @ weights
    order = [int(a) for a in np.argsort(-util, kind="stable")]
    top = order[0]
    second = order[1] if len(order) > 1 else None
    rows: list[CriterionFlip] = []
    for k, wk in enumerate(weights.tolist()):
        flip: float | None = None
        if second is not None:
            gap_k = float(signed[top, k] - signed[second, k])
            delta_u = float(util[top] - util[second])
            if gap_k != 0.0:
                delta = -delta_u / gap_k
                if delta >= -wk:
                    flip = _to_weight(wk, delta)
        lo, hi = -wk, np.inf
        for j in range(signed.shape[0]):
            if j == top:
                continue
            g = float(signed[top, k] - signed[j, k])
            du = float(util[top] - util[j])
            if g > 0:
                lo = max(lo, -du / g)
            elif g < 0:
                hi = min(hi, du / -g)
        change = None if flip is None else flip - wk
        rel = None if change is None or wk == 0 else change / wk
        rows.append(
            CriterionFlip(k, wk, flip, change, rel, (_to_weight(wk, lo), _to_weight(wk, hi)))
        )
    flips = [r for r in rows if r.change is not None]
    smallest = min(flips, key=lambda r: abs(r.change or 0.0)) if flips else None
    return FlipPoints(
        tuple(float(u) for u in util), tuple(order), top, second, tuple(rows), smallest
    )


def flip_points(matrix: ArrayLike, directions: Sequence[str], weights: ArrayLike) -> FlipPoints:
    """Smallest single-weight change that swaps the top two alternatives of the
    weighted sum (Triantaphyllou and Sanchez 1997), and each weight's keep-top interval."""
    c = Collector()
    x, signs = _matrix(matrix, directions, c)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (x.shape[1],) or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        c.add("weights", "must be one non-negative number per criterion with a positive sum")
    c.raise_if_any()
    return flip_points_core(x * signs, w / w.sum())


def coalition(
    benefits: ArrayLike,
    costs: ArrayLike,
    transfers: ArrayLike | None = None,
    *,
    limit: int = 1000,
    params: ParameterSet = DEFAULT_PARAMETERS,
) -> CoalitionAnalysis:
    """Barrett's coalition model on raw numbers (section 10b).

    Player ``i`` gains ``benefits[i]`` per unit of total restraint and pays
    ``costs[i] / 2 * q_i^2``; ``transfers[i]`` is what it receives as a member.
    Every member set of up to ``params.max_players`` players is enumerated at once.
    Symmetric players without transfers give a largest stable coalition of 3.
    """
    c = Collector()
    b = np.asarray(benefits, dtype=np.float64).ravel()
    k = np.asarray(costs, dtype=np.float64).ravel()
    t = np.zeros_like(b) if transfers is None else np.asarray(transfers, dtype=np.float64).ravel()
    if not 1 <= b.size <= params.max_players:
        c.add("benefits", f"must list 1 to {params.max_players} players, got {b.size}")
    for name, arr in (("costs", k), ("transfers", t)):
        if arr.size != b.size:
            c.add(name, f"must have one value per player ({b.size}), got {arr.size}")
    for i, v in enumerate(b.tolist()):
        if not (np.isfinite(v) and v >= 0):
            c.add(f"benefits[{i}]", f"must be a finite number >= 0, got {v}")
    for i, v in enumerate(k.tolist()):
        if not (np.isfinite(v) and v > 0):
            c.add(f"costs[{i}]", f"must be a finite number > 0, got {v}")
    for i, v in enumerate(t.tolist()):
        if not np.isfinite(v):
            c.add(f"transfers[{i}]", f"must be a finite number, got {v}")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        c.add("limit", f"must be a whole number >= 0, got {limit!r}")
    c.raise_if_any()
    return analyse_coalitions(b, k, t, params.stability_tolerance, limit)
