"""Comparing 2 to 6 drafts (section 8) with common random numbers.

Criteria: credibility (up), overall risk (down), power sharing P (down unless
``power_direction="up"``), the smallest net incentive (up), leverage (up) and
viability (up; per sample 1 when the agreement enters into force).
Leverage enters rankings as ``L / (1 + L)``; an undefined leverage (the provider
pays nothing) counts as the best possible value 1 when commitments are bought,
and 0 when nothing is. For weighting, every criterion is rescaled to [0, 1]
(0 = worst, 1 = best value seen in any sample or point value of any draft).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from .analysis import dominance_core, flip_points_core, sample_weights, smaa_core
from .comparison_results import (
    ComparisonResult,
    ContributionDelta,
    DraftSummary,
    MechanismDelta,
    PairExplanation,
    WeightFlip,
)
from .core import Evaluation, MonteCarloSamples
from .errors import EngineValidationError
from .model import compile_snapshot
from .montecarlo import simulate_model
from .params import DEFAULT_PARAMETERS, ParameterSet
from .results import EngineWarning, ScoreResult
from .sampling import UniformSource
from .types import Snapshot
from .validation import CRITERIA, run_errors, snapshot_errors, weight_errors

FloatArray = NDArray[np.float64]
_TIE = 1e-12
_DRIVERS = 5


def _criteria(ev: Evaluation | MonteCarloSamples) -> FloatArray:
    """Criterion values (n, 6) in ``CRITERIA`` order; leverage transformed as documented."""
    lev = ev.scores["leverage"]
    bought = ev.burden_j.sum(axis=-1)
    safe = np.where(np.isnan(lev), 0.0, lev)
    lev_t = np.where(np.isnan(lev), np.where(bought > 0, 1.0, 0.0), safe / (1.0 + safe))
    return np.stack(
        [
            ev.scores["credibility"],
            ev.scores["risk_overall"],
            ev.scores["power_sharing"],
            ev.scores["min_net_incentive"],
            lev_t,
            ev.scores["viability"],
        ],
        axis=-1,
    )


def _check(
    snapshots: Sequence[Snapshot],
    n: int,
    seed: int,
    weights: Mapping[str, float] | None,
    intervals: Mapping[str, tuple[float, float]] | None,
    power_direction: str,
    params: ParameterSet,
) -> None:
    errors: list[tuple[str, str]] = []
    if not params.min_drafts <= len(snapshots) <= params.max_drafts:
        errors.append(
            (
                "snapshots",
                f"must hold {params.min_drafts} to {params.max_drafts} drafts, got "
                f"{len(snapshots)}",
            )
        )
    seen: set[str] = set()
    for i, snap in enumerate(snapshots):
        errors += snapshot_errors(snap, params, prefix=f"snapshots[{i}].")
        if not isinstance(snap.label, str) or not snap.label.strip():
            errors.append((f"snapshots[{i}].label", "every compared draft needs a label"))
        elif snap.label in seen:
            errors.append((f"snapshots[{i}].label", f"duplicate label {snap.label!r}"))
        else:
            seen.add(snap.label)
    errors += run_errors(n, seed, params)
    errors += weight_errors(weights, intervals, CRITERIA)
    if power_direction not in ("up", "down"):
        errors.append(("power_direction", f"must be 'up' or 'down', got {power_direction!r}"))
    if errors:
        raise EngineValidationError(errors)


def _odds(signed: FloatArray) -> FloatArray:
    """P(a beats b) over samples for signed values (n, A); ties count half; NaN diagonal."""
    s_t = np.ascontiguousarray(signed.T)  # samples last: comparisons over long rows
    diff = s_t[:, None, :] - s_t[None, :, :]  # (a, b, n)
    scale = _TIE * (1.0 + np.abs(signed).max(axis=-1))
    odds = (diff > scale).mean(axis=-1) + 0.5 * (np.abs(diff) <= scale).mean(axis=-1)
    np.fill_diagonal(odds, np.nan)
    return np.asarray(odds, dtype=np.float64)


def _matrix(m: FloatArray) -> tuple[tuple[float | None, ...], ...]:
    return tuple(tuple(None if np.isnan(v) else float(v) for v in row) for row in m)


Totals = dict[str, dict[tuple[str, str], tuple[str, float]]]


def contribution_totals(result: ScoreResult) -> Totals:
    """Per score, each (kind, key)'s label (its first row's) and summed amount, in order."""
    out: Totals = {}
    for name, rows in result.deterministic.contributions.items():
        table: dict[tuple[str, str], tuple[str, float]] = {}
        for c in rows:
            lbl, total = table.get((c.kind, c.key), (c.label, 0.0))
            table[(c.kind, c.key)] = (lbl, total + c.amount)
        out[name] = table
    return out


def _drivers(a: Totals, b: Totals) -> dict[str, tuple[ContributionDelta, ...]]:
    """The largest contribution differences per score, from each draft's totals (computed
    once per draft, not once per pair)."""
    out: dict[str, tuple[ContributionDelta, ...]] = {}
    for name, table_a in a.items():
        table_b = b.get(name, {})
        deltas = []
        for (kind, key), (lbl, va) in table_a.items():
            vb = table_b[(kind, key)][1] if (kind, key) in table_b else 0.0
            if abs(va - vb) > 1e-12:
                deltas.append(ContributionDelta(kind, key, lbl, va, vb, va - vb))
        for (kind, key), (lbl, vb) in table_b.items():
            if (kind, key) not in table_a and abs(0.0 - vb) > 1e-12:
                deltas.append(ContributionDelta(kind, key, lbl, 0.0, vb, 0.0 - vb))
        deltas.sort(key=lambda d: -abs(d.difference))
        out[name] = tuple(deltas[:_DRIVERS])
    return out


def confidence_factors(values: FloatArray, central: FloatArray) -> FloatArray:
    """JSMAA confidence factor of each draft: the share of samples ``values (n, A, C)``
    in which it ranks first at its own central weights (NaN when it never ranks first)."""
    n_alt = values.shape[1]
    out = np.full(n_alt, np.nan)
    for a in range(n_alt):
        if np.isnan(central[a]).any():
            continue
        util = values @ central[a]
        out[a] = float((util.argmax(axis=-1) == a).mean())
    return out


def _mechanism_deltas(a: ScoreResult, b: ScoreResult) -> tuple[MechanismDelta, ...]:
    """Mechanisms of either draft with their leave-one-out credibility drop in each.

    A mechanism is the same in both when its key and its type are (a fork keeps both);
    the same key with another type is two different mechanisms, one row each."""
    rows: dict[tuple[str, str], tuple[float | None, float | None]] = {}
    for m in a.deterministic.mechanism_effects:
        rows[(m.key, m.label)] = (m.credibility_drop, None)
    for m in b.deterministic.mechanism_effects:
        da, _ = rows.get((m.key, m.label), (None, None))
        rows[(m.key, m.label)] = (da, m.credibility_drop)
    out = [MechanismDelta(k, lbl, da, db) for (k, lbl), (da, db) in rows.items()]
    out.sort(key=lambda d: -abs((d.a or 0.0) - (d.b or 0.0)))
    return tuple(out)


def _diff(x: float | None, y: float | None) -> float | None:
    return None if x is None or y is None else x - y


def compare(
    snapshots: Sequence[Snapshot],
    *,
    n_samples: int | None = None,
    seed: int,
    weights: Mapping[str, float] | None = None,
    weight_intervals: Mapping[str, tuple[float, float]] | None = None,
    power_direction: str = "down",
    params: ParameterSet = DEFAULT_PARAMETERS,
) -> ComparisonResult:
    """Compare 2 to 6 labelled drafts (section 8).

    ``weights`` (criterion -> weight, missing criteria weigh 0, default equal) drive
    the weighted-sum ranking and flip points; ``weight_intervals`` (criterion ->
    (low, high), missing means (0, 1)) restrict the SMAA weights.
    Raises ``EngineValidationError`` (fields prefixed ``snapshots[i].``) first.
    """
    n = params.default_samples if n_samples is None else n_samples
    _check(snapshots, n, seed, weights, weight_intervals, power_direction, params)
    source = UniformSource(seed, n)
    models = [compile_snapshot(s, params) for s in snapshots]
    runs = [simulate_model(m, source) for m in models]
    labels = tuple(s.label for s in snapshots)
    det = np.stack([_criteria(det_ev)[0] for _, det_ev, _ in runs])  # (A, C)
    mc = np.stack([_criteria(mc_ev) for _, _, mc_ev in runs], axis=1)  # (n, A, C)
    directions = {
        "credibility": "up",
        "risk_overall": "down",
        "power_sharing": power_direction,
        "min_net_incentive": "up",
        "leverage": "up",
        "viability": "up",
    }
    signs = np.array([1.0 if directions[c] == "up" else -1.0 for c in CRITERIA])
    s_det, s_mc = det * signs, mc * signs
    lo = np.minimum(s_mc.min(axis=(0, 1)), s_det.min(axis=0))
    span = np.maximum(s_mc.max(axis=(0, 1)), s_det.max(axis=0)) - lo
    safe = np.where(span > 0, span, 1.0)
    n_det = np.where(span > 0, (s_det - lo) / safe, 0.0)
    n_mc = np.where(span > 0, (s_mc - lo) / safe, 0.0)

    w_raw = np.array(
        [float((weights or dict.fromkeys(CRITERIA, 1.0)).get(c, 0.0)) for c in CRITERIA]
    )
    w = w_raw / w_raw.sum()
    box = None
    if weight_intervals is not None:
        box = np.array([weight_intervals.get(c, (0.0, 1.0)) for c in CRITERIA], dtype=np.float64)
    smaa_w = sample_weights(source.generator("smaa:weights"), n, len(CRITERIA), box, params)
    ranks, central, overall = smaa_core(n_mc, smaa_w)
    confidence = confidence_factors(n_mc, central)
    np.fill_diagonal(overall, np.nan)
    dom = dominance_core(s_det)
    flips = flip_points_core(n_det, w)
    per_crit = {c: _odds(s_mc[:, :, k]) for k, c in enumerate(CRITERIA)}

    def crit_value(a: int, k: int) -> float | None:
        if CRITERIA[k] == "leverage":
            return runs[a][0].deterministic.scores["leverage"]
        return float(det[a, k])

    drafts = []
    warnings: list[EngineWarning] = []
    for a, (res, _, _) in enumerate(runs):
        beaten_by = tuple(labels[x] for x in np.flatnonzero(dom[:, a]))
        if beaten_by:
            warnings.append(
                EngineWarning(
                    "dominated_draft",
                    f"Draft {labels[a]} is dominated by {', '.join(beaten_by)}: it is no better on "
                    "any "
                    f"criterion and worse on at least one.",
                    "agreement",
                    labels[a],
                )
            )
        drafts.append(
            DraftSummary(
                label=labels[a],
                classification=res.label,
                scores=res.scores,
                criteria={c: crit_value(a, k) for k, c in enumerate(CRITERIA)},
                dominated_by=beaten_by,
                rank_acceptability=tuple(float(x) for x in ranks[a]),
                central_weights=None
                if np.isnan(central[a]).any()
                else {c: float(central[a, k]) for k, c in enumerate(CRITERIA)},
                weighted_score=float(flips.utilities[a]),
                warnings=res.warnings,
                confidence_factor=None if np.isnan(confidence[a]) else float(confidence[a]),
            )
        )
    totals = [contribution_totals(res) for res, _, _ in runs]
    pairs = []
    for a, b in itertools.combinations(range(len(runs)), 2):
        ra, rb = runs[a][0], runs[b][0]
        pairs.append(
            PairExplanation(
                a=labels[a],
                b=labels[b],
                criteria={
                    c: _diff(crit_value(a, k), crit_value(b, k)) for k, c in enumerate(CRITERIA)
                },
                win_probability={c: float(per_crit[c][a, b]) for c in CRITERIA},
                scores={
                    k: _diff(ra.deterministic.scores[k], rb.deterministic.scores[k])
                    for k in ra.deterministic.scores
                },
                drivers=_drivers(totals[a], totals[b]),
                mechanisms=_mechanism_deltas(ra, rb),
            )
        )
    flip_rows = tuple(
        WeightFlip(
            CRITERIA[f.criterion], f.weight, f.flip_weight, f.change, f.relative_change, f.keep_top
        )
        for f in flips.criteria
    )
    smallest = None if flips.smallest is None else flip_rows[flips.smallest.criterion]
    runner = flips.runner_up if flips.runner_up is not None else flips.top
    return ComparisonResult(
        parameter_version=params.version,
        seed=seed,
        n_samples=n,
        labels=labels,
        criteria=CRITERIA,
        directions=directions,
        weights={c: float(w[k]) for k, c in enumerate(CRITERIA)},
        weight_intervals=None
        if box is None
        else {c: (float(box[k, 0]), float(box[k, 1])) for k, c in enumerate(CRITERIA)},
        drafts=tuple(drafts),
        win_probabilities={c: _matrix(m) for c, m in per_crit.items()},
        overall_winning_odds=_matrix(overall),
        ranking=tuple(labels[i] for i in flips.ranking),
        top=labels[flips.top],
        runner_up=labels[runner],
        flip_points=flip_rows,
        smallest_flip=smallest,
        pairs=tuple(pairs),
        warnings=tuple(warnings),
    )
