"""OpenAPI shapes of the engine's answers: score results, comparisons and analyses.

These serializers only document JSON the engine builds (``ScoreResult.to_dict()``,
``ComparisonResult.to_dict()``, the analyses' ``to_dict()``); nothing is serialized
through them. Every key the engine writes today is typed and required, and every
component allows more properties (``open_schema``): a new scoring model adds keys
without breaking clients or the schema. To document a new key, add a field here.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from catalog.choices import PowerLabel
from scoring.engine import CRITERIA, SCORE_NAMES


class ResultSerializer(serializers.Serializer):
    """A component of an engine answer (more properties may be added)."""

    open_schema = True


def number(**kwargs: Any) -> serializers.FloatField:
    return serializers.FloatField(**kwargs)


def maybe(**kwargs: Any) -> serializers.FloatField:
    """A number, or null where it is undefined."""
    return serializers.FloatField(allow_null=True, **kwargs)


def numbers(*, nullable: bool = False, **kwargs: Any) -> serializers.ListField:
    return serializers.ListField(child=serializers.FloatField(allow_null=nullable), **kwargs)


def matrix(*, nullable: bool = True, help_text: str) -> serializers.ListField:
    """Rows of numbers (null on the diagonal of pairwise matrices)."""
    return serializers.ListField(child=numbers(nullable=nullable), help_text=help_text)


def by_name(name: str, names: tuple[str, ...], field: Any, doc: str) -> type[ResultSerializer]:
    """A component with one required property per name, each built by ``field()``."""
    return type(
        f"{name}Serializer", (ResultSerializer,), {"__doc__": doc, **{n: field() for n in names}}
    )


def label_field(**kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(PowerLabel.choices, **kwargs)


# --- Pieces shared by scores and comparisons ------------------------------------------------


class EngineWarningSerializer(ResultSerializer):
    """Something an analyst can act on; ``code`` is stable, ``message`` plain words."""

    code = serializers.CharField(help_text="Stable code, e.g. `no_net_incentive`.")
    message = serializers.CharField()
    subject_kind = serializers.CharField(
        help_text="`agreement`, `party`, `line`, `condition`, `mechanism` or `phase`."
    )
    subject_key = serializers.CharField(
        allow_blank=True, help_text="Key of the subject (empty for the agreement)."
    )
    severity = serializers.CharField(help_text="`warning` or `info`.")


class ScoreSummarySerializer(ResultSerializer):
    """A score's deterministic point ``value`` beside its Monte Carlo summary."""

    value = maybe()
    mean = maybe()
    p5 = maybe()
    p50 = maybe()
    p95 = maybe()


class McSummarySerializer(ResultSerializer):
    """Monte Carlo summary of one quantity (null where undefined in every sample)."""

    mean = maybe()
    p5 = maybe()
    p50 = maybe()
    p95 = maybe()


ScoresSerializer = by_name(
    "Scores",
    SCORE_NAMES,
    ScoreSummarySerializer,
    "Every score by name, with its point value and Monte Carlo summary.",
)
PointScoresSerializer = by_name(
    "PointScores", SCORE_NAMES, maybe, "Every score by name (null where undefined)."
)


class ContributionSerializer(ResultSerializer):
    """How much one source (a line, condition, mechanism, party or named part) moved a score."""

    kind = serializers.CharField(help_text="`line`, `condition`, `mechanism`, `party` or `part`.")
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
    amount = number()


ContributionsSerializer = by_name(
    "Contributions",
    SCORE_NAMES,
    lambda: ContributionSerializer(many=True),
    "The sources of each score, largest first.",
)


# --- Score runs: ScoreResult.to_dict() -----------------------------------------------------


class CredibilityExplanationSerializer(ResultSerializer):
    """Credibility ``C = 1 - sum Lambda_j / sum D_j`` and the doubt discount spelled out."""

    supply = number(help_text="Need-weighted supply of the provider-covering mechanisms.")
    demand = number(help_text="Share of the recipients' stake that rests on trust.")
    ratio = maybe(help_text="C in [0, 1]; null when nothing rests on trust.")
    capped = serializers.BooleanField(help_text="True when C is 1.")
    credibility = number(help_text="0-100.")
    doubt_discount = number(help_text="Share of what recipients stake written off for doubt.")
    text = serializers.CharField()


