"""Serializers for the catalog API: shape checks; ranges come from the model validators.

Bodies are strict JSON (see ``core.api.StrictJSONMixin``); text is trimmed, with its
length counted as sent, and slugs are taken as sent.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import serializers

from catalog.choices import LEVER_CHOICES, MAX_GENERATION_LAG
from catalog.models import (
    Actor,
    BenefitItem,
    Commitment,
    MechanismType,
    RiskKind,
    lever_settings_errors,
)
from core.api import (
    SLUG_MESSAGE,
    SLUG_REGEX,
    ExactRegexField,
    StrictJSONMixin,
    StrictSerializer,
    TemplatedIdentityField,
    TextField,
)

RECORD_FIELDS = ["locally_modified", "version", "created_at", "updated_at"]


class LeversSerializer(StrictSerializer):
    """Frontier-AI lever settings; a lever left out takes its least restrictive setting."""

    closed = True
    unknown_message = "Unknown lever; the levers are {allowed}."

    scope = serializers.ChoiceField(LEVER_CHOICES["scope"], required=False)
    generation_lag = serializers.IntegerField(
        min_value=0, max_value=MAX_GENERATION_LAG, required=False
    )
    output_controls = serializers.ChoiceField(LEVER_CHOICES["output_controls"], required=False)
    monitoring = serializers.ChoiceField(LEVER_CHOICES["monitoring"], required=False)
    access_mode = serializers.ChoiceField(LEVER_CHOICES["access_mode"], required=False)
    throttling = serializers.ChoiceField(LEVER_CHOICES["throttling"], required=False)
    disclosure = serializers.ChoiceField(LEVER_CHOICES["disclosure"], required=False)


class SlugField(ExactRegexField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("allow_unicode", None)
        kwargs.setdefault("error_messages", {"invalid": SLUG_MESSAGE})
        super().__init__(SLUG_REGEX, **kwargs)


class CatalogSerializer(StrictJSONMixin, serializers.ModelSerializer):
    """A catalog entry: strict JSON types, trimmed text, slugs as sent."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: TextField,
        models.TextField: TextField,
        models.SlugField: SlugField,
    }


class BenefitItemSerializer(CatalogSerializer):
    url = TemplatedIdentityField(view_name="api:catalog-item-detail", lookup_field="slug")
    label_display = serializers.CharField(source="get_label_display", read_only=True)
    default_levers = LeversSerializer(
        allow_null=True,
        required=False,
        help_text="Lever settings a new line starts with (levers items only).",
    )

    class Meta:
        model = BenefitItem
        exclude = ["id"]
        read_only_fields = ["power_index", "label", *RECORD_FIELDS]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "default_levers" in attrs and attrs["default_levers"] is not None:
            attrs["default_levers"] = dict(attrs["default_levers"])
        levers = attrs.get("default_levers", getattr(self.instance, "default_levers", None))
        applies = attrs.get("levers_apply", getattr(self.instance, "levers_apply", False))
        errors = lever_settings_errors(levers) if levers else []
        if levers and not applies:
            errors.append("Only items with frontier-AI levers can have default levers.")
        if errors:
            raise serializers.ValidationError({"default_levers": errors})
        return attrs


class CommitmentSerializer(CatalogSerializer):
    class Meta:
        model = Commitment
        exclude = ["id"]
        read_only_fields = RECORD_FIELDS


class MechanismTypeSerializer(CatalogSerializer):
    class Meta:
        model = MechanismType
        exclude = ["id"]
        read_only_fields = RECORD_FIELDS

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """A derived type's effect is a scoring-model parameter: it cannot be changed here."""
        attrs = super().validate(attrs)
        entry = self.instance
        if entry is not None and entry.derived:
            fixed = {"effectiveness", "erosion", "cost", "u_cost", "derived"}
            changed = sorted(k for k in fixed & set(attrs) if attrs[k] != getattr(entry, k))
            if changed:
                message = (
                    "Fixed by the scoring model for a derived mechanism (staged "
                    "reciprocity); see docs/methodology.md."
                )
                raise serializers.ValidationError({key: [message] for key in changed})
        return attrs


class RiskKindSerializer(CatalogSerializer):
    class Meta:
        model = RiskKind
        exclude = ["id"]
        read_only_fields = RECORD_FIELDS


class ActorSerializer(CatalogSerializer):
    class Meta:
        model = Actor
        exclude = ["id"]
        read_only_fields = RECORD_FIELDS
