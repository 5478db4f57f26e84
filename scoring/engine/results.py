"""Frozen result dataclasses and their JSON-ready ``to_dict`` forms.

``plain`` turns any result into str/float/int/bool/None/list/dict only: numpy
values become Python numbers, NaN and infinities become ``None``, enums their
value, tuples lists and mappings dicts (keys in field order).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from typing import Any

import numpy as np

JSON = dict[str, Any]


def plain(obj: object) -> Any:
    """Convert results (dataclasses, mappings, sequences, numpy values) to JSON-ready data."""
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, Enum):
        return plain(obj.value)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        x = float(obj)
        return x if math.isfinite(x) else None
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: plain(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        return plain(obj.tolist())
    if isinstance(obj, list | tuple):
        return [plain(v) for v in obj]
    raise TypeError(f"cannot convert {type(obj).__name__} to plain data")


@dataclass(frozen=True)
class Contribution:
    """How much one source moved a score.

    ``kind`` is ``line``, ``condition``, ``mechanism``, ``party`` or ``part`` (a
    named component such as ``selectivity`` or one risk inside ``risk_overall``).
    """

    kind: str
    key: str
    label: str
    amount: float


_new = object.__new__


def contribution(kind: str, key: str, label: str, amount: float) -> Contribution:
    """``Contribution(kind, key, label, amount)``, built without the frozen dataclass's
    ``__init__`` (which sets each field through ``object.__setattr__``): the same object
    in half the time, for the hundreds of rows of a deterministic result. A test checks
    that it equals the dataclass constructor and sets every field."""
    c = _new(Contribution)
    d = c.__dict__
    d["kind"] = kind
    d["key"] = key
    d["label"] = label
    d["amount"] = amount
    return c


def assemble[T](cls: type[T], values: dict[str, Any]) -> T:
    """``cls(**values)`` for a frozen dataclass without ``__post_init__``, when ``values``
    names every field: built without the generated ``__init__`` (one
    ``object.__setattr__`` per field), about ten times faster for wide rows such as
    ``LineResult``. The caller must pass every field (defaults are not applied); the
    tests compare the result with the dataclass constructor."""
    row = _new(cls)
    row.__dict__.update(values)
    return row


@dataclass(frozen=True)
class EngineWarning:
    """Something an analyst can act on. ``code`` is stable; ``message`` is plain words.

    ``subject_kind`` is ``agreement``, ``party``, ``line``, ``condition``,
    ``mechanism`` or ``phase``; ``subject_key`` is the key of that subject
    (``""`` for the agreement). ``severity`` is ``warning`` or ``info``.
    """

    code: str
    message: str
    subject_kind: str
    subject_key: str
    severity: str = "warning"


@dataclass(frozen=True)
class Summary:
    """Monte Carlo summary of one quantity; ``None`` where it is undefined in every sample."""

    mean: float | None
    p5: float | None
    p50: float | None
    p95: float | None


@dataclass(frozen=True)
class ScoreSummary:
    """A score's deterministic point ``value`` beside its Monte Carlo summary."""

    value: float | None
    mean: float | None
    p5: float | None
    p50: float | None
    p95: float | None


@dataclass(frozen=True)
class LineResult:
    """One line after levers: attributes ``p d r v`` are the lever-adjusted values."""

    key: str
    item: str
    item_name: str
    recipient: str
    recipient_name: str
    phase: str | None
    magnitude: float
    p: float
    d: float
    r: float
    v: float
    value: float
    power_share: float
    label: str
    need: float
    proliferation: float
    shared_value: float = 0.0
    """``X_i = m_i v'_i`` (what outsiders see); ``value`` is ``V_i``, the recipient's own."""
    multiplier: float = 1.0
    need_share: float = 0.0
    trust_prior: float = 0.0
    supply: float = 0.0
    belief: float = 0.0
    doubt: float = 0.0


@dataclass(frozen=True)
class RecipientResult:
    """One recipient's position (sections 3, 4 and 6); ``credibility`` is 0-100.

    ``value`` is ``V_j`` (its own valuation), ``need`` the part resting on trust,
    ``demand`` ``D_j``, ``demand_ratio`` ``D_j / (V_j + gamma Sac_j)``, ``burden`` the
    effective burden ``K_j``. The Monte Carlo fields are ``None`` in a deterministic
    result.
    """

    key: str
    name: str
    alignment: str
    value: float
    need: float
    sacrifice: float
    burden: float
    demand: float
    demand_ratio: float
    credibility: float
    believed_value: float
    net_incentive: float
    exposure: float
    restraint: bool
    net_incentive_summary: Summary | None = None
    no_incentive_probability: float | None = None
    shared_value: float = 0.0
    power_share: float = 0.0
    trust_prior: float = 0.0
    belief: float = 0.0
    doubt: float = 0.0
    staged_reciprocity: float = 0.0
    outside_option: float = 0.0
    margin: float | None = None
    would_sign: bool = True
    sign_probability: float | None = None
    provider_value: float = 0.0
    provider_cost: float = 0.0


@dataclass(frozen=True)
class CredibilityExplanation:
    """Credibility ``C = 1 - sum Lambda_j / sum D_j`` and the doubt discount spelled out.

    ``supply`` is the need-weighted provider-side supply, ``demand`` the share of the
    recipients' stake that rests on trust, ``ratio`` is ``C`` in [0, 1] (``None``
    when nothing rests on trust), ``capped`` says ``C`` is 1.
    """

    supply: float
    demand: float
    ratio: float | None
    capped: bool
    text: str
    credibility: float = 100.0
    doubt_discount: float = 0.0


@dataclass(frozen=True)
class MechanismEffect:
    """Leave-one-out: what the draft loses without one mechanism (section 0).

    ``credibility_drop`` is in points (0-100); ``assurance_drop`` is ``None`` when the
    draft has no conditions; ``cost`` is the provider cost of the mechanism.
    """

    key: str
    label: str
    covers: str
    credibility_without: float
    credibility_drop: float
    assurance_drop: float | None
    proliferation_rise: float
    overall_risk_rise: float
    cost: float


@dataclass(frozen=True)
class DeterministicResult:
    """Point scores of one snapshot (sections 2-6).

    ``to_dict()`` layout: ``{"parameter_version", "label", "scores": {name: value},
    "contributions": {name: [{"kind", "key", "label", "amount"}]},
    "credibility_explanation": {...}, "lines": [...], "recipients": [...],
    "warnings": [{"code", "message", "subject_kind", "subject_key", "severity"}]}``.
    """

    parameter_version: str
    label: str
    scores: Mapping[str, float | None]
    contributions: Mapping[str, tuple[Contribution, ...]]
    credibility_explanation: CredibilityExplanation
    lines: tuple[LineResult, ...]
    recipients: tuple[RecipientResult, ...]
    warnings: tuple[EngineWarning, ...]
    mechanism_effects: tuple[MechanismEffect, ...] = ()

    def to_dict(self) -> JSON:
        out: JSON = plain(self)
        return out


@dataclass(frozen=True)
class PartyExposure:
    """What a party has given and received after a phase.

    ``exposure = max(0, given - received)``.
    """

    key: str
    name: str
    role: str
    given: float
    received: float
    exposure: float
    exposure_months: float | None = None
    """``exposure`` times the phase's ``duration_months`` (``None`` without a duration)."""


@dataclass(frozen=True)
class WorstPhase:
    """The phase after which a party is most exposed (section 9)."""

    key: str
    name: str
    phase_key: str | None
    phase_order: int
    exposure: float
    exposure_months: float | None
    total_exposure_months: float | None


@dataclass(frozen=True)
class TrajectoryStep:
    """Scores of the agreement cut after phase ``phase_order`` (lines and conditions so far)."""

    phase_key: str | None
    phase_order: int
    reversible: bool
    label: str
    scores: Mapping[str, float | None]
    exposures: tuple[PartyExposure, ...]

    def to_dict(self) -> JSON:
        out: JSON = plain(self)
        return out


@dataclass(frozen=True)
class MemberMargin:
    """A coalition member's payoff inside and outside the set (section 10a)."""

    key: str
    name: str
    burden: float
    believed_value: float
    payoff_in: float
    payoff_out: float
    margin: float
    pivotal: bool
    transfer_needed: float
    stays: bool
    stay_probability: float | None = None
    net_incentive: float = 0.0
    outside_option: float = 0.0


@dataclass(frozen=True)
class FreeRider:
    """A non-member's free ride (``omega * sum K``) beside an estimate of its joining cost."""

    key: str
    name: str
    free_riding_value: float
    joining_cost: float


@dataclass(frozen=True)
class StableSubset:
    """The largest internally stable subset of the draft's members meeting the threshold.

    ``method`` is ``exact`` (every subset, up to ``max_exact_subset`` members) or
    ``greedy``; ``margins`` maps its members to their margins inside it;
    ``transfers_to_keep`` maps each left-out member to the smallest transfer that
    would make it stay in the subset with it added.
    """

    members: tuple[str, ...]
    size: int
    method: str
    margins: Mapping[str, float]
    transfers_to_keep: Mapping[str, float]


@dataclass(frozen=True)
class CoalitionResult:
    """Internal stability of the draft's own coalition (section 10a).

    ``transfer_split`` maps member keys to the transfer each receives (positive)
    or pays (negative) in one split that makes every margin non-negative.
    """

    members: tuple[str, ...]
    size: int
    min_participation: int
    in_force: bool
    omega: float
    stable: bool
    stability_likelihood: float | None
    margins: tuple[MemberMargin, ...]
    total_transfer_needed: float
    self_financing: bool
    transfer_split: Mapping[str, float]
    free_riders: tuple[FreeRider, ...]
    largest_stable_subset: StableSubset | None = None

    def to_dict(self) -> JSON:
        out: JSON = plain(self)
        return out


@dataclass(frozen=True)
class ScoreResult:
    """Deterministic scores, Monte Carlo summaries, trajectory, coalition and warnings.

    ``to_dict()`` layout (stable keys): ``{"parameter_version", "seed",
    "n_samples", "label", "label_shares": {label: share of samples},
    "scores": {name: {"value", "mean", "p5", "p50", "p95"}},
    "contributions": {name: [{"kind", "key", "label", "amount"}]},
    "credibility_explanation": {"supply", "demand", "ratio", "capped", "text"},
    "lines": [...], "recipients": [... with "net_incentive_summary" and
    "no_incentive_probability", "sign_probability", ...], "warnings": [...],
    "trajectory": [...], "coalition": {...} | None, "mechanism_effects": [...],
    "worst_phases": [...]}``.
    """

    parameter_version: str
    seed: int
    n_samples: int
    label: str
    label_shares: Mapping[str, float]
    scores: Mapping[str, ScoreSummary]
    deterministic: DeterministicResult
    recipients: tuple[RecipientResult, ...]
    trajectory: tuple[TrajectoryStep, ...]
    coalition: CoalitionResult | None
    warnings: tuple[EngineWarning, ...]
    worst_phases: tuple[WorstPhase, ...] = ()

    def to_dict(self) -> JSON:
        det = self.deterministic
        return {
            "parameter_version": self.parameter_version,
            "seed": self.seed,
            "n_samples": self.n_samples,
            "label": self.label,
            "label_shares": plain(self.label_shares),
            "scores": plain(self.scores),
            "contributions": plain(det.contributions),
            "credibility_explanation": plain(det.credibility_explanation),
            "lines": plain(det.lines),
            "recipients": plain(self.recipients),
            "warnings": plain(self.warnings),
            "trajectory": plain(self.trajectory),
            "coalition": plain(self.coalition),
            "mechanism_effects": plain(det.mechanism_effects),
            "worst_phases": plain(self.worst_phases),
        }
