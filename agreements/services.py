"""Every write to a draft: each produces an immutable, numbered revision.

A write names the version it edits. The version is advanced with a conditional
UPDATE (compare-and-swap) before anything else, so of two writes against the same
version exactly one wins; the other gets :class:`StaleVersion`, which says who
changed what since. The change is applied to the current document, the *whole*
document is validated, and only then are rows rewritten, all in one transaction.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Team
from agreements.document import (
    DOCUMENT_FORMAT,
    SECTIONS,
    CatalogIndex,
    DocumentError,
    next_key,
    validate_document,
)
from agreements.models import Agreement, ReferenceTemplate, Revision
from agreements.shape import DRAFT_FIELDS, SCENARIO_FIELDS
from agreements.storage import document_write

KEY_PREFIX = {"parties": "party", "phases": "p", "lines": "l", "conditions": "c", "mechanisms": "m"}
SINGULAR = {
    "parties": "party",
    "phases": "phase",
    "lines": "line",
    "conditions": "condition",
    "mechanisms": "mechanism",
}
AGREEMENT_FIELDS = tuple(DRAFT_FIELDS)


def empty_document(*, title: str, purpose: str = "other") -> dict[str, Any]:
    return {
        "format": DOCUMENT_FORMAT,
        "title": title,
        "purpose": purpose,
        "status": "draft",
        "notes": "",
        "scenario": {"dsa": 0.3, "dsa_uncertainty": 0.1},
        **{section: [] for section in SECTIONS},
    }


@dataclass(frozen=True)
class ChangeSummary:
    """A revision made by someone else since the version a writer loaded."""

    number: int
    author: str
    message: str
    created_at: Any


class StaleVersion(Exception):
    """The draft changed since the version the writer named; nothing was written."""

    def __init__(self, *, expected: int, current: int, changes: list[ChangeSummary]) -> None:
        self.expected = expected
        self.current = current
        self.changes = changes
        described = "; ".join(f"revision {c.number} by {c.author}: {c.message}" for c in changes)
        super().__init__(
            f"This draft changed since you loaded version {expected} (now version {current}): "
            f"{described or 'it was deleted or changed'}. Reload to see the changes and try again."
        )


class NoChange(Exception):
    """The edit would leave the draft exactly as it is."""


Mutation = Callable[[dict[str, Any]], str]
"""Changes a document in place and returns a default revision message."""


def _changes_since(agreement_id: int, expected: int) -> list[ChangeSummary]:
    revisions = Revision.objects.filter(
        agreement_id=agreement_id, number__gt=expected
    ).select_related("author")
    return [
        ChangeSummary(
            number=r.number,
            author=r.author.get_username() if r.author else "someone",
            message=r.message,
            created_at=r.created_at,
        )
        for r in revisions.order_by("number")
    ]


def _stale(agreement_id: int, expected: int) -> StaleVersion:
    current = Agreement.objects.filter(pk=agreement_id).values_list("version", flat=True).first()
    return StaleVersion(
        expected=expected, current=current or 0, changes=_changes_since(agreement_id, expected)
    )


def _document_errors(
    exc: DocumentError, *, section: str | None = None, index: int | None = None
) -> ValidationError:
    """Turn document paths into form/API field names for the part being edited."""
    prefix = f"{section}[{index}]." if section is not None and index is not None else None
    errors: dict[str, list[str]] = {}
    for path, messages in exc.errors.items():
        field = path.removeprefix(prefix) if prefix and path.startswith(prefix) else path
        field = field.removeprefix("scenario.") if section is None else field
        errors.setdefault(field, []).extend(messages)
    return ValidationError(errors)


def _commit(
    *,
    agreement_id: int,
    expected_version: int,
    author: Any,
    mutate: Mutation,
    message: str = "",
    error_part: tuple[str, list[int]] | None = None,
) -> Revision:
    """Apply ``mutate`` to the draft at ``expected_version`` and record a revision."""
    try:
        with transaction.atomic():
            claimed = Agreement.objects.filter(pk=agreement_id, version=expected_version).update(
                version=F("version") + 1, updated_by=author, updated_at=timezone.now()
            )
            if not claimed:
                raise _stale(agreement_id, expected_version)
            agreement = Agreement.objects.get(pk=agreement_id)
            current = (
                Revision.objects.get(agreement=agreement, number=expected_version).document
                if expected_version
                else empty_document(title=agreement.title, purpose=agreement.purpose)
            )
            document = copy.deepcopy(current)
            default_message = mutate(document)
            catalog = CatalogIndex.from_db(document)
            try:
                document = validate_document(document, catalog)
            except DocumentError as exc:
                # Errors of the part being edited are named by field (``magnitude``).
                section, indexes = error_part or (None, [])
                index = indexes[0] if indexes else None
                raise _document_errors(exc, section=section, index=index) from None
            if expected_version and document == current:
                raise NoChange
            document_write(agreement, document, catalog)
            revision = Revision.objects.create(
                agreement=agreement,
                number=agreement.version,
                document=document,
                author=author,
                message=(message or default_message)[:300],
            )
            _request_scoring(revision, author)
            return revision
    except NoChange:
        return Revision.objects.get(agreement_id=agreement_id, number=expected_version)


def _request_scoring(revision: Revision, author: Any) -> None:
    from scoring.services import score_run_request

    score_run_request(revision=revision, requested_by=author)


# --- Drafts ---------------------------------------------------------------------------


def _create(
    *,
    team: Team,
    author: Any,
    document: Mapping[str, Any],
    message: str,
    template_slug: str = "",
    forked_from: Revision | None = None,
    apply_lever_defaults: bool = True,
) -> Agreement:
    if apply_lever_defaults:
        document = _with_lever_defaults(document)
    try:
        clean = validate_document(document)
    except DocumentError as exc:
        raise ValidationError(exc.errors) from None
    with transaction.atomic():
        agreement = Agreement.objects.create(
            team=team,
            title=clean["title"],
            purpose=clean["purpose"],
            created_by=author,
            updated_by=author,
            template_slug=template_slug,
            forked_from=forked_from,
        )
        _commit(
            agreement_id=agreement.pk,
            expected_version=0,
            author=author,
            mutate=lambda doc: doc.update(copy.deepcopy(clean)) or message,
        )
        agreement.refresh_from_db()
        return agreement


def _with_lever_defaults(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """Lines of frontier-AI items that name no levers take the item's defaults."""
    lines = document.get("lines") if isinstance(document, Mapping) else None
    if not isinstance(lines, list):
        return document
    bare = [row for row in lines if isinstance(row, Mapping) and row.get("levers") is None]
    defaults = lever_defaults(row.get("item") for row in bare)
    if not defaults:
        return document
    filled = [
        {**row, "levers": levers_with_defaults(None, defaults.get(row.get("item")))}
        if isinstance(row, Mapping) and row.get("levers") is None
        else row
        for row in lines
    ]
    return {**document, "lines": filled}


