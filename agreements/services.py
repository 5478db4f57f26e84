"""Every write to a draft: each produces an immutable, numbered revision.

A write names the version it edits. The service loads that (immutable) revision,
applies a pure edit from ``agreements.edits`` with the catalog facts it needs, and
validates the *whole* resulting document; only then, in one transaction, it advances
the version with a conditional UPDATE (compare-and-swap: of two writes against the
same version exactly one wins, the other gets :class:`StaleVersion` saying who changed
what since), rewrites the rows, records the revision and tells the listeners
(scoring) that a revision was recorded.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Team
from agreements import edits
from agreements.document import CatalogIndex, DocumentError, validate_document
from agreements.edits import Edit, empty_document
from agreements.models import Agreement, ReferenceTemplate, Revision
from agreements.shape import SECTIONS
from agreements.storage import document_write, draft_columns

__all__ = [
    "NoChange",
    "StaleVersion",
    "agreement_create",
    "agreement_delete",
    "agreement_fork",
    "agreement_import",
    "agreement_restore",
    "agreement_start_from_template",
    "agreement_update",
    "empty_document",
    "on_revision_recorded",
    "part_add",
    "part_remove",
    "part_update",
    "phase_move",
    "phases_reorder",
    "templates_load",
]


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


RevisionListener = Callable[[Revision, Any], None]
"""Called with each recorded revision and its author, inside the write's transaction."""
_revision_listeners: list[RevisionListener] = []


def on_revision_recorded(listener: RevisionListener) -> RevisionListener:
    """Register ``listener`` for every recorded revision (scoring queues a score run).

    The one place where drafts tell a higher layer that something happened: agreements
    never imports scoring. Registered once, at app start (``ScoringConfig.ready``).
    """
    if listener not in _revision_listeners:
        _revision_listeners.append(listener)
    return listener


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


def _document_errors(exc: DocumentError, *, part: tuple[str, int] | None) -> ValidationError:
    """Turn document paths into form/API field names: the edited part's fields by name
    (``magnitude``), a draft edit's scenario fields without ``scenario.``."""
    prefix = f"{part[0]}[{part[1]}]." if part else None
    errors: dict[str, list[str]] = {}
    for path, messages in exc.errors.items():
        field = path.removeprefix(prefix) if prefix and path.startswith(prefix) else path
        field = field.removeprefix("scenario.") if part is None else field
        errors.setdefault(field, []).extend(messages)
    return ValidationError(errors)


def _current(agreement_id: int, expected_version: int) -> tuple[Agreement, dict[str, Any]]:
    """The draft and its document at ``expected_version``; stale if it moved on (one query:
    the revision with its draft, only while the draft is still at that version)."""
    if not expected_version:
        agreement = Agreement.objects.filter(pk=agreement_id, version=0).first()
        if agreement is None:
            raise _stale(agreement_id, expected_version)
        return agreement, empty_document(title=agreement.title, purpose=agreement.purpose)
    revision = (
        Revision.objects.select_related("agreement")
        .filter(
            agreement_id=agreement_id,
            number=expected_version,
            agreement__version=expected_version,
        )
        .first()
    )
    if revision is None:
        raise _stale(agreement_id, expected_version)
    return revision.agreement, revision.document


def _commit(
    *,
    agreement_id: int,
    expected_version: int,
    author: Any,
    edit: Callable[[dict[str, Any], CatalogIndex], Edit],
    brings: Mapping[str, Any] | None = None,
    message: str = "",
) -> Revision:
    """Apply ``edit`` to the draft at ``expected_version`` and record a revision.

    ``brings`` is a partial document with the catalog slugs the edit adds (a new line's
    item), so one catalog lookup serves the edit, validation and storage.
    """
    agreement, current = _current(agreement_id, expected_version)
    catalog = CatalogIndex.from_db(current, brings or {})
    change = edit(current, catalog)
    try:
        document = validate_document(change.document, catalog)
    except DocumentError as exc:
        raise _document_errors(exc, part=change.part) from None
    if expected_version and document == current:
        return Revision.objects.get(agreement_id=agreement_id, number=expected_version)
    with transaction.atomic():
        now = timezone.now()
        claimed = Agreement.objects.filter(pk=agreement_id, version=expected_version).update(
            version=F("version") + 1, updated_by=author, updated_at=now, **draft_columns(document)
        )
        if not claimed:
            raise _stale(agreement_id, expected_version)
        agreement.version, agreement.updated_at = expected_version + 1, now
        agreement.updated_by = author
        # The rows hold the document at ``expected_version`` (a new draft: none yet).
        previous = current if expected_version else None
        document_write(agreement, document, catalog, previous=previous, agreement_saved=True)
        revision = Revision.objects.create(
            agreement=agreement,
            number=agreement.version,
            document=document,
            author=author,
            message=(message or change.message)[:300],
        )
        for listener in _revision_listeners:
            listener(revision, author)
        return revision


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
    catalog = CatalogIndex.from_db(document)
    if apply_lever_defaults:
        document = edits.with_lever_defaults(document, catalog)
    try:
        clean = validate_document(document, catalog)
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
            edit=lambda _current, _catalog: edits.document_replaced(clean, message=message),
            brings=clean,
        )
        agreement.refresh_from_db()
        return agreement


