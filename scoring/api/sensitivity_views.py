"""Sensitivity and scenarios (design section 16): sweeps, variance attribution, AHP
elicitation, named scenarios, team weight profiles, and comparisons across worlds."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agreements import selectors as agreement_selectors
from agreements.models import Agreement
from core.api import BAD_REQUEST, THROTTLED, AnalysisThrottle, error_response, validated
from core.http import whole_number
from scoring import analysis_jobs, team_inputs
from scoring import sensitivity_selectors as selectors
from scoring import sensitivity_services as services
from scoring.api import sensitivity_serializers as s
from scoring.models import AnalysisJob, RunStatus, ScoreRun

TAGS = ["sensitivity"]
NOT_YOURS = error_response("No such draft, scenario or profile among your teams'.")


def _django(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict)


def _agreement(request: Request, pk: Any) -> Agreement:
    number = whole_number(pk)
    if number is None:
        raise Http404
    return agreement_selectors.agreement_get_for_user(user=request.user, pk=number)


def _weights_of(request: Request, data: dict[str, Any]) -> None:
    """Replace ``weight_profile`` by its weights (and intervals, if the request has none)."""
    profile_id = data.pop("weight_profile", None)
    for name in ("weights", "weight_intervals"):
        if name in data:
            data[name] = dict(data[name])
    if "weight_intervals" in data:
        data["weight_intervals"] = {k: (v[0], v[1]) for k, v in data["weight_intervals"].items()}
    if profile_id is None:
        return
    profile = selectors.weight_profile_get_for_user(user=request.user, pk=profile_id)
    data["weights"] = dict(profile.weights)
    if "weight_intervals" in data or profile.intervals is None:
        return
    if "points" not in data:  # a scenario comparison also takes the profile's intervals
        data["weight_intervals"] = {k: (v[0], v[1]) for k, v in profile.intervals.items()}


class AnalysisView(APIView):
    throttle_classes = [AnalysisThrottle]
    throttle_scope = "analysis"


@extend_schema(tags=TAGS)
class SweepView(AnalysisView):
    @extend_schema(
        parameters=[s.SweepParamsSerializer],
        responses={
            200: s.SweepResultSerializer,
            400: BAD_REQUEST,
            404: error_response("No such draft, or no such revision of it."),
            429: THROTTLED,
        },
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        """Every headline score against `dsa`, one recipient's trust or `omega` from 0 to
        1, with the 90% band (common random numbers at every point)."""
        agreement = _agreement(request, kwargs.get("id"))
        params = validated(s.SweepParamsSerializer, request.query_params)
        revision = agreement_selectors.revision_get(
            agreement=agreement, number=params.pop("revision", None) or agreement.version
        )
        try:
            answer = services.sweep_for_revision(
                revision=revision,
                axis=params["axis"],
                party=params.get("party"),
                points=params["points"],
                n_samples=params["samples"],
                seed=params["seed"],
            )
        except DjangoValidationError as exc:
            raise _django(exc) from None
        return Response(answer)


@extend_schema(tags=TAGS)
class VarianceView(AnalysisView):
    @extend_schema(
        parameters=[s.VarianceParamsSerializer],
        responses={
            200: s.AttributionSerializer,
            400: BAD_REQUEST,
            404: error_response("No such draft, or no such run of it."),
            429: THROTTLED,
        },
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        """The top eight uncertain inputs behind each headline score, by squared rank
        correlation over a run's own Monte Carlo samples: the draft's newest finished run
        (or `run`); a draft never scored gets a fresh seeded run (`samples`, `seed`)."""
        agreement = _agreement(request, kwargs.get("id"))
        params = validated(s.VarianceParamsSerializer, request.query_params)
        runs = ScoreRun.objects.filter(agreement=agreement).select_related("revision")
        try:
            if "run" in params:
                run = runs.filter(pk=params["run"]).first()
                if run is None:
                    raise Http404("No such run of this draft.")
                return Response(services.attribution_for_run(run=run))
            done = runs.filter(status=RunStatus.DONE).order_by("-revision_number", "-pk").first()
            if done is not None:
                return Response(services.attribution_for_run(run=done))
            revision = agreement_selectors.revision_latest(agreement=agreement)
            answer = services.attribution_for_revision(
                revision=revision, n_samples=params["samples"], seed=params["seed"]
            )
        except DjangoValidationError as exc:
            raise _django(exc) from None
        return Response(answer)


@extend_schema(tags=TAGS)
class WeightElicitationView(AnalysisView):
    @extend_schema(
        request=s.ElicitationRequestSerializer,
        responses={200: s.AhpResultSerializer, 400: BAD_REQUEST, 429: THROTTLED},
    )
    def post(self, request: Request) -> Response:
        """Weights from pairwise judgements (AHP, 1-9): the principal eigenvector, the
        consistency ratio and, above 0.10, a message naming the judgement to revise.
        Nothing is stored (save a profile with `POST /weight-profiles/`)."""
        data = validated(s.ElicitationRequestSerializer, request.data)
        try:
            answer = team_inputs.weights_elicit(
                judgements=data["judgements"], criteria=data.get("criteria")
            )
        except DjangoValidationError as exc:
            raise _django(exc) from None
        return Response(answer)


class TeamOwnedViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create (naming a team you are an analyst of), change and delete; rows
    of other teams are 404s, and viewers may read but not write."""

    lookup_value_regex = r"[0-9]+"
    input_serializer: Any
    noun = ""

    def get_object(self) -> Any:
        pk = whole_number(self.kwargs.get("pk"))
        if pk is None:
            raise Http404
        found = self.get_queryset().filter(pk=pk).first()
        if found is None:
            raise Http404
        return found

    def _writable(self, team_id: int) -> None:
        if not selectors.can_write(user=self.request.user, team_id=team_id):
            raise PermissionDenied(f"Only the team's analysts can change its {self.noun}.")

    def _create(self, request: Request, make: Any) -> Response:
        data = validated(self.input_serializer, request.data)
        slug = data.pop("team", None)
        team = selectors.team_writable_for_user(user=request.user, slug=slug or "")
        if team is None:
            raise ValidationError({"team": ["Name a team you are an analyst of."]})
        try:
            row = make(team=team, author=request.user, data=data)
        except DjangoValidationError as exc:
            raise _django(exc) from None
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)

    def _update(self, request: Request, change: Any) -> Response:
        row = self.get_object()
        self._writable(row.team_id)
        data = validated(self.input_serializer, request.data)
        if "team" in data:
            raise ValidationError({"team": ["A row stays in its team."]})
        try:
            row = change(row, data)
        except DjangoValidationError as exc:
            raise _django(exc) from None
        return Response(self.get_serializer(row).data)

    def _destroy(self, remove: Any) -> Response:
        row = self.get_object()
        self._writable(row.team_id)
        remove(row)
        return Response(status=status.HTTP_204_NO_CONTENT)


