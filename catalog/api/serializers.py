"""Serializers for the catalog API: shape checks; ranges come from the model validators."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from catalog.models import (
    Actor,
    BenefitItem,
    Commitment,
    MechanismType,
    RiskKind,
    lever_settings_errors,
)

RECORD_FIELDS = ["locally_modified", "created_at", "updated_at"]


class BenefitItemSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:catalog-item-detail", lookup_field="slug"
    )
    label_display = serializers.CharField(source="get_label_display", read_only=True)

    class Meta:
        model = BenefitItem
        exclude = ["id"]
        read_only_fields = ["power_index", "label", *RECORD_FIELDS]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        levers = attrs.get("default_levers", getattr(self.instance, "default_levers", None))
        applies = attrs.get("levers_apply", getattr(self.instance, "levers_apply", False))
        errors = lever_settings_errors(levers) if levers else []
        if levers and not applies:
            errors.append("Only items with frontier-AI levers can have default levers.")
        if errors:
            raise serializers.ValidationError({"default_levers": errors})
        return attrs


class CommitmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Commitment
        exclude = ["id"]
        read_only_fields = RECORD_FIELDS


class MechanismTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = MechanismType
        exclude = ["id"]
        read_only_fields = RECORD_FIELDS


class RiskKindSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskKind
        exclude = ["id"]
        read_only_fields = RECORD_FIELDS


class ActorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Actor
        exclude = ["id"]
        read_only_fields = RECORD_FIELDS
