"""Monte Carlo scoring (section 7): every sample in one vectorised pass."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from numpy.typing import NDArray

from .coalition import draft_coalition
from .core import (
    LABELS,
    SCORE_NAMES,
    Evaluation,
    MonteCarloSamples,
    draft_labels,
    evaluate_samples,
)
from .deterministic import score_model
from .errors import EngineValidationError
from .model import Model, compile_snapshot
from .params import DEFAULT_PARAMETERS, ParameterSet
from .phasing import trajectory_model, trajectory_warnings, worst_phases
from .results import EngineWarning, ScoreResult, ScoreSummary, Summary
from .sampling import UniformSource, sample_draws
from .types import Purpose, Snapshot
from .validation import run_errors, snapshot_errors
from .warnings import describe_party

FloatArray = NDArray[np.float64]

_QUANTILES = (5.0, 50.0, 95.0)


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def summarise_matrix(samples: FloatArray) -> list[Summary]:
    """Summaries of each row of ``samples`` (rows x n); NaN samples are left out."""
    out: list[Summary] = []
    has_nan = np.isnan(samples).any(axis=-1)
    clean = samples[~has_nan]
    stats: dict[int, tuple[float, ...]] = {}
    if clean.size:
        pct = np.percentile(clean, _QUANTILES, axis=-1)
        means = clean.mean(axis=-1)
        for pos, clean_row in enumerate(np.flatnonzero(~has_nan).tolist()):
            stats[clean_row] = (float(means[pos]), *(float(x) for x in pct[:, pos]))
    for nan_row in np.flatnonzero(has_nan).tolist():
        values = samples[nan_row][~np.isnan(samples[nan_row])]
        if values.size:
            pct_row = np.percentile(values, _QUANTILES)
            stats[nan_row] = (float(values.mean()), *(float(x) for x in pct_row))
    for row in range(samples.shape[0]):
        s = stats.get(row)
        out.append(Summary(*(_finite(x) for x in s)) if s else Summary(None, None, None, None))
    return out


def score_summaries(
    det_scores: dict[str, float | None], mc: Evaluation | MonteCarloSamples
) -> dict[str, ScoreSummary]:
    stacked = np.stack([mc.scores[name] for name in SCORE_NAMES])
    rows = summarise_matrix(stacked)
    return {
        name: ScoreSummary(det_scores[name], s.mean, s.p5, s.p50, s.p95)
        for name, s in zip(SCORE_NAMES, rows, strict=True)
    }


def label_shares(model: Model, mc: Evaluation | MonteCarloSamples) -> dict[str, float]:
    sc = mc.scores
    idx = draft_labels(sc["power_sharing"], sc["power_max"], sc["power_bundle_max"], model.params)
    counts = np.bincount(idx, minlength=len(LABELS)) / idx.shape[0]
    return {name: float(counts[k]) for k, name in enumerate(LABELS)}


def check_run(snapshot: Snapshot, n_samples: int | None, seed: int, params: ParameterSet) -> int:
    """Validate a snapshot and run settings together; return the sample count."""
    n = params.default_samples if n_samples is None else n_samples
    errors = snapshot_errors(snapshot, params) + run_errors(n, seed, params)
    if errors:
        raise EngineValidationError(errors)
    return n


def simulate_model(
    model: Model, source: UniformSource
) -> tuple[ScoreResult, Evaluation, MonteCarloSamples]:
    """Score a compiled model; also return the point evaluation and the Monte Carlo
    samples (inputs ``draws`` and per-sample outputs)."""
    det, det_ev = score_model(model)
    mc = evaluate_samples(model, sample_draws(model, source))
    warnings: list[EngineWarning] = list(det.warnings)
    nets = summarise_matrix(mc.net_j.T)
    no_incentive = (mc.net_j < 0).mean(axis=0)
    sign_probability = mc.signs_j.mean(axis=0)
    recipients = []
    for j, rec in enumerate(det.recipients):
        share = float(no_incentive[j])
        p_sign = float(sign_probability[j])
        recipients.append(
            dataclasses.replace(
                rec,
                net_incentive_summary=nets[j],
                no_incentive_probability=share,
                sign_probability=p_sign,
            )
        )
        if rec.would_sign and 1.0 - p_sign >= model.params.warn_uncertain_incentive:
            who = describe_party(rec.alignment, rec.name)
            warnings.append(
                EngineWarning(
                    "uncertain_incentive",
                    f"{who} would sign at the central estimates, but not in "
                    f"{100 * (1.0 - p_sign):.0f}% of the uncertainty samples.",
                    "party",
                    rec.key,
                    "info",
                )
            )
    viability = float(mc.scores["viability"].mean())
    if viability < model.params.warn_viability and model.recipients:
        holdouts = [
            f"{rec.name} ({100 * float(sign_probability[j]):.0f}%)"
            for j, rec in enumerate(det.recipients)
            if float(sign_probability[j]) < 1.0
        ]
        warnings.append(
            EngineWarning(
                "low_viability",
                f"The agreement enters into force in only {100 * viability:.0f}% of the "
                "uncertainty samples; its risks describe a deal that probably does not happen. "
                f"Chance that each hesitant recipient signs: {', '.join(holdouts)}.",
                "agreement",
                "",
            )
        )
    steps = trajectory_model(model, det_ev)
    warnings += trajectory_warnings(steps, model.params)
    coalition = None
    if model.snapshot.purpose == Purpose.COALITION:
        coalition, coalition_warnings = draft_coalition(model, det_ev, mc)
        warnings += coalition_warnings
    result = ScoreResult(
        parameter_version=model.params.version,
        seed=source.seed,
        n_samples=source.n,
        label=det.label,
        label_shares=label_shares(model, mc),
        scores=score_summaries(dict(det.scores), mc),
        deterministic=det,
        recipients=tuple(recipients),
        trajectory=tuple(steps),
        coalition=coalition,
        warnings=tuple(warnings),
        worst_phases=tuple(worst_phases(steps)),
    )
    return result, det_ev, mc


def simulate(
    snapshot: Snapshot,
    *,
    n_samples: int | None = None,
    seed: int,
    params: ParameterSet = DEFAULT_PARAMETERS,
) -> ScoreResult:
    """Deterministic scores plus ``n_samples`` Monte Carlo samples (default 2000).

    The same snapshot, seed and parameter set always give the same result.
    Raises ``EngineValidationError`` before computing anything.
    """
    n = check_run(snapshot, n_samples, seed, params)
    model = compile_snapshot(snapshot, params)
    result, _, _ = simulate_model(model, UniformSource(seed, n))
    return result
