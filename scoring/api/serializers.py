"""Serializers of score runs, comparisons and raw-number analyses (requests, and the run;
the engine's answers are documented in ``schemas``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.choices import PowerLabel
from core.api import StrictSerializer
from scoring import engine
from scoring.api.schemas import ScoreResultSerializer
from scoring.models import ScoreRun


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice stored as ``""`` while there is none, shown as ``null``."""

    def __init__(self, choices: Any, **kwargs: Any) -> None:
        super().__init__(choices, allow_null=True, read_only=True, **kwargs)

    def to_representation(self, value: Any) -> Any:
        return super().to_representation(value) if value else None


class ScoreRunSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:score-run-detail")
    revision = serializers.IntegerField(source="revision_number", read_only=True)
    current = serializers.SerializerMethodField()
    label = BlankAsNullChoiceField(  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
        PowerLabel.choices, help_text="The draft's label (null until the run is done)."
    )

    class Meta:
        model = ScoreRun
        fields = [
            "id",
            "url",
            "agreement",
            "revision",
            "current",
            "status",
            "reason",
            "stale",
            "parameter_version",
            "n_samples",
            "seed",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
            "duration_ms",
            "error",
            "label",
            "credibility",
            "risk_overall",
            "power_sharing",
            "min_net_incentive",
            "warning_count",
        ]
        read_only_fields = fields

    def get_current(self, run: ScoreRun) -> bool:
        """Whether this run scores the draft's latest revision with current catalog values."""
        return run.revision_number == run.agreement.version and not run.stale


class ScoreRunDetailSerializer(ScoreRunSerializer):
    result = serializers.SerializerMethodField(
        help_text="Every score, contribution and warning (null until the run is done)."
    )

    class Meta(ScoreRunSerializer.Meta):
        fields = [*ScoreRunSerializer.Meta.fields, "result"]
        read_only_fields = fields

    @extend_schema_field(ScoreResultSerializer(allow_null=True))
    def get_result(self, run: ScoreRun) -> dict[str, Any] | None:
        return run.result


CRITERIA = tuple(engine.CRITERIA)
MAX_DRAFTS = 6
MAX_VALUE = 1e9
"""The largest magnitude of a value in an analysis matrix (the engine sums them)."""


def _per_criterion(name: str, field: Any, doc: str) -> type[StrictSerializer]:
    """A closed object with an optional ``field()`` per criterion; others are refused."""
    return type(
        f"{name}Serializer",
        (StrictSerializer,),
        {
            "__doc__": doc,
            "closed": True,
            "unknown_message": "Unknown criterion; the criteria are {allowed}.",
            **{c: field() for c in CRITERIA},
        },
    )


def _interval(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FloatField(min_value=0, max_value=1),
        min_length=2,
        max_length=2,
        help_text="[low, high], from 0 to 1.",
        **kwargs,
    )


WeightsInputSerializer = _per_criterion(
    "WeightsInput",
    lambda: serializers.FloatField(min_value=0, max_value=1000, required=False),
    "Analyst weights by criterion (normalised; criteria left out weigh 0; one must be positive).",
)
WeightIntervalsInputSerializer = _per_criterion(
    "WeightIntervalsInput",
    lambda: _interval(required=False),
    "[low, high] weight ranges by criterion for SMAA (criteria left out get [0, 1]).",
)


class ComparisonRequestSerializer(StrictSerializer):
    agreements = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=2,
        max_length=100,
        help_text=f"Ids of 2 to {MAX_DRAFTS} different drafts of your teams (a repeated id "
        "counts once); their latest revisions are compared.",
    )
    weights = WeightsInputSerializer(required=False)
    weight_intervals = WeightIntervalsInputSerializer(required=False)
    power_direction = serializers.ChoiceField(["down", "up"], default="down")
    n_samples = serializers.IntegerField(min_value=100, max_value=20_000, default=2000)
    seed = serializers.IntegerField(min_value=0, max_value=2**48, default=1)

    def validate_agreements(self, ids: list[int]) -> list[int]:
        distinct = list(dict.fromkeys(ids))  # first the duplicates go, then the limit applies
        if not 2 <= len(distinct) <= MAX_DRAFTS:
            raise serializers.ValidationError(
                f"Name 2 to {MAX_DRAFTS} different drafts; got {len(distinct)}."
            )
        return distinct


class MatrixSerializer(StrictSerializer):
    matrix = serializers.ListField(
        child=serializers.ListField(
            child=serializers.FloatField(min_value=-MAX_VALUE, max_value=MAX_VALUE),
            min_length=1,
            max_length=20,
        ),
        min_length=2,
        max_length=50,
        help_text="Alternatives (rows) x criteria (columns); every row has one value per "
        "direction.",
    )
    directions = serializers.ListField(
        child=serializers.ChoiceField(["up", "down"]),
        min_length=1,
        max_length=20,
        help_text="For each criterion: up (more is better) or down.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        widths = {len(row) for row in attrs["matrix"]}
        if len(widths) != 1 or widths != {len(attrs["directions"])}:
            raise serializers.ValidationError(
                {"matrix": ["Every row needs one value per criterion (as many as directions)."]}
            )
        return attrs


class SmaaRequestSerializer(MatrixSerializer):
    weight_intervals = serializers.ListField(
        child=_interval(),
        min_length=1,
        max_length=20,
        required=False,
        help_text="Optional [low, high] per criterion (as many as directions).",
    )
    n_samples = serializers.IntegerField(min_value=100, max_value=100_000, default=10_000)
    seed = serializers.IntegerField(min_value=0, max_value=2**48, default=1)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        intervals = attrs.get("weight_intervals")
        if intervals is not None and len(intervals) != len(attrs["directions"]):
            raise serializers.ValidationError(
                {"weight_intervals": ["Give one [low, high] per criterion."]}
            )
        return attrs


class CoalitionRequestSerializer(StrictSerializer):
    benefits = serializers.ListField(
        child=serializers.FloatField(min_value=0, max_value=1e6),
        min_length=1,
        max_length=16,
        help_text="b_i: each player's benefit per unit of total restraint.",
    )
    costs = serializers.ListField(
        child=serializers.FloatField(min_value=1e-9, max_value=1e6),
        min_length=1,
        max_length=16,
        help_text="c_i: each player's cost coefficient (positive), one per player.",
    )
    transfers = serializers.ListField(
        child=serializers.FloatField(min_value=-1e6, max_value=1e6),
        required=False,
        min_length=1,
        max_length=16,
        help_text="T_i: what each player receives as a member, one per player.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        n = len(attrs["benefits"])
        if len(attrs["costs"]) != n or len(attrs.get("transfers") or [0] * n) != n:
            raise serializers.ValidationError(
                {"costs": ["Give one cost (and transfer) per player."]}
            )
        return attrs


class ScoreRunWaitSerializer(serializers.Serializer):
    """The query of a score-run read: how long to wait for a pending run to end."""

    wait = serializers.FloatField(
        required=False,
        default=0.0,
        min_value=0.0,
        max_value=25.0,
        help_text="While the run is queued or running, wait up to this many seconds for it "
        "to end before answering (capped at WINDFALL_SCORE_WAIT_MAX, 5 by default); 0 or "
        "absent answers at once.",
    )

    def validate_wait(self, value: float) -> float:
        if self.initial_data.get("wait") == "":
            raise serializers.ValidationError("May not be blank; leave it out to answer at once.")
        return value