def agreement_create(
    *, team: Team, author: Any, title: str, purpose: str = "other", notes: str = ""
) -> Agreement:
    """Start a blank draft (revision 1)."""
    document = empty_document(title=title, purpose=purpose)
    document["notes"] = notes
    return _create(team=team, author=author, document=document, message="Created a blank draft")


def agreement_import(*, team: Team, author: Any, document: Mapping[str, Any]) -> Agreement:
    """Create a draft from an exported document (round-trips exactly)."""
    return _create(team=team, author=author, document=document, message="Imported from JSON")


def agreement_start_from_template(
    *, template: ReferenceTemplate, team: Team, author: Any
) -> Agreement:
    """Copy a reference template into the team as a new draft."""
    return _create(
        team=team,
        author=author,
        document=template.document,
        message=f"Started from the reference template “{template.title}”",
        template_slug=template.slug,
    )


def agreement_fork(*, agreement: Agreement, author: Any, title: str = "") -> Agreement:
    """Copy the draft's latest revision into a new draft of the same team.

    Keys of parties, lines, conditions and mechanisms are kept, so comparisons line
    the two drafts up part by part.
    """
    source = Revision.objects.get(agreement=agreement, number=agreement.version)
    document = copy.deepcopy(source.document)
    document["title"] = title or f"{agreement.title} (fork)"[:200]
    return _create(
        team=agreement.team,
        author=author,
        document=document,
        message=f"Forked from “{agreement.title}” revision {source.number}",
        forked_from=source,
        apply_lever_defaults=False,
    )


def agreement_update(
    *,
    agreement_id: int,
    expected_version: int,
    author: Any,
    changes: Mapping[str, Any],
    message: str = "",
) -> Revision:
    """Change the title, purpose, status, notes or scenario of a draft."""
    unknown = set(changes) - {*AGREEMENT_FIELDS, *SCENARIO_FIELDS}
    if unknown:
        raise ValidationError({name: ["Not a field of a draft."] for name in sorted(unknown)})

    def mutate(document: dict[str, Any]) -> str:
        changed = []
        for name, value in changes.items():
            target = document["scenario"] if name in SCENARIO_FIELDS else document
            if target.get(name) != value:
                target[name] = value
                changed.append(name.replace("_", " "))
        return "Changed " + ", ".join(changed) if changed else "No change"

    return _commit(
        agreement_id=agreement_id,
        expected_version=expected_version,
        author=author,
        mutate=mutate,
        message=message,
    )


