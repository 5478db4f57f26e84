"""Requests and answers of sweeps, variance attribution, scenarios and weight profiles."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.api import KEY_REGEX, SLUG_REGEX, StrictSerializer, TextField
from scoring import engine
from scoring.api.schemas import ResultSerializer, by_name, maybe, number
from scoring.api.serializers import (
    MAX_DRAFTS,
    WeightIntervalsInputSerializer,
    WeightsInputSerializer,
)
from scoring.engine.sensitivity import AXES, HEADLINE_SCORES, MAX_POINTS, MIN_POINTS
from scoring.models import AnalysisJob, Scenario, WeightProfile

CRITERIA = tuple(engine.CRITERIA)
MAX_SWEEP_CELLS = 110_000
"""Points x samples computed in one request (11 points x 10,000 samples)."""


def _samples(default: int = 2000, high: int = 10_000) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=100, max_value=high, default=default)


def _seed() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=2**48, default=1)


def _agreements() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=2,
        max_length=100,
        help_text=f"Ids of 2 to {MAX_DRAFTS} different drafts of your teams (a repeated id "
        "counts once); their latest revisions are used.",
    )


def _distinct(ids: list[int]) -> list[int]:
    distinct = list(dict.fromkeys(ids))
    if not 2 <= len(distinct) <= MAX_DRAFTS:
        raise serializers.ValidationError(
            f"Name 2 to {MAX_DRAFTS} different drafts; got {len(distinct)}."
        )
    return distinct


# --- Sweeps and attribution -----------------------------------------------------------------


class QuerySerializer(serializers.Serializer):
    """Query parameters: a parameter given empty is refused (DRF would read it as absent)."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        blank = [str(n) for n in self.fields if self.initial_data.get(n, None) == ""]
        if blank:
            raise serializers.ValidationError(
                {name: ["May not be blank; leave it out for the default."] for name in blank}
            )
        return attrs


class SweepParamsSerializer(QuerySerializer):
    """The query of a sweep."""

    axis = serializers.ChoiceField(
        AXES, help_text="`dsa`, `trust` (of one recipient, `party`) or `omega`."
    )
    party = serializers.RegexField(
        KEY_REGEX, required=False, help_text="Key of a recipient (trust sweeps only)."
    )
    points = serializers.IntegerField(min_value=MIN_POINTS, max_value=MAX_POINTS, default=11)
    samples = _samples()
    seed = _seed()
    revision = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="Default: the latest."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if attrs["points"] * attrs["samples"] > MAX_SWEEP_CELLS:
            raise serializers.ValidationError(
                {"samples": [f"points x samples may be at most {MAX_SWEEP_CELLS:,} per request."]}
            )
        return attrs


class VarianceParamsSerializer(QuerySerializer):
    """The query of a variance attribution."""

    run = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="A finished run of this draft (default: its newest finished run).",
    )
    samples = _samples()
    seed = _seed()


class SweepPointSerializer(ResultSerializer):
    x = number()
    value = maybe(help_text="Point value (null where undefined).")
    mean = maybe()
    p5 = maybe()
    p50 = maybe()
    p95 = maybe()


SweepScoresSerializer = by_name(
    "SweepScores",
    HEADLINE_SCORES,
    lambda: SweepPointSerializer(many=True),
    "One list of points per headline score.",
)


class SweepResultSerializer(ResultSerializer):
    parameter_version = serializers.CharField()
    seed = serializers.IntegerField()
    n_samples = serializers.IntegerField()
    axis = serializers.CharField()
    party = serializers.CharField(allow_null=True)
    party_name = serializers.CharField(allow_null=True)
    xs = serializers.ListField(child=serializers.FloatField())
    current = number(help_text="The draft's own value on the axis.")
    scores = SweepScoresSerializer()
    revision = serializers.IntegerField()


class DriverSerializer(ResultSerializer):
    kind = serializers.CharField(
        help_text="`item`, `party`, `condition`, `mechanism`, `mechanism_type` or `scenario`."
    )
    key = serializers.CharField()
    attribute = serializers.CharField()
    label = serializers.CharField(help_text="The input in words.")  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
    rho = number(help_text="Signed rank correlation with the score.")
    share = number(help_text="rho squared: share of the score's variance it explains alone.")


