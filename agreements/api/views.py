"""Drafts API: CRUD with nested parts, revisions, diff, fork, restore, export/import, scoring.

Every write names the version it edits (``version`` in the body or an ``If-Match``
header); a stale write is refused with 409 (or 412 for If-Match) and says who
changed what. Another team's draft is a 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role, Team
from accounts.selectors import can_edit_team, scope_to_teams
from agreements import selectors, services
from agreements.api import serializers as s
from agreements.diff import document_diff
from agreements.models import Agreement
from core.api import validated
from core.http import whole_number
from scoring.api.serializers import ScoreRunSerializer
from scoring.models import ScoreRun
from scoring.selectors import score_runs_by_id
from workbench.filters import AgreementFilterSet
from workbench.selectors import draft_list_for_user

CONFLICT = OpenApiResponse(
    description="Stale version: someone changed the draft since; nothing was written."
)


class StaleVersionError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "stale_version"

    def __init__(self, exc: services.StaleVersion, *, precondition: bool) -> None:
        super().__init__(str(exc))
        if precondition:
            self.status_code = status.HTTP_412_PRECONDITION_FAILED
        self.detail = {  # type: ignore[assignment]
            "detail": str(exc),
            "current_version": exc.current,
            "changes": [
                {"revision": c.number, "author": c.author, "message": c.message, "at": c.created_at}
                for c in exc.changes
            ],
        }


def expected_version(request: Request, data: dict[str, Any] | None = None) -> tuple[int, bool]:
    """The version a write edits, from If-Match or the body; and whether If-Match named it."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        version = whole_number(header.removeprefix("W/").strip('"'))
        if version is None:
            raise ValidationError({"If-Match": ['Must be the ETag of the draft, e.g. "7".']})
        return version, True
    value = (data or {}).get("version", request.query_params.get("version"))
    version = None if value is None else whole_number(value)
    if version is None:
        raise ValidationError(
            {
                "version": [
                    "Name the version you edit: send version, or an If-Match header with the ETag."
                ]
            }
        )
    return version, False


def run_write(request: Request, precondition: bool, call: Any) -> Any:
    """Call a service; map stale versions and validation errors to API errors."""
    try:
        return call()
    except services.StaleVersion as exc:
        raise StaleVersionError(exc, precondition=precondition) from None
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
    """Finding the draft named in the URL, scoped to the user's teams."""

    request: Request
    kwargs: dict[str, Any]

    def agreement(self, *, write: bool = False) -> Agreement:
        pk = whole_number(self.kwargs.get("agreement_pk", self.kwargs.get("pk")))
        if pk is None:
            raise Http404
        agreement = selectors.agreement_get_for_user(user=self.request.user, pk=pk)
        if write and not can_edit_team(user=self.request.user, team_id=agreement.team_id):
            raise PermissionDenied("Viewers cannot change drafts; ask for the analyst role.")
        return agreement


def detail_response(agreement: Agreement, request: Request, *, status_code: int = 200) -> Response:
    agreement.refresh_from_db()
    document = selectors.revision_latest(agreement=agreement).document
    listed = draft_list_for_user(user=request.user).get(pk=agreement.pk)
    context = {
        "request": request,
        "document": document,
        "scores": score_runs_by_id([listed.latest_score_id]),
    }
    response = Response(
        s.AgreementDetailSerializer(listed, context=context).data, status=status_code
    )
    response["ETag"] = f'"{agreement.version}"'
    return response