class LineResultSerializer(ResultSerializer):
    """One line after levers (``p d r v`` are the lever-adjusted attributes)."""

    key = serializers.CharField()
    item = serializers.CharField()
    item_name = serializers.CharField()
    recipient = serializers.CharField()
    recipient_name = serializers.CharField()
    phase = serializers.CharField(allow_null=True)
    magnitude = number()
    p = number()
    d = number()
    r = number()
    v = number()
    value = number(help_text="Value to its recipient, `V_i = m v' mu`.")
    shared_value = number(help_text="Need-independent value outsiders see, `X_i = m v'`.")
    multiplier = number(help_text="The recipient's valuation multiplier for the cluster.")
    power_share = number()
    label = label_field()  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
    need = number(help_text="Value resting on trust, `V_i n_i`.")
    need_share = number(help_text="`n_i`: the share of the line's value resting on trust.")
    trust_prior = number(help_text="`b_i`: belief before mechanisms.")
    supply = number(help_text="`S_i`: provider-covering mechanisms in force at its phase.")
    belief = number(help_text="`P_i`: how far the recipient believes it will be delivered.")
    doubt = number(help_text="Value written off for doubt, `V_i n_i (1 - P_i)`.")
    proliferation = number()


class RecipientResultSerializer(ResultSerializer):
    """One recipient's position; ``credibility`` is 0-100."""

    key = serializers.CharField()
    name = serializers.CharField()
    alignment = serializers.CharField()
    value = number()
    need = number()
    sacrifice = number()
    burden = number()
    demand = number()
    demand_ratio = number()
    credibility = number()
    believed_value = number()
    net_incentive = number(help_text="`N_j = B_j - K_j - o_j`.")
    exposure = number()
    restraint = serializers.BooleanField()
    net_incentive_summary = McSummarySerializer(allow_null=True)
    no_incentive_probability = maybe()
    shared_value = number()
    power_share = number(help_text="`PS_j`: the power share of its whole bundle.")
    trust_prior = number()
    belief = number(help_text="Need-weighted mean belief of its lines.")
    doubt = number(help_text="`Lambda_j`: value written off for doubt.")
    staged_reciprocity = number(help_text="Strength of its derived staged reciprocity.")
    outside_option = number()
    margin = maybe(help_text="Coalition margin `M_j` (null outside coalition drafts).")
    would_sign = serializers.BooleanField(help_text="The one rule: `N_j >= 0` (and `M_j >= 0`).")
    sign_probability = maybe(help_text="Share of Monte Carlo samples in which it would sign.")
    provider_value = number(help_text="`W_j`: what its commitments are worth to the provider.")
    provider_cost = number(help_text="What its lines cost the provider.")


class PartyExposureSerializer(ResultSerializer):
    """What a party has given and received after a phase (``max(0, given - received)``)."""

    key = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    given = number()
    received = number()
    exposure = number()
    exposure_months = maybe(help_text="Exposure times the phase's duration (null: no duration).")


class TrajectoryStepSerializer(ResultSerializer):
    """The scores of the agreement cut after one phase."""

    phase_key = serializers.CharField(allow_null=True)
    phase_order = serializers.IntegerField()
    reversible = serializers.BooleanField()
    label = label_field()  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
    scores = PointScoresSerializer()
    exposures = PartyExposureSerializer(many=True)


class MemberMarginSerializer(ResultSerializer):
    """A coalition member's payoff inside and outside the coalition."""

    key = serializers.CharField()
    name = serializers.CharField()
    burden = number()
    believed_value = number()
    payoff_in = number()
    payoff_out = number()
    margin = number()
    pivotal = serializers.BooleanField()
    transfer_needed = number()
    stays = serializers.BooleanField()
    stay_probability = maybe()
    net_incentive = number()
    outside_option = number()


