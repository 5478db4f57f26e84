"""Weight elicitation by pairwise comparison (section 16; Saaty's AHP).

Each judgement says how much more one criterion matters than another on Saaty's
1-9 scale (``value`` 3: ``a`` matters moderately more than ``b``; 1/3: the other
way round). The judgements fill a positive reciprocal matrix ``A``; the weights
are its principal right eigenvector ``A w = lambda_max w`` normalised to sum 1.
Consistency index ``CI = (lambda_max - n) / (n - 1)``; consistency ratio
``CR = CI / RI(n)`` with Saaty's random indices; above 0.10 the judgements should
be revised, starting with the one furthest from the ratio its weights imply.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .errors import EngineValidationError
from .results import JSON, plain
from .validation import Collector

FloatArray = NDArray[np.float64]

RANDOM_INDEX: Mapping[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
}
"""Saaty's random consistency index by matrix size (Saaty 1980, table 1.7.1)."""

CR_LIMIT = 0.10
SCALE_HIGH = 9.0
SCALE_LOW_INPUT = 0.11
"""The smallest value accepted (1/9 written with two decimals)."""


@dataclass(frozen=True)
class Judgement:
    """``a`` matters ``value`` times as much as ``b`` (1/9 to 9)."""

    a: str
    b: str
    value: float


@dataclass(frozen=True)
class WorstJudgement:
    """The judgement furthest (in log ratio) from what the weights imply (``implied``
    = ``w_a / w_b``); ``suggested`` is the scale value nearest to what the other
    judgements say through every third criterion (geometric mean of ``a_ak a_kb``)."""

    a: str
    b: str
    given: float
    implied: float
    suggested: float


@dataclass(frozen=True)
class AhpResult:
    criteria: tuple[str, ...]
    weights: Mapping[str, float]
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float
    consistent: bool
    worst: WorstJudgement | None
    message: str

    def to_dict(self) -> JSON:
        out: JSON = plain(self)
        return out


def _scale_value(x: float) -> float:
    """The Saaty scale value (1..9 or 1/9..1) nearest to ``x`` in log terms."""
    steps = [float(k) for k in range(1, 10)] + [1.0 / k for k in range(2, 10)]
    return min(steps, key=lambda s: abs(math.log(s) - math.log(x)))


def _fmt(x: float) -> str:
    return f"{x:g}" if x >= 1 else f"1/{1 / x:g}"


def principal_weights(matrix: FloatArray) -> tuple[FloatArray, float]:
    """Principal eigenvector (normalised to sum 1) and eigenvalue of a positive matrix."""
    values, vectors = np.linalg.eig(matrix)
    k = int(np.argmax(values.real))
    w = np.abs(vectors[:, k].real)
    return np.asarray(w / w.sum(), dtype=np.float64), float(values[k].real)


def ahp_from_matrix(criteria: Sequence[str], matrix: FloatArray) -> AhpResult:
    """Weights and consistency of a complete positive reciprocal matrix."""
    n = len(criteria)
    w, lam = principal_weights(matrix)
    ci = max(0.0, (lam - n) / (n - 1)) if n > 1 else 0.0
    ri = RANDOM_INDEX.get(n, 1.49)
    cr = ci / ri if ri > 0 else 0.0
    worst: WorstJudgement | None = None
    if n > 2:
        a, b = max(
            itertools.combinations(range(n), 2),
            key=lambda ij: abs(math.log(matrix[ij[0], ij[1]] * w[ij[1]] / w[ij[0]])),
        )
        others = [k for k in range(n) if k not in (a, b)]
        indirect = float(np.exp(np.mean([np.log(matrix[a, k] * matrix[k, b]) for k in others])))
        worst = WorstJudgement(
            criteria[a], criteria[b], float(matrix[a, b]), float(w[a] / w[b]),
            _scale_value(indirect),
        )  # fmt: skip
    consistent = cr <= CR_LIMIT
    if consistent:
        message = f"The judgements are consistent enough (consistency ratio {cr:.3f})."
    else:
        assert worst is not None
        message = (
            f"The judgements contradict each other (consistency ratio {cr:.2f}, above "
            f"{CR_LIMIT:.2f}). Revise them, starting with {worst.a} against {worst.b}: you "
            f"said {_fmt(worst.given)}, the other answers imply about {_fmt(worst.suggested)}."
        )
    return AhpResult(
        criteria=tuple(criteria),
        weights={c: float(x) for c, x in zip(criteria, w, strict=True)},
        lambda_max=lam,
        consistency_index=ci,
        random_index=ri,
        consistency_ratio=cr,
        consistent=consistent,
        worst=worst,
        message=message,
    )


def judgement_matrix(criteria: Sequence[str], judgements: Sequence[Judgement]) -> FloatArray:
    """The reciprocal matrix of a complete set of judgements (checked first)."""
    c = Collector()
    names = list(criteria)
    if len(names) < 2 or len(set(names)) != len(names):
        c.add("criteria", "name at least two different criteria")
    if len(names) > max(RANDOM_INDEX):
        c.add("criteria", f"name at most {max(RANDOM_INDEX)} criteria")
    if not judgements:
        c.add("judgements", "answer at least one comparison")
    c.raise_if_any()
    index = {name: i for i, name in enumerate(names)}
    m = np.eye(len(names))
    seen: set[frozenset[str]] = set()
    for k, j in enumerate(judgements):
        where = f"judgements[{k}]"
        for side in ("a", "b"):
            if getattr(j, side) not in index:
                c.add(f"{where}.{side}", f"unknown criterion {getattr(j, side)!r}")
        if j.a == j.b:
            c.add(where, "compare two different criteria")
        pair = frozenset((j.a, j.b))
        if pair in seen:
            c.add(where, f"{j.a} and {j.b} are compared twice")
        seen.add(pair)
        c.number(f"{where}.value", j.value, low=SCALE_LOW_INPUT, high=SCALE_HIGH)
        if not c.errors and j.a in index and j.b in index and j.a != j.b:
            m[index[j.a], index[j.b]] = j.value
            m[index[j.b], index[j.a]] = 1.0 / j.value
    missing = [
        f"{a} against {b}"
        for a, b in itertools.combinations(names, 2)
        if frozenset((a, b)) not in seen
    ]
    if missing:
        c.add("judgements", f"answer every comparison; missing: {', '.join(missing)}")
    c.raise_if_any()
    return m


def ahp(criteria: Sequence[str], judgements: Sequence[Judgement]) -> AhpResult:
    """Weights of ``criteria`` from one judgement per pair. Raises
    ``EngineValidationError`` for unknown, repeated or missing pairs or values off the scale."""
    return ahp_from_matrix(criteria, judgement_matrix(criteria, judgements))


def require_consistent(result: AhpResult) -> None:
    """Raise ``EngineValidationError`` (field ``judgements``) when CR is above 0.10."""
    if not result.consistent:
        raise EngineValidationError([("judgements", result.message)])


def weight_intervals(weights: Mapping[str, float], spread: float) -> dict[str, tuple[float, float]]:
    """Intervals ``w -+ spread`` around elicited weights, clipped to [0, 1], for SMAA.

    Additive, not relative: SMAA draws weights uniformly on the simplex and keeps those
    inside the box, and six relative intervals of +-25% hold about 3 in 100,000 draws,
    while +-0.1 around the same weights holds about 2 in 100."""
    if not 0.0 <= spread <= 1.0 or not math.isfinite(spread):
        raise EngineValidationError([("spread", f"must be in [0, 1], got {spread!r}")])
    return {c: (max(0.0, w - spread), min(1.0, w + spread)) for c, w in weights.items()}