def agreement_restore(
    *, agreement_id: int, expected_version: int, author: Any, number: int
) -> Revision:
    """Make an old revision current again, as a new revision."""
    try:
        old = Revision.objects.get(agreement_id=agreement_id, number=number)
    except Revision.DoesNotExist:
        raise ValidationError({"revision": [f"There is no revision {number}."]}) from None

    def mutate(document: dict[str, Any]) -> str:
        document.clear()
        document.update(copy.deepcopy(old.document))
        return f"Restored revision {number}"

    return _commit(
        agreement_id=agreement_id, expected_version=expected_version, author=author, mutate=mutate
    )


def agreement_delete(*, agreement_id: int, expected_version: int) -> None:
    """Delete a draft and its revisions and scores, if nobody changed it meanwhile."""
    with transaction.atomic():
        deleted, _ = Agreement.objects.filter(pk=agreement_id, version=expected_version).delete()
        if not deleted:
            raise _stale(agreement_id, expected_version)


# --- Parts of a draft ----------------------------------------------------------------


def _find(document: dict[str, Any], section: str, key: str) -> int:
    for index, row in enumerate(document[section]):
        if row["key"] == key:
            return index
    raise ValidationError({"key": [f"This draft has no {SINGULAR[section]} {key!r}."]})


def _describe(section: str, row: Mapping[str, Any], document: Mapping[str, Any]) -> str:
    """A part in words for revision messages: "line l4 (Datasets for Japan)"."""
    from agreements.diff import catalog_names, part_label, party_names

    mentioned = {"parties": document.get("parties", []), section: [row]}
    names = catalog_names(mentioned)
    try:
        label = part_label(section, row, names, party_names(mentioned, names))
    except (KeyError, TypeError):  # an invalid row: validation will name the problem
        label = str(row.get("key"))
    return f"{SINGULAR[section]} {row['key']} ({label})"


def part_add(
    *,
    agreement_id: int,
    expected_version: int,
    author: Any,
    section: str,
    data: Mapping[str, Any],
    message: str = "",
) -> Revision:
    """Add a party, phase, line, condition or mechanism (a key is chosen when absent)."""
    _check_section(section)
    index_box: list[int] = []

    def mutate(document: dict[str, Any]) -> str:
        row = dict(data)
        row["key"] = row.get("key") or next_key(document, section, KEY_PREFIX[section])
        if section == "lines":
            row["levers"] = levers_with_defaults(
                row.get("levers"), lever_defaults([row.get("item")]).get(row.get("item"))
            )
        if section == "phases":
            row.setdefault("order", len(document["phases"]) + 1)
        index_box.append(len(document[section]))
        document[section].append(row)
        return f"Added {_describe(section, row, document)}"

    return _commit(
        agreement_id=agreement_id,
        expected_version=expected_version,
        author=author,
        mutate=mutate,
        message=message,
        error_part=(section, index_box),
    )


def part_update(
    *,
    agreement_id: int,
    expected_version: int,
    author: Any,
    section: str,
    key: str,
    changes: Mapping[str, Any],
    message: str = "",
) -> Revision:
    """Change fields of one part; fields not named keep their value."""
    _check_section(section)
    if "key" in changes and changes["key"] != key:
        raise ValidationError({"key": ["The key of a part cannot change."]})
    index_box: list[int] = []

    def mutate(document: dict[str, Any]) -> str:
        index = _find(document, section, key)
        index_box.append(index)
        row = document[section][index]
        changed = [name for name, value in changes.items() if row.get(name) != value]
        row.update(changes)
        return f"Changed {', '.join(changed) or 'nothing'} of {_describe(section, row, document)}"

    return _commit(
        agreement_id=agreement_id,
        expected_version=expected_version,
        author=author,
        mutate=mutate,
        message=message,
        error_part=(section, index_box),
    )


