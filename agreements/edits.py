"""Edits of an agreement document as pure functions.

Each edit takes the current document and the catalog facts it needs
(:class:`~agreements.document.CatalogIndex`: names for the revision message, default
levers of frontier-AI items) and returns an :class:`Edit`: the new document and a
default revision message. Nothing here touches the database, so edits are tested
with plain data (``tests/agreements/test_edits.py``); ``agreements.services`` checks
the version, applies the edit, validates the result and records the revision.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from agreements.document import CatalogIndex, next_key
from agreements.shape import DRAFT_FIELDS, SCENARIO_FIELDS, SECTIONS


@dataclass(frozen=True)
class Edit:
    """The document after an edit, its default revision message, and the part it
    touched (``(section, index)``) so that validation errors name that part's fields."""

    document: dict[str, Any]
    message: str
    part: tuple[str, int] | None = None


def empty_document(*, title: str, purpose: str = "other") -> dict[str, Any]:
    """A blank draft: no parties, phases or parts yet."""
    return {
        "format": "windfall.agreement/1",
        "title": title,
        "purpose": purpose,
        "status": "draft",
        "notes": "",
        "scenario": {"dsa": 0.3, "dsa_uncertainty": 0.1},
        **{section: [] for section in SECTIONS},
    }


def levers_with_defaults(given: Any, defaults: Mapping[str, Any] | None) -> Any:
    """The levers a new line stores: the item's defaults (``None`` for an item without
    levers), overridden by the ones the writer chose. Choosing shared weights drops the
    default monitoring and throttling, which weights cannot have."""
    if defaults is None or (given is not None and not isinstance(given, Mapping)):
        return given  # no levers on this item, or not a mapping: validation decides
    chosen = dict(given or {})
    merged = {**defaults, **chosen}
    if merged.get("access_mode") == "weights":
        for name in ("monitoring", "throttling"):
            if name not in chosen:
                merged[name] = "none"
    return merged


def _defaults_of(catalog: CatalogIndex, item: Any) -> Mapping[str, Any] | None:
    return catalog.lever_defaults.get(item) if isinstance(item, str) else None


def with_lever_defaults(document: Mapping[str, Any], catalog: CatalogIndex) -> dict[str, Any]:
    """A copy of ``document`` whose frontier-AI lines without levers take the defaults
    (imports and reference templates; levers a document names are kept exactly)."""
    out = copy.deepcopy(dict(document))
    lines = out.get("lines")
    if isinstance(lines, list):
        for row in lines:
            if isinstance(row, dict) and row.get("levers") is None:
                row["levers"] = levers_with_defaults(None, _defaults_of(catalog, row.get("item")))
    return out


def _party_names(document: Mapping[str, Any], catalog: CatalogIndex) -> dict[str, str]:
    return {
        p["key"]: p.get("name") or catalog.names.get(p.get("actor") or "", p["key"])
        for p in document.get("parties", [])
        if isinstance(p, Mapping) and "key" in p
    }


def part_label(
    section: str, row: Mapping[str, Any], document: Mapping[str, Any], catalog: CatalogIndex
) -> str:
    """A part in words: "Datasets for Japan", "Treaty", "Japan (recipient)"."""
    names, parties = catalog.names, _party_names(document, catalog)
    recipient = parties.get(row.get("recipient", ""), row.get("recipient", ""))
    try:
        if section == "lines":
            return f"{names.get(row['item'], row['item'])} for {recipient}"
        if section == "conditions":
            return f"{names.get(row['commitment'], row['commitment'])} by {recipient}"
        if section == "mechanisms":
            return str(names.get(row["type"], row["type"]))
        if section == "parties":
            return f"{parties.get(row['key'], row['key'])} ({row['role']})"
        return str(row.get("name", row["key"]))
    except (KeyError, TypeError):  # an invalid row: validation names the problem
        return str(row.get("key"))


PART_NOUNS = {
    "parties": "party",
    "phases": "phase",
    "lines": "benefit",
    "conditions": "condition",
    "mechanisms": "mechanism",
}
"""What people call each kind of part (a line is a benefit on every page)."""


def _lower_first(label: str) -> str:
    """A field label inside a sentence: "Magnitude" -> "magnitude", "AI capability" kept."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def describe(
    section: str, row: Mapping[str, Any], document: Mapping[str, Any], catalog: CatalogIndex
) -> str:
    """A part in a revision message, by what it is: 'benefit “Datasets for Japan”'."""
    return f"{PART_NOUNS.get(section, section)} “{part_label(section, row, document, catalog)}”"


def _index(document: Mapping[str, Any], section: str, key: str) -> int:
    for index, row in enumerate(document[section]):
        if row["key"] == key:
            return index
    raise ValidationError({"key": [f"This draft has no {SECTIONS[section].singular} {key!r}."]})


def part_added(
    document: Mapping[str, Any], *, section: str, data: Mapping[str, Any], catalog: CatalogIndex
) -> Edit:
    """Add a part; a key is chosen when absent, a phase goes last, and a new frontier-AI
    line takes its item's default levers except those given."""
    new = copy.deepcopy(dict(document))
    row = dict(data)
    row["key"] = row.get("key") or next_key(new, section, SECTIONS[section].key_prefix)
    if section == "lines":
        row["levers"] = levers_with_defaults(
            row.get("levers"),
            catalog.lever_defaults.get(row.get("item")),  # type: ignore[arg-type]
        )
    if section == "phases":
        row.setdefault("order", len(new["phases"]) + 1)
    new[section].append(row)
    message = f"Added {describe(section, row, new, catalog)}"
    return Edit(new, message, (section, len(new[section]) - 1))


def part_changed(
    document: Mapping[str, Any],
    *,
    section: str,
    key: str,
    changes: Mapping[str, Any],
    catalog: CatalogIndex,
) -> Edit:
    """Change fields of one part; fields not named keep their value."""
    if "key" in changes and changes["key"] != key:
        raise ValidationError({"key": ["The key of a part cannot change."]})
    new = copy.deepcopy(dict(document))
    index = _index(new, section, key)
    row = new[section][index]
    fields = SECTIONS[section].by_name
    changed = [
        _lower_first(fields[name].label) if name in fields else name.replace("_", " ")
        for name, value in changes.items()
        if row.get(name) != value
    ]
    row.update(changes)
    message = f"Changed {', '.join(changed) or 'nothing'} of {describe(section, row, new, catalog)}"
    return Edit(new, message, (section, index))


def parts_edited(
    document: Mapping[str, Any], *, steps: Sequence[Mapping[str, Any]], catalog: CatalogIndex
) -> Edit:
    """Several additions and changes as one edit (a package of suggestions).

    Each step is ``{"op": "add", "section", "data"}`` or ``{"op": "change", "section",
    "key", "changes"}``; a change of ``levers`` merges with the line's levers. The steps
    apply in order, and the message lists them.
    """
    current: dict[str, Any] = copy.deepcopy(dict(document))
    messages = []
    for step in steps:
        section = step["section"]
        if step["op"] == "add":
            change = part_added(current, section=section, data=step["data"], catalog=catalog)
        else:
            changes = dict(step["changes"])
            if "levers" in changes:
                row = current[section][_index(current, section, step["key"])]
                changes["levers"] = {**(row.get("levers") or {}), **changes["levers"]}
            change = part_changed(
                current, section=section, key=step["key"], changes=changes, catalog=catalog
            )
        current = change.document
        messages.append(change.message)
    return Edit(current, "; ".join(messages))


def part_removed(
    document: Mapping[str, Any], *, section: str, key: str, catalog: CatalogIndex
) -> Edit:
    """Remove one part. Removing a party removes its lines and conditions; removing a
    phase moves its lines, conditions and mechanisms to no phase (the first)."""
    new = copy.deepcopy(dict(document))
    row = new[section][_index(new, section, key)]
    message = f"Removed {describe(section, row, new, catalog)}"
    new[section].remove(row)
    if section == "parties":
        for dependent in ("lines", "conditions"):
            before = len(new[dependent])
            new[dependent] = [r for r in new[dependent] if r.get("recipient") != key]
            if removed := before - len(new[dependent]):
                message += f" and its {removed} " + (
                    dependent if removed > 1 else SECTIONS[dependent].singular
                )
    if section == "phases":
        for dependent in ("lines", "conditions", "mechanisms"):
            for r in new[dependent]:
                if r.get("phase") == key:
                    r["phase"] = None
    return Edit(new, message)


def phases_reordered(document: Mapping[str, Any], *, keys: Sequence[str]) -> Edit:
    """Put the phases in the order of ``keys`` (every phase key exactly once)."""
    new = copy.deepcopy(dict(document))
    current = [p["key"] for p in new["phases"]]
    if sorted(keys) != sorted(current):
        raise ValidationError({"keys": ["Name every phase of the draft exactly once."]})
    by_key = {p["key"]: p for p in new["phases"]}
    new["phases"] = [by_key[k] for k in keys]
    for order, phase in enumerate(new["phases"], start=1):
        phase["order"] = order
    return Edit(new, "Reordered phases: " + ", ".join(by_key[k]["name"] for k in keys))


def phase_moved(document: Mapping[str, Any], *, key: str, offset: int) -> Edit:
    """Move one phase earlier (``offset`` -1) or later (+1) in the timeline."""
    keys = [p["key"] for p in document["phases"]]
    if key not in keys:
        raise ValidationError({"key": [f"This draft has no phase {key!r}."]})
    index = keys.index(key)
    target = min(max(index + offset, 0), len(keys) - 1)
    keys.insert(target, keys.pop(index))
    return phases_reordered(document, keys=keys)


def draft_changed(document: Mapping[str, Any], *, changes: Mapping[str, Any]) -> Edit:
    """Change the draft's own fields or its scenario."""
    unknown = set(changes) - {*DRAFT_FIELDS, *SCENARIO_FIELDS}
    if unknown:
        raise ValidationError({name: ["Not a field of a draft."] for name in sorted(unknown)})
    new = copy.deepcopy(dict(document))
    changed = []
    for name, value in changes.items():
        target = new["scenario"] if name in SCENARIO_FIELDS else new
        if target.get(name) != value:
            target[name] = value
            changed.append(name.replace("_", " "))
    return Edit(new, "Changed " + ", ".join(changed) if changed else "No change")


def document_replaced(replacement: Mapping[str, Any], *, message: str) -> Edit:
    """The whole document replaced (a restore, an import, a template)."""
    return Edit(copy.deepcopy(dict(replacement)), message)
