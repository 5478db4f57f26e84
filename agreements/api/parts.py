"""Serializers of the parts of a draft and of the whole document, one set per section.

Each section has its own shapes, so each operation documents its own:

- ``<Part>Serializer``: a part as stored (every field present; the response).
- ``<Part>WrittenSerializer``: the same plus ``agreement_version``, after a write.
- ``<Part>CreateSerializer``: the body of ``POST`` (``key`` optional).
- ``<Part>ChangeSerializer``: the body of ``PATCH`` (the fields to change).
- ``<Part>EntrySerializer``: the part inside an imported document (``key`` required).

Writes name the draft version in ``version`` or in an If-Match header; one of the two is
required, which a schema cannot say, so ``version`` is optional in the schema.

They check shape and JSON types only; references (a line's item and recipient, a
party's actor) and rules across fields are checked by ``agreements.document``.
"""

from __future__ import annotations

from dataclasses import dataclass

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements.choices import Covers, Purpose, Role, Status
from agreements.document import DOCUMENT_FORMAT, LIMITS
from catalog.api.serializers import LeversSerializer
from catalog.choices import Alignment
from core.api import (
    KEY_MESSAGE,
    KEY_REGEX,
    StrictSerializer,
    TextField,
    key_field,
    slug_field,
)

MAX_INT = 2**31 - 1
"""The largest value of a PostgreSQL ``integer`` column, such as a draft's version."""
PHASE_KEY_REGEX = KEY_REGEX.replace("^", "^(?!order$)", 1)
"""A phase key: ``order`` is reserved for ``POST /agreements/{id}/phases/order/``."""


def version_field() -> serializers.IntegerField:
    """The draft version a write edits: required, unless an If-Match header names it
    (which no schema can say, so the schema calls it optional)."""
    return serializers.IntegerField(
        min_value=0,
        max_value=MAX_INT,
        required=False,
        help_text="The draft version this write edits; required unless If-Match names it "
        "(If-Match wins).",
    )


def unit(**kwargs: object) -> serializers.FloatField:
    """A number from 0 to 1."""
    return serializers.FloatField(min_value=0, max_value=1, **kwargs)  # type: ignore[arg-type]


def note(**kwargs: object) -> TextField:
    return TextField(max_length=2000, allow_blank=True, required=False, **kwargs)  # type: ignore[arg-type]


@extend_schema_field(
    {"type": "number", "format": "double", "minimum": 0, "exclusiveMinimum": True, "maximum": 1}
)
class MagnitudeField(serializers.FloatField):
    """Greater than 0 and at most 1."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_value=1, **kwargs)  # type: ignore[arg-type]

    def to_internal_value(self, data: object) -> float:
        value = super().to_internal_value(data)
        if not value > 0:
            raise serializers.ValidationError("Must be greater than 0.")
        return value


# --- Levers and the scenario -------------------------------------------------------------


class RiskWeightsSerializer(StrictSerializer):
    """Weights of the five risk kinds (0 to 1, at least one positive); one left out weighs 0."""

    closed = True
    unknown_message = "Unknown risk kind; the risk kinds are {allowed}."

    proliferation = unit(required=False, allow_null=True)
    instability = unit(required=False, allow_null=True)
    perverse = unit(required=False, allow_null=True)
    signalling = unit(required=False, allow_null=True)
    framing = unit(required=False, allow_null=True)


class ScenarioSerializer(serializers.Serializer):
    dsa = unit()
    dsa_uncertainty = serializers.FloatField(min_value=0, max_value=0.5, allow_null=True)
    omega = unit(allow_null=True)
    omega_uncertainty = serializers.FloatField(min_value=0, max_value=0.5, allow_null=True)
    min_participation = serializers.IntegerField(min_value=0, max_value=60)
    risk_weights = serializers.DictField(
        child=unit(), allow_null=True, help_text="Weights by risk kind; null: equal weights."
    )


class ScenarioInputSerializer(StrictSerializer):
    dsa = unit(required=False)
    dsa_uncertainty = serializers.FloatField(
        min_value=0, max_value=0.5, allow_null=True, required=False
    )
    omega = unit(allow_null=True, required=False)
    omega_uncertainty = serializers.FloatField(
        min_value=0, max_value=0.5, allow_null=True, required=False
    )
    min_participation = serializers.IntegerField(min_value=0, max_value=60, required=False)
    risk_weights = RiskWeightsSerializer(allow_null=True, required=False)


# --- Parties ---------------------------------------------------------------------------


class PartySerializer(serializers.Serializer):
    key = key_field()
    actor = serializers.CharField(allow_null=True, help_text="Actor profile slug.")
    name = serializers.CharField(allow_blank=True)
    role = serializers.ChoiceField(Role.choices)
    alignment = serializers.ChoiceField(Alignment.choices, allow_null=True)
    trust = unit(allow_null=True)
    capability = unit(allow_null=True)
    security = unit(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class PartyChangeSerializer(StrictSerializer):
    """A party's fields. A custom party (no ``actor``) needs ``name``, ``alignment``,
    ``trust``, ``capability`` and ``security``; a party with an actor takes the actor
    profile's values for those left null."""

    actor = slug_field(allow_null=True, required=False, help_text="Actor profile slug.")
    name = TextField(max_length=120, allow_blank=True, allow_null=True, required=False)
    role = serializers.ChoiceField(Role.choices)
    alignment = serializers.ChoiceField(Alignment.choices, allow_null=True, required=False)
    trust = unit(allow_null=True, required=False)
    capability = unit(allow_null=True, required=False)
    security = unit(allow_null=True, required=False)
    note = note(allow_null=True)
    version = version_field()