def part_remove(
    *,
    agreement_id: int,
    expected_version: int,
    author: Any,
    section: str,
    key: str,
    message: str = "",
) -> Revision:
    """Remove one part. Removing a party removes its lines and conditions; removing a
    phase moves its lines and conditions to no phase."""
    _check_section(section)

    def mutate(document: dict[str, Any]) -> str:
        row = document[section][_find(document, section, key)]
        summary = f"Removed {_describe(section, row, document)}"
        document[section].remove(row)
        if section == "parties":
            for dependent in ("lines", "conditions"):
                before = len(document[dependent])
                document[dependent] = [r for r in document[dependent] if r.get("recipient") != key]
                if removed := before - len(document[dependent]):
                    summary += (
                        f" and its {removed} {dependent if removed > 1 else SINGULAR[dependent]}"
                    )
        if section == "phases":
            for dependent in ("lines", "conditions"):
                for r in document[dependent]:
                    if r.get("phase") == key:
                        r["phase"] = None
        return summary

    return _commit(
        agreement_id=agreement_id,
        expected_version=expected_version,
        author=author,
        mutate=mutate,
        message=message,
    )


def phases_reorder(
    *, agreement_id: int, expected_version: int, author: Any, keys: list[str]
) -> Revision:
    """Put the phases in the order of ``keys`` (every phase key exactly once)."""

    def mutate(document: dict[str, Any]) -> str:
        current = [p["key"] for p in document["phases"]]
        if sorted(keys) != sorted(current):
            raise ValidationError({"keys": ["Name every phase of the draft exactly once."]})
        by_key = {p["key"]: p for p in document["phases"]}
        document["phases"] = [by_key[k] for k in keys]
        for order, phase in enumerate(document["phases"], start=1):
            phase["order"] = order
        return "Reordered phases: " + ", ".join(by_key[k]["name"] for k in keys)

    return _commit(
        agreement_id=agreement_id, expected_version=expected_version, author=author, mutate=mutate
    )


def phase_move(
    *, agreement_id: int, expected_version: int, author: Any, key: str, offset: int
) -> Revision:
    """Move one phase earlier (``offset`` -1) or later (+1) in the timeline."""
    revision = Revision.objects.filter(agreement_id=agreement_id, number=expected_version).first()
    if revision is None:
        raise _stale(agreement_id, expected_version)
    keys = [p["key"] for p in revision.document["phases"]]
    if key not in keys:
        raise ValidationError({"key": [f"This draft has no phase {key!r}."]})
    index = keys.index(key)
    target = min(max(index + offset, 0), len(keys) - 1)
    keys.insert(target, keys.pop(index))
    return phases_reorder(
        agreement_id=agreement_id, expected_version=expected_version, author=author, keys=keys
    )


def lever_defaults(item_slugs: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """Default lever settings of the frontier-AI items among ``item_slugs`` (one query)."""
    from catalog.models import BenefitItem

    slugs = {slug for slug in item_slugs if isinstance(slug, str)}
    rows = BenefitItem.objects.filter(slug__in=slugs, levers_apply=True).values_list(
        "slug", "default_levers"
    )
    return {slug: dict(levers or {}) for slug, levers in rows}


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


def _check_section(section: str) -> None:
    if section not in SECTIONS:
        raise ValueError(f"unknown section {section!r}")


# --- Reference templates ---------------------------------------------------------------

TEMPLATES_DIR = Path(__file__).resolve().parent / "data" / "templates"
TEMPLATE_ORDER = (
    "marshall-plan",
    "atoms-for-peace",
    "nato-security-umbrella",
    "chips-for-peace",
    "supply-chain-compact",
    "narrow-models-for-restraint",
    "cern-for-ai",
)


def templates_load(*, directory: Path = TEMPLATES_DIR) -> dict[str, int]:
    """Load the shipped reference templates (idempotent). Every file is validated first;
    a bad one raises ``ValidationError`` naming the file and field, and loads nothing."""
    entries = []
    errors: dict[str, list[str]] = {}
    for path in sorted(directory.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        try:
            document = validate_document(raw.get("document"))
        except DocumentError as exc:
            for field, messages in exc.errors.items():
                errors[f"{path.name}: {field}"] = messages
            continue
        entries.append((raw, document))
    if errors:
        raise ValidationError(errors)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for raw, document in entries:
            slug = raw["slug"]
            values = {
                "title": raw["title"],
                "summary": raw["summary"],
                "rationale": raw["rationale"].strip(),
                "document": document,
                "position": TEMPLATE_ORDER.index(slug)
                if slug in TEMPLATE_ORDER
                else len(TEMPLATE_ORDER),
            }
            template = ReferenceTemplate.objects.filter(slug=slug).first()
            if template is None:
                ReferenceTemplate.objects.create(slug=slug, **values)
                counts["created"] += 1
            elif any(getattr(template, k) != v for k, v in values.items()):
                ReferenceTemplate.objects.filter(pk=template.pk).update(**values)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts
