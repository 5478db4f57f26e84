"""Input types of the scoring engine: a frozen, self-contained agreement snapshot.

The snapshot carries every catalog value it needs, so scoring needs no database.
Attribute names follow ``design/scoring-model.md`` (section 1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


def _frozen_map(values: Mapping[str, float] | None = None) -> Mapping[str, float]:
    return MappingProxyType(dict(values or {}))


class Cluster(StrEnum):
    FINANCIAL_RESOURCE = "financial_resource"
    FRONTIER_AI = "frontier_ai"
    NATIONAL_SECURITY = "national_security"
    SEATS_AT_TABLE = "seats_at_table"
    OTHER = "other"


class Purpose(StrEnum):
    COALITION = "coalition"
    SECURE_LEAD = "secure_lead"
    WELFARE = "welfare"
    OTHER = "other"


class Role(StrEnum):
    PROVIDER = "provider"
    RECIPIENT = "recipient"
    EXCLUDED = "excluded"
    OBSERVER = "observer"


class Alignment(StrEnum):
    ALLY = "ally"
    NEUTRAL = "neutral"
    COMPETITOR = "competitor"


class Scope(StrEnum):
    GENERAL = "general"
    NARROW = "narrow"


class OutputControls(StrEnum):
    NONE = "none"
    FINE_TUNED = "fine_tuned"
    FILTERED = "filtered"
    BOTH = "both"


class Monitoring(StrEnum):
    NONE = "none"
    PERIODIC_AUDIT = "periodic_audit"
    REALTIME = "realtime"


class AccessMode(StrEnum):
    API = "api"
    WEIGHTS = "weights"
    COMPUTE_INFERENCE = "compute_inference"
    COMPUTE_TRAINING_GOVERNED = "compute_training_governed"


class Throttling(StrEnum):
    NONE = "none"
    MODERATE = "moderate"
    STRICT = "strict"


class Disclosure(StrEnum):
    NONE = "none"
    PARTIAL = "partial"
    FULL = "full"


class Covers(StrEnum):
    PROVIDER = "provider"
    RECIPIENTS = "recipients"
    BOTH = "both"


ITEM_ATTRIBUTES: tuple[str, ...] = ("p", "t", "r", "d", "q", "c", "v", "a")
"""Numeric attributes of a catalog benefit item, each in [0, 1] except ``q`` in [-1, 1]."""


@dataclass(frozen=True)
class Levers:
    """Frontier-AI access levers of one line (section 2)."""

    scope: Scope = Scope.GENERAL
    generation_lag: int = 0
    output_controls: OutputControls = OutputControls.NONE
    monitoring: Monitoring = Monitoring.NONE
    access_mode: AccessMode = AccessMode.API
    throttling: Throttling = Throttling.NONE
    disclosure: Disclosure = Disclosure.NONE


@dataclass(frozen=True)
class BenefitItem:
    """A catalog benefit item with its attribute values and uncertainty half-widths.

    ``uncertainty`` maps attribute names of ``ITEM_ATTRIBUTES`` to half-widths;
    a missing name means the parameter set's default half-width.
    """

    slug: str
    cluster: Cluster
    p: float
    t: float
    r: float
    d: float
    q: float
    c: float
    v: float
    a: float
    levers_apply: bool = False
    uncertainty: Mapping[str, float] = field(default_factory=_frozen_map)
    name: str = ""
    """Display name used in warnings and explanations; empty means the slug."""


@dataclass(frozen=True)
class Commitment:
    """A catalog commitment a recipient can make in return (section 1)."""

    slug: str
    burden: float
    verifiability: float
    restraint: bool = False
    race_framing: float = 0.0
    provider_value: float = 1.0
    """``pi``: what one unit of this burden is worth to the provider (section 1)."""
    capability_scaled: bool = False
    """Whether the real burden grows with the recipient's capability (section 6)."""
    name: str = ""
    """Display name used in warnings and explanations; empty means the slug."""


