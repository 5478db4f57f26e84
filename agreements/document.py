"""The agreement document: the JSON form of a whole draft.

One format serves revisions, export/import and reference templates
(``format: windfall.agreement/1``; described in ``docs/api.md``). Every write
validates a complete document here before anything is stored, so a draft can never
be saved half-way or in a state the engine would refuse.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from agreements.choices import Role
from agreements.shape import (
    CONDITIONS,
    DOCUMENT_FORMAT,
    DRAFT,
    KEY_PATTERN,
    LINES,
    MAX_INT,
    MECHANISMS,
    PARTIES,
    PHASES,
    SCENARIO,
    Field,
    Kind,
    Section,
    Target,
)
from agreements.shape import SECTIONS as SECTION_SHAPES
from catalog.choices import LEVER_CHOICES
from catalog.models import Actor, BenefitItem, Commitment, MechanismType, lever_settings_errors
from core.text import UNENCODABLE_MESSAGE, is_encodable

KEY_RE = re.compile(KEY_PATTERN)  # whole string: use fullmatch
SECTIONS = tuple(SECTION_SHAPES)
LEVER_NAMES = (*LEVER_CHOICES, "generation_lag")


class DocumentError(Exception):
    """A document failed validation; ``errors`` maps a path to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{path}: {' '.join(m)}" for path, m in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class CatalogIndex:
    """What validation, edits and storage need to know about the catalog slugs of a
    document: which exist, their names, their row ids and the defaults they bring."""

    items: Mapping[str, bool]
    """Item slug -> whether frontier-AI levers apply."""
    commitments: frozenset[str]
    mechanism_types: Mapping[str, bool]
    """Mechanism type slug -> derived (never attached by hand)."""
    actors: frozenset[str]
    ids: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """Section (``lines``, ``conditions``, ``mechanisms``, ``parties``) -> slug -> row id."""
    names: Mapping[str, str] = field(default_factory=dict)
    """Slug of any entry above -> its display name."""
    lever_defaults: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Slug of a frontier-AI item -> its default lever settings."""

    @classmethod
    def from_db(cls, *documents: Any) -> CatalogIndex:
        """Look up every slug the documents mention (four queries, whatever their size).

        A partial document such as ``{"lines": [row]}`` adds the slugs an edit brings.
        """

        def slugs(section: str, field: str) -> set[str]:
            found: set[str] = set()
            for document in documents:
                rows = document.get(section) if isinstance(document, Mapping) else None
                if isinstance(rows, list):
                    found |= {
                        r[field]
                        for r in rows
                        if isinstance(r, Mapping) and isinstance(r.get(field), str)
                    }
            return found

        items = BenefitItem.objects.filter(slug__in=slugs("lines", "item"))
        commitments = Commitment.objects.filter(slug__in=slugs("conditions", "commitment"))
        types = MechanismType.objects.filter(slug__in=slugs("mechanisms", "type"))
        actors = Actor.objects.filter(slug__in=slugs("parties", "actor"))
        item_rows = list(items.values_list("slug", "pk", "levers_apply", "name", "default_levers"))
        type_rows = list(types.values_list("slug", "pk", "derived", "name"))
        commitment_rows = list(commitments.values_list("slug", "pk", "name"))
        actor_rows = list(actors.values_list("slug", "pk", "name"))
        names: dict[str, str] = {slug: name for slug, _, _, name, _ in item_rows}
        names.update({slug: name for slug, _, _, name in type_rows})
        names.update({slug: name for slug, _, name in (*commitment_rows, *actor_rows)})
        return cls(
            items={slug: applies for slug, _, applies, _, _ in item_rows},
            commitments=frozenset(slug for slug, _, _ in commitment_rows),
            mechanism_types={slug: derived for slug, _, derived, _ in type_rows},
            actors=frozenset(slug for slug, _, _ in actor_rows),
            ids={
                "lines": {slug: pk for slug, pk, *_ in item_rows},
                "conditions": {slug: pk for slug, pk, _ in commitment_rows},
                "mechanisms": {slug: pk for slug, pk, *_ in type_rows},
                "parties": {slug: pk for slug, pk, _ in actor_rows},
            },
            names=names,
            lever_defaults={
                slug: dict(levers or {}) for slug, _, applies, _, levers in item_rows if applies
            },
        )


class _Validator:
    """Collects every problem of a document, keyed by path, and a normalised copy.

    Fields are read as ``agreements.shape`` declares them; the rules that tie fields
    together (a custom party needs its values, levers only on frontier-AI items, one
    provider, references to recipients and phases) are spelled out below.
    """

    def __init__(self, catalog: CatalogIndex) -> None:
        self.catalog = catalog
        self.errors: dict[str, list[str]] = {}

    def error(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def read(
        self,
        row: Mapping[str, Any],
        spec: Field,
        path: str,
        *,
        allowed: Collection[str] = (),
        required: bool | None = None,
    ) -> Any:
        """The clean value of ``spec`` in ``row`` (``None`` after recording a problem).

        ``required`` overrides the declaration (a custom party's values are required).
        """
        if required is not None:
            spec = replace(spec, required=required, nullable=not required and spec.nullable)
        if spec.kind is Kind.TEXT:
            return self.text(row, spec, path)
        if spec.kind is Kind.NUMBER:
            return self.number(row, spec, path)
        if spec.kind is Kind.INTEGER:
            return self.integer(row, spec, path)
        if spec.kind is Kind.CHOICE:
            return self.choice(row, spec, path)
        if spec.kind is Kind.FLAG:
            return self.flag(row, spec, path)
        if spec.kind is Kind.REF:
            return self.reference(row, spec, path, allowed)
        if spec.kind is Kind.WEIGHTS:
            return self.weights(row, spec, path)
        if spec.kind is Kind.MULTIPLIERS:
            return self.multipliers(row, spec, path)
        raise ValueError(f"{spec.name}: {spec.kind} fields are read by their section")

    # -- typed readers: return a clean value or None after recording the problem --
    def text(self, row: Mapping[str, Any], spec: Field, path: str) -> str:
        name = spec.name
        value = row.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(f"{path}.{name}", "Must be text.")
            return ""
        value = value.strip()
        if not is_encodable(value):
            self.error(f"{path}.{name}", UNENCODABLE_MESSAGE)
            return ""
        if "\x00" in value:
            self.error(f"{path}.{name}", "Null characters are not allowed.")
        if spec.required and not value:
            self.error(f"{path}.{name}", "This field is required.")
        if len(value) > spec.max_length:
            self.error(f"{path}.{name}", f"Must be at most {spec.max_length} characters.")
        return value

    def number(self, row: Mapping[str, Any], spec: Field, path: str) -> float | None:
        name = spec.name
        value = row.get(name, spec.default)
        if value is None:
            if not spec.nullable:
                self.error(f"{path}.{name}", "This field is required.")
            return None
        try:
            finite = (
                not isinstance(value, bool)
                and isinstance(value, int | float)
                and math.isfinite(value)
            )
        except OverflowError:  # an integer too large for a float
            finite = False
        if not finite:
            self.error(f"{path}.{name}", "Must be a number.")
            return None
        low, high = float(spec.low), float(spec.high)
        low_ok = value > low if spec.low_open else value >= low
        if not (low_ok and value <= high):
            interval = f"({low}, {high}]" if spec.low_open else f"[{low}, {high}]"
            self.error(f"{path}.{name}", f"Must be in {interval}, got {value}.")
            return None
        return float(value)

    def integer(self, row: Mapping[str, Any], spec: Field, path: str) -> int | None:
        name = spec.name
        value = row.get(name)
        if value is None:
            if spec.default is None and not spec.nullable:
                self.error(f"{path}.{name}", "This field is required.")
            return spec.default
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not spec.low <= value <= spec.high
        ):
            upto = "" if spec.high >= MAX_INT else f" to {spec.high:g}"
            self.error(f"{path}.{name}", f"Must be a whole number from {spec.low:g}{upto}.")
            return None
        return value

    def choice(self, row: Mapping[str, Any], spec: Field, path: str) -> str | None:
        name = spec.name
        value = row.get(name, spec.default)
        if value in (None, "") and spec.nullable:
            return None
        if value not in spec.values:
            self.error(f"{path}.{name}", f"Must be one of {', '.join(spec.values)}; got {value!r}.")
            return None
        return str(value)

    def flag(self, row: Mapping[str, Any], spec: Field, path: str) -> bool:
        value = row.get(spec.name, spec.default)
        if not isinstance(value, bool):
            self.error(f"{path}.{spec.name}", "Must be true or false.")
            return bool(spec.default)
        return value

    def reference(
        self, row: Mapping[str, Any], spec: Field, path: str, allowed: Collection[str]
    ) -> str | None:
        """A slug or key that must be one of ``allowed``."""
        value = row.get(spec.name)
        if value in (None, "") and spec.nullable:
            return None
        if not isinstance(value, str) or value not in allowed:
            assert spec.target is not None
            self.error(f"{path}.{spec.name}", REFERENCE_ERRORS[spec.target].format(value=value))
            return None
        return value

    def mapping(
        self, row: Mapping[str, Any], spec: Field, path: str, what: str
    ) -> dict[str, float] | None:
        """A mapping of ``spec``'s choices to numbers in its bounds (``None``: not set)."""
        mapping = row.get(spec.name)
        if mapping is None:
            return None
        keys = spec.values
        if not isinstance(mapping, Mapping) or set(mapping) - set(keys):
            self.error(f"{path}.{spec.name}", f"Must map {what} ({', '.join(keys)}) to numbers.")
            return None
        number = replace(spec, kind=Kind.NUMBER, nullable=True)
        clean = {
            k: self.number(mapping, replace(number, name=k), f"{path}.{spec.name}") for k in mapping
        }
        return {k: v for k, v in clean.items() if v is not None} or None

    def weights(self, row: Mapping[str, Any], spec: Field, path: str) -> dict[str, float] | None:
        values = self.mapping(row, spec, path, "risk kinds")
        if values and sum(values.values()) <= 0:
            self.error(f"{path}.{spec.name}", "At least one weight must be positive.")
        return values

    def multipliers(
        self, row: Mapping[str, Any], spec: Field, path: str
    ) -> dict[str, float] | None:
        return self.mapping(row, spec, path, "benefit clusters")

    def rows(
        self, document: Mapping[str, Any], section: Section
    ) -> list[tuple[str, Mapping[str, Any]]]:
        name = section.name
        value = document.get(name, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(name, "Must be a list.")
            return []
        if len(value) > section.limit:
            self.error(name, f"At most {section.limit} entries.")
            return []
        out = []
        seen: set[str] = set()
        for index, row in enumerate(value):
            path = f"{name}[{index}]"
            if not isinstance(row, Mapping):
                self.error(path, "Must be an object.")
                continue
            key = row.get("key")
            if not isinstance(key, str) or not KEY_RE.fullmatch(key):
                self.error(f"{path}.key", "Must be 1-32 lowercase letters, digits, - or _.")
                continue
            if key in seen:
                self.error(f"{path}.key", f"Key {key!r} is used twice.")
                continue
            if key in section.reserved_keys:
                self.error(f"{path}.key", f"The key {key!r} is reserved; choose another.")
            seen.add(key)
            out.append((path, row))
        return out

    def part(
        self,
        section: Section,
        path: str,
        row: Mapping[str, Any],
        allowed: Mapping[Target, Collection[str]],
        *,
        required: Mapping[str, bool] | None = None,
    ) -> dict[str, Any]:
        """Every declared field of one part, read generically (levers excepted)."""
        out: dict[str, Any] = {"key": row["key"]}
        for spec in section.fields[1:]:
            if spec.kind is Kind.LEVERS:
                out[spec.name] = row.get(spec.name)
                continue
            out[spec.name] = self.read(
                row,
                spec,
                path,
                allowed=allowed.get(spec.target, ()) if spec.target else (),
                required=(required or {}).get(spec.name),
            )
        return out


REFERENCE_ERRORS: dict[Target, str] = {
    Target.ACTOR: "Unknown actor {value!r}.",
    Target.ITEM: "Unknown benefit item {value!r}.",
    Target.COMMITMENT: "Unknown commitment {value!r}.",
    Target.MECHANISM_TYPE: "Unknown mechanism type {value!r}.",
    Target.RECIPIENT: "Must be the key of a recipient party; got {value!r}.",
    Target.PHASE: "Must be the key of a phase; got {value!r}.",
}


def validate_document(raw: Any, catalog: CatalogIndex | None = None) -> dict[str, Any]:
    """Return the normalised document, or raise :class:`DocumentError` listing every problem."""
    if not isinstance(raw, Mapping):
        raise DocumentError({"document": ["Must be a JSON object."]})
    check = _Validator(catalog or CatalogIndex.from_db(raw))
    fmt = raw.get("format", DOCUMENT_FORMAT)
    if fmt != DOCUMENT_FORMAT:
        check.error("format", f"Unsupported format {fmt!r}; expected {DOCUMENT_FORMAT}.")
    scenario_raw = raw.get("scenario") or {}
    if not isinstance(scenario_raw, Mapping):
        check.error("scenario", "Must be an object.")
        scenario_raw = {}
    document: dict[str, Any] = {"format": DOCUMENT_FORMAT}
    for spec in DRAFT:
        document[spec.name] = check.read(raw, spec, "document")
    document["scenario"] = {
        spec.name: check.read(scenario_raw, spec, "scenario") for spec in SCENARIO
    }
    cat = check.catalog
    allowed: dict[Target, Collection[str]] = {
        Target.ACTOR: cat.actors,
        Target.ITEM: cat.items,
        Target.COMMITMENT: cat.commitments,
        Target.MECHANISM_TYPE: cat.mechanism_types,
    }
    document["parties"] = _parties(check, raw, allowed)
    document["phases"] = _phases(check, raw, allowed)
    allowed[Target.RECIPIENT] = {
        p["key"] for p in document["parties"] if p["role"] == Role.RECIPIENT
    }
    allowed[Target.PHASE] = {p["key"] for p in document["phases"]}
    document["lines"] = _lines(check, raw, allowed)
    document["conditions"] = []
    for path, row in check.rows(raw, CONDITIONS):
        condition = check.part(CONDITIONS, path, row, allowed)
        _quantity(check, path, condition)
        document["conditions"].append(condition)
    document["mechanisms"] = _mechanisms(check, raw, allowed)
    if check.errors:
        raise DocumentError({k.removeprefix("document."): v for k, v in check.errors.items()})
    return document


CUSTOM_PARTY_FIELDS = ("name", "alignment", "trust", "capability", "security")
"""What a party without an actor profile must state itself."""


def _parties(
    check: _Validator, raw: Mapping[str, Any], allowed: Mapping[Target, Collection[str]]
) -> list[dict[str, Any]]:
    parties = []
    for path, row in check.rows(raw, PARTIES):
        custom = not row.get("actor")
        required = dict.fromkeys(CUSTOM_PARTY_FIELDS, True) if custom else None
        parties.append(check.part(PARTIES, path, row, allowed, required=required))
    providers = [p for p in parties if p["role"] == Role.PROVIDER]
    if len(providers) > 1:
        check.error("parties", "A draft has exactly one provider.")
    return parties


def _phases(
    check: _Validator, raw: Mapping[str, Any], allowed: Mapping[Target, Collection[str]]
) -> list[dict[str, Any]]:
    phases: list[dict[str, Any]] = []
    for path, row in check.rows(raw, PHASES):
        phase = check.part(PHASES, path, {"order": len(phases) + 1, **row}, allowed)
        if phase["order"] is None:
            phase["order"] = len(phases) + 1
        phases.append(phase)
    phases.sort(key=lambda p: p["order"])
    for number, phase in enumerate(phases, start=1):
        phase["order"] = number
    return phases


def _lines(
    check: _Validator, raw: Mapping[str, Any], allowed: Mapping[Target, Collection[str]]
) -> list[dict[str, Any]]:
    lines = []
    for path, row in check.rows(raw, LINES):
        line = check.part(LINES, path, row, allowed)
        _quantity(check, path, line)
        levers, item = line["levers"], line["item"]
        if levers is not None:
            if item is not None and not check.catalog.items[item]:
                check.error(f"{path}.levers", "Levers apply only to frontier-AI access items.")
            for message in lever_settings_errors(levers):
                check.error(f"{path}.levers", message)
            if isinstance(levers, Mapping):
                line["levers"] = {name: levers[name] for name in LEVER_NAMES if name in levers}
        lines.append(line)
    return lines


def _quantity(check: _Validator, path: str, part: Mapping[str, Any]) -> None:
    """An amount needs its unit, and a unit its amount (the treaty text states both)."""
    amount, unit = part.get("amount"), part.get("unit")
    if amount is not None and not unit:
        check.error(f"{path}.unit", "Give the unit of the amount (e.g. USD, MW, people).")
    if unit and amount is None and f"{path}.amount" not in check.errors:
        check.error(f"{path}.amount", "Give an amount in this unit, or leave the unit blank.")


def _mechanisms(
    check: _Validator, raw: Mapping[str, Any], allowed: Mapping[Target, Collection[str]]
) -> list[dict[str, Any]]:
    mechanisms = []
    for path, row in check.rows(raw, MECHANISMS):
        mechanism = check.part(MECHANISMS, path, row, allowed)
        kind = mechanism["type"]
        if kind is not None and check.catalog.mechanism_types[kind]:
            check.error(
                f"{path}.type",
                "This mechanism is derived from the phases; it cannot be added by hand.",
            )
        mechanisms.append(mechanism)
    return mechanisms


def next_key(document: Mapping[str, Any], section: str, prefix: str) -> str:
    """The first unused key ``<prefix><n>`` of a section."""
    used = {row["key"] for row in document.get(section, [])}
    number = len(used) + 1
    while f"{prefix}{number}" in used:
        number += 1
    return f"{prefix}{number}"


def scoreable_problem(document: Mapping[str, Any]) -> str | None:
    """Why the draft cannot be scored yet, in plain words (``None`` when it can)."""
    roles = [p["role"] for p in document.get("parties", [])]
    if Role.PROVIDER not in roles:
        return "Add a provider party to get a score."
    if Role.RECIPIENT not in roles:
        return "Add at least one recipient party to get a score."
    if not document.get("lines"):
        return "Add at least one benefit line to get a score."
    return None


Mutation = Callable[[dict[str, Any]], None]