class PartyCreateSerializer(PartyChangeSerializer):
    key = key_field(required=False)


class PartyEntrySerializer(PartyChangeSerializer):
    key = key_field()
    version = None


# --- Phases ----------------------------------------------------------------------------


PHASE_KEY_HELP = "Stable key of the phase (`order` is reserved)."
PHASE_KEY = {
    "regex": PHASE_KEY_REGEX,
    "help_text": PHASE_KEY_HELP,
    "error_messages": {"invalid": f"{KEY_MESSAGE[:-1]}; `order` is reserved."},
}


class PhaseSerializer(serializers.Serializer):
    key = key_field()
    order = serializers.IntegerField(min_value=1, max_value=LIMITS["phases"])
    name = serializers.CharField()
    reversible = serializers.BooleanField()
    description = serializers.CharField(allow_blank=True)


class PhaseChangeSerializer(StrictSerializer):
    """A phase's fields; phases are sorted by ``order`` and then renumbered 1, 2, 3…"""

    order = serializers.IntegerField(min_value=1, max_value=MAX_INT, required=False)
    name = TextField(max_length=120)
    reversible = serializers.BooleanField(required=False)
    description = note(allow_null=True)
    version = version_field()


class PhaseCreateSerializer(PhaseChangeSerializer):
    key = key_field(required=False, **PHASE_KEY)


class PhaseEntrySerializer(PhaseChangeSerializer):
    key = key_field(**PHASE_KEY)
    version = None


# --- Lines -----------------------------------------------------------------------------


