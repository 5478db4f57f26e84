"""The agreement document's shape, declared once.

Every field of a draft (its own fields, its scenario, and each part: parties, phases,
lines, conditions, mechanisms) is declared here with its type, bounds, nullability,
length, default, label and help text. Everything else is derived from these
declarations: document validation (``agreements.document``), the API serializers and
so the OpenAPI schema (``workbench.api.serializers``), the builder's form fields and
widgets (``agreements.forms``) and the mapping to database rows
(``agreements.storage``). A new field is one line here (and, when it is stored in a
column of its own, a model field and a migration).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from agreements.choices import RISK_KINDS, Covers, Purpose, Role, Status
from catalog.choices import Alignment, Cluster

DOCUMENT_FORMAT = "windfall.agreement/1"
KEY_PATTERN = r"[a-z0-9][a-z0-9_-]{0,31}"
MAX_INT = 2**31 - 1
"""The largest value a PostgreSQL ``integer`` column holds."""
"""Keys of parts: 1-32 lowercase letters, digits, ``-`` or ``_`` (the whole string)."""


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    CHOICE = "choice"
    FLAG = "flag"
    REF = "ref"
    """A slug or key naming something else (a catalog entry or another part)."""
    LEVERS = "levers"
    """A mapping of frontier-AI lever settings (validated by ``catalog.levers``)."""
    WEIGHTS = "weights"
    """A mapping of risk kind to a weight in [low, high]."""
    MULTIPLIERS = "multipliers"
    """A mapping of benefit cluster to a valuation multiplier in [low, high]."""


class Target(StrEnum):
    """What a ``REF`` field names."""

    ACTOR = "actor"
    ITEM = "item"
    COMMITMENT = "commitment"
    MECHANISM_TYPE = "mechanism_type"
    RECIPIENT = "recipient"
    PHASE = "phase"


@dataclass(frozen=True)
class Field:
    """One field of the document or of a part."""

    name: str
    kind: Kind
    label: str
    help: str = ""
    required: bool = False
    """Must be given (and, for text, not blank)."""
    nullable: bool = False
    """May be ``null``: "not set here" (the profile's or the catalog's value applies)."""
    default: Any = None
    """The value when the field is absent (``None``: absent means null or empty)."""
    low: float = 0.0
    high: float = 1.0
    low_open: bool = False
    """Numbers: the interval is ``(low, high]`` instead of ``[low, high]``."""
    step: str = "0.05"
    """Form widgets: the spinner step of a number."""
    max_length: int = 0
    choices: tuple[tuple[str, str], ...] = ()
    """Choice fields: ``(value, label)`` pairs."""
    target: Target | None = None
    editable: bool = True
    """Whether an existing part may change it (a line's item and recipient stay)."""
    widget_rows: int = 0
    """Text fields: rows of the textarea (0: a one-line input)."""

    @property
    def values(self) -> list[str]:
        return [value for value, _ in self.choices]

    def interval(self) -> str:
        """The allowed range in words-free notation, e.g. ``(0, 1]``."""
        return f"{'(' if self.low_open else '['}{self.low:g}, {self.high:g}]"


def _choices(enum: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(value), str(label)) for value, label in enum.choices)


KEY = Field("key", Kind.TEXT, "Key", "Stable key of the part within the draft.", max_length=32)
NOTE = Field("note", Kind.TEXT, "Note", max_length=2000, widget_rows=2)


def _unit(name: str, label: str, help: str = "", **options: Any) -> Field:
    return Field(name, Kind.NUMBER, label, help, **options)


MAX_AMOUNT = 1e15
"""The largest quantity a line or condition states (a thousand trillion of its unit)."""


def _quantities(what: str) -> tuple[Field, ...]:
    """The optional quantity of a line or condition: how much, of what unit, how long.

    They feed the treaty text only (the scoring model reads magnitude, burden and
    phases); an amount needs its unit and a unit its amount.
    """
    return (
        Field(
            "amount",
            Kind.NUMBER,
            "Amount",
            f"How much {what}, in the unit below (e.g. 2000000000); blank: not stated.",
            nullable=True,
            low=0,
            high=MAX_AMOUNT,
            low_open=True,
            step="any",
        ),
        Field(
            "unit",
            Kind.TEXT,
            "Unit",
            "The unit of the amount (e.g. USD, MW, inspections a year); blank: no amount.",
            max_length=40,
        ),
        Field(
            "duration_months",
            Kind.NUMBER,
            "Duration (months)",
            f"How long {what} lasts; blank: for as long as the agreement is in force.",
            nullable=True,
            high=600,
            step="1",
        ),
    )


