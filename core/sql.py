"""Hand-written SELECTs for the hottest reads, with the ORM's value conversions.

Compiling a queryset with joins and correlated subqueries costs Django several
milliseconds of CPU per request, more than PostgreSQL spends answering it
(docs/performance.md, "API reads"). A read that runs on every API request may therefore
write its SQL once, from the models' table and column names, and read the rows here:
each value goes through the converters the ORM would apply to its model field (dates
from SQLite's text, booleans from its integers, JSON from text), so the values are the
ones a queryset would give. Scoping stays the caller's job, in the SQL's WHERE clause.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


def _converters(
    fields: Sequence[Field[Any, Any]], connection: BaseDatabaseWrapper
) -> list[tuple[int, list[Converter], Any]]:
    """Per column that needs any: its index, the backend's and the field's converters,
    and the expression they expect (as ``SQLCompiler.get_converters`` builds them)."""
    found = []
    for index, field in enumerate(fields):
        expression = field.get_col(field.model._meta.db_table)
        converters = connection.ops.get_db_converters(expression)
        converters += expression.get_db_converters(connection)
        if converters:
            found.append((index, converters, expression))
    return found


def select_rows(
    sql: str,
    params: Sequence[Any],
    fields: Sequence[Field[Any, Any]],
    *,
    using: str = "default",
) -> list[list[Any]]:
    """The rows of ``sql`` (one column per entry of ``fields``, in order), each value
    converted as the ORM converts values of that model field."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = [list(row) for row in cursor.fetchall()]
    for index, converters, expression in _converters(fields, connection):
        for row in rows:
            value = row[index]
            for converter in converters:
                value = converter(value, expression, connection)
            row[index] = value
    return rows
