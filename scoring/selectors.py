"""Reads of score runs, scoped through their draft's team."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.http import Http404

from accounts.selectors import scope_to_teams
from core.expressions import JSONWithout
from scoring.models import AssistantRun, Job, RunStatus, ScoreRun

J = TypeVar("J", bound=Job)

# The headline columns of a score run: what lists and score badges show.
HEADLINE_FIELDS = (
    "revision_number",
    "stale",
    "label",
    "credibility",
    "risk_overall",
    "power_sharing",
    "min_net_incentive",
    "warning_count",
    "finished_at",
)
SUMMARY_FIELDS = ("pk", "agreement_id", "status", *HEADLINE_FIELDS)


def score_runs_by_id(ids: Iterable[int | None]) -> dict[int, ScoreRun]:
    """Headline columns of the given runs (one query; the result JSON is not loaded)."""
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {run.pk: run for run in ScoreRun.objects.filter(pk__in=wanted).only(*SUMMARY_FIELDS)}


def _job_for_user[J: Job](model: type[J], *, user: Any, pk: int, missing: str) -> J:
    """A job row of one of the user's teams' drafts (404 with ``missing`` otherwise)."""
    found = (
        scope_to_teams(model._default_manager.all(), user=user, team_field="agreement__team")
        .select_related("agreement")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404(missing)
    return found


def score_run_get_for_user(*, user: Any, pk: int) -> ScoreRun:
    return _job_for_user(ScoreRun, user=user, pk=pk, missing="No such score run.")


def score_latest_for_agreement(*, agreement: Any) -> ScoreRun | None:
    """The newest finished score of the draft (highest revision), if any; its variance
    attribution is not loaded (``sensitivity_services.attribution_for_run`` reads it)."""
    return (
        ScoreRun.objects.filter(agreement=agreement, status=RunStatus.DONE)
        .defer("attribution")
        .order_by("-revision_number", "-finished_at")
        .first()
    )


SUMMARY_OMITS = ("contributions", "lines")
"""The parts of a stored result a summary leaves out: the per-line detail, 86% of the
JSON of a 60-line draft's result."""


def score_summary_latest_for_agreement(*, agreement: Any) -> ScoreRun | None:
    """The newest finished score of the draft, read for a summary (the score panel).

    ``run.summary`` holds the result without :data:`SUMMARY_OMITS`; ``run.result`` and
    ``run.attribution`` are deferred and load (one more query) only when read.
    """
    return (
        ScoreRun.objects.filter(agreement=agreement, status=RunStatus.DONE)
        .defer("result", "attribution")
        .annotate(summary=JSONWithout("result", *SUMMARY_OMITS))
        .order_by("-revision_number", "-finished_at")
        .first()
    )


def score_run_latest_for_agreement(*, agreement: Any) -> ScoreRun | None:
    """The most recently requested run of the draft, whatever its state."""
    return (
        ScoreRun.objects.filter(agreement=agreement)
        .defer("result", "attribution")
        .order_by("-pk")
        .first()
    )


def assistant_run_get_for_user(*, user: Any, pk: int) -> AssistantRun:
    """A design-assistant answer of one of the user's teams (404 otherwise)."""
    return _job_for_user(AssistantRun, user=user, pk=pk, missing="No such answer.")
