"""Clause templates as text: compiling and rendering a curator's template safely.

A clause template is written in the Django template language (``{{ provider }}``,
``{% if quantity %}...{% endif %}``) and rendered with an engine of its own: no
loaders (``include`` and ``extends`` find nothing), no custom tag libraries, plain
text out (the pages and documents escape it). The context holds strings, numbers,
flags and lists only, never model objects, so a template cannot reach the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from django.template import Context, Engine, Template, TemplateSyntaxError

FORBIDDEN_TAGS = ("include", "extends", "load", "block", "debug", "ssi")
_FORBIDDEN = re.compile(r"{%-?\s*(" + "|".join(FORBIDDEN_TAGS) + r")\b")


class ClauseSyntaxError(ValueError):
    """A clause template that does not compile; ``line`` is 1-based."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"Line {line}: {message}")
        self.line = line
        self.detail = message


@cache
def _engine() -> Engine:
    return Engine(debug=True, autoescape=False, string_if_invalid="", loaders=[], libraries={})


def clause_compile(source: str) -> Template:
    """The compiled template, or :class:`ClauseSyntaxError` naming the line at fault."""
    for number, text in enumerate(source.splitlines(), start=1):
        found = _FORBIDDEN.search(text)
        if found:
            raise ClauseSyntaxError(
                f"the {{% {found.group(1)} %}} tag is not available in clause templates.", number
            )
    try:
        return _engine().from_string(source)
    except TemplateSyntaxError as exc:
        debug = getattr(exc, "template_debug", None) or {}
        raise ClauseSyntaxError(str(exc), int(debug.get("line", 1))) from None


def clause_render(source: str, context: Mapping[str, Any]) -> list[str]:
    """The clause as paragraphs: blank lines separate them, other whitespace collapses."""
    text = clause_compile(source).render(Context(dict(context), autoescape=False))
    paragraphs = (" ".join(block.split()) for block in re.split(r"\n\s*\n", text))
    return [p for p in paragraphs if p]
