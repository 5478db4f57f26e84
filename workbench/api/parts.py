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
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements import shape
from agreements.shape import DOCUMENT_FORMAT, Field, Kind, Target
from catalog.api.serializers import LeversSerializer
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


# --- Fields from the declaration ------------------------------------------------------

_EXCLUSIVE: dict[tuple[float, float], type[serializers.FloatField]] = {}


def _open_low_float(low: float, high: float) -> type[serializers.FloatField]:
    """A float field for ``(low, high]``, documented with ``exclusiveMinimum``."""
    if (low, high) not in _EXCLUSIVE:

        @extend_schema_field(
            {
                "type": "number",
                "format": "double",
                "minimum": low,
                "exclusiveMinimum": True,
                "maximum": high,
            }
        )
        class OpenLowFloatField(serializers.FloatField):
            def __init__(self, **kwargs: Any) -> None:
                super().__init__(max_value=high, **kwargs)

            def to_internal_value(self, data: Any) -> float:
                value = super().to_internal_value(data)
                if not value > low:
                    raise serializers.ValidationError(f"Must be greater than {low:g}.")
                return value

        _EXCLUSIVE[(low, high)] = OpenLowFloatField
    return _EXCLUSIVE[(low, high)]


def stored_field(spec: Field) -> serializers.Field:
    """The field as a stored document states it (every field present)."""
    extra: dict[str, Any] = {"help_text": spec.help} if spec.help else {}
    if spec.name == "key":
        return key_field(**extra)
    if spec.kind is Kind.TEXT:
        return serializers.CharField(allow_blank=not spec.required, **extra)
    if spec.kind is Kind.NUMBER:
        if spec.low_open:
            return _open_low_float(spec.low, spec.high)(allow_null=spec.nullable, **extra)
        return serializers.FloatField(
            min_value=spec.low, max_value=spec.high, allow_null=spec.nullable, **extra
        )
    if spec.kind is Kind.INTEGER:
        # A stored phase order is renumbered 1, 2, 3...: at most the number of phases.
        high = shape.PHASES.limit if spec.name == "order" else int(spec.high)
        return serializers.IntegerField(min_value=int(spec.low), max_value=high, **extra)
    if spec.kind is Kind.CHOICE:
        return serializers.ChoiceField(list(spec.choices), allow_null=spec.nullable, **extra)
    if spec.kind is Kind.FLAG:
        return serializers.BooleanField(**extra)
    if spec.kind is Kind.REF and spec.target in PART_TARGETS:
        return key_field(allow_null=spec.nullable, **extra)
    if spec.kind is Kind.REF:
        return serializers.CharField(allow_null=spec.nullable, **extra)
    if spec.kind is Kind.LEVERS:
        return LeversSerializer(allow_null=True, **extra)
    if spec.kind is Kind.MULTIPLIERS:
        return MultipliersSerializer(allow_null=True, **extra)
    return serializers.DictField(child=serializers.FloatField(), allow_null=True, **extra)


def input_field(spec: Field, *, key_regex: str = KEY_REGEX) -> serializers.Field:
    """The field in a request body: the declaration's bounds, lengths and nullability,
    required when the declaration says so (a ``PATCH`` makes every field optional)."""
    options: dict[str, Any] = {"required": spec.required}
    if spec.help:
        options["help_text"] = spec.help
    if spec.nullable or (spec.kind is Kind.TEXT and not spec.required):
        options["allow_null"] = True
    if spec.name == "key":
        phase_key = key_regex != KEY_REGEX
        return key_field(
            regex=key_regex,
            required=False,
            **(PHASE_KEY if phase_key else {}),
        )
    if spec.kind is Kind.TEXT:
        return TextField(max_length=spec.max_length, allow_blank=not spec.required, **options)
    if spec.kind is Kind.NUMBER:
        if spec.low_open:
            return _open_low_float(spec.low, spec.high)(**options)
        return serializers.FloatField(min_value=spec.low, max_value=spec.high, **options)
    if spec.kind is Kind.INTEGER:
        return serializers.IntegerField(
            min_value=int(spec.low), max_value=int(spec.high), **options
        )
    if spec.kind is Kind.CHOICE:
        return serializers.ChoiceField(list(spec.choices), **options)
    if spec.kind is Kind.FLAG:
        return serializers.BooleanField(**options)
    if spec.kind is Kind.REF and spec.target in PART_TARGETS:
        return key_field(**options)
    if spec.kind is Kind.REF:
        return slug_field(**options)
    if spec.kind is Kind.LEVERS:
        return LeversSerializer(**{**options, "allow_null": True})
    if spec.kind is Kind.MULTIPLIERS:
        return MultipliersSerializer(**{**options, "allow_null": True})
    return RiskWeightsSerializer(**{**options, "allow_null": True})


PART_TARGETS = (Target.RECIPIENT, Target.PHASE)


RiskWeightsSerializer = type(
    "RiskWeightsSerializer",
    (StrictSerializer,),
    {
        "__doc__": "Weights of the risk kinds (0 to 1, at least one positive); "
        "one left out weighs 0.",
        "closed": True,
        "unknown_message": "Unknown risk kind; the risk kinds are {allowed}.",
        **{
            kind: serializers.FloatField(min_value=0, max_value=1, required=False, allow_null=True)
            for kind, _ in shape.SCENARIO_FIELDS["risk_weights"].choices
        },
    },
)