ROW_ANSWERS = {400: BAD_REQUEST, 403: error_response("Viewers cannot change it."), 404: NOT_YOURS}


@extend_schema(tags=TAGS)
class ScenarioViewSet(TeamOwnedViewSet):
    """Named scenarios: worlds (dsa, omega, trust and capability shifts by actor)."""

    serializer_class = s.NamedScenarioSerializer
    input_serializer = s.NamedScenarioInputSerializer
    noun = "scenarios"

    def get_queryset(self) -> Any:
        return selectors.scenario_list_for_user(user=self.request.user).order_by("team", "name")

    @extend_schema(
        request=s.NamedScenarioInputSerializer,
        responses={201: s.NamedScenarioSerializer, **ROW_ANSWERS},
    )
    def create(self, request: Request) -> Response:
        """A new scenario of `team`; a party that is no catalog actor is refused."""
        return self._create(request, team_inputs.scenario_create)

    @extend_schema(
        request=s.NamedScenarioInputSerializer,
        responses={200: s.NamedScenarioSerializer, **ROW_ANSWERS},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        return self._update(
            request, lambda row, data: team_inputs.scenario_update(scenario=row, data=data)
        )

    @extend_schema(responses={204: None, **ROW_ANSWERS})
    def destroy(self, request: Request, pk: str) -> Response:
        return self._destroy(lambda row: team_inputs.scenario_delete(scenario=row))


@extend_schema(tags=TAGS)
class WeightProfileViewSet(TeamOwnedViewSet):
    """Team weight profiles: typed weights, or weights elicited from judgements (refused
    when their consistency ratio is above 0.10), with optional SMAA intervals."""

    serializer_class = s.WeightProfileSerializer
    input_serializer = s.WeightProfileInputSerializer
    noun = "weight profiles"

    def get_queryset(self) -> Any:
        return selectors.weight_profile_list_for_user(user=self.request.user).order_by(
            "team", "name"
        )

    @extend_schema(
        request=s.WeightProfileInputSerializer,
        responses={201: s.WeightProfileSerializer, **ROW_ANSWERS},
    )
    def create(self, request: Request) -> Response:
        return self._create(request, team_inputs.weight_profile_create)

    @extend_schema(
        request=s.WeightProfileInputSerializer,
        responses={200: s.WeightProfileSerializer, **ROW_ANSWERS},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        return self._update(
            request, lambda row, data: team_inputs.weight_profile_update(profile=row, data=data)
        )

    @extend_schema(responses={204: None, **ROW_ANSWERS})
    def destroy(self, request: Request, pk: str) -> Response:
        return self._destroy(lambda row: team_inputs.weight_profile_delete(profile=row))


def _job_response(request: Request, job: AnalysisJob) -> Response:
    data = s.AnalysisJobSerializer(job, context={"request": request}).data
    return Response(data, status=status.HTTP_202_ACCEPTED)


JOB_ANSWER = {202: s.AnalysisJobSerializer}


@extend_schema(tags=TAGS)
class AnalysisJobView(APIView):
    @extend_schema(responses={200: s.AnalysisJobSerializer, 404: NOT_YOURS})
    def get(self, request: Request, pk: int) -> Response:
        """A large sensitivity computation: its status, progress and (when done) result."""
        job = selectors.analysis_job_get_for_user(user=request.user, pk=pk)
        return Response(s.AnalysisJobSerializer(job, context={"request": request}).data)


def _drafts(request: Request, ids: list[int]) -> list[Agreement]:
    return [agreement_selectors.agreement_get_for_user(user=request.user, pk=pk) for pk in ids]


@extend_schema(tags=TAGS)
class DsaRankingView(AnalysisView):
    @extend_schema(
        request=s.DsaRankingRequestSerializer,
        responses={
            200: s.RankingSweepSerializer,
            **JOB_ANSWER,
            400: BAD_REQUEST,
            404: NOT_YOURS,
            429: THROTTLED,
        },
    )
    def post(self, request: Request) -> Response:
        """The drafts ranked at each dsa from 0 to 1 at your weights, as a comparison
        would rank them there, and where the leader changes. Large ones (drafts x points x
        samples above 35,000, about 300 ms) are computed by a worker: 202 with a job to
        poll, answered once per revision set, settings and parameter version."""
        data = validated(s.DsaRankingRequestSerializer, request.data)
        agreements = _drafts(request, data.pop("agreements"))
        _weights_of(request, data)
        if analysis_jobs.in_background(
            "dsa_ranking", drafts=len(agreements), steps=data["points"], n_samples=data["n_samples"]
        ):
            job = analysis_jobs.analysis_job_request(
                kind="dsa_ranking", agreements=agreements, options=data, user=request.user
            )
            return _job_response(request, job)
        try:
            answer = services.dsa_ranking_run(agreements=agreements, **data)
        except DjangoValidationError as exc:
            raise _django(exc) from None
        return Response(answer)


@extend_schema(tags=TAGS)
class ScenarioComparisonView(AnalysisView):
    @extend_schema(
        request=s.ScenarioComparisonRequestSerializer,
        responses={
            200: s.ScenarioComparisonSerializer,
            **JOB_ANSWER,
            400: BAD_REQUEST,
            404: NOT_YOURS,
            429: THROTTLED,
        },
    )
    def post(self, request: Request) -> Response:
        """Every draft in every scenario with common random numbers: drafts x scenarios,
        the best draft per world and each draft's regret. Large ones (drafts x scenarios x
        samples above 16,000, about 300 ms) are computed by a worker: 202 with a job to
        poll, answered once per revision set, scenarios, settings and parameter version."""
        data = validated(s.ScenarioComparisonRequestSerializer, request.data)
        agreements = _drafts(request, data.pop("agreements"))
        scenarios = selectors.scenarios_get_for_user(user=request.user, ids=data.pop("scenarios"))
        _weights_of(request, data)
        if analysis_jobs.in_background(
            "scenarios", drafts=len(agreements), steps=len(scenarios), n_samples=data["n_samples"]
        ):
            job = analysis_jobs.analysis_job_request(
                kind="scenarios",
                agreements=agreements,
                scenarios=scenarios,
                options=data,
                user=request.user,
            )
            return _job_response(request, job)
        try:
            answer = services.scenario_comparison_run(
                agreements=agreements, scenarios=scenarios, **data
            )
        except DjangoValidationError as exc:
            raise _django(exc) from None
        return Response(answer)
