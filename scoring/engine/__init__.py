"""Windfall's pure scoring engine (standard library + numpy only).

Public entry points: ``score`` (deterministic), ``simulate`` (with Monte Carlo,
trajectory and coalition), ``compare`` (2 to 6 drafts), ``trajectory``; the raw
number methods live in ``scoring.engine.analysis``. See docs/methodology.md.
"""

from __future__ import annotations

from .comparison import compare
from .comparison_results import (
    ComparisonResult,
    ContributionDelta,
    DraftSummary,
    PairExplanation,
    WeightFlip,
)
from .core import LABELS, SCORE_NAMES
from .deterministic import score
from .errors import EngineValidationError
from .montecarlo import simulate
from .negotiation import Bargain, NegotiationResult, negotiation
from .params import DEFAULT_PARAMETERS, LeverEffect, ParameterSet, parameter_rows
from .phasing import trajectory
from .results import (
    CoalitionResult,
    Contribution,
    CredibilityExplanation,
    DeterministicResult,
    EngineWarning,
    FreeRider,
    LineResult,
    MemberMargin,
    PartyExposure,
    RecipientResult,
    ScoreResult,
    ScoreSummary,
    Summary,
    TrajectoryStep,
)
from .types import (
    ITEM_ATTRIBUTES,
    AccessMode,
    Alignment,
    BenefitItem,
    Cluster,
    Commitment,
    Condition,
    Covers,
    Disclosure,
    Levers,
    Line,
    Mechanism,
    MechanismType,
    Monitoring,
    OutputControls,
    Party,
    Phase,
    Purpose,
    Role,
    Scope,
    Snapshot,
    Throttling,
)
from .validation import CRITERIA

__all__ = [
    "CRITERIA",
    "DEFAULT_PARAMETERS",
    "ITEM_ATTRIBUTES",
    "LABELS",
    "SCORE_NAMES",
    "AccessMode",
    "Alignment",
    "Bargain",
    "BenefitItem",
    "Cluster",
    "CoalitionResult",
    "Commitment",
    "ComparisonResult",
    "Condition",
    "Contribution",
    "ContributionDelta",
    "Covers",
    "CredibilityExplanation",
    "DeterministicResult",
    "Disclosure",
    "DraftSummary",
    "EngineValidationError",
    "EngineWarning",
    "FreeRider",
    "LeverEffect",
    "Levers",
    "Line",
    "LineResult",
    "Mechanism",
    "MechanismType",
    "MemberMargin",
    "Monitoring",
    "NegotiationResult",
    "OutputControls",
    "PairExplanation",
    "ParameterSet",
    "Party",
    "PartyExposure",
    "Phase",
    "Purpose",
    "RecipientResult",
    "Role",
    "Scope",
    "ScoreResult",
    "ScoreSummary",
    "Snapshot",
    "Summary",
    "Throttling",
    "TrajectoryStep",
    "WeightFlip",
    "compare",
    "negotiation",
    "parameter_rows",
    "score",
    "simulate",
    "trajectory",
]
