"""Text arriving from outside: refuse what cannot be stored or rendered.

Python's JSON parser accepts escapes such as ``"\\udfff"`` (a lone UTF-16 surrogate)
and returns a ``str`` that no UTF-8 encoder can write: PostgreSQL, the JSON renderer
and templates would all fail on it. Every edge that parses JSON checks its result
with :func:`unencodable_path` and answers 400 naming the field instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

UNENCODABLE_MESSAGE = (
    "Must be valid Unicode text: lone surrogate escapes such as \\udfff are not allowed."
)


def is_encodable(text: str) -> bool:
    """Whether ``text`` can be encoded as UTF-8 (no lone surrogates)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unencodable_path(value: Any) -> str | None:
    """The path (``lines[0].note``) of the first string or key that is not valid
    Unicode, ``""`` for the value itself, or ``None`` when everything is fine."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if not is_encodable(item):
                return path
        elif isinstance(item, Mapping):
            for key, child in item.items():
                name = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and not is_encodable(key):
                    return path or "non_field_errors"
                stack.append((name, child))
        elif isinstance(item, list | tuple):
            stack.extend((f"{path}[{index}]", child) for index, child in enumerate(item))
    return None
