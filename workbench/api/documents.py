"""Drafts API: the decision memo and the treaty text of a draft, as JSON (structured
sections and articles) or as files (PDF or DOCX), chosen by the ``Accept``
header or ``?format=``."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import BAD_REQUEST, NOT_FOUND, UNAUTHENTICATED, error_response
from workbench.api.common import AgreementAccess
from workbench.documents import files
from workbench.documents.files import filename
from workbench.documents.memo import Memo
from workbench.documents.selectors import (
    CompareError,
    compare_drafts,
    document_meta,
    memo_for_agreement,
    treaty_for_agreement,
)
from workbench.documents.treaty import Treaty

DOCUMENT_TAGS = ["agreements"]

# --- Output shapes -------------------------------------------------------------------


class ArticleSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="Article numbers run 1, 2, 3...")
    key = serializers.CharField(
        help_text="Which article: `definitions`, `objective`, `provider`, `recipient:<key>`, "
        "`verification`, `entry_into_force`, `phases`, `disputes`, `breach` or `final`."
    )
    title = serializers.CharField()
    heading = serializers.CharField(help_text='"Article 3. Undertakings of ..."')
    paragraphs = serializers.ListField(child=serializers.CharField())


class TreatySerializer(serializers.Serializer):
    """The treaty text: no model numbers, only the draft's own figures."""

    title = serializers.CharField()
    revision = serializers.IntegerField(allow_null=True, help_text="The revision it is made from.")
    parties = serializers.ListField(child=serializers.CharField())
    articles = ArticleSerializer(many=True)


class PositionSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    role = serializers.ChoiceField(["provider", "recipient"])
    gets = serializers.ListField(child=serializers.CharField())
    gives = serializers.ListField(child=serializers.CharField())
    verdict = serializers.CharField(help_text="Whether it would sign, and why (scored only).")


class AnnexRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
    value = serializers.FloatField(allow_null=True)
    p5 = serializers.FloatField(allow_null=True)
    p50 = serializers.FloatField(allow_null=True)
    p95 = serializers.FloatField(allow_null=True)


class MemoRunSerializer(serializers.Serializer):
    run = serializers.IntegerField(help_text="The score run the memo's numbers come from.")
    revision = serializers.IntegerField()
    parameter_version = serializers.CharField()
    seed = serializers.IntegerField()
    n_samples = serializers.IntegerField()
    current = serializers.BooleanField(help_text="Whether it scored the current revision.")


class MemoSerializer(serializers.Serializer):
    """The decision memo: every score sentence is generated from the run it names."""

    title = serializers.CharField()
    revision = serializers.IntegerField(allow_null=True)
    scored = serializers.BooleanField()
    unscored = serializers.CharField(help_text="Why there are no scores (empty when scored).")
    headings = serializers.ListField(child=serializers.CharField())
    bottom_line = serializers.CharField()
    positions = PositionSerializer(many=True)
    scores = serializers.ListField(child=serializers.CharField())
    options = serializers.ListField(
        child=serializers.CharField(), help_text="The options compared (with `compare`)."
    )
    open_questions = serializers.ListField(child=serializers.CharField())
    red_lines = serializers.ListField(child=serializers.CharField())
    annex = AnnexRowSerializer(many=True)
    run = MemoRunSerializer(allow_null=True)
    label = serializers.CharField(help_text="The run's power-sharing label (empty: unscored).")  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
    warnings = serializers.ListField(child=serializers.CharField())


def memo_data(memo: Memo) -> dict[str, Any]:
    return {**dataclasses.asdict(memo), "scored": memo.scored, "headings": memo.headings()}


def treaty_data(treaty: Treaty) -> dict[str, Any]:
    articles = [{**dataclasses.asdict(a), "heading": a.heading} for a in treaty.articles]
    return {**dataclasses.asdict(treaty), "articles": articles}


# --- Renderers -------------------------------------------------------------------------


class FileRenderer(BaseRenderer):
    """Passes a file's bytes through (the view makes them)."""

    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> Any:
        return data


class PDFRenderer(FileRenderer):
    media_type = files.PDF
    format = "pdf"


class DOCXRenderer(FileRenderer):
    media_type = files.DOCX
    format = "docx"


def format_parameter(formats: list[str]) -> OpenApiParameter:
    return OpenApiParameter(
        "format",
        {"type": "string", "enum": formats},
        description="`json` (default) or a file; overrides `Accept` ("
        + ", ".join(f"`{f}`" for f in formats[1:])
        + ").",
    )