class FreeRiderSerializer(ResultSerializer):
    """A non-member's free ride beside an estimate of its joining cost."""

    key = serializers.CharField()
    name = serializers.CharField()
    free_riding_value = number()
    joining_cost = number()


class StableSubsetSerializer(ResultSerializer):
    """The largest internally stable subset of the members that meets the threshold."""

    members = serializers.ListField(child=serializers.CharField())
    size = serializers.IntegerField()
    method = serializers.CharField(help_text="`exact` (up to 16 members) or `greedy`.")
    margins = serializers.DictField(child=number(), help_text="Member key -> its margin there.")
    transfers_to_keep = serializers.DictField(
        child=number(), help_text="Left-out member key -> the smallest transfer that keeps it."
    )


class MechanismEffectSerializer(ResultSerializer):
    """Leave-one-out: what the draft loses without one mechanism."""

    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
    covers = serializers.CharField()
    credibility_without = number()
    credibility_drop = number(help_text="Points of credibility lost without it.")
    assurance_drop = maybe()
    proliferation_rise = number()
    overall_risk_rise = number()
    cost = number(help_text="Its provider cost.")


class WorstPhaseSerializer(ResultSerializer):
    """The phase after which a party is most exposed to hold-up."""

    key = serializers.CharField()
    name = serializers.CharField()
    phase_key = serializers.CharField(allow_null=True)
    phase_order = serializers.IntegerField()
    exposure = number()
    exposure_months = maybe()
    total_exposure_months = maybe()


class DraftCoalitionSerializer(ResultSerializer):
    """Internal stability of a coalition draft's own coalition."""

    members = serializers.ListField(child=serializers.CharField())
    size = serializers.IntegerField()
    min_participation = serializers.IntegerField()
    in_force = serializers.BooleanField()
    omega = number()
    stable = serializers.BooleanField()
    stability_likelihood = maybe()
    margins = MemberMarginSerializer(many=True)
    total_transfer_needed = number()
    self_financing = serializers.BooleanField()
    transfer_split = serializers.DictField(
        child=number(), help_text="Member key -> transfer received (positive) or paid."
    )
    free_riders = FreeRiderSerializer(many=True)
    largest_stable_subset = StableSubsetSerializer()


class ScoreResultSerializer(ResultSerializer):
    """Everything a score run computed (the engine's ``ScoreResult``)."""

    parameter_version = serializers.CharField()
    seed = serializers.IntegerField()
    n_samples = serializers.IntegerField()
    label = label_field()  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
    label_shares = serializers.DictField(
        child=number(), help_text="Label -> share of Monte Carlo samples."
    )
    scores = ScoresSerializer()
    contributions = ContributionsSerializer()
    credibility_explanation = CredibilityExplanationSerializer()
    lines = LineResultSerializer(many=True)
    recipients = RecipientResultSerializer(many=True)
    warnings = EngineWarningSerializer(many=True)
    trajectory = TrajectoryStepSerializer(many=True)
    coalition = DraftCoalitionSerializer(allow_null=True)
    mechanism_effects = MechanismEffectSerializer(many=True)
    worst_phases = WorstPhaseSerializer(many=True)


# --- Comparisons: ComparisonResult.to_dict() -------------------------------------------------

CriteriaValuesSerializer = by_name(
    "CriteriaValues", CRITERIA, maybe, "A value per criterion (null where undefined)."
)
CriteriaWeightsSerializer = by_name("CriteriaWeights", CRITERIA, number, "A weight per criterion.")
CriteriaDirectionsSerializer = by_name(
    "CriteriaDirections",
    CRITERIA,
    lambda: serializers.ChoiceField(["up", "down"]),
    "Whether more (`up`) or less (`down`) is better, per criterion.",
)
CriteriaIntervalsSerializer = by_name(
    "CriteriaIntervals",
    CRITERIA,
    lambda: numbers(min_length=2, max_length=2),
    "The `[low, high]` weight range per criterion.",
)
CriteriaOddsSerializer = by_name(
    "CriteriaOdds",
    CRITERIA,
    lambda: matrix(help_text="`[a][b]`: P(draft a beats b) on this criterion."),
    "Pairwise winning odds per criterion, in `labels` order.",
)
CriteriaProbabilitySerializer = by_name(
    "CriteriaProbability", CRITERIA, number, "P(a beats b) per criterion (ties count half)."
)


