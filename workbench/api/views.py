"""Drafts API: CRUD, revisions, diff, fork, restore, export/import, scoring, templates.

The parts of a draft are in ``part_views``; versioned writes in ``common``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agreements import selectors, services
from agreements.diff import document_diff
from agreements.document import DocumentError, scoreable_problem, validate_document
from agreements.models import Agreement, Revision
from core.api import (
    BAD_REQUEST,
    VERSIONED_WRITE,
    KeysetPagination,
    error_response,
    row_urls,
    validated,
)
from core.concurrency import etag as etag_for
from core.concurrency import not_modified
from core.http import whole_number
from core.pagination import page_keys
from scoring.api.filters import ScoreRunFilterSet
from scoring.api.schemas import NegotiationSerializer, SuggestionResultSerializer
from scoring.api.serializers import ScoreRunSerializer
from scoring.assistant import suggestion_apply, suggestions_for_revision
from scoring.models import ScoreRun
from scoring.services import (
    DEFAULT_TRANSFER_ITEM,
    negotiation_for_revision,
    score_run_request_latest,
)
from workbench.api import serializers as s
from workbench.api.common import (
    IF_MATCH,
    IF_NONE_MATCH,
    NOT_MODIFIED,
    VERSION_PARAM,
    AgreementAccess,
    detail_etag,
    detail_response,
    detail_row,
    etag,
    expected_version,
    row_response,
    run_write,
    versioned_input,
    writable_team,
)
from workbench.api.filters import RevisionFilterSet
from workbench.filters import AgreementFilterSet
from workbench.selectors import draft_list_rows

DRAFT_TAGS = ["agreements"]


@extend_schema(tags=DRAFT_TAGS)
class AgreementViewSet(AgreementAccess, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Drafts of your teams."""

    serializer_class = s.AgreementListSerializer
    filterset_class = AgreementFilterSet
    pagination_class = KeysetPagination
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Agreement]:
        self.team_ids = selectors.team_ids_for_user(user=self.request.user)
        return selectors.agreement_list_for_user(user=self.request.user, team_ids=self.team_ids)

    def list(self, request: Request) -> Response:
        """Drafts of your teams, most recently updated first, a page at a time: follow
        `next` for older ones."""
        paginator = cast(KeysetPagination, self.paginator)
        cursor, size = paginator.read(request)
        queryset = self.filter_queryset(self.get_queryset())
        keys, paginator.next_cursor = page_keys(
            queryset, cursor, size, split=("team_id", self.team_ids)
        )
        rows = draft_list_rows(ids=[key["pk"] for key in keys], team_ids=self.team_ids)
        url = row_urls("api:agreement-detail", request)
        data = [s.agreement_list_data(row, url(row.pk)) for row in rows]
        return paginator.get_paginated_response(data)

    @extend_schema(
        responses={200: s.AgreementDetailSerializer, 304: NOT_MODIFIED},
        parameters=[etag(200, 304), IF_NONE_MATCH],
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        """The draft with its document and latest score. Send the ETag you read in
        If-None-Match to get a 304 while neither the draft nor its score changed."""
        number = whole_number(pk)
        if number is None:
            raise Http404
        # A conditional read may end in a 304: read the document only when it will be sent.
        conditional = "If-None-Match" in request.headers
        row = detail_row(number, user=request.user, document=not conditional)
        tag = detail_etag(row)
        if not_modified(request.headers, tag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        if conditional:  # the copy is out of date: now read the document
            row = detail_row(number, user=request.user, document=True)
            tag = detail_etag(row)
        return row_response(row, request, tag=tag)

    @extend_schema(
        request=s.AgreementCreateSerializer,
        responses={201: s.AgreementDetailSerializer},
        parameters=[etag(201)],
    )
    def create(self, request: Request) -> Response:
        """Create a blank draft in a team where you are an analyst."""
        data = validated(s.AgreementCreateSerializer, request.data)
        team = writable_team(request.user, data.pop("team"))
        agreement = run_write(
            request,
            False,
            lambda: services.agreement_create(team=team, author=request.user, **data),
        )
        return detail_response(agreement, request, status_code=201)

    @extend_schema(
        request=s.AgreementUpdateSerializer,
        responses={200: s.AgreementDetailSerializer, **VERSIONED_WRITE},
        parameters=[IF_MATCH, etag(200)],
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Change the draft's fields and scenario; name the version you edit."""
        agreement = self.agreement(write=True)
        data, version, precondition = versioned_input(
            request, s.AgreementUpdateSerializer, partial=True
        )
        message = data.pop("message", "")
        run_write(
            request,
            precondition,
            lambda: services.agreement_update(
                agreement_id=agreement.pk,
                expected_version=version,
                author=request.user,
                changes=data,
                message=message,
            ),
        )
        return detail_response(agreement, request)

    @extend_schema(
        parameters=[VERSION_PARAM, IF_MATCH],
        responses={204: None, **VERSIONED_WRITE},
    )
    def destroy(self, request: Request, pk: str) -> Response:
        """Delete the draft with its revisions and scores."""
        agreement = self.agreement(write=True)
        version, precondition = expected_version(request)
        run_write(
            request,
            precondition,
            lambda: services.agreement_delete(agreement_id=agreement.pk, expected_version=version),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[s.DiffParamsSerializer],
        responses={
            200: s.DiffSerializer,
            404: error_response("No such draft, or no such revision of it."),
        },
    )
    @action(detail=True, methods=["get"])
    def diff(self, request: Request, pk: str) -> Response:
        """What changed between two revisions."""
        agreement = self.agreement()
        params = validated(s.DiffParamsSerializer, request.query_params)
        old = selectors.revision_get(agreement=agreement, number=params["from"])
        new = selectors.revision_get(
            agreement=agreement, number=params.get("to") or agreement.version
        )
        changes = document_diff(old.document, new.document)
        return Response(
            {"from_revision": old.number, "to_revision": new.number, "changes": changes}
        )

    @extend_schema(
        parameters=[s.NegotiationParamsSerializer],
        responses={
            200: NegotiationSerializer,
            400: BAD_REQUEST,
            404: error_response("No such draft, or no such revision of it."),
        },
    )
    @action(detail=True, methods=["get"])
    def negotiation(self, request: Request, pk: str) -> Response:
        """Each recipient's bargaining range: believed value, burden, outside option and
        surplus, the provider's value and cost, the ZOPA for an extra transfer of one
        item and the Nash bargaining point (deterministic, section 14)."""
        agreement = self.agreement()
        params = validated(s.NegotiationParamsSerializer, request.query_params)
        revision = selectors.revision_get(
            agreement=agreement, number=params.get("revision") or agreement.version
        )
        try:
            answer = negotiation_for_revision(
                revision=revision,
                transfer_item=params.get("transfer_item") or DEFAULT_TRANSFER_ITEM,
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return Response(answer)

    @extend_schema(
        parameters=[s.SuggestionParamsSerializer],
        responses={
            200: SuggestionResultSerializer,
            400: BAD_REQUEST,
            404: error_response("No such draft."),
        },
    )
    @action(detail=True, methods=["get"])
    def suggestions(self, request: Request, pk: str) -> Response:
        """The best single edits of the latest revision for a goal (make a recipient sign,
        raise credibility, lower risk), ranked by gain per unit of provider cost, each with
        its change in every headline score (deterministic)."""
        agreement = self.agreement()
        params = validated(s.SuggestionParamsSerializer, request.query_params)
        revision = selectors.revision_latest(agreement=agreement)
        try:
            answer = suggestions_for_revision(revision=revision, **params)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return Response(answer)

    @extend_schema(
        request=s.SuggestionApplySerializer,
        responses={
            201: s.AppliedSuggestionSerializer,
            400: BAD_REQUEST,
            404: error_response("No such draft, or the edit names a part it does not have."),
            **VERSIONED_WRITE,
        },
        parameters=[IF_MATCH, etag(201)],
    )
    @action(detail=True, methods=["post"], url_path="suggestions/apply")
    def suggestion_apply(self, request: Request, pk: str) -> Response:
        """Apply one suggestion as one new revision whose message names it; a stale
        version is refused with who changed what, like every edit."""
        agreement = self.agreement(write=True)
        data, version, precondition = versioned_input(request, s.SuggestionApplySerializer)
        revision = run_write(
            request,
            precondition,
            lambda: suggestion_apply(
                agreement_id=agreement.pk,
                expected_version=version,
                author=request.user,
                edit=data["edit"],
                description=data["description"],
            ),
        )
        response = Response(
            {"revision": revision.number, "message": revision.message},
            status=status.HTTP_201_CREATED,
        )
        response["ETag"] = etag_for(revision.number)
        return response

    @extend_schema(
        request=s.ForkSerializer,
        responses={201: s.AgreementDetailSerializer},
        parameters=[etag(201)],
    )
    @action(detail=True, methods=["post"])
    def fork(self, request: Request, pk: str) -> Response:
        """Copy the latest revision into a new draft of the same team."""
        agreement = self.agreement(write=True)
        data = validated(s.ForkSerializer, request.data)
        fork = run_write(
            request,
            False,
            lambda: services.agreement_fork(
                agreement=agreement, author=request.user, title=data.get("title", "")
            ),
        )
        return detail_response(fork, request, status_code=201)

    @extend_schema(
        request=s.RestoreSerializer,
        responses={200: s.AgreementDetailSerializer, **VERSIONED_WRITE},
        parameters=[IF_MATCH, etag(200)],
    )
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str) -> Response:
        """Make an older revision current again, as a new revision."""
        agreement = self.agreement(write=True)
        data, version, precondition = versioned_input(request, s.RestoreSerializer)
        run_write(
            request,
            precondition,
            lambda: services.agreement_restore(
                agreement_id=agreement.pk,
                expected_version=version,
                author=request.user,
                number=data["revision"],
            ),
        )
        return detail_response(agreement, request)

    @extend_schema(responses=s.DocumentSerializer, parameters=[etag(200)])
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str) -> Response:
        """The latest document, as a file to import elsewhere."""
        agreement = self.agreement()
        document = selectors.revision_latest(agreement=agreement).document
        response = Response(document)
        response["Content-Disposition"] = (
            f'attachment; filename="agreement-{agreement.pk}-v{agreement.version}.json"'
        )
        response["ETag"] = etag_for(agreement.version)
        return response

    @extend_schema(request=s.ScoreRequestSerializer, responses={202: ScoreRunSerializer})
    @action(detail=True, methods=["post"])
    def score(self, request: Request, pk: str) -> Response:
        """Score the latest revision again (400 if the draft cannot be scored yet)."""
        agreement = self.agreement(write=True)
        data = validated(s.ScoreRequestSerializer, request.data)
        run = score_run_request_latest(agreement=agreement, requested_by=request.user, **data)
        if run is None:
            document = selectors.revision_latest(agreement=agreement).document
            raise ValidationError({"agreement": [scoreable_problem(document)]})
        run.refresh_from_db()
        return Response(ScoreRunSerializer(run, context={"request": request}).data, status=202)

    @extend_schema(
        request=s.PhaseOrderSerializer,
        responses={200: s.AgreementDetailSerializer, **VERSIONED_WRITE},
        parameters=[IF_MATCH, etag(200)],
        tags=["agreement parts"],
    )
    @action(detail=True, methods=["post"], url_path="phases/order")
    def phase_order(self, request: Request, pk: str) -> Response:
        """Put the phases in a new order: name every phase key once."""
        agreement = self.agreement(write=True)
        data, version, precondition = versioned_input(request, s.PhaseOrderSerializer)
        run_write(
            request,
            precondition,
            lambda: services.phases_reorder(
                agreement_id=agreement.pk,
                expected_version=version,
                author=request.user,
                keys=data["keys"],
            ),
        )
        return detail_response(agreement, request)


@extend_schema(tags=DRAFT_TAGS)
class RevisionViewSet(
    AgreementAccess, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Revisions of a draft, newest first. Revisions never change."""

    filterset_class = RevisionFilterSet
    lookup_field = "number"

    def get_queryset(self) -> QuerySet[Revision]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Revision.objects.none()
        return selectors.revision_list(agreement=self.agreement())

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return s.RevisionDetailSerializer if self.action == "retrieve" else s.RevisionSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Revisions of the draft, newest first (without their documents)."""
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, agreement_pk: str, number: str) -> Response:
        """One revision, with its full document."""
        revision = selectors.revision_get(agreement=self.agreement(), number=int(number))
        return Response(s.RevisionDetailSerializer(revision).data)


@extend_schema(tags=DRAFT_TAGS)
class AgreementImportView(APIView):
    """Create a draft from an exported document (exports round-trip exactly)."""

    @extend_schema(
        request=s.ImportSerializer,
        responses={201: s.AgreementDetailSerializer},
        parameters=[etag(201)],
    )
    def post(self, request: Request) -> Response:
        serializer = s.ImportSerializer(data=request.data)
        if not serializer.is_valid():
            raise ValidationError(import_errors(serializer.errors, request.data))
        team = writable_team(request.user, serializer.validated_data["team"])
        body = cast(Mapping[str, Any], request.data)  # a JSON object: the serializer checked
        agreement = run_write(
            request,
            False,
            lambda: services.agreement_import(
                team=team, author=request.user, document=body["document"]
            ),
        )
        return detail_response(agreement, request, status_code=201)


def import_errors(shape: Mapping[str, Any], data: Any) -> dict[str, list[str]]:
    """Every problem of an import at once: shape errors, and the document's own, by path.

    ``{"document": {"lines": [{}, {"magnitude": [...]}]}}`` becomes
    ``{"lines[1].magnitude": [...]}``, the paths the document checks use.
    """
    errors: dict[str, list[str]] = {}
    for path, messages in _paths(shape, ""):
        errors.setdefault(path.removeprefix("document."), []).extend(messages)
    document = data.get("document") if isinstance(data, Mapping) else None
    if isinstance(document, Mapping):
        try:
            validate_document(document)
        except DocumentError as exc:
            for path, messages in exc.errors.items():
                errors.setdefault(path, []).extend(messages)
    return {path: list(dict.fromkeys(messages)) for path, messages in errors.items()}


def _paths(errors: Any, prefix: str) -> list[tuple[str, list[str]]]:
    """DRF's nested errors as (path, messages): ``a.b``, ``a[1].b`` (list elements are keyed
    by int); leaves are lists of messages."""
    if isinstance(errors, Mapping):
        out = []
        for key, value in errors.items():
            if key == "non_field_errors":
                path = prefix or key
            elif isinstance(key, int):  # a list element
                path = f"{prefix}[{key}]"
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            out += _paths(value, path)
        return out
    if isinstance(errors, list) and all(isinstance(e, str) for e in errors):
        return [(prefix, [str(e) for e in errors])] if errors else []
    if isinstance(errors, list):
        return [pair for i, e in enumerate(errors) for pair in _paths(e, f"{prefix}[{i}]")]
    return [(prefix, [str(errors)])]


@extend_schema(tags=["templates"])
class TemplateViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference templates: complete drafts of historical and proposed deals."""

    lookup_field = "slug"
    queryset = selectors.template_list()

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return s.TemplateDetailSerializer if self.action == "retrieve" else s.TemplateSerializer

    @extend_schema(
        request=s.TemplateStartSerializer,
        responses={201: s.AgreementDetailSerializer},
        parameters=[etag(201)],
    )
    @action(detail=True, methods=["post"])
    def start(self, request: Request, slug: str) -> Response:
        """Copy the template into a new draft of a team where you are an analyst."""
        template = get_object_or_404(selectors.template_list(), slug=slug)
        data = validated(s.TemplateStartSerializer, request.data)
        team = writable_team(request.user, data["team"])
        agreement = run_write(
            request,
            False,
            lambda: services.agreement_start_from_template(
                template=template, team=team, author=request.user
            ),
        )
        return detail_response(agreement, request, status_code=201)


@extend_schema(tags=["scores"])
class AgreementScoreRunViewSet(AgreementAccess, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The score runs of a draft, newest first, without their results."""

    serializer_class = ScoreRunSerializer
    filterset_class = ScoreRunFilterSet

    def get_queryset(self) -> QuerySet[ScoreRun]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ScoreRun.objects.none()
        return (
            ScoreRun.objects.filter(agreement=self.agreement())
            .select_related("agreement")
            .defer("result")
            .order_by("-created_at", "-pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The draft's score runs, newest first (without `result`)."""
        return super().list(request, *args, **kwargs)
