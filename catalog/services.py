"""Writes to the catalog: loading the shipped data and recording curator edits."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.models import (
    UNCURATED_RATIONALES,
    Actor,
    BenefitItem,
    CatalogEntry,
    ClauseTemplate,
    Commitment,
    MechanismType,
    RiskKind,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

SHIPPED_FILES: dict[type[CatalogEntry], str] = {
    BenefitItem: "benefit_items.yaml",
    Commitment: "commitments.yaml",
    MechanismType: "mechanism_types.yaml",
    RiskKind: "risk_kinds.yaml",
    Actor: "actors.yaml",
    ClauseTemplate: "clause_templates.yaml",
}


CatalogListener = Callable[[Sequence[CatalogEntry]], int]
"""Called with entries that were created or changed, inside the write's transaction;
returns how many drafts it queued for re-scoring."""
_listeners: list[CatalogListener] = []


def catalog_on_entries_changed(listener: CatalogListener) -> CatalogListener:
    """Register ``listener`` for every created or changed catalog entry.

    The catalog's one way to tell a higher layer that something changed (scoring stores
    the values it derives for items and re-scores the drafts that use the entries);
    registered once, at app start (``ScoringConfig.ready``).
    """
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


class CatalogDataError(Exception):
    """Shipped data failed validation; ``errors`` lists ``file: entry: field: message``."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class LoadReport:
    """What a load did, per model: created, updated, unchanged, kept (curator-edited).

    ``filled`` names kept entries whose never-curated values were filled in.
    """

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)

    def add(self, model: str, outcome: str) -> None:
        per_model = self.counts.setdefault(
            model, {"created": 0, "updated": 0, "unchanged": 0, "kept": 0}
        )
        per_model[outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.counts.values())


def flatten_entry(entry: dict[str, Any], position: int) -> dict[str, Any]:
    """Map one YAML entry to model field values.

    ``{"burden": {"value": .4, "u": .1, "rationale": "..."}}`` becomes
    ``burden``, ``u_burden`` and ``rationale_burden``; benefit attributes nest
    under ``attributes``.
    """
    values: dict[str, Any] = {}
    for key, raw in entry.items():
        if key == "attributes":
            values.update(flatten_entry(raw, position))
        elif isinstance(raw, dict) and "value" in raw:
            values[key] = raw["value"]
            if "u" in raw:
                values[f"u_{key}"] = raw["u"]
            if "rationale" in raw:
                values[f"rationale_{key}"] = raw["rationale"]
        else:
            values[key] = raw
    return values


def _shipped_rows(model: type[CatalogEntry], data_dir: Path) -> list[dict[str, Any]]:
    entries = yaml.safe_load((data_dir / SHIPPED_FILES[model]).read_text(encoding="utf-8"))
    rows = [flatten_entry(entry, position) for position, entry in enumerate(entries or [])]
    if model is RiskKind:
        for position, row in enumerate(rows):
            row["position"] = position
    if model is Actor:
        for row in rows:
            row.setdefault("notes", "")
    return rows


def _editable_fields(model: type[CatalogEntry]) -> set[str]:
    return {
        f.name
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in {"created_at", "updated_at"}
    }


def _validate(model: type[CatalogEntry], rows: list[dict[str, Any]], source: str) -> list[str]:
    errors: list[str] = []
    allowed = _editable_fields(model)
    for number, row in enumerate(rows, start=1):
        label = f"{source}: entry {number} ({row.get('slug', '?')})"
        unknown = sorted(set(row) - allowed)
        if unknown:
            errors.append(f"{label}: unknown fields {', '.join(unknown)}")
            continue
        instance = model(**row)
        try:
            # Field validators check every range; skip the per-row constraint queries.
            instance.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                errors.extend(f"{label}: {field_name}: {m}" for m in messages)
    slugs = [str(row.get("slug")) for row in rows]
    for slug in sorted({s for s in slugs if slugs.count(s) > 1}):
        errors.append(f"{source}: slug {slug!r} appears more than once")
    return errors