class DraftSummarySerializer(ResultSerializer):
    """One draft in a comparison."""

    label = serializers.CharField()  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
    classification = label_field()
    scores = ScoresSerializer()
    criteria = CriteriaValuesSerializer()
    dominated_by = serializers.ListField(child=serializers.CharField())
    rank_acceptability = numbers(help_text="`[r]`: share of SMAA samples ranking it r + 1.")
    central_weights = CriteriaWeightsSerializer(
        allow_null=True, help_text="Mean weights where it ranks first (null: it never does)."
    )
    weighted_score = number()
    confidence_factor = maybe(
        help_text="JSMAA: how often it still ranks first at its own central weights, over "
        "input noise (null: it never ranks first)."
    )
    warnings = EngineWarningSerializer(many=True)


class ContributionDeltaSerializer(ResultSerializer):
    """A source's contribution to one score in draft ``a`` and in draft ``b``."""

    kind = serializers.CharField()
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
    a = number()
    b = number()
    difference = number()


DriversSerializer = by_name(
    "Drivers",
    SCORE_NAMES,
    lambda: ContributionDeltaSerializer(many=True),
    "Per score, the sources whose contributions differ most (at most five).",
)


class MechanismDeltaSerializer(ResultSerializer):
    """A mechanism of draft ``a`` and/or ``b``: credibility points lost without it in each
    (null where the draft lacks it)."""

    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
    a = maybe()
    b = maybe()


class PairExplanationSerializer(ResultSerializer):
    """Why draft ``a`` differs from draft ``b`` (differences are ``a - b``)."""

    a = serializers.CharField()
    b = serializers.CharField()
    criteria = CriteriaValuesSerializer()
    win_probability = CriteriaProbabilitySerializer()
    scores = PointScoresSerializer()
    drivers = DriversSerializer()
    mechanisms = MechanismDeltaSerializer(many=True)


class WeightFlipSerializer(ResultSerializer):
    """How far one criterion weight can move before the top draft changes."""

    criterion = serializers.ChoiceField(CRITERIA)
    weight = number()
    flip_weight = maybe(help_text="The weight at which the runner-up ties (null: none in [0, 1]).")
    change = maybe()
    relative_change = maybe()
    keep_top = numbers(min_length=2, max_length=2, help_text="Weights keeping the top draft.")


class ComparedDraftSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
    revision = serializers.IntegerField(help_text="The revision compared (the latest).")


class ComparisonResultSerializer(ResultSerializer):
    """A comparison of 2 to 6 drafts; matrices follow the order of ``labels``."""

    parameter_version = serializers.CharField()
    seed = serializers.IntegerField()
    n_samples = serializers.IntegerField()
    labels = serializers.ListField(child=serializers.CharField())
    criteria = serializers.ListField(child=serializers.ChoiceField(CRITERIA))
    directions = CriteriaDirectionsSerializer()
    weights = CriteriaWeightsSerializer()
    weight_intervals = CriteriaIntervalsSerializer(allow_null=True)
    drafts = DraftSummarySerializer(many=True)
    win_probabilities = CriteriaOddsSerializer()
    overall_winning_odds = matrix(help_text="`[a][b]`: P(a beats b) at the analyst's weights.")
    ranking = serializers.ListField(child=serializers.CharField())
    top = serializers.CharField()
    runner_up = serializers.CharField()
    flip_points = WeightFlipSerializer(many=True)
    smallest_flip = WeightFlipSerializer(allow_null=True)
    pairs = PairExplanationSerializer(many=True)
    warnings = EngineWarningSerializer(many=True)
    agreements = ComparedDraftSerializer(many=True, help_text="The drafts, in `labels` order.")