VarianceDriversSerializer = by_name(
    "VarianceDrivers",
    HEADLINE_SCORES,
    lambda: DriverSerializer(many=True),
    "Up to eight drivers per headline score, largest share first.",
)
ExplainedSerializer = by_name(
    "Explained",
    HEADLINE_SCORES,
    maybe,
    "Sum of every input's share per score (null: the score did not vary).",
)


class AttributionSerializer(ResultSerializer):
    n_samples = serializers.IntegerField()
    seed = serializers.IntegerField()
    parameter_version = serializers.CharField()
    scores = VarianceDriversSerializer()
    explained = ExplainedSerializer()
    run = serializers.IntegerField(allow_null=True, help_text="The run whose samples were used.")
    revision = serializers.IntegerField()
    stored = serializers.BooleanField(help_text="True when it was stored with the run.")


# --- AHP ---------------------------------------------------------------------------------------


class JudgementSerializer(StrictSerializer):
    a = serializers.ChoiceField(CRITERIA)
    b = serializers.ChoiceField(CRITERIA)
    value = serializers.FloatField(
        min_value=0.11,
        max_value=9,
        help_text="How many times more `a` matters than `b` (1 to 9; 1/9 to 1 the other way).",
    )


class ElicitationRequestSerializer(StrictSerializer):
    criteria = serializers.ListField(
        child=serializers.ChoiceField(CRITERIA),
        required=False,
        min_length=2,
        max_length=len(CRITERIA),
        help_text="The criteria compared (default all six); every pair needs a judgement.",
    )
    judgements = JudgementSerializer(many=True, allow_empty=False)


class WorstJudgementSerializer(ResultSerializer):
    a = serializers.CharField()
    b = serializers.CharField()
    given = number()
    implied = number(help_text="w_a / w_b of the resulting weights.")
    suggested = number(help_text="The scale value the other judgements point to.")


class AhpResultSerializer(ResultSerializer):
    criteria = serializers.ListField(child=serializers.CharField())
    weights = serializers.DictField(child=serializers.FloatField())
    lambda_max = number()
    consistency_index = number()
    random_index = number()
    consistency_ratio = number()
    consistent = serializers.BooleanField(help_text="Consistency ratio at most 0.10.")
    worst = WorstJudgementSerializer(allow_null=True)
    message = serializers.CharField()


# --- Scenarios and weight profiles ------------------------------------------------------------


def _shifts() -> serializers.DictField:
    return serializers.DictField(
        child=serializers.FloatField(min_value=-1, max_value=1),
        required=False,
        help_text="Catalog actor slug -> amount added to that party's value (-1 to 1).",
    )


class NamedScenarioInputSerializer(StrictSerializer):
    closed = True
    team = serializers.RegexField(SLUG_REGEX, max_length=50, required=False)
    name = TextField(max_length=100, required=False)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    dsa = serializers.FloatField(min_value=0, max_value=1, required=False, allow_null=True)
    omega = serializers.FloatField(min_value=0, max_value=1, required=False, allow_null=True)
    trust_shifts = _shifts()
    capability_shifts = _shifts()


