"""What the drafts API views share: finding the draft, versioned writes and their errors.

Every write names the version it edits (``version`` in the body or the query, or an
``If-Match`` header); a stale write is refused with 409 (or 412 for If-Match) and says
who changed what. Another team's draft is a 404.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import JSONField, OuterRef, Subquery
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role, Team
from accounts.selectors import WRITE_ROLES, scope_to_teams
from agreements import selectors, services
from agreements.models import Agreement, Revision
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
from scoring.models import RunStatus, ScoreRun
from scoring.selectors import score_runs_by_id
from workbench.api import serializers as s
from workbench.api.parts import MAX_INT
from workbench.selectors import with_latest_runs

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


def detail_row(pk: int, *, user: Any = None, document: bool = False) -> Agreement:
    """The draft with its latest runs (one query); ``user``: only among the user's
    drafts (404 otherwise). With ``document``, the same query also reads the latest
    revision's document (``latest_document``), saving :func:`detail_response` a query."""
    queryset = Agreement.objects.filter(pk=pk)
    if user is not None:
        queryset = scope_to_teams(queryset, user=user)
    latest_done = ScoreRun.objects.filter(agreement=OuterRef("pk"), status=RunStatus.DONE)
    latest_done = latest_done.order_by("-revision_number", "-finished_at")
    queryset = with_latest_runs(
        queryset.select_related("team", "updated_by", "forked_from__agreement")
    ).annotate(latest_score_stale=Subquery(latest_done.values("stale")[:1]))
    if document:
        latest = Revision.objects.filter(agreement=OuterRef("pk"), number=OuterRef("version"))
        queryset = queryset.annotate(
            latest_document=Subquery(latest.values("document")[:1], output_field=JSONField())
        )
    row = queryset.first()
    if row is None:
        raise Http404
    return row


def detail_etag(listed: Agreement) -> str:
    """The ETag of a draft's detail: its version, and (once it has score runs) its latest
    score and newest run's state, which change without a new version."""
    status = getattr(listed, "latest_run_status", None)
    if status is None:
        return etag_for(listed.version)
    score = getattr(listed, "latest_score_id", None) or 0
    stale = "x" if getattr(listed, "latest_score_stale", False) else ""
    return etag_for(listed.version, f"{score}{status[0]}{stale}")


def detail_response(
    agreement: Agreement,
    request: Request,
    *,
    status_code: int = 200,
    listed: Agreement | None = None,
    tag: str | None = None,
) -> Response:
    """The draft as it is now (after a write too), with its document and latest score:
    two queries (the caller already found ``agreement`` among the user's), one fewer
    when the caller read ``listed`` with its document (:func:`detail_row`)."""
    if listed is None:
        listed = detail_row(agreement.pk, document=True)
    document = getattr(listed, "latest_document", None)
    if document is None:
        document = selectors.revision_latest(agreement=listed).document
    context = {
        "request": request,
        "document": document,
        "scores": score_runs_by_id([getattr(listed, "latest_score_id", None)]),
    }
    response = Response(
        s.AgreementDetailSerializer(listed, context=context).data, status=status_code
    )
    response["ETag"] = tag or etag_for(listed.version)
    return response


def plain(data: dict[str, Any]) -> dict[str, Any]:
    """Validated data as plain JSON types (nested serializers give OrderedDicts)."""
    plain_data: dict[str, Any] = json.loads(json.dumps(data))
    return plain_data
