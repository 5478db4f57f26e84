"""Request parsers of the REST API (kept apart from ``core.api``: DRF imports them while
``rest_framework.views`` is still loading)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, parsers

from core.text import UNENCODABLE_MESSAGE, unencodable_path


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing input no database or renderer could store: a body
    nested too deeply for Python, or text with lone surrogates (a 400 naming the field)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from None
        path = unencodable_path(data)
        if path is not None:
            raise exceptions.ValidationError({path or "non_field_errors": [UNENCODABLE_MESSAGE]})
        return data