class LineSerializer(serializers.Serializer):
    key = key_field()
    item = serializers.CharField(help_text="Benefit item slug.")
    recipient = key_field(help_text="Key of a recipient party.")
    magnitude = MagnitudeField()
    phase = key_field(allow_null=True, help_text="Key of a phase; null: the first phase.")
    levers = LeversSerializer(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class LineChangeSerializer(StrictSerializer):
    """A line's fields; ``levers`` (frontier-AI items only) replaces the whole lever set."""

    item = slug_field(help_text="Benefit item slug.")
    recipient = key_field(help_text="Key of a recipient party.")
    magnitude = MagnitudeField()
    phase = key_field(
        allow_null=True, required=False, help_text="Key of a phase; null: the first phase."
    )
    levers = LeversSerializer(allow_null=True, required=False)
    note = note(allow_null=True)
    version = version_field()


class LineCreateSerializer(LineChangeSerializer):
    key = key_field(required=False)


class LineEntrySerializer(LineChangeSerializer):
    key = key_field()
    version = None


# --- Conditions ------------------------------------------------------------------------


class ConditionSerializer(serializers.Serializer):
    key = key_field()
    commitment = serializers.CharField(help_text="Commitment slug.")
    recipient = key_field(help_text="Key of a recipient party.")
    burden = unit(allow_null=True)
    verifiability = unit(allow_null=True)
    reversible = serializers.BooleanField()
    phase = key_field(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class ConditionChangeSerializer(StrictSerializer):
    """A condition's fields; a null ``burden`` or ``verifiability`` takes the commitment's."""

    commitment = slug_field(help_text="Commitment slug.")
    recipient = key_field(help_text="Key of a recipient party.")
    burden = unit(allow_null=True, required=False)
    verifiability = unit(allow_null=True, required=False)
    reversible = serializers.BooleanField(required=False)
    phase = key_field(allow_null=True, required=False)
    note = note(allow_null=True)
    version = version_field()


class ConditionCreateSerializer(ConditionChangeSerializer):
    key = key_field(required=False)


class ConditionEntrySerializer(ConditionChangeSerializer):
    key = key_field()
    version = None


# --- Mechanisms ------------------------------------------------------------------------


class MechanismSerializer(serializers.Serializer):
    key = key_field()
    type = serializers.CharField(help_text="Mechanism type slug.")
    strength = unit()
    covers = serializers.ChoiceField(Covers.choices)
    note = serializers.CharField(allow_blank=True)


class MechanismChangeSerializer(StrictSerializer):
    """A credibility mechanism's fields (``type`` may not be a derived type)."""

    type = slug_field(help_text="Mechanism type slug (not a derived one).")
    strength = unit()
    covers = serializers.ChoiceField(Covers.choices, required=False)
    note = note(allow_null=True)
    version = version_field()


class MechanismCreateSerializer(MechanismChangeSerializer):
    key = key_field(required=False)


class MechanismEntrySerializer(MechanismChangeSerializer):
    key = key_field()
    version = None


# --- Sections and the whole document -----------------------------------------------------


@dataclass(frozen=True)
class Section:
    """The serializers of one section of a draft."""

    name: str
    singular: str
    row: type[serializers.Serializer]
    create: type[serializers.Serializer]
    change: type[serializers.Serializer]
    entry: type[serializers.Serializer]

    @property
    def written(self) -> type[serializers.Serializer]:
        """The part plus the draft's new version, as a write answers."""
        return _WRITTEN[self.name]


def _written(row: type[serializers.Serializer]) -> type[serializers.Serializer]:
    name = row.__name__.removesuffix("Serializer")
    return type(
        f"{name}WrittenSerializer",
        (row,),
        {
            "__doc__": f"The {name.lower()} as stored, and the draft's new version.",
            "agreement_version": serializers.IntegerField(help_text="The draft's new version."),
        },
    )


SECTIONS: dict[str, Section] = {
    s.name: s
    for s in (
        Section(
            "parties",
            "party",
            PartySerializer,
            PartyCreateSerializer,
            PartyChangeSerializer,
            PartyEntrySerializer,
        ),
        Section(
            "phases",
            "phase",
            PhaseSerializer,
            PhaseCreateSerializer,
            PhaseChangeSerializer,
            PhaseEntrySerializer,
        ),
        Section(
            "lines",
            "line",
            LineSerializer,
            LineCreateSerializer,
            LineChangeSerializer,
            LineEntrySerializer,
        ),
        Section(
            "conditions",
            "condition",
            ConditionSerializer,
            ConditionCreateSerializer,
            ConditionChangeSerializer,
            ConditionEntrySerializer,
        ),
        Section(
            "mechanisms",
            "mechanism",
            MechanismSerializer,
            MechanismCreateSerializer,
            MechanismChangeSerializer,
            MechanismEntrySerializer,
        ),
    )
}
_WRITTEN = {name: _written(section.row) for name, section in SECTIONS.items()}


class DocumentSerializer(serializers.Serializer):
    """A whole draft as stored (``format: windfall.agreement/1``); exports round-trip exactly."""

    format = serializers.ChoiceField([DOCUMENT_FORMAT])
    title = serializers.CharField()
    purpose = serializers.ChoiceField(Purpose.choices)
    status = serializers.ChoiceField(Status.choices)
    notes = serializers.CharField(allow_blank=True)
    scenario = ScenarioSerializer()
    parties = PartySerializer(many=True)
    phases = PhaseSerializer(many=True)
    lines = LineSerializer(many=True)
    conditions = ConditionSerializer(many=True)
    mechanisms = MechanismSerializer(many=True)


def _entries(section: str) -> dict[str, object]:
    return {"many": True, "allow_null": True, "required": False, "max_length": LIMITS[section]}


class DocumentInputSerializer(StrictSerializer):
    """A whole draft to import (as exported); fields left out take their defaults."""

    format = serializers.ChoiceField([DOCUMENT_FORMAT], required=False)
    title = TextField(max_length=200)
    purpose = serializers.ChoiceField(Purpose.choices, required=False)
    status = serializers.ChoiceField(Status.choices, required=False)
    notes = TextField(max_length=20_000, allow_blank=True, allow_null=True, required=False)
    scenario = ScenarioInputSerializer(allow_null=True, required=False)
    parties = PartyEntrySerializer(**_entries("parties"))
    phases = PhaseEntrySerializer(**_entries("phases"))
    lines = LineEntrySerializer(**_entries("lines"))
    conditions = ConditionEntrySerializer(**_entries("conditions"))
    mechanisms = MechanismEntrySerializer(**_entries("mechanisms"))