_MULTIPLIERS = shape.PARTIES["multipliers"]
MultipliersSerializer = type(
    "MultipliersSerializer",
    (StrictSerializer,),
    {
        "__doc__": "Valuation multipliers of a party by benefit cluster "
        f"({_MULTIPLIERS.low:g} to {_MULTIPLIERS.high:g}); a cluster left out takes the "
        "model's default.",
        "closed": True,
        "unknown_message": "Unknown benefit cluster; the clusters are {allowed}.",
        **{
            cluster: serializers.FloatField(
                min_value=_MULTIPLIERS.low,
                max_value=_MULTIPLIERS.high,
                required=False,
                allow_null=True,
            )
            for cluster in _MULTIPLIERS.values
        },
    },
)


def _serializer(
    name: str, base: type[serializers.Serializer], fields: dict[str, Any], doc: str
) -> type[serializers.Serializer]:
    return type(f"{name}Serializer", (base,), {"__doc__": doc, **fields})


ScenarioSerializer = _serializer(
    "Scenario",
    serializers.Serializer,
    {spec.name: stored_field(spec) for spec in shape.SCENARIO},
    "The world a draft is scored in.",
)
ScenarioInputSerializer = _serializer(
    "ScenarioInput",
    StrictSerializer,
    {spec.name: input_field(spec) for spec in shape.SCENARIO},
    "The scenario of a draft to import; fields left out take their defaults.",
)


PHASE_KEY_HELP = "Stable key of the phase (`order` is reserved)."
PHASE_KEY = {
    "help_text": PHASE_KEY_HELP,
    "error_messages": {"invalid": f"{KEY_MESSAGE[:-1]}; `order` is reserved."},
}

PART_DOCS = {
    "parties": (
        "A party's fields. A custom party (no ``actor``) needs ``name``, ``alignment``, "
        "``trust``, ``capability`` and ``security``; a party with an actor takes the actor "
        "profile's values for those left null."
    ),
    "phases": "A phase's fields; phases are sorted by ``order`` and then renumbered 1, 2, 3…",
    "lines": "A line's fields; ``levers`` (frontier-AI items only) replaces the whole lever set.",
    "conditions": "A condition's fields; a null ``burden`` or ``verifiability`` takes the "
    "commitment's.",
    "mechanisms": "A credibility mechanism's fields (``type`` may not be a derived type).",
}


def part_serializers(section: shape.Section) -> tuple[type[serializers.Serializer], ...]:
    """The stored, change (PATCH), create (POST) and entry (import) serializers of a
    section, all derived from its declaration."""
    name = section.singular.capitalize()
    key_regex = PHASE_KEY_REGEX if section.reserved_keys else KEY_REGEX
    fields = section.fields[1:]
    row = _serializer(
        name,
        serializers.Serializer,
        {spec.name: stored_field(spec) for spec in section.fields},
        f"A {section.singular} as stored.",
    )
    change = _serializer(
        f"{name}Change",
        StrictSerializer,
        {**{spec.name: input_field(spec) for spec in fields}, "version": version_field()},
        PART_DOCS[section.name],
    )
    create = _serializer(
        f"{name}Create",
        change,
        {"key": input_field(section.fields[0], key_regex=key_regex)},
        PART_DOCS[section.name],
    )
    entry = _serializer(
        f"{name}Entry",
        change,
        {
            "key": key_field(regex=key_regex, **(PHASE_KEY if section.reserved_keys else {})),
            "version": None,
        },
        PART_DOCS[section.name],
    )
    return row, change, create, entry


(
    (PartySerializer, PartyChangeSerializer, PartyCreateSerializer, PartyEntrySerializer),
    (PhaseSerializer, PhaseChangeSerializer, PhaseCreateSerializer, PhaseEntrySerializer),
    (LineSerializer, LineChangeSerializer, LineCreateSerializer, LineEntrySerializer),
    (
        ConditionSerializer,
        ConditionChangeSerializer,
        ConditionCreateSerializer,
        ConditionEntrySerializer,
    ),
    (
        MechanismSerializer,
        MechanismChangeSerializer,
        MechanismCreateSerializer,
        MechanismEntrySerializer,
    ),
) = (part_serializers(section) for section in shape.SECTIONS.values())


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


def _entries(section: str) -> dict[str, Any]:
    limit = shape.SECTIONS[section].limit
    return {"many": True, "allow_null": True, "required": False, "max_length": limit}


DocumentSerializer = _serializer(
    "Document",
    serializers.Serializer,
    {
        "format": serializers.ChoiceField([DOCUMENT_FORMAT]),
        **{spec.name: stored_field(spec) for spec in shape.DRAFT},
        "scenario": ScenarioSerializer(),
        **{name: section.row(many=True) for name, section in SECTIONS.items()},
    },
    "A whole draft as stored (``format: windfall.agreement/1``); exports round-trip exactly.",
)
DocumentInputSerializer = _serializer(
    "DocumentInput",
    StrictSerializer,
    {
        "format": serializers.ChoiceField([DOCUMENT_FORMAT], required=False),
        **{spec.name: input_field(spec) for spec in shape.DRAFT},
        "scenario": ScenarioInputSerializer(allow_null=True, required=False),
        **{name: section.entry(**_entries(name)) for name, section in SECTIONS.items()},
    },
    "A whole draft to import (as exported); fields left out take their defaults.",
)
