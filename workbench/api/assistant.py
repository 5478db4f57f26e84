"""The design assistant in the background: ask (single edits or a package), poll the
answer with its progress, and apply it as one new revision."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import can_edit_team
from agreements import selectors
from core.api import BAD_REQUEST, VERSIONED_WRITE, error_response, validated
from core.concurrency import etag as etag_for
from core.http import whole_number
from scoring.api.schemas import PackageResultSerializer, SuggestionResultSerializer
from scoring.assistant import assistant_run_apply, assistant_run_request
from scoring.engine import DEFAULT_PARAMETERS
from scoring.models import AssistantKind, AssistantRun
from scoring.selectors import assistant_run_get_for_user
from workbench.api import serializers as s
from workbench.api.common import IF_MATCH, AgreementAccess, etag, run_write, versioned_input

TAGS = ["assistant"]


class AssistantRunSerializer(serializers.ModelSerializer):
    """One answer of the design assistant: poll it until ``status`` is ``done``."""

    url = serializers.HyperlinkedIdentityField(view_name="api:assistant-run-detail")
    revision = serializers.IntegerField(source="revision_number", read_only=True)
    outdated = serializers.SerializerMethodField(
        help_text="The draft has a newer revision, or the model a newer parameter version, "
        "than this answer: ask again for a current one."
    )
    suggestions = serializers.SerializerMethodField(
        help_text="The single edits (kind `suggestions`, once done; null otherwise)."
    )
    package = serializers.SerializerMethodField(
        help_text="The package search's answer (kind `package`, once done; null otherwise)."
    )

    class Meta:
        model = AssistantRun
        fields = [
            "id",
            "url",
            "agreement",
            "revision",
            "outdated",
            "kind",
            "options",
            "status",
            "parameter_version",
            "progress_done",
            "progress_total",
            "attempts",
            "created_at",
            "finished_at",
            "duration_ms",
            "error",
            "suggestions",
            "package",
        ]
        read_only_fields = fields

    def get_outdated(self, run: AssistantRun) -> bool:
        return (
            run.agreement.version != run.revision_number
            or run.parameter_version != DEFAULT_PARAMETERS.version
        )

    @extend_schema_field(SuggestionResultSerializer(allow_null=True))
    def get_suggestions(self, run: AssistantRun) -> dict[str, Any] | None:
        return run.result if run.kind == AssistantKind.SUGGESTIONS else None

    @extend_schema_field(PackageResultSerializer(allow_null=True))
    def get_package(self, run: AssistantRun) -> dict[str, Any] | None:
        return run.result if run.kind == AssistantKind.PACKAGE else None


@extend_schema(tags=TAGS)
class AssistantRequestView(AgreementAccess, APIView):
    """Ask the design assistant about a revision of a draft (default: the latest)."""

    @extend_schema(
        request=s.AssistantRequestSerializer,
        responses={
            200: AssistantRunSerializer,
            202: AssistantRunSerializer,
            400: BAD_REQUEST,
            404: error_response("No such draft, or no such revision of it."),
        },
    )
    def post(self, request: Request, agreement_pk: str) -> Response:
        """Single edits for a goal, or the cheapest package of up to `max_edits` edits
        that brings the agreement into force, within the bounds on overall risk and the
        label. Answered once per revision and question (then cached): 200 with the
        answer when it is ready, 202 while a worker computes it (poll `url`)."""
        agreement = self.agreement()
        data = validated(s.AssistantRequestSerializer, request.data)
        number = data.pop("revision", None)
        revision = (
            selectors.revision_latest(agreement=agreement)
            if number is None
            else agreement.revisions.filter(number=number).first()
        )
        if revision is None:
            raise Http404("This draft has no such revision.")
        kind = data.pop("kind")
        try:
            run = assistant_run_request(
                revision=revision, kind=kind, options=data, requested_by=request.user
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        body = AssistantRunSerializer(run, context={"request": request}).data
        done = not run.is_pending
        return Response(body, status=status.HTTP_200_OK if done else status.HTTP_202_ACCEPTED)


def _run(request: Request, pk: str) -> AssistantRun:
    run_id = whole_number(pk)
    if run_id is None:
        raise Http404
    return assistant_run_get_for_user(user=request.user, pk=run_id)


@extend_schema(tags=TAGS)
class AssistantRunView(APIView):
    """One answer of the design assistant, with its progress."""

    @extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses={200: AssistantRunSerializer, 404: error_response("No such answer.")},
    )
    def get(self, request: Request, pk: str) -> Response:
        """The answer (its `suggestions` or `package` are null until it is done)."""
        run = _run(request, pk)
        return Response(AssistantRunSerializer(run, context={"request": request}).data)


@extend_schema(tags=TAGS)
class AssistantApplyView(APIView):
    """Apply a finished answer as one new revision."""

    @extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH), IF_MATCH, etag(201)],
        request=s.AssistantApplySerializer,
        responses={
            201: s.AppliedSuggestionSerializer,
            400: BAD_REQUEST,
            404: error_response("No such answer."),
            **VERSIONED_WRITE,
        },
    )
    def post(self, request: Request, pk: str) -> Response:
        """Apply the package (every edit, one revision named after them) or suggestion
        number `suggestion` of a single-edit answer. The answer must be for the version
        you edit: a draft changed in the meantime is refused with who changed what."""
        run = _run(request, pk)
        if not can_edit_team(user=request.user, team_id=run.agreement.team_id):
            raise PermissionDenied("Viewers cannot change drafts; ask for the analyst role.")
        data, version, precondition = versioned_input(request, s.AssistantApplySerializer)
        revision = run_write(
            request,
            precondition,
            lambda: assistant_run_apply(
                run=run,
                expected_version=version,
                author=request.user,
                index=data.get("suggestion"),
            ),
        )
        response = Response(
            {"revision": revision.number, "message": revision.message},
            status=status.HTTP_201_CREATED,
        )
        response["ETag"] = etag_for(revision.number)
        return response
