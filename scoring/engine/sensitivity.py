"""Sweeps (section 16): headline scores against ``dsa``, one party's trust or ``omega``.

At each point of the axis the swept value is fixed for every sample; every other
input keeps its Monte Carlo draws, and those draws are the same at every point and
in every draft (common random numbers: one ``UniformSource`` per seed). So the
curves differ only because of the swept value, and two drafts differ only because
of their designs. ``dsa_ranking`` ranks drafts at each ``dsa`` exactly as
``compare`` would rank them if every draft had that ``dsa`` with no uncertainty.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .comparison import _criteria
from .core import Evaluation, evaluate
from .errors import EngineValidationError
from .model import Model, compile_snapshot
from .montecarlo import summarise_matrix
from .params import DEFAULT_PARAMETERS, ParameterSet
from .results import JSON, plain
from .sampling import Draws, UniformSource, point_draws, sample_draws
from .types import Role, Snapshot
from .validation import CRITERIA, Collector, run_errors, snapshot_errors, weight_errors

FloatArray = NDArray[np.float64]

HEADLINE_SCORES: tuple[str, ...] = (
    "credibility",
    "viability",
    "risk_overall",
    "power_sharing",
    "min_net_incentive",
    "leverage",
)
"""The headline scores a sweep reports, in display order."""

AXES: tuple[str, ...] = ("dsa", "trust", "omega")
MIN_POINTS = 2
MAX_POINTS = 51


@dataclass(frozen=True)
class SweepPoint:
    """One score at one point of the axis: point value and Monte Carlo summary."""

    x: float
    value: float | None
    mean: float | None
    p5: float | None
    p50: float | None
    p95: float | None


@dataclass(frozen=True)
class SweepResult:
    """Every headline score along one axis. ``current`` is the draft's own value on
    the axis; ``party``/``party_name`` are set for a trust sweep."""

    parameter_version: str
    seed: int
    n_samples: int
    axis: str
    party: str | None
    party_name: str | None
    xs: tuple[float, ...]
    current: float
    scores: Mapping[str, tuple[SweepPoint, ...]]

    def to_dict(self) -> JSON:
        out: JSON = plain(self)
        return out


@dataclass(frozen=True)
class LeaderSpan:
    """``label`` ranks first at the analyst's weights for ``dsa`` in [``start``, ``end``]
    (ends between grid points are interpolated where the utilities cross)."""

    label: str
    start: float
    end: float


@dataclass(frozen=True)
class RankingPoint:
    """The ranking at one ``dsa``: labels best first, weighted scores (0-1 scale, as in
    ``compare``) and the share of samples in which each draft is first at these weights."""

    x: float
    ranking: tuple[str, ...]
    weighted_scores: Mapping[str, float]
    first_share: Mapping[str, float]


@dataclass(frozen=True)
class RankingSweep:
    """Drafts ranked along the ``dsa`` axis, with the spans where each one leads and a
    sentence saying so ("A leads until dsa 0.55, then B")."""

    parameter_version: str
    seed: int
    n_samples: int
    labels: tuple[str, ...]
    weights: Mapping[str, float]
    points: tuple[RankingPoint, ...]
    leaders: tuple[LeaderSpan, ...]
    summary: str

    def to_dict(self) -> JSON:
        out: JSON = plain(self)
        return out


def grid(points: int, low: float = 0.0, high: float = 1.0) -> FloatArray:
    """``points`` evenly spaced values from ``low`` to ``high``, rounded to 1e-9."""
    return np.round(np.linspace(low, high, points), 9)


def _points_errors(points: object, c: Collector) -> None:
    if isinstance(points, bool) or not isinstance(points, int):
        c.add("points", f"must be a whole number from {MIN_POINTS} to {MAX_POINTS}")
    elif not MIN_POINTS <= points <= MAX_POINTS:
        c.add("points", f"must be from {MIN_POINTS} to {MAX_POINTS}, got {points}")


def recipient_index(model: Model, party: str) -> int:
    """Index of recipient ``party`` among the model's party entities."""
    return [p.key for p in model.recipients].index(party)


def with_axis(draws: Draws, model: Model, axis: str, x: float, party: str | None) -> Draws:
    """``draws`` with the swept value fixed at ``x`` in every sample."""
    if axis == "dsa":
        return dataclasses.replace(draws, dsa=np.full(draws.n, x))
    if axis == "omega":
        return dataclasses.replace(draws, omega=np.full(draws.n, x))
    assert party is not None
    values = draws.party.copy()
    values[:, recipient_index(model, party), 0] = x
    return dataclasses.replace(draws, party=values)


def _current(model: Model, axis: str, party: str | None) -> float:
    if axis == "dsa":
        return float(model.dsa_entity.values[0])
    if axis == "omega":
        return float(model.omega_entity.values[0])
    return float(next(p.trust for p in model.recipients if p.key == party))


