"""A readable difference between two agreement documents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agreements.document import SECTIONS
from agreements.wording import value_words
from catalog.models import Actor, BenefitItem, Commitment, MechanismType

TOP_FIELDS = ("title", "purpose", "status", "notes")
SINGULAR = {
    "parties": "Party",
    "phases": "Phase",
    "lines": "Line",
    "conditions": "Condition",
    "mechanisms": "Mechanism",
}


def catalog_names(*documents: Mapping[str, Any]) -> dict[str, str]:
    """Display names of every catalog slug the documents mention (up to four queries)."""
    wanted: dict[Any, set[str]] = {
        BenefitItem: set(),
        Commitment: set(),
        MechanismType: set(),
        Actor: set(),
    }
    for document in documents:
        wanted[BenefitItem] |= {line["item"] for line in document.get("lines", [])}
        wanted[Commitment] |= {c["commitment"] for c in document.get("conditions", [])}
        wanted[MechanismType] |= {m["type"] for m in document.get("mechanisms", [])}
        wanted[Actor] |= {p["actor"] for p in document.get("parties", []) if p.get("actor")}
    names: dict[str, str] = {}
    for model, slugs in wanted.items():
        if slugs:  # one query per kind of entry the documents mention
            names.update(model.objects.filter(slug__in=slugs).values_list("slug", "name"))
    return names


def party_names(document: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, str]:
    return {
        p["key"]: p.get("name") or names.get(p.get("actor") or "", p["key"])
        for p in document.get("parties", [])
    }


def part_label(
    section: str, row: Mapping[str, Any], names: Mapping[str, str], parties: Mapping[str, str]
) -> str:
    """A short description of one part, in words."""
    recipient = parties.get(row.get("recipient", ""), row.get("recipient", ""))
    if section == "lines":
        return f"{names.get(row['item'], row['item'])} for {recipient}"
    if section == "conditions":
        return f"{names.get(row['commitment'], row['commitment'])} by {recipient}"
    if section == "mechanisms":
        return names.get(row["type"], row["type"])
    if section == "parties":
        return f"{parties.get(row['key'], row['key'])} ({row['role']})"
    return str(row.get("name", row["key"]))


def document_diff(
    old: Mapping[str, Any], new: Mapping[str, Any], names: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """Changes from ``old`` to ``new``: draft fields, then parts added, removed or changed."""
    names = names if names is not None else catalog_names(old, new)
    old_parties, new_parties = party_names(old, names), party_names(new, names)
    changes: list[dict[str, Any]] = []
    top = [_field(f, old.get(f), new.get(f)) for f in TOP_FIELDS if old.get(f) != new.get(f)]
    old_scenario, new_scenario = old.get("scenario", {}), new.get("scenario", {})
    top += [
        _field(f, old_scenario.get(f), new_scenario.get(f))
        for f in sorted(set(old_scenario) | set(new_scenario))
        if old_scenario.get(f) != new_scenario.get(f)
    ]
    if top:
        changes.append(
            {"section": "draft", "key": None, "kind": "changed", "label": "Draft", "fields": top}
        )
    for section in SECTIONS:
        before = {row["key"]: row for row in old.get(section, [])}
        after = {row["key"]: row for row in new.get(section, [])}
        for key, row in after.items():
            if key not in before:
                label = part_label(section, row, names, new_parties)
                changes.append(_change(section, key, "added", label, []))
            elif before[key] != row:
                fields = [
                    _field(f, before[key].get(f), row.get(f))
                    for f in sorted(set(before[key]) | set(row))
                    if _differs(before[key].get(f), row.get(f))
                ]
                if not fields:  # only fields a newer format added, still unset
                    continue
                changes.append(
                    _change(
                        section,
                        key,
                        "changed",
                        part_label(section, row, names, new_parties),
                        fields,
                    )
                )
        for key, row in before.items():
            if key not in after:
                label = part_label(section, row, names, old_parties)
                changes.append(_change(section, key, "removed", label, []))
    return changes


def _differs(old: Any, new: Any) -> bool:
    """Whether a field changed; absent, null and blank are the same "not set" (a
    revision saved before a field existed lacks it)."""
    return old != new and not (old in (None, "") and new in (None, ""))


def _field(field: str, old: Any, new: Any) -> dict[str, Any]:
    """One changed field; of two mappings (levers) only the entries that differ are shown."""
    old_shown, new_shown = old, new
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        differing = [k for k in {**old, **new} if old.get(k) != new.get(k)]
        old_shown = {k: old.get(k) for k in differing}
        new_shown = {k: new.get(k) for k in differing}
    return {
        "field": field.replace("_", " "),
        "old": old,
        "new": new,
        "old_text": value_words(old_shown),
        "new_text": value_words(new_shown),
    }


def _change(
    section: str, key: str, kind: str, label: str, fields: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "section": section,
        "key": key,
        "kind": kind,
        "label": f"{SINGULAR[section]} {key}: {label}",
        "fields": fields,
    }
