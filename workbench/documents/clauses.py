"""The clause templates a treaty text is assembled from: the curated rows, and the
shipped file for any a database does not have yet (a fresh test database, a template
added after the last ``catalog_load``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from catalog.choices import ClauseCondition
from catalog.models import ClauseTemplate
from catalog.services import DATA_DIR, SHIPPED_FILES


@dataclass(frozen=True)
class Clause:
    """One clause template, as the assembly reads it."""

    slug: str
    name: str
    kind: str
    subject: str
    article: str
    condition: str
    position: int
    definition: str
    body: str


@cache
def shipped_clauses() -> dict[tuple[str, str], Clause]:
    """The shipped clause templates by ``(kind, subject)`` (read once per process)."""
    path = DATA_DIR / SHIPPED_FILES[ClauseTemplate]
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return {(row["kind"], row["subject"]): _clause(row) for row in rows}


def _clause(row: dict[str, object]) -> Clause:
    return Clause(
        slug=str(row["slug"]),
        name=str(row["name"]),
        kind=str(row["kind"]),
        subject=str(row["subject"]),
        article=str(row["article"]),
        condition=str(row.get("condition") or ClauseCondition.ALWAYS),
        position=int(str(row.get("position") or 0)),
        definition=str(row.get("definition") or ""),
        body=str(row["body"]),
    )


def clause_templates() -> dict[tuple[str, str], Clause]:
    """Every clause template by ``(kind, subject)``: curated rows win (one query)."""
    clauses = dict(shipped_clauses())
    fields = ("slug", "name", "kind", "subject", "article", "condition", "position")
    for row in ClauseTemplate.objects.values(*fields, "definition", "body"):
        clauses[(row["kind"], row["subject"])] = _clause(row)
    return clauses