@dataclass(frozen=True)
class MechanismType:
    """A credibility mechanism type: effectiveness ``e`` and erosion ``eps`` (section 4)."""

    slug: str
    effectiveness: float
    erosion: float
    cost: float = 0.0
    """Provider cost per unit of strength (section 6)."""
    uncertainty: Mapping[str, float] = field(default_factory=_frozen_map)
    """Half-widths for ``effectiveness``, ``erosion`` and ``cost``; missing: the default."""
    name: str = ""
    """Display name used in warnings and explanations; empty means the slug."""


@dataclass(frozen=True)
class Party:
    """A state in the draft. The provider's tau/kappa/sigma are ignored."""

    key: str
    name: str
    role: Role
    alignment: Alignment = Alignment.NEUTRAL
    trust: float = 0.5
    capability: float = 0.5
    security: float = 0.5
    need: float = 0.5
    """``nu``: how much financial and resource benefits matter to it."""
    threat: float = 0.5
    """``theta``: its external security threat (how much security benefits matter)."""
    outside_option: float = 0.0
    """``o``: value of its best alternative to this deal (0: the status quo)."""
    multipliers: Mapping[str, float] = field(default_factory=_frozen_map)
    """Per-cluster valuation multipliers overriding section 3's defaults."""
    uncertainty: Mapping[str, float] = field(default_factory=_frozen_map)
    """Half-widths for ``trust``, ``capability``, ``security``, ``need``, ``threat``,
    ``outside_option``."""


@dataclass(frozen=True)
class Phase:
    """A phase of the agreement; ``order`` starts at 1."""

    key: str
    order: int
    reversible: bool = True
    duration_months: float | None = None
    """Length of the phase; ``None``: unknown (no exposure-months)."""


@dataclass(frozen=True)
class Line:
    """One benefit given to one recipient."""

    key: str
    item: str
    """Slug of a ``BenefitItem`` in the snapshot."""
    recipient: str
    """Key of a recipient ``Party``."""
    magnitude: float
    phase: str | None = None
    """Key of a ``Phase``; ``None`` means the first phase."""
    levers: Levers | None = None
    """Required (or defaulted) only for items with ``levers_apply``."""


@dataclass(frozen=True)
class Condition:
    """A commitment asked of one recipient."""

    key: str
    commitment: str
    """Slug of a ``Commitment`` in the snapshot."""
    recipient: str
    burden: float
    verifiability: float
    reversible: bool = False
    phase: str | None = None
    uncertainty: Mapping[str, float] = field(default_factory=_frozen_map)
    """Half-widths for ``burden`` and ``verifiability``."""


@dataclass(frozen=True)
class Mechanism:
    """A credibility mechanism attached to the draft."""

    key: str
    mechanism_type: str
    """Slug of a ``MechanismType`` in the snapshot."""
    strength: float
    covers: Covers = Covers.BOTH
    phase: str | None = None
    """Key of the ``Phase`` it enters into force in; ``None`` means the first phase."""
    uncertainty: float | None = None
    """Half-width of ``strength``; ``None`` means the default."""


@dataclass(frozen=True)
class Snapshot:
    """Everything needed to score one agreement revision."""

    purpose: Purpose
    dsa: float
    parties: tuple[Party, ...]
    items: tuple[BenefitItem, ...]
    lines: tuple[Line, ...]
    commitments: tuple[Commitment, ...] = ()
    conditions: tuple[Condition, ...] = ()
    mechanism_types: tuple[MechanismType, ...] = ()
    mechanisms: tuple[Mechanism, ...] = ()
    phases: tuple[Phase, ...] = ()
    dsa_uncertainty: float | None = None
    omega: float | None = None
    """Safety value per unit of restraint burden (section 10a); ``None``: default."""
    omega_uncertainty: float | None = None
    min_participation: int = 0
    risk_weights: Mapping[str, float] | None = None
    """Weights of the five risks; ``None`` means equal weights."""
    label: str = ""
    """Free text naming the draft in warnings and comparisons."""