def sweep_errors(
    snapshot: Snapshot, axis: object, party: object, points: object
) -> list[tuple[str, str]]:
    """Problems with the sweep settings (the snapshot is checked separately)."""
    c = Collector()
    if axis not in AXES:
        c.add("axis", f"must be one of {', '.join(AXES)}, got {axis!r}")
    recipients = [p.key for p in snapshot.parties if p.role == Role.RECIPIENT]
    if axis == "trust":
        if not party:
            c.add("party", "a trust sweep needs the key of one recipient")
        elif party not in recipients:
            known = ", ".join(recipients) or "none"
            c.add("party", f"the draft has no recipient {party!r} (recipients: {known})")
    elif party:
        c.add("party", "only a trust sweep takes a party")
    _points_errors(points, c)
    return c.errors


def _evaluations(
    model: Model, draws: Draws, point: Draws, axis: str, x: float, party: str | None
) -> tuple[Evaluation, Evaluation]:
    return (
        evaluate(model, with_axis(point, model, axis, x, party)),
        evaluate(model, with_axis(draws, model, axis, x, party)),
    )


def sweep(
    snapshot: Snapshot,
    *,
    axis: str,
    party: str | None = None,
    points: int = 11,
    n_samples: int | None = None,
    seed: int,
    params: ParameterSet = DEFAULT_PARAMETERS,
) -> SweepResult:
    """Every headline score at ``points`` values of ``axis`` from 0 to 1.

    ``axis`` is ``dsa``, ``omega`` or ``trust`` (then ``party`` names a recipient).
    Raises ``EngineValidationError`` before computing anything.
    """
    n = params.default_samples if n_samples is None else n_samples
    errors = snapshot_errors(snapshot, params) + run_errors(n, seed, params)
    if not errors:
        errors = sweep_errors(snapshot, axis, party, points)
    if errors:
        raise EngineValidationError(errors)
    model = compile_snapshot(snapshot, params)
    draws = sample_draws(model, UniformSource(seed, n))
    point = point_draws(model)
    xs = grid(points)
    rows: dict[str, list[SweepPoint]] = {name: [] for name in HEADLINE_SCORES}
    for x in xs.tolist():
        det, mc = _evaluations(model, draws, point, axis, x, party)
        stats = summarise_matrix(np.stack([mc.scores[name] for name in HEADLINE_SCORES]))
        for name, s in zip(HEADLINE_SCORES, stats, strict=True):
            value = float(det.scores[name][0])
            rows[name].append(
                SweepPoint(x, value if np.isfinite(value) else None, s.mean, s.p5, s.p50, s.p95)
            )
    return SweepResult(
        parameter_version=params.version,
        seed=seed,
        n_samples=n,
        axis=axis,
        party=party if axis == "trust" else None,
        party_name=model.party_names.get(party or "") if axis == "trust" else None,
        xs=tuple(xs.tolist()),
        current=_current(model, axis, party),
        scores={name: tuple(r) for name, r in rows.items()},
    )


# --- Ranking along the dsa axis --------------------------------------------------------------


def directions_for(power_direction: str) -> dict[str, str]:
    """Which way is better for each criterion (as ``compare``)."""
    return {
        "credibility": "up",
        "risk_overall": "down",
        "power_sharing": power_direction,
        "min_net_incentive": "up",
        "leverage": "up",
        "viability": "up",
    }


def normalised(
    det: FloatArray, mc: FloatArray, power_direction: str
) -> tuple[FloatArray, FloatArray]:
    """``compare``'s 0 (worst) to 1 (best) rescaling of criterion values ``det (A, C)`` and
    ``mc (n, A, C)``, over every sample and point value of every draft."""
    directions = directions_for(power_direction)
    signs = np.array([1.0 if directions[c] == "up" else -1.0 for c in CRITERIA])
    s_det, s_mc = det * signs, mc * signs
    lo = np.minimum(s_mc.min(axis=(0, 1)), s_det.min(axis=0))
    span = np.maximum(s_mc.max(axis=(0, 1)), s_det.max(axis=0)) - lo
    safe = np.where(span > 0, span, 1.0)
    return (
        np.where(span > 0, (s_det - lo) / safe, 0.0),
        np.where(span > 0, (s_mc - lo) / safe, 0.0),
    )


def unit_weights(weights: Mapping[str, float] | None) -> FloatArray:
    """Weights in ``CRITERIA`` order summing to 1 (missing: 0; ``None``: equal)."""
    raw = np.array([float((weights or dict.fromkeys(CRITERIA, 1.0)).get(c, 0.0)) for c in CRITERIA])
    return np.asarray(raw / raw.sum(), dtype=np.float64)


