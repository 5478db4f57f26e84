"""Reads of score runs, scoped through their draft's team."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import Http404

from accounts.selectors import scope_to_teams
from scoring.models import AssistantRun, RunStatus, ScoreRun

SUMMARY_FIELDS = (
    "pk",
    "agreement_id",
    "revision_number",
    "status",
    "stale",
    "label",
    "credibility",
    "risk_overall",
    "power_sharing",
    "min_net_incentive",
    "warning_count",
    "finished_at",
)


def score_runs_by_id(ids: Iterable[int | None]) -> dict[int, ScoreRun]:
    """Headline columns of the given runs (one query; the result JSON is not loaded)."""
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {run.pk: run for run in ScoreRun.objects.filter(pk__in=wanted).only(*SUMMARY_FIELDS)}


def score_run_get_for_user(*, user: Any, pk: int) -> ScoreRun:
    run = (
        scope_to_teams(ScoreRun.objects.all(), user=user, team_field="agreement__team")
        .select_related("agreement")
        .filter(pk=pk)
        .first()
    )
    if run is None:
        raise Http404("No such score run.")
    return run


def score_latest_for_agreement(*, agreement: Any) -> ScoreRun | None:
    """The newest finished score of the draft (highest revision), if any."""
    return (
        ScoreRun.objects.filter(agreement=agreement, status=RunStatus.DONE)
        .order_by("-revision_number", "-finished_at")
        .first()
    )


def score_run_latest_for_agreement(*, agreement: Any) -> ScoreRun | None:
    """The most recently requested run of the draft, whatever its state."""
    return ScoreRun.objects.filter(agreement=agreement).defer("result").order_by("-pk").first()


def assistant_run_get_for_user(*, user: Any, pk: int) -> AssistantRun:
    """A design-assistant answer of one of the user's teams (404 otherwise)."""
    run = (
        scope_to_teams(AssistantRun.objects.all(), user=user, team_field="agreement__team")
        .select_related("agreement")
        .filter(pk=pk)
        .first()
    )
    if run is None:
        raise Http404("No such answer.")
    return run
