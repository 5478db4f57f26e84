"""One optimistic-concurrency convention for everything an API client edits.

Drafts and catalog entries carry an integer ``version`` that every accepted write
raises by one. Reads answer it as a *strong* ETag (``"7"``); a write names the version
it edits in ``If-Match`` (drafts also accept ``version`` in the body or the query).
``If-Match`` is compared strongly (RFC 9110, section 13.1.1): a weak ETag (``W/"7"``)
never matches, so it is refused with 412 like a stale one; anything that is not an
ETag is a 400. A stale write is refused with :class:`StaleVersionError`, which says
what the current version is and, where known, what changed since.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError

MAX_VERSION = 2**31 - 1
"""The largest version a PostgreSQL ``integer`` column holds."""
STRONG_ETAG = re.compile(r'"([0-9]{1,10})(?:\.[0-9a-z]{1,40})?"')
WEAK_ETAG = re.compile(r'W/"([0-9]{1,10})(?:\.[0-9a-z]{1,40})?"')
IF_MATCH_PATTERN = r'^(W/)?"[0-9]{1,9}(\.[0-9a-z]{1,40})?"$'
"""What the schema says an ``If-Match`` header looks like (weak ones are answered 412)."""


def etag(version: int, detail: str = "") -> str:
    """The strong ETag of a version: ``"7"``; with ``detail``, ``"7.<detail>"``.

    ``detail`` marks what else a representation shows that can change without a new
    version (a draft's latest score): a read answered from an old copy would hide it.
    ``If-Match`` reads only the version before the dot.
    """
    return f'"{version}.{detail}"' if detail else f'"{version}"'


def not_modified(headers: Mapping[str, str], current: str) -> bool:
    """Whether ``If-None-Match`` names ``current`` (or ``*``): the client's copy is the
    current one, so a read may answer 304. Weak comparison (RFC 9110, 13.1.2)."""
    value = headers.get("If-None-Match")
    if not value:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in value.split(",")]
    return "*" in tags or current.removeprefix("W/") in tags


class PreconditionRequired(APIException):
    """428: a write that must name the version it edits did not."""

    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = (
        "Send If-Match with the ETag you read (GET it first), so that another person's "
        "change is never overwritten unseen."
    )


class StaleVersionError(APIException):
    """409 (a stale ``version``) or 412 (a stale or weak ``If-Match``); nothing was written."""

    status_code: int = status.HTTP_409_CONFLICT
    default_code = "stale_version"

    def __init__(
        self,
        message: str,
        *,
        current_version: int,
        precondition: bool,
        changes: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        super().__init__(message)
        if precondition:
            self.status_code = status.HTTP_412_PRECONDITION_FAILED
        self.detail: Any = {
            "detail": message,
            "current_version": current_version,
            "changes": list(changes),
        }


def if_match_version(headers: Mapping[str, str], *, what: str = "the entry") -> int | None:
    """The version ``If-Match`` names; ``None`` when there is no such header.

    A weak ETag names no version that can match (-1, which no version equals, so the
    write is answered 412); a header that is no ETag at all is a 400.
    """
    if "If-Match" not in headers:
        return None
    value = headers["If-Match"].strip()
    if WEAK_ETAG.fullmatch(value):
        return -1
    match = STRONG_ETAG.fullmatch(value)
    if match is None or int(match[1]) > MAX_VERSION:
        raise ValidationError({"If-Match": [f'Must be the ETag of {what}, e.g. "7".']})
    return int(match[1])


def if_match_parameter(what: str, *, required: bool = False, extra: str = "") -> OpenApiParameter:
    """The ``If-Match`` request header of a versioned write, for the schema."""
    return OpenApiParameter(
        "If-Match",
        str,
        OpenApiParameter.HEADER,
        required=required,
        pattern=IF_MATCH_PATTERN,
        description=f'The ETag of {what} as you read it, e.g. `"7"`{extra}. Compared '
        "strongly: a weak ETag never matches.",
    )


def etag_parameter(what: str, *codes: int) -> OpenApiParameter:
    """The ``ETag`` response header of the answers with these status codes."""
    return OpenApiParameter(
        "ETag",
        str,
        OpenApiParameter.HEADER,
        response=list(codes),
        required=True,
        description=f'{what}\'s version, e.g. `"7"`; send it back in If-Match.',
    )