def drafts_errors(
    snapshots: Sequence[Snapshot], n: int, seed: int, params: ParameterSet
) -> list[tuple[str, str]]:
    """Problems with a set of labelled drafts to rank or compare together."""
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
        if not snap.label.strip() or snap.label in seen:
            errors.append((f"snapshots[{i}].label", "every draft needs its own label"))
        seen.add(snap.label)
    return errors + run_errors(n, seed, params)


def _leaders(xs: list[float], util: FloatArray, labels: tuple[str, ...]) -> list[LeaderSpan]:
    """Spans of the axis where each draft has the highest utility ``util (X, A)``."""
    top = [int(a) for a in util.argmax(axis=1)]
    spans: list[LeaderSpan] = []
    start = xs[0]
    for k in range(1, len(xs)):
        if top[k] == top[k - 1]:
            continue
        a, b = top[k - 1], top[k]
        gap0 = util[k - 1, a] - util[k - 1, b]
        gap1 = util[k, a] - util[k, b]
        frac = gap0 / (gap0 - gap1) if gap0 - gap1 > 0 else 0.5
        cross = xs[k - 1] + float(np.clip(frac, 0.0, 1.0)) * (xs[k] - xs[k - 1])
        spans.append(LeaderSpan(labels[a], start, cross))
        start = cross
    spans.append(LeaderSpan(labels[top[-1]], start, xs[-1]))
    return spans


def leader_sentence(spans: Sequence[LeaderSpan]) -> str:
    """ "A leads until dsa 0.55, then B" in words."""
    if len(spans) == 1:
        return (
            f"{spans[0].label} leads at every dsa from {spans[0].start:.2f} to {spans[0].end:.2f}."
        )
    parts = [f"{spans[0].label} leads until dsa {spans[0].end:.2f}"]
    for span in spans[1:-1]:
        parts.append(f"then {span.label} until {span.end:.2f}")
    parts.append(f"then {spans[-1].label}")
    return ", ".join(parts) + "."


def dsa_ranking(
    snapshots: Sequence[Snapshot],
    *,
    points: int = 11,
    n_samples: int | None = None,
    seed: int,
    weights: Mapping[str, float] | None = None,
    power_direction: str = "down",
    params: ParameterSet = DEFAULT_PARAMETERS,
    progress: Callable[[float], None] | None = None,
) -> RankingSweep:
    """Rank 2 to 6 labelled drafts at ``points`` values of ``dsa`` from 0 to 1 by the
    weighted sum of ``compare`` (its normalisation, at each point). ``progress`` is called
    with the share done after each point."""
    n = params.default_samples if n_samples is None else n_samples
    errors = drafts_errors(snapshots, n, seed, params)
    errors += weight_errors(weights, None, CRITERIA)
    c = Collector()
    _points_errors(points, c)
    if power_direction not in ("up", "down"):
        c.add("power_direction", f"must be 'up' or 'down', got {power_direction!r}")
    errors += c.errors
    if errors:
        raise EngineValidationError(errors)
    source = UniformSource(seed, n)
    models = [compile_snapshot(s, params) for s in snapshots]
    draws = [sample_draws(m, source) for m in models]
    point = [point_draws(m) for m in models]
    labels = tuple(s.label for s in snapshots)
    w = unit_weights(weights)
    xs = grid(points).tolist()
    rows: list[RankingPoint] = []
    utilities = np.zeros((len(xs), len(models)))
    for k, x in enumerate(xs):
        evs = [
            _evaluations(m, d, p, "dsa", x, None)
            for m, d, p in zip(models, draws, point, strict=True)
        ]
        det = np.stack([_criteria(e[0])[0] for e in evs])
        mc = np.stack([_criteria(e[1]) for e in evs], axis=1)
        n_det, n_mc = normalised(det, mc, power_direction)
        util = n_det @ w
        utilities[k] = util
        order = np.argsort(-util, kind="stable")
        first = np.bincount((n_mc @ w).argmax(axis=1), minlength=len(models)) / n
        if progress is not None:
            progress((k + 1) / len(xs))
        rows.append(
            RankingPoint(
                x=x,
                ranking=tuple(labels[int(a)] for a in order),
                weighted_scores={lbl: float(u) for lbl, u in zip(labels, util, strict=True)},
                first_share={lbl: float(f) for lbl, f in zip(labels, first, strict=True)},
            )
        )
    spans = _leaders(xs, utilities, labels)
    return RankingSweep(
        parameter_version=params.version,
        seed=seed,
        n_samples=n,
        labels=labels,
        weights={c: float(w[k]) for k, c in enumerate(CRITERIA)},
        points=tuple(rows),
        leaders=tuple(spans),
        summary=leader_sentence(spans),
    )