# --- Analyses on raw numbers ------------------------------------------------------------------


class SmaaResultSerializer(ResultSerializer):
    """SMAA-2: rank acceptability, central weights and pairwise winning odds."""

    parameter_version = serializers.CharField()
    n_samples = serializers.IntegerField()
    seed = serializers.IntegerField()
    rank_acceptability = matrix(
        nullable=False, help_text="`[a][r]`: share of samples ranking alternative a r + 1."
    )
    central_weights = serializers.ListField(
        child=numbers(allow_null=True),
        help_text="`[a]`: mean weights where a ranks first (null: it never does).",
    )
    pairwise_winning_odds = matrix(help_text="`[a][b]`: P(a scores above b).")


class DominanceResultSerializer(ResultSerializer):
    """Pareto dominance between the alternatives (rows)."""

    dominates = serializers.ListField(
        child=serializers.ListField(child=serializers.BooleanField()),
        help_text="`[a][b]`: a dominates b.",
    )
    dominated = serializers.ListField(child=serializers.BooleanField())
    dominated_by = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="`[b]`: the alternatives that dominate b.",
    )


class CoalitionEntrySerializer(ResultSerializer):
    """One member set of the abstract model (players by index)."""

    members = serializers.ListField(child=serializers.IntegerField())
    outsiders = serializers.ListField(child=serializers.IntegerField())
    size = serializers.IntegerField()
    internal_margins = numbers(help_text="One per member: its gain from staying.")
    external_gains = numbers(help_text="One per outsider: its gain from joining.")
    internally_stable = serializers.BooleanField()
    externally_stable = serializers.BooleanField()
    potentially_internally_stable = serializers.BooleanField()
    total_payoff = number()
    transfer_needed = number()
    self_financing = serializers.BooleanField()
    transfer_split = numbers(help_text="One per member: received (positive) or paid.")


class CoalitionAnalysisSerializer(ResultSerializer):
    """Every member set of up to 16 players, checked for internal and external stability."""

    n_players = serializers.IntegerField()
    n_stable = serializers.IntegerField()
    n_internally_stable = serializers.IntegerField()
    largest_stable_size = serializers.IntegerField()
    stable = CoalitionEntrySerializer(many=True, help_text="Largest first, up to the limit.")
    truncated = serializers.BooleanField(help_text="More stable sets exist than are listed.")
    grand_coalition = CoalitionEntrySerializer()
    largest_potentially_stable = CoalitionEntrySerializer(allow_null=True)


# --- Negotiation view (section 14) ---------------------------------------------------------


class BargainSerializer(ResultSerializer):
    """One recipient's bargaining range for an extra transfer of one item."""

    key = serializers.CharField()
    name = serializers.CharField()
    believed_value = number(help_text="`B_j`.")
    burden = number(help_text="`K_j`, the effective burden.")
    outside_option = number(help_text="`o_j`.")
    surplus = number(help_text="`N_j = B_j - K_j - o_j`; at least 0: it would sign as drafted.")
    provider_value = number(help_text="`W_j`: its commitments' worth to the provider.")
    provider_cost = number(help_text="`Kp_j`: what its lines cost the provider.")
    provider_surplus = number(help_text="`W_j - Kp_j`.")
    unit_value = number(help_text="Value to it of the item at magnitude 1.")
    unit_cost = number(help_text="Provider cost of the item at magnitude 1.")
    zopa_low = maybe(help_text="Smallest transfer (value units) it accepts; null: no ZOPA.")
    zopa_high = maybe(help_text="Largest transfer the provider still gains from; null: none.")
    nash_transfer = maybe(help_text="The Nash bargaining point, in value units.")
    nash_magnitude = maybe(help_text="The Nash point as a magnitude of the item.")
    reason = serializers.CharField(help_text="The range in words, or why there is none.")


class NegotiationSerializer(ResultSerializer):
    """Each recipient's ZOPA and Nash point for extra transfers of one item."""

    parameter_version = serializers.CharField()
    revision = serializers.IntegerField()
    transfer_item = serializers.CharField()
    transfer_name = serializers.CharField()
    recipients = BargainSerializer(many=True)


