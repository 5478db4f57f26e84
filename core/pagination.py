"""Keyset ("cursor") pages over a list ordered newest first by ``(updated_at, id)``.

A page is the rows strictly after the last row of the previous page in that order, so
page 2,000 costs what page 1 costs (no OFFSET, no COUNT). The cursor is that last row's
``updated_at`` and id, base64-encoded; clients treat it as opaque text.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connections
from django.db.models import Model, Q, QuerySet

ORDERING = ("-updated_at", "-pk")
"""The order every keyset list uses (an index on ``(team, -updated_at, -id)`` serves it)."""


@dataclass(frozen=True)
class Cursor:
    """The position after which the next page starts."""

    updated_at: datetime
    pk: int

    def encode(self) -> str:
        raw = f"{self.updated_at.isoformat()}|{self.pk}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        """The cursor ``text`` names, or ``None`` when it is not one this module wrote."""
        if not text or len(text) > 80 or not text.isascii():
            return None
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            when, pk = raw.split("|")
            moment = datetime.fromisoformat(when)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        if moment.tzinfo is None or not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
            return None
        return cls(moment, int(pk))

    @classmethod
    def of(cls, row: Any) -> Cursor:
        """The cursor just after ``row`` (a model instance or a ``values()`` dict)."""
        if isinstance(row, dict):
            return cls(row["updated_at"], row["pk"])
        return cls(row.updated_at, row.pk)


def after[M: Model](queryset: QuerySet[M], cursor: Cursor | None) -> QuerySet[M]:
    """``queryset`` in keyset order, from just after ``cursor`` (from the start: ``None``).

    ``updated_at <= t`` is a plain range condition an index scan starts from; the OR
    only separates the rows that share ``t``.
    """
    ordered = queryset.order_by(*ORDERING)
    if cursor is None:
        return ordered
    t, pk = cursor.updated_at, cursor.pk
    return ordered.filter(Q(updated_at__lte=t), Q(updated_at__lt=t) | Q(pk__lt=pk))


def page_keys(
    queryset: QuerySet[Any],
    cursor: Cursor | None,
    size: int,
    *,
    split: tuple[str, list[int]] | None = None,
) -> tuple[list[dict[str, Any]], Cursor | None]:
    """The ``pk`` and ``updated_at`` of one page (one query), and the next page's cursor
    (``None`` on the last page). Annotate only these rows afterwards.

    ``split`` (a field and its values, e.g. ``("team_id", [1, 2])``) reads each value's
    page from the index on its own and merges them (``UNION ALL``), where a single
    ``IN (1, 2)`` scan would have to sort every row of both teams.
    """
    base = after(queryset, cursor).values("pk", "updated_at")
    features = connections[queryset.db].features
    if split and len(split[1]) > 1 and features.supports_slicing_ordering_in_compound:
        field, values = split
        parts = [base.filter(**{field: value})[: size + 1] for value in values]
        base = parts[0].union(*parts[1:], all=True).order_by(*ORDERING)
    rows = list(base[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, Cursor.of(rows[-1]) if more and rows else None


def in_key_order[M: Model](rows: list[M], keys: list[dict[str, Any]]) -> list[M]:
    """``rows`` (fetched by pk) in the order of ``keys``; rows gone meanwhile are left out."""
    by_pk = {row.pk: row for row in rows}
    return [by_pk[key["pk"]] for key in keys if key["pk"] in by_pk]
