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
from dataclasses import dataclass, field
from typing import Any

from agreements.choices import RISK_KINDS, Covers, Purpose, Role, Status
from catalog.choices import LEVER_CHOICES, Alignment
from catalog.models import lever_settings_errors
from core.text import UNENCODABLE_MESSAGE, is_encodable

DOCUMENT_FORMAT = "windfall.agreement/1"
KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")  # whole string: use fullmatch
LIMITS = {"parties": 60, "phases": 20, "lines": 300, "conditions": 200, "mechanisms": 50}
SECTIONS = ("parties", "phases", "lines", "conditions", "mechanisms")
LEVER_NAMES = (*LEVER_CHOICES, "generation_lag")


class DocumentError(Exception):
    """A document failed validation; ``errors`` maps a path to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{path}: {' '.join(m)}" for path, m in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class CatalogIndex:
    """What validation and storage need to know about the catalog slugs of a document."""

    items: Mapping[str, bool]
    """Item slug -> whether frontier-AI levers apply."""
    commitments: frozenset[str]
    mechanism_types: Mapping[str, bool]
    """Mechanism type slug -> derived (never attached by hand)."""
    actors: frozenset[str]
    ids: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """Section (``lines``, ``conditions``, ``mechanisms``, ``parties``) -> slug -> row id."""

    @classmethod
    def from_db(cls, document: Mapping[str, Any]) -> CatalogIndex:
        """Look up the slugs ``document`` mentions (four queries)."""
        from catalog.models import Actor, BenefitItem, Commitment, MechanismType

        def slugs(section: str, field: str) -> set[str]:
            rows = document.get(section) if isinstance(document, Mapping) else None
            if not isinstance(rows, list):
                return set()
            return {
                r[field] for r in rows if isinstance(r, Mapping) and isinstance(r.get(field), str)
            }

        items = BenefitItem.objects.filter(slug__in=slugs("lines", "item"))
        commitments = Commitment.objects.filter(slug__in=slugs("conditions", "commitment"))
        types = MechanismType.objects.filter(slug__in=slugs("mechanisms", "type"))
        actors = Actor.objects.filter(slug__in=slugs("parties", "actor"))
        item_rows = list(items.values_list("slug", "pk", "levers_apply"))
        type_rows = list(types.values_list("slug", "pk", "derived"))
        commitment_ids = dict(commitments.values_list("slug", "pk"))
        actor_ids = dict(actors.values_list("slug", "pk"))
        return cls(
            items={slug: applies for slug, _, applies in item_rows},
            commitments=frozenset(commitment_ids),
            mechanism_types={slug: derived for slug, _, derived in type_rows},
            actors=frozenset(actor_ids),
            ids={
                "lines": {slug: pk for slug, pk, _ in item_rows},
                "conditions": commitment_ids,
                "mechanisms": {slug: pk for slug, pk, _ in type_rows},
                "parties": actor_ids,
            },
        )


class _Validator:
    """Collects every problem of a document, keyed by path, and a normalised copy."""

    def __init__(self, catalog: CatalogIndex) -> None:
        self.catalog = catalog
        self.errors: dict[str, list[str]] = {}

    def error(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    # -- typed readers: return a clean value or None after recording the problem --
    def text(
        self,
        row: Mapping[str, Any],
        name: str,
        path: str,
        *,
        max_length: int,
        required: bool = False,
    ) -> str:
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
        if required and not value:
            self.error(f"{path}.{name}", "This field is required.")
        if len(value) > max_length:
            self.error(f"{path}.{name}", f"Must be at most {max_length} characters.")
        return value

    def number(
        self,
        row: Mapping[str, Any],
        name: str,
        path: str,
        *,
        low: float = 0.0,
        high: float = 1.0,
        low_open: bool = False,
        nullable: bool = False,
        default: float | None = None,
    ) -> float | None:
        value = row.get(name, default)
        if value is None:
            if not nullable:
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
        low_ok = value > low if low_open else value >= low
        if not (low_ok and value <= high):
            interval = f"({low}, {high}]" if low_open else f"[{low}, {high}]"
            self.error(f"{path}.{name}", f"Must be in {interval}, got {value}.")
            return None
        return float(value)

    def choice(
        self,
        row: Mapping[str, Any],
        name: str,
        path: str,
        choices: list[str],
        *,
        default: str | None = None,
        nullable: bool = False,
    ) -> str | None:
        value = row.get(name, default)
        if value in (None, "") and nullable:
            return None
        if value not in choices:
            self.error(f"{path}.{name}", f"Must be one of {', '.join(choices)}; got {value!r}.")
            return None
        return str(value)

    def known(
        self,
        row: Mapping[str, Any],
        name: str,
        path: str,
        allowed: Collection[str],
        message: str,
        *,
        nullable: bool = False,
    ) -> str | None:
        """A slug or key that must be one of ``allowed``; ``message`` names what it refers
        to and may use ``{value!r}``."""
        value = row.get(name)
        if value in (None, "") and nullable:
            return None
        if not isinstance(value, str) or value not in allowed:
            self.error(f"{path}.{name}", message.format(value=value))
            return None
        return value

    def flag(self, row: Mapping[str, Any], name: str, path: str, *, default: bool) -> bool:
        value = row.get(name, default)
        if not isinstance(value, bool):
            self.error(f"{path}.{name}", "Must be true or false.")
            return default
        return value

    def rows(
        self, document: Mapping[str, Any], section: str
    ) -> list[tuple[str, Mapping[str, Any]]]:
        value = document.get(section, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(section, "Must be a list.")
            return []
        if len(value) > LIMITS[section]:
            self.error(section, f"At most {LIMITS[section]} entries.")
            return []
        out = []
        seen: set[str] = set()
        for index, row in enumerate(value):
            path = f"{section}[{index}]"
            if not isinstance(row, Mapping):
                self.error(path, "Must be an object.")
                continue
            key = row.get("key")
            if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
                self.error(f"{path}.key", "Must be 1-32 lowercase letters, digits, - or _.")
                continue
            if key in seen:
                self.error(f"{path}.key", f"Key {key!r} is used twice.")
                continue
            seen.add(key)
            out.append((path, row))
        return out


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
    document: dict[str, Any] = {
        "format": DOCUMENT_FORMAT,
        "title": check.text(raw, "title", "document", max_length=200, required=True),
        "purpose": check.choice(raw, "purpose", "document", Purpose.values, default=Purpose.OTHER),
        "status": check.choice(raw, "status", "document", Status.values, default=Status.DRAFT),
        "notes": check.text(raw, "notes", "document", max_length=20000),
        "scenario": _scenario(check, scenario_raw),
    }
    parties = _parties(check, raw)
    phases = _phases(check, raw)
    document["parties"] = parties
    document["phases"] = phases
    recipients = {p["key"] for p in parties if p["role"] == Role.RECIPIENT}
    phase_keys = {p["key"] for p in phases}
    document["lines"] = _lines(check, raw, recipients, phase_keys)
    document["conditions"] = _conditions(check, raw, recipients, phase_keys)
    document["mechanisms"] = _mechanisms(check, raw)
    if check.errors:
        raise DocumentError({k.removeprefix("document."): v for k, v in check.errors.items()})
    return document


def _scenario(check: _Validator, raw: Mapping[str, Any]) -> dict[str, Any]:
    path = "scenario"
    weights = raw.get("risk_weights")
    if weights is not None:
        if not isinstance(weights, Mapping) or set(weights) - set(RISK_KINDS):
            check.error(
                f"{path}.risk_weights", f"Must map risk kinds ({', '.join(RISK_KINDS)}) to weights."
            )
            weights = None
        else:
            weights = {
                k: check.number(weights, k, f"{path}.risk_weights", nullable=True) for k in weights
            }
            weights = {k: v for k, v in weights.items() if v is not None}
            if weights and sum(weights.values()) <= 0:
                check.error(f"{path}.risk_weights", "At least one weight must be positive.")
    participation = raw.get("min_participation", 0) or 0
    if (
        isinstance(participation, bool)
        or not isinstance(participation, int)
        or not 0 <= participation <= 60
    ):
        check.error(f"{path}.min_participation", "Must be a whole number from 0 to 60.")
        participation = 0
    return {
        "dsa": check.number(raw, "dsa", path, default=0.3),
        "dsa_uncertainty": check.number(raw, "dsa_uncertainty", path, high=0.5, nullable=True),
        "omega": check.number(raw, "omega", path, nullable=True),
        "omega_uncertainty": check.number(raw, "omega_uncertainty", path, high=0.5, nullable=True),
        "min_participation": participation,
        "risk_weights": weights or None,
    }


def _parties(check: _Validator, raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    parties = []
    for path, row in check.rows(raw, "parties"):
        actor = check.known(
            row, "actor", path, check.catalog.actors, "Unknown actor {value!r}.", nullable=True
        )
        custom = not row.get("actor")
        party = {
            "key": row["key"],
            "actor": actor,
            "name": check.text(row, "name", path, max_length=120, required=custom),
            "role": check.choice(row, "role", path, Role.values),
            "alignment": check.choice(
                row, "alignment", path, Alignment.values, nullable=not custom
            ),
            "trust": check.number(row, "trust", path, nullable=not custom),
            "capability": check.number(row, "capability", path, nullable=not custom),
            "security": check.number(row, "security", path, nullable=not custom),
            "note": check.text(row, "note", path, max_length=2000),
        }
        parties.append(party)
    providers = [p for p in parties if p["role"] == Role.PROVIDER]
    if len(providers) > 1:
        check.error("parties", "A draft has exactly one provider.")
    return parties


def _phases(check: _Validator, raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    phases = []
    for path, row in check.rows(raw, "phases"):
        if row["key"] == "order":  # reserved: /phases/order/ reorders the timeline
            check.error(f"{path}.key", "The key 'order' is reserved; choose another.")
        order = row.get("order", len(phases) + 1)
        if isinstance(order, bool) or not isinstance(order, int) or order < 1:
            check.error(f"{path}.order", "Must be a whole number from 1.")
            order = len(phases) + 1
        phases.append(
            {
                "key": row["key"],
                "order": order,
                "name": check.text(row, "name", path, max_length=120, required=True),
                "reversible": check.flag(row, "reversible", path, default=True),
                "description": check.text(row, "description", path, max_length=2000),
            }
        )
    phases.sort(key=lambda p: p["order"])
    for number, phase in enumerate(phases, start=1):
        phase["order"] = number
    return phases


def _reference(
    check: _Validator,
    row: Mapping[str, Any],
    path: str,
    name: str,
    allowed: set[str],
    what: str,
    *,
    nullable: bool = False,
) -> str | None:
    return check.known(
        row, name, path, allowed, f"Must be the key of {what}; got {{value!r}}.", nullable=nullable
    )


def _lines(
    check: _Validator, raw: Mapping[str, Any], recipients: set[str], phases: set[str]
) -> list[dict[str, Any]]:
    lines = []
    for path, row in check.rows(raw, "lines"):
        item = check.known(
            row, "item", path, check.catalog.items, "Unknown benefit item {value!r}."
        )
        levers = row.get("levers")
        if levers is not None:
            if item is not None and not check.catalog.items[item]:
                check.error(f"{path}.levers", "Levers apply only to frontier-AI access items.")
            for message in lever_settings_errors(levers):
                check.error(f"{path}.levers", message)
            if isinstance(levers, Mapping):
                levers = {name: levers[name] for name in LEVER_NAMES if name in levers}
        lines.append(
            {
                "key": row["key"],
                "item": item,
                "recipient": _reference(
                    check, row, path, "recipient", recipients, "a recipient party"
                ),
                "magnitude": check.number(row, "magnitude", path, low_open=True),
                "phase": _reference(check, row, path, "phase", phases, "a phase", nullable=True),
                "levers": levers,
                "note": check.text(row, "note", path, max_length=2000),
            }
        )
    return lines


def _conditions(
    check: _Validator, raw: Mapping[str, Any], recipients: set[str], phases: set[str]
) -> list[dict[str, Any]]:
    conditions = []
    for path, row in check.rows(raw, "conditions"):
        commitment = check.known(
            row, "commitment", path, check.catalog.commitments, "Unknown commitment {value!r}."
        )
        conditions.append(
            {
                "key": row["key"],
                "commitment": commitment,
                "recipient": _reference(
                    check, row, path, "recipient", recipients, "a recipient party"
                ),
                "burden": check.number(row, "burden", path, nullable=True),
                "verifiability": check.number(row, "verifiability", path, nullable=True),
                "reversible": check.flag(row, "reversible", path, default=False),
                "phase": _reference(check, row, path, "phase", phases, "a phase", nullable=True),
                "note": check.text(row, "note", path, max_length=2000),
            }
        )
    return conditions


def _mechanisms(check: _Validator, raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    mechanisms = []
    for path, row in check.rows(raw, "mechanisms"):
        kind = check.known(
            row, "type", path, check.catalog.mechanism_types, "Unknown mechanism type {value!r}."
        )
        if kind is not None and check.catalog.mechanism_types[kind]:
            check.error(
                f"{path}.type",
                "This mechanism is derived from the phases; it cannot be added by hand.",
            )
        mechanisms.append(
            {
                "key": row["key"],
                "type": kind,
                "strength": check.number(row, "strength", path),
                "covers": check.choice(row, "covers", path, Covers.values, default=Covers.BOTH),
                "note": check.text(row, "note", path, max_length=2000),
            }
        )
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
