"""Score runs, comparisons of drafts, and the raw-number analyses (section 11)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agreements import selectors as agreement_selectors
from core.api import THROTTLED, AnalysisThrottle, error_response, validated
from core.http import whole_number
from scoring import engine, push
from scoring.api import schemas
from scoring.api import serializers as s
from scoring.engine import analysis
from scoring.selectors import score_run_get_for_user
from scoring.services import comparison_run

ANALYSIS_TAGS = ["analysis"]


def engine_errors(exc: engine.EngineValidationError) -> ValidationError:
    """The engine's input problems as a field-level 400."""
    return ValidationError(exc.by_field())


def computed(response: Any, extra: dict[int, Any] | None = None) -> dict[int, Any]:
    """The answers of an endpoint that computes in the request (throttled: 429)."""
    return {200: response, 429: THROTTLED, **(extra or {})}


@extend_schema(tags=["scores"])
class ScoreRunViewSet(viewsets.ViewSet):
    """One score run: poll it until ``status`` is ``done`` or ``failed``."""

    lookup_value_regex = r"[0-9]+"

    @extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH), s.ScoreRunWaitSerializer],
        responses=s.ScoreRunDetailSerializer,
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        """The run with its result (null until it is done); ``wait`` long-polls."""
        run_id = whole_number(pk)
        if run_id is None:
            raise Http404
        wait = validated(s.ScoreRunWaitSerializer, request.query_params)["wait"]
        run = score_run_get_for_user(user=request.user, pk=run_id)
        if run.is_pending:
            run, _ = push.wait_for(
                run.agreement_id,
                lambda: score_run_get_for_user(user=request.user, pk=run_id),
                lambda r: bool(r.is_pending),
                min(wait, float(settings.WINDFALL_SCORE_WAIT_MAX)),
            )
        return Response(s.ScoreRunDetailSerializer(run, context={"request": request}).data)


@extend_schema(tags=["scores"])
class ComparisonView(APIView):
    """Compare 2 to 6 drafts (their latest revisions) with common random numbers."""

    throttle_classes = [AnalysisThrottle]
    throttle_scope = "analysis"

    @extend_schema(
        request=s.ComparisonRequestSerializer,
        responses=computed(
            schemas.ComparisonResultSerializer,
            {404: error_response("A draft is not among yours.")},
        ),
    )
    def post(self, request: Request) -> Response:
        data = validated(s.ComparisonRequestSerializer, request.data)
        agreements = [
            agreement_selectors.agreement_get_for_user(user=request.user, pk=pk)
            for pk in data.pop("agreements")
        ]
        for name in ("weights", "weight_intervals"):
            if name in data:
                data[name] = dict(data[name])
        try:
            result = comparison_run(agreements=agreements, **data)
        except engine.EngineValidationError as exc:
            raise engine_errors(exc) from None
        return Response(result)


@extend_schema(tags=ANALYSIS_TAGS)
class SmaaView(APIView):
    """SMAA on a raw alternatives x criteria matrix: rank acceptability, central weights, odds."""

    throttle_classes = [AnalysisThrottle]
    throttle_scope = "analysis"

    @extend_schema(
        request=s.SmaaRequestSerializer, responses=computed(schemas.SmaaResultSerializer)
    )
    def post(self, request: Request) -> Response:
        data = validated(s.SmaaRequestSerializer, request.data)
        try:
            result = analysis.smaa(
                data["matrix"],
                data["directions"],
                weight_intervals=data.get("weight_intervals"),
                n_samples=data["n_samples"],
                seed=data["seed"],
            )
        except engine.EngineValidationError as exc:
            raise engine_errors(exc) from None
        return Response(result.to_dict())


@extend_schema(tags=ANALYSIS_TAGS)
class DominanceView(APIView):
    """Which alternatives another beats or ties on every criterion and beats on one."""

    throttle_classes = [AnalysisThrottle]
    throttle_scope = "analysis"

    @extend_schema(
        request=s.MatrixSerializer, responses=computed(schemas.DominanceResultSerializer)
    )
    def post(self, request: Request) -> Response:
        data = validated(s.MatrixSerializer, request.data)
        try:
            result = analysis.dominance(data["matrix"], data["directions"])
        except engine.EngineValidationError as exc:
            raise engine_errors(exc) from None
        return Response(result.to_dict())


@extend_schema(tags=ANALYSIS_TAGS)
class CoalitionView(APIView):
    """Stable coalitions of the abstract model (Barrett 1994) for up to 16 players."""

    throttle_classes = [AnalysisThrottle]
    throttle_scope = "analysis"

    @extend_schema(
        request=s.CoalitionRequestSerializer,
        responses=computed(schemas.CoalitionAnalysisSerializer),
    )
    def post(self, request: Request) -> Response:
        data = validated(s.CoalitionRequestSerializer, request.data)
        try:
            result = analysis.coalition(data["benefits"], data["costs"], data.get("transfers"))
        except engine.EngineValidationError as exc:
            raise engine_errors(exc) from None
        return Response(result.to_dict())