def agreement_create(
    *, team: Team, author: Any, title: str, purpose: str = "other", notes: str = ""
) -> Agreement:
    """Start a blank draft (revision 1)."""
    document = empty_document(title=title, purpose=purpose)
    document["notes"] = notes
    return _create(team=team, author=author, document=document, message="Created a blank draft")


def agreement_import(*, team: Team, author: Any, document: Mapping[str, Any]) -> Agreement:
    """Create a draft from an exported document (round-trips exactly; frontier-AI lines
    that name no levers take their item's defaults)."""
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
    edits.draft_changed({"scenario": {}}, changes=changes)  # unknown fields: refuse first
    return _commit(
        agreement_id=agreement_id,
        expected_version=expected_version,
        author=author,
        edit=lambda document, _catalog: edits.draft_changed(document, changes=changes),
        message=message,
    )


def agreement_restore(
    *, agreement_id: int, expected_version: int, author: Any, number: int
) -> Revision:
    """Make an old revision current again, as a new revision."""
    old = Revision.objects.filter(agreement_id=agreement_id, number=number).first()
    if old is None:
        raise ValidationError({"revision": [f"There is no revision {number}."]})
    return _commit(
        agreement_id=agreement_id,
        expected_version=expected_version,
        author=author,
        edit=lambda _document, _catalog: edits.document_replaced(
            old.document, message=f"Restored revision {number}"
        ),
        brings=old.document,
    )


def agreement_undo(*, agreement_id: int, expected_version: int, author: Any) -> Revision:
    """Undo the latest change: the revision before it becomes current again, as a new
    revision named after what it undoes (history keeps both)."""
    _current(agreement_id, expected_version)  # stale if someone changed it meanwhile
    if expected_version <= 1:
        raise ValidationError({"revision": ["There is no earlier revision to go back to."]})
    last, previous = (
        Revision.objects.get(agreement_id=agreement_id, number=number)
        for number in (expected_version, expected_version - 1)
    )
    return _commit(
        agreement_id=agreement_id,
        expected_version=expected_version,
        author=author,
        edit=lambda _document, _catalog: edits.document_replaced(
            previous.document, message=f"Undid “{last.message}”"[:300]
        ),
        brings=previous.document,
    )


def agreement_delete(*, agreement_id: int, expected_version: int) -> None:
    """Delete a draft and its revisions and scores, if nobody changed it meanwhile."""
    with transaction.atomic():
        deleted, _ = Agreement.objects.filter(pk=agreement_id, version=expected_version).delete()
        if not deleted:
            raise _stale(agreement_id, expected_version)


# --- Parts of a draft ----------------------------------------------------------------


def _check_section(section: str) -> None:
    if section not in SECTIONS:
        raise ValueError(f"unknown section {section!r}")


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
    return _commit(
        agreement_id=agreement_id,
        expected_version=expected_version,
        author=author,
        edit=lambda document, catalog: edits.part_added(
            document, section=section, data=data, catalog=catalog
        ),
        brings={section: [data]},
        message=message,
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
    return _commit(
        agreement_id=agreement_id,
        expected_version=expected_version,
        author=author,
        edit=lambda document, catalog: edits.part_changed(
            document, section=section, key=key, changes=changes, catalog=catalog
        ),
        brings={section: [changes]},
        message=message,
    )


def parts_edit(
    *,
    agreement_id: int,
    expected_version: int,
    author: Any,
    steps: Sequence[Mapping[str, Any]],
    message: str = "",
) -> Revision:
    """Several additions and changes of parts as one revision (``edits.parts_edited``)."""
    for step in steps:
        _check_section(step["section"])
    return _commit(
        agreement_id=agreement_id,
        expected_version=expected_version,
        author=author,
        edit=lambda document, catalog: edits.parts_edited(document, steps=steps, catalog=catalog),
        brings={
            section: [st["data"] for st in steps if st["op"] == "add" and st["section"] == section]
            for section in {st["section"] for st in steps}
        },
        message=message,
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
    return _commit(
        agreement_id=agreement_id,
        expected_version=expected_version,
        author=author,
        edit=lambda document, catalog: edits.part_removed(
            document, section=section, key=key, catalog=catalog
        ),
        message=message,
    )


def phases_reorder(
    *, agreement_id: int, expected_version: int, author: Any, keys: list[str]
) -> Revision:
    """Put the phases in the order of ``keys`` (every phase key exactly once)."""
    return _commit(
        agreement_id=agreement_id,
        expected_version=expected_version,
        author=author,
        edit=lambda document, _catalog: edits.phases_reordered(document, keys=keys),
    )


def phase_move(
    *, agreement_id: int, expected_version: int, author: Any, key: str, offset: int
) -> Revision:
    """Move one phase earlier (``offset`` -1) or later (+1) in the timeline."""
    return _commit(
        agreement_id=agreement_id,
        expected_version=expected_version,
        author=author,
        edit=lambda document, _catalog: edits.phase_moved(document, key=key, offset=offset),
    )


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
