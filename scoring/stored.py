"""Typed access to stored score results.

A finished :class:`~scoring.models.ScoreRun` keeps the engine's
``ScoreResult.to_dict()`` as JSON. These ``TypedDict`` shapes mirror the engine's result
types key by key, so code that reads a stored result (presenters, exports, the API) is
type-checked against the engine's layout instead of indexing untyped JSON;
``tests/scoring/test_stored.py`` checks them against a real result. A new engine key is
one line here (and one in ``scoring/api/schemas.py``, which documents the same JSON).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, cast

if TYPE_CHECKING:
    from scoring.models import ScoreRun


class ScoreSummary(TypedDict):
    value: float | None
    mean: float | None
    p5: float | None
    p50: float | None
    p95: float | None


class Contribution(TypedDict):
    kind: str
    key: str
    label: str
    amount: float


class EngineWarning(TypedDict):
    code: str
    message: str
    subject_kind: str
    subject_key: str
    severity: str


class CredibilityExplanation(TypedDict):
    supply: float
    demand: float
    ratio: float | None
    capped: bool
    text: str
    credibility: float
    doubt_discount: float


class Recipient(TypedDict):
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
    net_incentive_summary: ScoreSummary | None
    no_incentive_probability: float | None
    shared_value: float
    power_share: float
    trust_prior: float
    belief: float
    doubt: float
    staged_reciprocity: float
    outside_option: float
    margin: float | None
    would_sign: bool
    sign_probability: float | None
    provider_value: float
    provider_cost: float


class Line(TypedDict):
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
    shared_value: float
    multiplier: float
    power_share: float
    label: str
    need: float
    need_share: float
    trust_prior: float
    supply: float
    belief: float
    doubt: float
    proliferation: float


class MechanismEffect(TypedDict):
    key: str
    label: str
    covers: str
    credibility_without: float
    credibility_drop: float
    assurance_drop: float | None
    proliferation_rise: float
    overall_risk_rise: float
    cost: float


class PartyExposure(TypedDict):
    key: str
    name: str
    role: str
    given: float
    received: float
    exposure: float
    exposure_months: float | None


class TrajectoryStep(TypedDict):
    phase_key: str | None
    phase_order: int
    reversible: bool
    label: str
    scores: dict[str, float | None]
    exposures: list[PartyExposure]


class WorstPhase(TypedDict):
    key: str
    name: str
    phase_key: str | None
    phase_order: int
    exposure: float
    exposure_months: float | None
    total_exposure_months: float | None


class MemberMargin(TypedDict):
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
    stay_probability: float | None
    net_incentive: float
    outside_option: float


class FreeRider(TypedDict):
    key: str
    name: str
    free_riding_value: float
    joining_cost: float


class StableSubset(TypedDict):
    members: list[str]
    size: int
    method: str
    margins: dict[str, float]
    transfers_to_keep: dict[str, float]


class Coalition(TypedDict):
    members: list[str]
    size: int
    min_participation: int
    in_force: bool
    omega: float
    stable: bool
    stability_likelihood: float | None
    margins: list[MemberMargin]
    total_transfer_needed: float
    self_financing: bool
    transfer_split: dict[str, float]
    free_riders: list[FreeRider]
    largest_stable_subset: StableSubset


class ScoreResult(TypedDict):
    parameter_version: str
    seed: int
    n_samples: int
    label: str
    label_shares: dict[str, float]
    scores: dict[str, ScoreSummary]
    contributions: dict[str, list[Contribution]]
    credibility_explanation: CredibilityExplanation
    lines: list[Line]
    recipients: list[Recipient]
    warnings: list[EngineWarning]
    trajectory: list[TrajectoryStep]
    coalition: Coalition | None
    mechanism_effects: list[MechanismEffect]
    worst_phases: list[WorstPhase]


def stored_result(run: ScoreRun | None) -> ScoreResult | None:
    """The run's result, typed; ``None`` until the run is done (or without a run)."""
    if run is None or not run.result:
        return None
    return cast(ScoreResult, run.result)


def stored_summary(run: ScoreRun | None) -> ScoreResult | None:
    """The result of a run read by ``score_summary_latest_for_agreement``, without its
    per-line detail (``contributions`` and ``lines``); ``None`` without one."""
    summary = getattr(run, "summary", None)
    return cast(ScoreResult, summary) if summary else None
