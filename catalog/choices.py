"""Choice lists of the catalog, mirroring the engine's enumerations."""

from django.db import models


class Cluster(models.TextChoices):
    FINANCIAL_RESOURCE = "financial_resource", "Financial and resource"
    FRONTIER_AI = "frontier_ai", "Frontier AI"
    NATIONAL_SECURITY = "national_security", "National security"
    SEATS_AT_TABLE = "seats_at_table", "Seats at the table"
    OTHER = "other", "Other"


class PowerLabel(models.TextChoices):
    BENEFIT_SHARING = "benefit_sharing", "Benefit-sharing"
    BORDERLINE = "borderline", "Borderline"
    POWER_SHARING = "power_sharing", "Power-sharing"


class Alignment(models.TextChoices):
    ALLY = "ally", "Ally"
    NEUTRAL = "neutral", "Neutral"
    COMPETITOR = "competitor", "Competitor"


class Band(models.TextChoices):
    """Thirds of the unit interval, for faceted filtering of 0-1 attributes."""

    LOW = "low", "Low (below 0.34)"
    MEDIUM = "medium", "Medium (0.34 to 0.66)"
    HIGH = "high", "High (above 0.66)"


BAND_BOUNDS: dict[str, tuple[float, float]] = {
    Band.LOW: (0.0, 0.34),
    Band.MEDIUM: (0.34, 0.67),
    Band.HIGH: (0.67, 1.01),
}
"""Half-open ``[low, high)`` bounds of each band."""


ITEM_ATTRIBUTE_NAMES: dict[str, str] = {
    "p": "Power shift",
    "t": "Tangibility",
    "r": "Revocability",
    "d": "Dual-use potential",
    "q": "Deterrence impact (signed)",
    "c": "Cost to provider",
    "v": "Value to recipient",
    "a": "AI salience",
}
ITEM_ATTRIBUTE_HELP: dict[str, str] = {
    "p": "0 pure benefit-sharing, 1 pure power-sharing, at full magnitude.",
    "t": "Is it clear to the recipient that it has received the benefit?",
    "r": "How easily can the provider withdraw it?",
    "d": "Dual-use or proliferation potential.",
    "q": (
        "Deterrence impact (signed: + destabilising, - stabilising), -1 to 1: does it "
        "upset a deterrence balance (e.g. missile defence, +) or ease the security "
        "dilemma (e.g. a verifiable no-offensive-AI pledge or early warning, -)?"
    ),
    "c": "Cost to the provider at full magnitude.",
    "v": "Value to a typical recipient at full magnitude.",
    "a": "How strongly sharing it signals that AI is the decisive technology.",
}

LEVER_CHOICES: dict[str, tuple[str, ...]] = {
    "scope": ("general", "narrow"),
    "output_controls": ("none", "fine_tuned", "filtered", "both"),
    "monitoring": ("none", "periodic_audit", "realtime"),
    "access_mode": ("api", "weights", "compute_inference", "compute_training_governed"),
    "throttling": ("none", "moderate", "strict"),
    "disclosure": ("none", "partial", "full"),
}
"""Allowed settings of each frontier-AI lever (``generation_lag`` is 0 to 3)."""
MAX_GENERATION_LAG = 3


class ClauseKind(models.TextChoices):
    """What a clause template is written for (its ``subject`` names which one)."""

    BENEFIT_KIND = "benefit_kind", "Benefit kind (a cluster)"
    COMMITMENT = "commitment", "Commitment"
    MECHANISM_TYPE = "mechanism_type", "Credibility mechanism type"
    PHASE_STRUCTURE = "phase_structure", "Phase structure"
    STANDARD = "standard", "Standard article"


class TreatyArticle(models.TextChoices):
    """The articles of a treaty text, in the order they appear."""

    DEFINITIONS = "definitions", "Definitions"
    OBJECTIVE = "objective", "Parties and objective"
    PROVIDER = "provider", "Undertakings of the provider"
    RECIPIENT = "recipient", "Undertakings of each recipient"
    VERIFICATION = "verification", "Verification and reporting"
    ENTRY_INTO_FORCE = "entry_into_force", "Entry into force"
    PHASES = "phases", "Phased implementation"
    DISPUTES = "disputes", "Settlement of disputes"
    BREACH = "breach", "Withdrawal and consequences of breach"
    FINAL = "final", "Final clauses"


class ClauseCondition(models.TextChoices):
    """When an optional clause is included (``always`` for a clause that always is)."""

    ALWAYS = "always", "Always"
    WEIGHTS_SHARED = "weights_shared", "Model weights are shared"
    OBSERVERS = "observers", "The draft has observers"
    EXCLUDED = "excluded", "The draft excludes named states"
    THRESHOLD = "threshold", "A participation threshold is set"
    REVERSIBLE_STEPS = "reversible_steps", "Some commitment is a reversible step"
    IRREVERSIBLE_PHASE = "irreversible_phase", "Some phase is irreversible"
    TREATY = "treaty", "A legally binding treaty is one of the mechanisms"