@extend_schema(tags=["agreements"])
class AgreementViewSet(AgreementAccess, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Drafts of your teams."""

    serializer_class = s.AgreementListSerializer
    filterset_class = AgreementFilterSet
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Agreement]:
        return draft_list_for_user(user=self.request.user)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {
            **self.get_serializer_context(),
            "scores": score_runs_by_id([a.latest_score_id for a in page or []]),
        }
        serializer = s.AgreementListSerializer(page, many=True, context=context)
        return self.get_paginated_response(serializer.data)

    @extend_schema(responses=s.AgreementDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return detail_response(self.agreement(), request)

    @extend_schema(
        request=s.AgreementCreateSerializer, responses={201: s.AgreementDetailSerializer}
    )
    def create(self, request: Request) -> Response:
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
        responses={200: s.AgreementDetailSerializer, 409: CONFLICT},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        agreement = self.agreement(write=True)
        data = validated(s.AgreementUpdateSerializer, request.data)
        version, precondition = expected_version(request, data)
        data.pop("version", None)
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
        parameters=[
            OpenApiParameter("version", int, description="Version to delete (or If-Match).")
        ],
        responses={204: None, 409: CONFLICT},
    )
    def destroy(self, request: Request, pk: str) -> Response:
        agreement = self.agreement(write=True)
        version, precondition = expected_version(request)
        run_write(
            request,
            precondition,
            lambda: services.agreement_delete(agreement_id=agreement.pk, expected_version=version),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=s.RevisionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def revisions(self, request: Request, pk: str) -> Response:
        revisions = selectors.revision_list(agreement=self.agreement())
        page = self.paginate_queryset(revisions)
        return self.get_paginated_response(s.RevisionSerializer(page, many=True).data)

    @extend_schema(responses=s.RevisionDetailSerializer)
    @action(detail=True, methods=["get"], url_path=r"revisions/(?P<number>\d+)")
    def revision(self, request: Request, pk: str, number: str) -> Response:
        revision = selectors.revision_get(agreement=self.agreement(), number=int(number))
        return Response(s.RevisionDetailSerializer(revision).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, required=True, description="Older revision number."),
            OpenApiParameter("to", int, description="Newer revision number (default: latest)."),
        ],
        responses=s.DiffSerializer,
    )
    @action(detail=True, methods=["get"])
    def diff(self, request: Request, pk: str) -> Response:
        agreement = self.agreement()
        params = validated(_DiffParams, request.query_params)
        old = selectors.revision_get(agreement=agreement, number=params["from"])
        new = selectors.revision_get(
            agreement=agreement, number=params.get("to") or agreement.version
        )
        changes = document_diff(old.document, new.document)
        return Response(
            {"from_revision": old.number, "to_revision": new.number, "changes": changes}
        )

    @extend_schema(request=s.ForkSerializer, responses={201: s.AgreementDetailSerializer})
    @action(detail=True, methods=["post"])
    def fork(self, request: Request, pk: str) -> Response:
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
        request=s.RestoreSerializer, responses={200: s.AgreementDetailSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str) -> Response:
        agreement = self.agreement(write=True)
        data = validated(s.RestoreSerializer, request.data)
        version, precondition = expected_version(request, data)
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

    @extend_schema(responses=s.DocumentSerializer)
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str) -> Response:
        agreement = self.agreement()
        document = selectors.revision_latest(agreement=agreement).document
        response = Response(document)
        response["Content-Disposition"] = (
            f'attachment; filename="agreement-{agreement.pk}-v{agreement.version}.json"'
        )
        response["ETag"] = f'"{agreement.version}"'
        return response

    @extend_schema(
        request=s.ScoreRequestSerializer,
        responses={202: ScoreRunSerializer, 400: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["post"])
    def score(self, request: Request, pk: str) -> Response:
        from scoring.services import score_run_request_latest

        agreement = self.agreement(write=True)
        data = validated(s.ScoreRequestSerializer, request.data)
        run = score_run_request_latest(agreement=agreement, requested_by=request.user, **data)
        if run is None:
            document = selectors.revision_latest(agreement=agreement).document
            from agreements.document import scoreable_problem

            raise ValidationError({"agreement": [scoreable_problem(document)]})
        run.refresh_from_db()
        return Response(ScoreRunSerializer(run, context={"request": request}).data, status=202)

    @extend_schema(responses=ScoreRunSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="score-runs")
    def score_runs(self, request: Request, pk: str) -> Response:
        runs = (
            ScoreRun.objects.filter(agreement=self.agreement())
            .defer("result")
            .order_by("-created_at")
        )
        page = self.paginate_queryset(runs)
        return self.get_paginated_response(
            ScoreRunSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        request=s.PhaseOrderSerializer, responses={200: s.AgreementDetailSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"], url_path="phases/order")
    def phase_order(self, request: Request, pk: str) -> Response:
        agreement = self.agreement(write=True)
        data = validated(s.PhaseOrderSerializer, request.data)
        version, precondition = expected_version(request, data)
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


class _DiffParams(serializers.Serializer):
    to = serializers.IntegerField(min_value=1, required=False)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.IntegerField(min_value=1)
        return fields


@extend_schema(tags=["agreements"])
class AgreementImportView(APIView):
    """Create a draft from an exported document (exports round-trip exactly)."""

    @extend_schema(request=s.ImportSerializer, responses={201: s.AgreementDetailSerializer})
    def post(self, request: Request) -> Response:
        raw = request.data if isinstance(request.data, dict) else {}
        errors = {}
        if not isinstance(raw.get("team"), str):
            errors["team"] = ["Give the slug of a team where you are an analyst."]
        if not isinstance(raw.get("document"), dict):
            errors["document"] = ["Give the draft document (as exported) as a JSON object."]
        if errors:
            raise ValidationError(errors)
        team = writable_team(request.user, raw["team"])
        agreement = run_write(
            request,
            False,
            lambda: services.agreement_import(
                team=team, author=request.user, document=raw["document"]
            ),
        )
        return detail_response(agreement, request, status_code=201)


class PartViewSet(AgreementAccess, viewsets.ViewSet):
    """Parts of one section of a draft, addressed by key."""

    section: str = ""
    lookup_field = "key"
    lookup_value_regex = r"[a-z0-9][a-z0-9_-]{0,31}"

    def _document(self, agreement: Agreement) -> dict[str, Any]:
        return selectors.revision_latest(agreement=agreement).document

    def list(self, request: Request, agreement_pk: str) -> Response:
        agreement = self.agreement()
        response = Response(self._document(agreement)[self.section])
        response["ETag"] = f'"{agreement.version}"'
        return response

    def retrieve(self, request: Request, agreement_pk: str, key: str) -> Response:
        agreement = self.agreement()
        for row in self._document(agreement)[self.section]:
            if row["key"] == key:
                response = Response(row)
                response["ETag"] = f'"{agreement.version}"'
                return response
        raise Http404

    def create(self, request: Request, agreement_pk: str) -> Response:
        agreement = self.agreement(write=True)
        data = validated(self.input_serializer(), request.data)
        version, precondition = expected_version(request, data)
        data.pop("version", None)
        revision = run_write(
            request,
            precondition,
            lambda: services.part_add(
                agreement_id=agreement.pk,
                expected_version=version,
                author=request.user,
                section=self.section,
                data=_plain(data),
            ),
        )
        return self._part_response(
            revision, key=revision.document[self.section][-1]["key"], code=201
        )

    def partial_update(self, request: Request, agreement_pk: str, key: str) -> Response:
        agreement = self.agreement(write=True)
        data = validated(self.input_serializer(partial=True), request.data)
        version, precondition = expected_version(request, data)
        data.pop("version", None)
        revision = run_write(
            request,
            precondition,
            lambda: services.part_update(
                agreement_id=agreement.pk,
                expected_version=version,
                author=request.user,
                section=self.section,
                key=key,
                changes=_plain(data),
            ),
        )
        return self._part_response(revision, key=key)

    def destroy(self, request: Request, agreement_pk: str, key: str) -> Response:
        agreement = self.agreement(write=True)
        version, precondition = expected_version(request)
        revision = run_write(
            request,
            precondition,
            lambda: services.part_remove(
                agreement_id=agreement.pk,
                expected_version=version,
                author=request.user,
                section=self.section,
                key=key,
            ),
        )
        response = Response(status=status.HTTP_204_NO_CONTENT)
        response["ETag"] = f'"{revision.number}"'
        return response

    def input_serializer(self, partial: bool = False) -> type[serializers.Serializer]:
        base = s.PART_SERIALIZERS[self.section]
        versioned = s.versioned(base, f"{base.__name__}Write")
        return _partial(versioned) if partial else versioned

    def _part_response(self, revision: Any, *, key: str, code: int = 200) -> Response:
        row = next(r for r in revision.document[self.section] if r["key"] == key)
        response = Response({**row, "agreement_version": revision.number}, status=code)
        response["ETag"] = f'"{revision.number}"'
        return response


def _partial(serializer_class: type[serializers.Serializer]) -> Any:
    """A factory that builds ``serializer_class`` in partial mode."""

    def build(*args: Any, **kwargs: Any) -> serializers.Serializer:
        return serializer_class(*args, partial=True, **kwargs)

    return build


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """Validated data as plain JSON types (nested serializers give OrderedDicts)."""
    import json

    return json.loads(json.dumps(data))


def part_viewset(section: str) -> type[PartViewSet]:
    """A documented viewset for one section of a draft."""
    body = s.versioned(s.PART_SERIALIZERS[section], f"{s.PART_SERIALIZERS[section].__name__}Write")
    row = s.PART_SERIALIZERS[section]
    written = inline_serializer(
        f"{row.__name__}Written",
        {**row().get_fields(), "agreement_version": serializers.IntegerField()},
    )
    tag = {"tags": ["agreement parts"]}
    version_param = OpenApiParameter("version", int, description="Version to edit (or If-Match).")
    return type(
        f"{section.title()}ViewSet",
        (PartViewSet,),
        {
            "section": section,
            "__doc__": f"The {section} of a draft.",
            "list": extend_schema(responses=row(many=True), **tag)(PartViewSet.list),
            "retrieve": extend_schema(responses=row, **tag)(PartViewSet.retrieve),
            "create": extend_schema(request=body, responses={201: written, 409: CONFLICT}, **tag)(
                PartViewSet.create
            ),
            "partial_update": extend_schema(
                request=body, responses={200: written, 409: CONFLICT}, **tag
            )(PartViewSet.partial_update),
            "destroy": extend_schema(
                parameters=[version_param], responses={204: None, 409: CONFLICT}, **tag
            )(PartViewSet.destroy),
        },
    )


@extend_schema(tags=["templates"])
class TemplateViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference templates: complete drafts of historical and proposed deals."""

    lookup_field = "slug"
    queryset = selectors.template_list()

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return s.TemplateDetailSerializer if self.action == "retrieve" else s.TemplateSerializer

    @extend_schema(request=s.TemplateStartSerializer, responses={201: s.AgreementDetailSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request: Request, slug: str) -> Response:
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
