"""Serializers of score runs, comparisons and raw-number analyses."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from scoring import engine
from scoring.models import ScoreRun


class ScoreRunSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:score-run-detail")
    revision = serializers.IntegerField(source="revision_number", read_only=True)
    current = serializers.SerializerMethodField()

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
    result = serializers.JSONField(
        read_only=True, help_text="Every score, contribution and warning."
    )

    class Meta(ScoreRunSerializer.Meta):
        fields = [*ScoreRunSerializer.Meta.fields, "result"]
        read_only_fields = fields


CRITERIA = tuple(engine.CRITERIA)


class ComparisonRequestSerializer(serializers.Serializer):
    agreements = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=2,
        max_length=6,
        help_text="Ids of 2 to 6 drafts of your teams (their latest revisions are compared).",
    )
    weights = serializers.DictField(
        child=serializers.FloatField(min_value=0, max_value=1000),
        required=False,
        help_text=f"Analyst weights by criterion ({', '.join(CRITERIA)}).",
    )
    weight_intervals = serializers.DictField(
        child=serializers.ListField(
            child=serializers.FloatField(min_value=0, max_value=1), min_length=2, max_length=2
        ),
        required=False,
        help_text="Optional [low, high] weight range by criterion for SMAA.",
    )
    power_direction = serializers.ChoiceField(["down", "up"], default="down")
    n_samples = serializers.IntegerField(min_value=100, max_value=20_000, default=2000)
    seed = serializers.IntegerField(min_value=0, max_value=2**48, default=1)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name in ("weights", "weight_intervals"):
            unknown = set(attrs.get(name) or {}) - set(CRITERIA)
            if unknown:
                raise serializers.ValidationError(
                    {name: [f"Unknown criteria: {', '.join(sorted(unknown))}."]}
                )
        if len(set(attrs["agreements"])) != len(attrs["agreements"]):
            raise serializers.ValidationError({"agreements": ["Name each draft once."]})
        return attrs


class MatrixSerializer(serializers.Serializer):
    matrix = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=1, max_length=20),
        min_length=2,
        max_length=50,
        help_text="Alternatives x criteria.",
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
        child=serializers.ListField(
            child=serializers.FloatField(min_value=0, max_value=1), min_length=2, max_length=2
        ),
        required=False,
        help_text="Optional [low, high] per criterion.",
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


class CoalitionRequestSerializer(serializers.Serializer):
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
        help_text="c_i: each player's cost coefficient (positive).",
    )
    transfers = serializers.ListField(
        child=serializers.FloatField(min_value=-1e6, max_value=1e6), required=False, max_length=16
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        n = len(attrs["benefits"])
        if len(attrs["costs"]) != n or len(attrs.get("transfers") or [0] * n) != n:
            raise serializers.ValidationError(
                {"costs": ["Give one cost (and transfer) per player."]}
            )
        return attrs