COMPARE = OpenApiParameter(
    "compare",
    {"type": "string", "pattern": r"^[0-9]{1,10}(,[0-9]{1,10}){0,4}$"},
    description="Ids of 1 to 5 other drafts of yours, comma-separated: the memo compares "
    "the options (the comparison runs in the request).",
)


class DocumentView(AgreementAccess, APIView):
    """Negotiates JSON or a file; errors are always JSON."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        try:
            return super().perform_content_negotiation(request, force)
        except (Http404, NotFound):  # DRF's answer to an unknown ?format=
            raise ValidationError(
                {"format": [f"Must be one of {', '.join(r.format for r in self.get_renderers())}."]}
            ) from None

    def handle_exception(self, exc: Exception) -> Response:
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def file(self, content: bytes, name: str) -> Response:
        response = Response(content, content_type=self.request.accepted_renderer.media_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


NOT_ACCEPTABLE = error_response(
    "`Accept` names no type this document comes in (JSON, or the files `format` lists)."
)


def _file_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(OpenApiTypes.BINARY, description=description)


@extend_schema(
    tags=DOCUMENT_TAGS,
    parameters=[format_parameter(["json", "pdf", "docx"]), COMPARE],
    responses={
        (200, "application/json"): OpenApiResponse(MemoSerializer, description="The memo."),
        (200, files.PDF): _file_response("The memo as a PDF."),
        (200, files.DOCX): _file_response("The memo as a Word document."),
        (400, "application/json"): BAD_REQUEST,
        (401, "application/json"): UNAUTHENTICATED,
        (404, "application/json"): NOT_FOUND,
        (406, "application/json"): NOT_ACCEPTABLE,
    },
)
class AgreementMemoView(DocumentView):
    """The decision memo of the draft's current revision, from its newest finished score
    run (an unscored draft's memo says so and quotes no numbers)."""

    renderer_classes = [JSONRenderer, PDFRenderer, DOCXRenderer]

    def get(self, request: Request, pk: str) -> Response:
        agreement = self.agreement()
        try:
            others = compare_drafts(
                user=request.user, agreement=agreement, raw=request.query_params.get("compare")
            )
        except CompareError as exc:
            raise ValidationError({"compare": [str(exc).removeprefix("compare: ")]}) from None
        memo = memo_for_agreement(agreement=agreement, compare_with=others)
        kind = request.accepted_renderer.format
        meta = document_meta(agreement=agreement, memo=memo)
        if kind == "pdf":
            html = files.memo_html(memo, meta)
            return self.file(files.pdf_from_html(html), filename(agreement, "memo", "pdf"))
        if kind == "docx":
            return self.file(files.memo_docx(memo, meta), filename(agreement, "memo", "docx"))
        return Response(MemoSerializer(memo_data(memo)).data)


@extend_schema(
    tags=DOCUMENT_TAGS,
    parameters=[format_parameter(["json", "pdf", "docx"])],
    responses={
        (200, "application/json"): OpenApiResponse(
            TreatySerializer, description="The treaty text, article by article."
        ),
        (200, files.PDF): _file_response("The treaty text as a PDF."),
        (200, files.DOCX): _file_response("The treaty text as a Word document."),
        (400, "application/json"): BAD_REQUEST,
        (401, "application/json"): UNAUTHENTICATED,
        (404, "application/json"): NOT_FOUND,
        (406, "application/json"): NOT_ACCEPTABLE,
    },
)
class AgreementTreatyView(DocumentView):
    """The treaty text of the draft's current revision, assembled from the curated clause
    templates."""

    renderer_classes = [JSONRenderer, PDFRenderer, DOCXRenderer]

    def get(self, request: Request, pk: str) -> Response:
        agreement = self.agreement()
        treaty = treaty_for_agreement(agreement=agreement)
        kind = request.accepted_renderer.format
        if kind == "pdf":
            html = files.treaty_html(treaty, document_meta(agreement=agreement))
            return self.file(files.pdf_from_html(html), filename(agreement, "treaty", "pdf"))
        if kind == "docx":
            content = files.treaty_docx(treaty, document_meta(agreement=agreement))
            return self.file(content, filename(agreement, "treaty", "docx"))
        return Response(TreatySerializer(treaty_data(treaty)).data)