class NamedScenarioSerializer(serializers.ModelSerializer):
    team: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    trust_shifts = serializers.DictField(child=serializers.FloatField())
    capability_shifts = serializers.DictField(child=serializers.FloatField())

    class Meta:
        model = Scenario
        fields = [
            "id",
            "team",
            "name",
            "description",
            "dsa",
            "omega",
            "trust_shifts",
            "capability_shifts",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class WeightProfileInputSerializer(StrictSerializer):
    closed = True
    team = serializers.RegexField(SLUG_REGEX, max_length=50, required=False)
    name = TextField(max_length=100, required=False)
    weights = WeightsInputSerializer(required=False)
    intervals = WeightIntervalsInputSerializer(required=False, allow_null=True)
    judgements = JudgementSerializer(many=True, required=False)
    criteria = serializers.ListField(
        child=serializers.ChoiceField(CRITERIA), required=False, min_length=2, max_length=6
    )
    interval_spread = serializers.FloatField(
        min_value=0,
        max_value=1,
        required=False,
        help_text="SMAA intervals w - s to w + s around the weights (clipped to [0, 1]).",
    )


class WeightProfileSerializer(serializers.ModelSerializer):
    team: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    weights = serializers.DictField(child=serializers.FloatField())
    intervals = serializers.DictField(
        child=serializers.ListField(child=serializers.FloatField()), allow_null=True
    )
    judgements = serializers.ListField(child=serializers.DictField())

    class Meta:
        model = WeightProfile
        fields = [
            "id",
            "team",
            "name",
            "weights",
            "intervals",
            "judgements",
            "consistency_ratio",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# --- Comparisons across worlds and along dsa ----------------------------------------------------


class DsaRankingRequestSerializer(StrictSerializer):
    agreements = _agreements()
    points = serializers.IntegerField(min_value=MIN_POINTS, max_value=21, default=11)
    weights = WeightsInputSerializer(required=False)
    weight_profile = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="Use this profile's weights."
    )
    power_direction = serializers.ChoiceField(["down", "up"], default="down")
    n_samples = _samples(high=5000)
    seed = _seed()

    def validate_agreements(self, ids: list[int]) -> list[int]:
        return _distinct(ids)


class ScenarioComparisonRequestSerializer(DsaRankingRequestSerializer):
    points = None  # type: ignore[assignment]
    scenarios = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=8,
        help_text="Ids of 1 to 8 scenarios of your teams.",
    )
    weight_intervals = WeightIntervalsInputSerializer(required=False)


class LeaderSpanSerializer(ResultSerializer):
    label = serializers.CharField()  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
    start = number()
    end = number()


class RankingPointSerializer(ResultSerializer):
    x = number()
    ranking = serializers.ListField(child=serializers.CharField())
    weighted_scores = serializers.DictField(child=serializers.FloatField())
    first_share = serializers.DictField(child=serializers.FloatField())


class AgreementRefSerializer(ResultSerializer):
    id = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
    revision = serializers.IntegerField()


class RankingSweepSerializer(ResultSerializer):
    parameter_version = serializers.CharField()
    seed = serializers.IntegerField()
    n_samples = serializers.IntegerField()
    labels = serializers.ListField(child=serializers.CharField())
    weights = serializers.DictField(child=serializers.FloatField())
    points = RankingPointSerializer(many=True)
    leaders = LeaderSpanSerializer(many=True)
    summary = serializers.CharField()
    agreements = AgreementRefSerializer(many=True)


class ScenarioCellSerializer(ResultSerializer):
    draft = serializers.CharField()
    scenario = serializers.CharField()
    rank = serializers.IntegerField()
    weighted_score = number()
    regret = number(help_text="Best weighted score in this world minus this draft's.")
    credibility = maybe()
    viability = maybe()
    risk_overall = maybe()


class ScenarioComparisonSerializer(ResultSerializer):
    parameter_version = serializers.CharField()
    seed = serializers.IntegerField()
    n_samples = serializers.IntegerField()
    labels = serializers.ListField(child=serializers.CharField())
    scenarios = serializers.ListField(child=serializers.CharField())
    cells = serializers.ListField(
        child=ScenarioCellSerializer(many=True), help_text="cells[draft][scenario]."
    )
    best = serializers.DictField(child=serializers.CharField(), help_text="Scenario -> top draft.")
    max_regret = serializers.DictField(child=serializers.FloatField())
    robust = serializers.CharField(help_text="The draft with the smallest worst regret.")
    agreements = AgreementRefSerializer(many=True)
    scenario_ids = serializers.ListField(child=serializers.IntegerField())


class AnalysisJobSerializer(serializers.ModelSerializer):
    """A large computation run by a worker: poll it until ``status`` is ``done`` or
    ``failed``; ``result`` is then the answer the endpoint gives in the request for small
    ones."""

    url = serializers.HyperlinkedIdentityField(view_name="api:analysis-job-detail")
    result = serializers.DictField(allow_null=True, read_only=True)

    class Meta:
        model = AnalysisJob
        fields = [
            "id",
            "url",
            "kind",
            "status",
            "progress",
            "parameter_version",
            "error",
            "created_at",
            "finished_at",
            "result",
        ]
        read_only_fields = fields
