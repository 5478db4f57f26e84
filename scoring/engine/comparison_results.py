"""Result dataclasses of a draft comparison (section 8)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .results import JSON, EngineWarning, ScoreSummary, plain


@dataclass(frozen=True)
class DraftSummary:
    """One draft in a comparison.

    ``criteria`` are the deterministic criterion values (leverage may be ``None``);
    ``rank_acceptability[r]`` is the share of SMAA samples in which the draft ranks
    ``r + 1``; ``central_weights`` (criterion -> weight) is ``None`` when it never
    ranks first; ``weighted_score`` is its weighted sum at the analyst's weights on
    the normalised (0 worst, 1 best) scale.
    """

    label: str
    classification: str
    scores: Mapping[str, ScoreSummary]
    criteria: Mapping[str, float | None]
    dominated_by: tuple[str, ...]
    rank_acceptability: tuple[float, ...]
    central_weights: Mapping[str, float] | None
    weighted_score: float
    warnings: tuple[EngineWarning, ...]
    confidence_factor: float | None = None
    """JSMAA: share of samples in which it ranks first at its own central weights."""


@dataclass(frozen=True)
class ContributionDelta:
    """A source's contribution to one score in draft ``a`` and in draft ``b``."""

    kind: str
    key: str
    label: str
    a: float
    b: float
    difference: float


@dataclass(frozen=True)
class MechanismDelta:
    """A mechanism of draft ``a`` and/or ``b``: credibility points lost without it
    (leave-one-out) in each (``None`` where the draft lacks it)."""

    key: str
    label: str
    a: float | None
    b: float | None


@dataclass(frozen=True)
class PairExplanation:
    """Why draft ``a`` differs from draft ``b``.

    ``criteria`` and ``scores`` are deterministic differences ``a - b``;
    ``win_probability`` is P(``a`` beats ``b``) per criterion (ties count half);
    ``drivers`` lists, per score, the sources whose contributions differ most
    (matched by kind and key; at most five, largest absolute difference first).
    """

    a: str
    b: str
    criteria: Mapping[str, float | None]
    win_probability: Mapping[str, float]
    scores: Mapping[str, float | None]
    drivers: Mapping[str, tuple[ContributionDelta, ...]]
    mechanisms: tuple[MechanismDelta, ...] = ()


@dataclass(frozen=True)
class WeightFlip:
    """Sensitivity of the top draft to one criterion weight (see ``analysis.CriterionFlip``)."""

    criterion: str
    weight: float
    flip_weight: float | None
    change: float | None
    relative_change: float | None
    keep_top: tuple[float, float]


@dataclass(frozen=True)
class ComparisonResult:
    """Comparison of 2 to 6 drafts with common random numbers.

    ``to_dict()`` layout: ``{"parameter_version", "seed", "n_samples", "labels",
    "criteria", "directions": {criterion: "up"|"down"}, "weights": {criterion: w},
    "weight_intervals": {criterion: [low, high]} | None, "drafts": [{"label",
    "classification", "scores": {name: {"value", "mean", "p5", "p50", "p95"}},
    "criteria", "dominated_by", "rank_acceptability", "central_weights",
    "weighted_score", "warnings"}], "win_probabilities": {criterion: A x A},
    "overall_winning_odds": A x A, "ranking": [labels], "top", "runner_up",
    "flip_points": [{"criterion", "weight", "flip_weight", "change",
    "relative_change", "keep_top"}], "smallest_flip": {...} | None,
    "pairs": [{"a", "b", "criteria", "win_probability", "scores", "drivers"}],
    "warnings": [...]}``. Matrices are lists of rows in ``labels`` order with
    ``None`` on the diagonal: entry ``[a][b]`` is P(``a`` beats ``b``).
    """

    parameter_version: str
    seed: int
    n_samples: int
    labels: tuple[str, ...]
    criteria: tuple[str, ...]
    directions: Mapping[str, str]
    weights: Mapping[str, float]
    weight_intervals: Mapping[str, tuple[float, float]] | None
    drafts: tuple[DraftSummary, ...]
    win_probabilities: Mapping[str, tuple[tuple[float | None, ...], ...]]
    overall_winning_odds: tuple[tuple[float | None, ...], ...]
    ranking: tuple[str, ...]
    top: str
    runner_up: str
    flip_points: tuple[WeightFlip, ...]
    smallest_flip: WeightFlip | None
    pairs: tuple[PairExplanation, ...]
    warnings: tuple[EngineWarning, ...]

    def to_dict(self) -> JSON:
        out: JSON = plain(self)
        return out
