"""What the drafts API views share: finding the draft, versioned writes and their errors.

Every write names the version it edits (``version`` in the body or the query, or an
``If-Match`` header); a stale write is refused with 409 (or 412 for If-Match) and says
who changed what. Another team's draft is a 404.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse as drf_reverse

from accounts.models import Role, Team
from accounts.selectors import WRITE_ROLES, scope_to_teams
from agreements import selectors, services
from agreements.models import Agreement
from core.concurrency import (
    StaleVersionError,
    etag_parameter,
    if_match_parameter,
    if_match_version,
)
from core.concurrency import (
    etag as etag_for,
)
from core.http import whole_number
from workbench.api import serializers as s
from workbench.api.parts import MAX_INT
from workbench.selectors import DraftRow, draft_detail_row

IF_MATCH = if_match_parameter("the draft", extra="; it overrides `version`")
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    OpenApiParameter.HEADER,
    description="The ETag of the draft's detail as you read it: the answer is a 304 "
    "without a body while the draft, its latest score and its newest run are unchanged.",
)
NOT_MODIFIED = OpenApiResponse(description="Your copy is current (If-None-Match matched).")
VERSION_PARAM = OpenApiParameter(
    "version",
    {"type": "integer", "minimum": 0, "maximum": MAX_INT},
    description="The draft version this write edits; required unless If-Match names it.",
)


def etag(*codes: int) -> OpenApiParameter:
    """The ``ETag`` header of the answers with these status codes."""
    return etag_parameter("The draft", *codes)


def stale_version_error(exc: services.StaleVersion, *, precondition: bool) -> StaleVersionError:
    """The API answer to a stale draft write: who changed what since."""
    return StaleVersionError(
        str(exc),
        current_version=exc.current,
        precondition=precondition,
        changes=[
            {"revision": c.number, "author": c.author, "message": c.message, "at": c.created_at}
            for c in exc.changes
        ],
    )


def expected_version(request: Request, data: dict[str, Any] | None = None) -> tuple[int, bool]:
    """The version a write edits, from If-Match or the body (or query); and whether
    If-Match named it. A malformed ``version`` is refused even when If-Match wins."""
    value = (data or {}).get("version", request.query_params.get("version"))
    version = None if value is None else whole_number(value)
    if value is not None and (version is None or version > MAX_INT):
        raise ValidationError({"version": ["Must be a whole number from 0."]})
    named = if_match_version(request.headers, what="the draft")
    if named is not None:
        return named, True
    if version is None:
        raise ValidationError(
            {
                "version": [
                    "Name the version you edit: send version, or an If-Match header with the ETag."
                ]
            }
        )
    return version, False


def versioned_input(
    request: Request, serializer_class: Any, *, partial: bool = False
) -> tuple[dict[str, Any], int, bool]:
    """A write's validated body (plain JSON types, without ``version``), the version it
    edits, and whether If-Match named it."""
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    data = plain(dict(serializer.validated_data))
    version, precondition = expected_version(request, data)
    data.pop("version", None)
    return data, version, precondition


def run_write(request: Request, precondition: bool, call: Any) -> Any:
    """Call a service; map stale versions and validation errors to API errors."""
    try:
        return call()
    except services.StaleVersion as exc:
        raise stale_version_error(exc, precondition=precondition) from None
    except DjangoValidationError as exc:
        raise ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        ) from None


def writable_team(user: Any, slug: str) -> Team:
    team = (
        scope_to_teams(Team.objects.all(), user=user, team_field="id", roles=[Role.ANALYST])
        .filter(slug=slug)
        .first()
    )
    if team is None:
        raise ValidationError({"team": ["You are not an analyst of a team with this slug."]})
    return team


class AgreementAccess:
    """Finding the draft named in the URL, scoped to the user's teams (a view mixin)."""

    request: Any
    kwargs: dict[str, Any]

    def agreement(self, *, write: bool = False) -> Agreement:
        pk = whole_number(self.kwargs.get("agreement_pk", self.kwargs.get("pk")))
        if pk is None:
            raise Http404
        agreement = selectors.agreement_get_for_user(user=self.request.user, pk=pk, with_role=write)
        if write and getattr(agreement, "user_role", None) not in WRITE_ROLES:
            raise PermissionDenied("Viewers cannot change drafts; ask for the analyst role.")
        return agreement


def detail_row(pk: int, *, user: Any = None, document: bool = False) -> DraftRow:
    """The draft as the detail shows it, in one query (``workbench.selectors``);
    ``user``: only among the user's drafts (404 otherwise). With ``document``, the same
    query also reads the latest revision's document."""
    row = draft_detail_row(pk=pk, user=user, document=document)
    if row is None:
        raise Http404
    return row


def detail_etag(row: DraftRow) -> str:
    """The ETag of a draft's detail: its version, and (once it has score runs) its latest
    score and newest run's state, which change without a new version."""
    status = row.latest_run_status
    if status is None:
        return etag_for(row.version)
    score = row.latest_score
    stale = "x" if score is not None and score.stale else ""
    return etag_for(row.version, f"{score.run if score else 0}{status[0]}{stale}")


def detail_response(agreement: Agreement, request: Request, *, status_code: int = 200) -> Response:
    """The draft as it is now (after a write too), with its document and latest score:
    one query (the caller already found ``agreement`` among the user's)."""
    return row_response(detail_row(agreement.pk, document=True), request, status_code=status_code)


def row_response(
    row: DraftRow, request: Request, *, status_code: int = 200, tag: str | None = None
) -> Response:
    """The detail of a draft read with its document (:func:`detail_row`)."""
    if row.document is None:  # a draft always has its latest revision; gone meanwhile
        raise Http404("No such revision.")
    url = drf_reverse("api:agreement-detail", kwargs={"pk": row.pk}, request=request)
    response = Response(s.agreement_detail_data(row, url, row.document), status=status_code)
    response["ETag"] = tag or etag_for(row.version)
    return response


def plain(data: dict[str, Any]) -> dict[str, Any]:
    """Validated data as plain JSON types (nested serializers give OrderedDicts)."""
    plain_data: dict[str, Any] = json.loads(json.dumps(data))
    return plain_data
