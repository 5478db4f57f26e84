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
    "lines": "Benefit",
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


def phase_names(document: Mapping[str, Any]) -> dict[str, str]:
    return {p["key"]: str(p.get("name") or "Unnamed phase") for p in document.get("phases", [])}


REFERENCES = {"recipient": "parties", "phase": "phases"}
"""Fields that hold the key of another part: shown (and matched) by that part's name."""
CATALOG_FIELDS = {"item", "commitment", "type", "actor"}


def _in_words(
    row: Mapping[str, Any], names: Mapping[str, str], refs: Mapping[str, Mapping[str, str]]
) -> dict[str, Any]:
    """A part with its references to other parts and catalog entries replaced by names."""
    shown: dict[str, Any] = {}
    for name, value in row.items():
        if name in REFERENCES:
            words = refs[REFERENCES[name]]
            value = words.get(value, value) if value is not None else None
            if name == "phase" and value is None:
                value = "the first phase"
        elif name in CATALOG_FIELDS and isinstance(value, str):
            value = names.get(value, value)
        shown[name] = value
    return shown


def _content_key(section: str, row: Mapping[str, Any]) -> tuple[Any, ...]:
    """What a part is, whatever its key: a benefit is its item and recipient, and so on."""
    if section == "lines":
        return (row.get("item"), row.get("recipient"))
    if section == "conditions":
        return (row.get("commitment"), row.get("recipient"))
    if section == "mechanisms":
        return (row.get("type"),)
    if section == "parties":
        return (row.get("actor") or row.get("name"),)
    return (row.get("name"),)


def _rows(
    document: Mapping[str, Any], section: str, by_content: bool, shown: list[dict[str, Any]]
) -> dict[Any, tuple[Mapping[str, Any], dict[str, Any]]]:
    """The parts of a section by key, or by what they are (repeats numbered)."""
    out: dict[Any, tuple[Mapping[str, Any], dict[str, Any]]] = {}
    for row, words in zip(document.get(section, []), shown, strict=True):
        if not by_content:
            out[row["key"]] = (row, words)
            continue
        base = _content_key(section, words)
        index = 0
        while (*base, index) in out:
            index += 1
        out[(*base, index)] = (row, words)
    return out


def document_diff(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    names: Mapping[str, str] | None = None,
    *,
    by_content: bool = False,
) -> list[dict[str, Any]]:
    """Changes from ``old`` to ``new``: draft fields, then parts added, removed or changed.

    Parts are matched by key (two revisions of one draft) or, with ``by_content``, by what
    they are (two unrelated drafts, whose keys mean nothing to each other: a benefit is its
    item and recipient, a party its actor). Values are shown by name, never by key.
    """
    names = names if names is not None else catalog_names(old, new)
    old_parties, new_parties = party_names(old, names), party_names(new, names)
    old_refs = {"parties": old_parties, "phases": phase_names(old)}
    new_refs = {"parties": new_parties, "phases": phase_names(new)}
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
        old_words = [_in_words(r, names, old_refs) for r in old.get(section, [])]
        new_words = [_in_words(r, names, new_refs) for r in new.get(section, [])]
        before = _rows(old, section, by_content, old_words)
        after = _rows(new, section, by_content, new_words)
        for match, (row, words) in after.items():
            if match not in before:
                label = part_label(section, row, names, new_parties)
                changes.append(_change(section, row["key"], "added", label, []))
                continue
            old_row, old_shown = before[match]
            compared = sorted((set(old_shown) | set(words)) - {"key", "order"})
            fields = [
                {
                    **_field(f, old_shown.get(f), words.get(f)),
                    "old": old_row.get(f),
                    "new": row.get(f),
                }
                for f in compared
                if _differs(old_shown.get(f), words.get(f))
            ]
            if fields or (
                not by_content
                and any(_differs(old_row.get(f), row.get(f)) for f in {*old_row, *row})
            ):
                label = part_label(section, row, names, new_parties)
                changes.append(_change(section, row["key"], "changed", label, fields))
        for match, (row, _words) in before.items():
            if match not in after:
                label = part_label(section, row, names, old_parties)
                changes.append(_change(section, row["key"], "removed", label, []))
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
        "old_text": _words(old_shown),
        "new_text": _words(new_shown),
    }


def _words(value: Any) -> str:
    """A value as the diff shows it: an unset field (e.g. a party left at its actor's
    profile) says so instead of showing a dash."""
    return "not set" if value is None or value == "" else value_words(value)


def _change(
    section: str, key: str, kind: str, label: str, fields: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "section": section,
        "key": key,
        "kind": kind,
        "label": f"{SINGULAR[section]}: {label}",
        "fields": fields,
    }