def _phase_ref() -> Field:
    return Field(
        "phase",
        Kind.REF,
        "Phase",
        "Key of a phase; null means the first phase.",
        nullable=True,
        target=Target.PHASE,
    )


def _recipient_ref() -> Field:
    return Field(
        "recipient",
        Kind.REF,
        "Recipient",
        "Key of a recipient party.",
        required=True,
        target=Target.RECIPIENT,
        editable=False,
    )


@dataclass(frozen=True)
class Section:
    """A list of parts of the document (``parties``, ``lines``...)."""

    name: str
    singular: str
    key_prefix: str
    limit: int
    fields: tuple[Field, ...]
    reserved_keys: frozenset[str] = field(default_factory=frozenset)

    def __getitem__(self, name: str) -> Field:
        return self.by_name[name]

    @property
    def by_name(self) -> Mapping[str, Field]:
        return {f.name: f for f in self.fields}

    @property
    def editable(self) -> tuple[Field, ...]:
        """Fields an existing part may change (never its key)."""
        return tuple(f for f in self.fields if f.editable and f.name != "key")


PROFILE = "Blank: the actor profile's value."

PARTIES = Section(
    "parties",
    "party",
    "party",
    60,
    (
        KEY,
        Field(
            "actor",
            Kind.REF,
            "Actor profile",
            "Actor profile slug; null describes another state by hand.",
            nullable=True,
            target=Target.ACTOR,
        ),
        Field("name", Kind.TEXT, "Name", "Blank: the profile's name.", max_length=120),
        Field("role", Kind.CHOICE, "Role", required=True, choices=_choices(Role)),
        Field(
            "alignment",
            Kind.CHOICE,
            "Alignment to the provider",
            PROFILE,
            nullable=True,
            choices=_choices(Alignment),
        ),
        _unit("trust", "Trust in the provider", PROFILE, nullable=True),
        _unit("capability", "AI capability", PROFILE, nullable=True),
        _unit("security", "Security posture", PROFILE, nullable=True),
        _unit(
            "need",
            "Need for financial and resource benefits",
            f"0: money and resources matter little to it; 1: they matter most. {PROFILE}",
            nullable=True,
        ),
        _unit(
            "threat",
            "External security threat",
            f"0: it faces no threat (security benefits matter little); 1: a grave one. {PROFILE}",
            nullable=True,
        ),
        _unit(
            "outside_option",
            "Outside option",
            "Value, in value units, of its best alternative to this deal "
            f"(0: the status quo; negative: staying out costs it). {PROFILE}",
            nullable=True,
            low=-5,
            high=10,
            step="0.1",
        ),
        Field(
            "multipliers",
            Kind.MULTIPLIERS,
            "Valuation multipliers",
            "How much more or less than typical it values each kind of benefit "
            "(0.25 to 2); a cluster left out takes the default from need, threat "
            "and capability.",
            nullable=True,
            low=0.25,
            high=2,
            choices=_choices(Cluster),
        ),
        NOTE,
    ),
)

UNSTATED_PARTY_VALUES: dict[str, float] = {"need": 0.5, "threat": 0.5, "outside_option": 0.0}
"""What a party without an actor profile, and without its own value, is scored with."""

PHASES = Section(
    "phases",
    "phase",
    "p",
    20,
    (
        KEY,
        Field(
            "order",
            Kind.INTEGER,
            "Order",
            "Position in the timeline, from 1 (phases are renumbered 1, 2, 3...).",
            low=1,
            high=MAX_INT,
        ),
        Field("name", Kind.TEXT, "Name", required=True, max_length=120),
        Field(
            "reversible",
            Kind.FLAG,
            "Reversible",
            "Can its steps be undone?",
            default=True,
        ),
        _unit(
            "duration_months",
            "Duration (months)",
            "How long the phase lasts; blank: not stated (no exposure-months).",
            nullable=True,
            high=600,
            step="1",
        ),
        Field("description", Kind.TEXT, "Description", max_length=2000, widget_rows=2),
    ),
    reserved_keys=frozenset({"order"}),  # /phases/order/ reorders the timeline
)

