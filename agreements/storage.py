"""Map an agreement's rows to its document and back (constant queries either way).

Columns follow the declarations of ``agreements.shape``: a plain field is the column of
the same name; a reference is a foreign key (catalog entries by slug, recipients and
phases by key); a nullable choice is stored as ``""``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Subquery

from agreements.document import CatalogIndex
from agreements.models import Agreement, Condition, Line, Mechanism, Party, Phase
from agreements.shape import DOCUMENT_FORMAT, DRAFT, SCENARIO, SECTIONS, Field, Kind, Target

MODELS: dict[str, type[models.Model]] = {
    "parties": Party,
    "phases": Phase,
    "lines": Line,
    "conditions": Condition,
    "mechanisms": Mechanism,
}
CATALOG_COLUMNS: dict[Target, tuple[str, str]] = {
    Target.ACTOR: ("actor", "parties"),
    Target.ITEM: ("item", "lines"),
    Target.COMMITMENT: ("commitment", "conditions"),
    Target.MECHANISM_TYPE: ("mechanism_type", "mechanisms"),
}
"""Catalog reference -> (foreign key on the part, section of ``CatalogIndex.ids``)."""
PART_COLUMNS: dict[Target, str] = {Target.RECIPIENT: "recipient", Target.PHASE: "phase"}


def _rows(agreement: Agreement, section: str) -> list[Any]:
    related = [
        CATALOG_COLUMNS[f.target][0]
        for f in SECTIONS[section].fields
        if f.target in CATALOG_COLUMNS
    ]
    return list(
        MODELS[section]._default_manager.filter(agreement=agreement).select_related(*related)
    )


def _read_value(row: Any, spec: Field, keys: dict[Target, dict[int, str]]) -> Any:
    if spec.target in CATALOG_COLUMNS:
        entry = getattr(row, CATALOG_COLUMNS[spec.target][0])
        return entry.slug if entry is not None else None
    if spec.target in PART_COLUMNS:
        return keys[spec.target].get(getattr(row, f"{PART_COLUMNS[spec.target]}_id"))
    value = getattr(row, spec.name)
    return None if spec.kind is Kind.CHOICE and spec.nullable and value == "" else value


def document_read(agreement: Agreement) -> dict[str, Any]:
    """The document of the draft's current rows (five queries)."""
    rows = {section: _rows(agreement, section) for section in SECTIONS}
    keys = {
        Target.RECIPIENT: {p.pk: p.key for p in rows["parties"]},
        Target.PHASE: {p.pk: p.key for p in rows["phases"]},
    }
    document: dict[str, Any] = {"format": DOCUMENT_FORMAT}
    document.update({spec.name: getattr(agreement, spec.name) for spec in DRAFT})
    document["scenario"] = {spec.name: getattr(agreement, spec.name) for spec in SCENARIO}
    for section, shape in SECTIONS.items():
        document[section] = [
            {spec.name: _read_value(row, spec, keys) for spec in shape.fields}
            for row in rows[section]
        ]
    return document


def _columns(
    row: dict[str, Any],
    fields: tuple[Field, ...],
    catalog_ids: dict[str, Any],
    part_ids: dict[Target, dict[str, int]],
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for spec in fields:
        value = row[spec.name]
        if spec.target in CATALOG_COLUMNS:
            column, kind = CATALOG_COLUMNS[spec.target]
            values[f"{column}_id"] = catalog_ids[kind].get(value or "")
        elif spec.target in PART_COLUMNS:
            values[f"{PART_COLUMNS[spec.target]}_id"] = part_ids[spec.target].get(value or "")
        elif spec.kind is Kind.CHOICE and spec.nullable:
            values[spec.name] = value or ""
        else:
            values[spec.name] = value
    return values


def draft_columns(document: dict[str, Any]) -> dict[str, Any]:
    """The agreement's own columns for a *validated* document (title, status, scenario...)."""
    values = {spec.name: document[spec.name] for spec in DRAFT}
    values.update({spec.name: document["scenario"][spec.name] for spec in SCENARIO})
    return values


def _same_parts(previous: dict[str, Any], document: dict[str, Any]) -> bool:
    """Whether both documents have the same parts (keys) in the same order everywhere."""
    return all(
        [row["key"] for row in previous.get(section, [])]
        == [row["key"] for row in document[section]]
        for section in SECTIONS
    )


def _changed_columns(
    agreement: Agreement,
    old: dict[str, Any],
    new: dict[str, Any],
    fields: tuple[Field, ...],
    catalog_ids: dict[str, Any],
) -> dict[str, Any]:
    """The columns of the fields that differ between two versions of one part; a changed
    recipient or phase is found by key in the same statement (a subquery)."""
    values: dict[str, Any] = {}
    for spec in fields:
        if spec.name in old and old[spec.name] == new[spec.name]:
            continue
        value = new[spec.name]
        if spec.target in CATALOG_COLUMNS:
            column, kind = CATALOG_COLUMNS[spec.target]
            values[f"{column}_id"] = catalog_ids[kind].get(value or "")
        elif spec.target in PART_COLUMNS:
            target = Party if spec.target is Target.RECIPIENT else Phase
            values[f"{PART_COLUMNS[spec.target]}_id"] = (
                Subquery(target.objects.filter(agreement=agreement, key=value).values("pk")[:1])
                if value
                else None
            )
        elif spec.kind is Kind.CHOICE and spec.nullable:
            values[spec.name] = value or ""
        else:
            values[spec.name] = value
    return values


def document_write(
    agreement: Agreement,
    document: dict[str, Any],
    catalog: CatalogIndex | None = None,
    *,
    previous: dict[str, Any] | None = None,
    agreement_saved: bool = False,
) -> None:
    """Make the draft's fields and rows those of a *validated* document.

    Runs inside the caller's transaction; a constant number of queries. ``catalog`` is the
    index validation used (it carries the row ids of the slugs); without it, it is read.
    ``agreement_saved``: the caller already wrote :func:`draft_columns` (in its version
    UPDATE), so only the instance is brought up to date. When ``previous`` (the document
    the rows hold now) has the same parts in the same order, only the parts that changed
    are updated, in place, one UPDATE each (a field edit changes one row); otherwise every
    row is replaced.
    """
    columns = draft_columns(document)
    for name, value in columns.items():
        setattr(agreement, name, value)
    if not agreement_saved:
        agreement.save()
    catalog_ids = dict((catalog or CatalogIndex.from_db(document)).ids)
    if previous is not None and _same_parts(previous, document):
        for section, shape in SECTIONS.items():
            for old, new in zip(previous[section], document[section], strict=True):
                if old == new:
                    continue
                values = _changed_columns(agreement, old, new, shape.fields, catalog_ids)
                if values:
                    manager = MODELS[section]._default_manager
                    manager.filter(agreement=agreement, key=new["key"]).update(**values)
        return

    for section in reversed(SECTIONS):
        MODELS[section]._default_manager.filter(agreement=agreement).delete()
    part_ids: dict[Target, dict[str, int]] = {}
    for section, shape in SECTIONS.items():
        created: list[Any] = MODELS[section]._default_manager.bulk_create(
            MODELS[section](
                agreement=agreement,
                position=position,
                **_columns(row, shape.fields, catalog_ids, part_ids),
            )
            for position, row in enumerate(document[section])
        )
        if section == "parties":
            part_ids[Target.RECIPIENT] = {p.key: p.pk for p in created}
        elif section == "phases":
            part_ids[Target.PHASE] = {p.key: p.pk for p in created}