# --- Design assistant: single edits (section 15) -------------------------------------------


class SuggestedEditSerializer(ResultSerializer):
    """One edit as data; `POST .../suggestions/apply/` takes it back as it is."""

    kind = serializers.ChoiceField(
        [
            "add_line",
            "line_magnitude",
            "line_lever",
            "line_phase",
            "add_mechanism",
            "mechanism_strength",
            "condition_burden",
            "condition_reversible",
        ]
    )
    section = serializers.CharField()
    key = serializers.CharField()
    field = serializers.CharField(help_text="`levers.<lever>` for a lever.")
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)
    item = serializers.CharField(allow_null=True, help_text="Item or mechanism type slug.")
    recipient = serializers.CharField(allow_null=True)
    covers = serializers.CharField(allow_null=True)


class SuggestionSerializer(ResultSerializer):
    """A single edit that reaches the goal, with its change in every headline score."""

    description = serializers.CharField()
    edit = SuggestedEditSerializer()
    gain = number()
    cost_change = number(help_text="Change in provider cost (positive: it costs more).")
    gain_per_cost = maybe(help_text="Gain per unit of extra provider cost (null: no extra).")
    deltas = serializers.DictField(child=maybe(), help_text="Headline score -> change.")
    label = label_field()  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
    target_signs = serializers.BooleanField(
        allow_null=True, help_text="Whether the goal's recipient signs (null: no recipient)."
    )
    in_force = serializers.BooleanField(
        help_text="Whether the agreement enters into force after the edit."
    )


class SuggestionResultSerializer(ResultSerializer):
    """The best single edits of a revision for one goal, ranked."""

    parameter_version = serializers.CharField()
    revision = serializers.IntegerField()
    goal = serializers.CharField()
    recipient = serializers.CharField(allow_null=True)
    candidates = serializers.IntegerField(help_text="Valid edits scored.")
    baseline = serializers.DictField(child=maybe(), help_text="Headline scores as drafted.")
    baseline_label = label_field()
    target_signs = serializers.BooleanField(allow_null=True)
    in_force = serializers.BooleanField(help_text="Whether the draft enters into force.")
    shortfall = number(
        help_text="The smallest total rise in net incentive (or coalition margin) that would "
        "bring the missing signers in; 0 when the draft enters into force."
    )
    suggestions = SuggestionSerializer(many=True)


class PackageSerializer(ResultSerializer):
    """Edits that together bring the agreement into force, with their effect."""

    descriptions = serializers.ListField(child=serializers.CharField())
    edits = SuggestedEditSerializer(many=True)
    scores = serializers.DictField(child=maybe(), help_text="Headline scores after the package.")
    deltas = serializers.DictField(child=maybe(), help_text="Headline score -> change.")
    cost_change = number(help_text="Change in provider cost (positive: it costs more).")
    label = label_field()  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
    signs = serializers.DictField(
        child=serializers.BooleanField(), help_text="Recipient key -> would sign after it."
    )


class PackageResultSerializer(ResultSerializer):
    """The cheapest package found by the search, or why there is none."""

    parameter_version = serializers.CharField()
    revision = serializers.IntegerField()
    max_edits = serializers.IntegerField()
    candidates = serializers.IntegerField(help_text="Valid single edits scored.")
    evaluated = serializers.IntegerField(help_text="Packages scored in all.")
    exhaustive = serializers.BooleanField(
        help_text="Whether every combination was covered (nothing pruned)."
    )
    baseline = serializers.DictField(child=maybe(), help_text="Headline scores as drafted.")
    baseline_label = label_field()
    baseline_signs = serializers.DictField(child=serializers.BooleanField())
    in_force = serializers.BooleanField(help_text="Whether the draft already enters into force.")
    shortfall = number()
    package = PackageSerializer(allow_null=True)
    reason = serializers.CharField(allow_blank=True, help_text="Why there is no package.")