LINES = Section(
    "lines",
    "line",
    "l",
    300,
    (
        KEY,
        Field(
            "item",
            Kind.REF,
            "Benefit",
            "Benefit item slug.",
            required=True,
            target=Target.ITEM,
            editable=False,
        ),
        _recipient_ref(),
        _unit(
            "magnitude",
            "Magnitude",
            "Share of the full benefit, above 0 and at most 1.",
            required=True,
            low_open=True,
        ),
        _phase_ref(),
        Field(
            "levers",
            Kind.LEVERS,
            "Frontier-AI levers",
            "Lever settings; only for frontier-AI access items.",
            nullable=True,
        ),
        *_quantities("the provider gives"),
        NOTE,
    ),
)

CATALOG_DEFAULT = "Blank: the catalog's default."

CONDITIONS = Section(
    "conditions",
    "condition",
    "c",
    200,
    (
        KEY,
        Field(
            "commitment",
            Kind.REF,
            "Commitment",
            "Commitment slug.",
            required=True,
            target=Target.COMMITMENT,
            editable=False,
        ),
        _recipient_ref(),
        _unit("burden", "Burden", CATALOG_DEFAULT, nullable=True),
        _unit("verifiability", "Verifiability", CATALOG_DEFAULT, nullable=True),
        Field(
            "reversible",
            Kind.FLAG,
            "Reversible",
            "Can the step be undone (e.g. halt, not dismantle)?",
            default=False,
        ),
        _phase_ref(),
        *_quantities("the recipient undertakes"),
        NOTE,
    ),
)

MECHANISMS = Section(
    "mechanisms",
    "mechanism",
    "m",
    50,
    (
        KEY,
        Field(
            "type",
            Kind.REF,
            "Mechanism",
            "Mechanism type slug (not a derived one, which comes from the phases).",
            required=True,
            target=Target.MECHANISM_TYPE,
            editable=False,
        ),
        _unit(
            "strength",
            "Strength",
            "0 to 1; for escrow, the escrowed share of bundle value.",
            required=True,
        ),
        Field(
            "covers",
            Kind.CHOICE,
            "Covers",
            "Whose promises it makes credible.",
            default=Covers.BOTH.value,
            choices=_choices(Covers),
        ),
        Field(
            "phase",
            Kind.REF,
            "In force from",
            "Key of the phase it enters into force in; null means the first phase.",
            nullable=True,
            target=Target.PHASE,
        ),
        NOTE,
    ),
)

SECTIONS: dict[str, Section] = {s.name: s for s in (PARTIES, PHASES, LINES, CONDITIONS, MECHANISMS)}
"""The parts of a document, in document order."""

SCENARIO: tuple[Field, ...] = (
    _unit(
        "dsa",
        "Decisive strategic advantage (dsa)",
        "0: the provider surely gains no decisive advantage; 1: it surely does.",
        default=0.3,
    ),
    _unit("dsa_uncertainty", "dsa uncertainty (±)", high=0.5, nullable=True),
    _unit(
        "omega",
        "Safety value of restraint (omega)",
        "Coalition drafts: what each unit of members' restraint is worth to every state.",
        nullable=True,
    ),
    _unit("omega_uncertainty", "omega uncertainty (±)", high=0.5, nullable=True),
    Field(
        "min_participation",
        Kind.INTEGER,
        "Minimum members to enter into force",
        low=0,
        high=60,
        default=0,
    ),
    Field(
        "risk_weights",
        Kind.WEIGHTS,
        "Risk weights",
        f"Weights of the risks ({', '.join(RISK_KINDS)}); null: equal weights.",
        nullable=True,
        choices=tuple((k, k) for k in RISK_KINDS),
    ),
)
"""The scenario of a draft: the world it is scored in."""

DRAFT: tuple[Field, ...] = (
    Field("title", Kind.TEXT, "Title", required=True, max_length=200),
    Field(
        "purpose", Kind.CHOICE, "Purpose", default=Purpose.OTHER.value, choices=_choices(Purpose)
    ),
    Field("status", Kind.CHOICE, "Status", default=Status.DRAFT.value, choices=_choices(Status)),
    Field("notes", Kind.TEXT, "Notes", max_length=20_000, widget_rows=3),
)
"""The draft's own fields (beside ``format``, ``scenario`` and the parts)."""

DRAFT_FIELDS: dict[str, Field] = {f.name: f for f in DRAFT}
SCENARIO_FIELDS: dict[str, Field] = {f.name: f for f in SCENARIO}