def catalog_load(*, data_dir: Path = DATA_DIR, reset: bool | Iterable[str] = False) -> LoadReport:
    """Load the shipped catalog; idempotent.

    Entries a curator changed (``locally_modified``) are kept unless ``reset`` is
    ``True`` (all) or names their slugs; on a kept entry only the values no curator has
    set yet (their rationale is still the uncurated or migration default, e.g. a
    2027.1 input added after the edit) take the shipped value. Everything is validated
    before anything is written; a single bad entry raises :class:`CatalogDataError`
    and loads nothing.
    """
    shipped = {model: _shipped_rows(model, data_dir) for model in SHIPPED_FILES}
    errors = [
        e for model, rows in shipped.items() for e in _validate(model, rows, SHIPPED_FILES[model])
    ]
    if errors:
        raise CatalogDataError(errors)
    reset_slugs = None if isinstance(reset, bool) else set(reset)
    report = LoadReport()
    updated: list[CatalogEntry] = []
    created: list[CatalogEntry] = []
    with transaction.atomic():
        for model, rows in shipped.items():
            existing = {obj.slug: obj for obj in model._default_manager.all()}
            for row in rows:
                obj = existing.get(row["slug"])
                outcome = _upsert(model, obj, row, reset, reset_slugs, created)
                report.add(str(model._meta.verbose_name_plural), outcome)
                if outcome == "kept":
                    report.kept.append(f"{model._meta.verbose_name}: {row['slug']}")
                    assert obj is not None
                    if _fill_uncurated(obj, row):
                        report.filled.append(f"{model._meta.verbose_name}: {row['slug']}")
                        updated.append(obj)
                if outcome == "updated" and obj is not None:
                    updated.append(obj)
        catalog_entries_changed(entries=[*created, *updated])
    return report


def _upsert(
    model: type[CatalogEntry],
    obj: CatalogEntry | None,
    row: dict[str, Any],
    reset: bool | Iterable[str],
    reset_slugs: set[str] | None,
    created: list[CatalogEntry],
) -> str:
    if obj is None:
        created.append(model._default_manager.create(**row))
        return "created"
    resetting = reset is True or (reset_slugs is not None and obj.slug in reset_slugs)
    if obj.locally_modified and not resetting:
        return "kept"
    changed = [name for name, value in row.items() if getattr(obj, name) != value]
    if not changed and not obj.locally_modified:
        return "unchanged"
    for name in changed:
        setattr(obj, name, row[name])
    obj.locally_modified = False
    obj.save()
    return "updated"


def _fill_uncurated(obj: CatalogEntry, row: dict[str, Any]) -> list[str]:
    """Give a kept entry the shipped value, half-width and rationale of every value no
    curator has set (its rationale is an uncurated default); returns their names."""
    filled = []
    for name, rationale in row.items():
        if not name.startswith("rationale_") or rationale in UNCURATED_RATIONALES:
            continue
        if getattr(obj, name) not in UNCURATED_RATIONALES:
            continue
        base = name.removeprefix("rationale_")
        for field_name in (base, f"u_{base}", name):
            if field_name in row:
                setattr(obj, field_name, row[field_name])
        filled.append(base)
    if filled:
        obj.save()
    return filled


def entry_version(entry: CatalogEntry) -> int:
    """The version of an entry as stored (raised by one at every save).

    Curators' edits name it (admin form, API ``If-Match``), so an edit made on an entry
    another curator has changed since is refused rather than silently overwriting it.
    """
    return entry.version


def entry_current_locked(entry: CatalogEntry) -> CatalogEntry:
    """The entry as stored now, locked until the caller's transaction ends."""
    return type(entry)._default_manager.select_for_update().get(pk=entry.pk)


def entry_stale_message(current: CatalogEntry) -> str:
    """Who changed an entry last, and when, for a refused edit."""
    latest = current.history.first()  # type: ignore[attr-defined]
    who = getattr(getattr(latest, "history_user", None), "username", None) or "someone"
    when = current.updated_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    return (
        f"{current.name} was changed by {who} at {when}, after you opened it. "
        "Nothing was saved: reload it to see that change, then make yours again."
    )


def catalog_entry_save_curated(*, entry: CatalogEntry) -> CatalogEntry:
    """Save a curator's edit and flag it, so reloading shipped data keeps it.

    Drafts that use the entry get their scores marked stale and re-scored.
    """
    with transaction.atomic():
        entry.locally_modified = True
        entry.save()
        catalog_entries_changed(entries=[entry])
    return entry


def catalog_entries_changed(*, entries: Iterable[CatalogEntry]) -> int:
    """Tell the listeners about created or changed entries; returns how many drafts
    they queued for re-scoring."""
    changed = list(entries)
    return sum(listener(changed) for listener in _listeners) if changed else 0
