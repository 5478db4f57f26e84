"""Reads of score runs, scoped through their draft's team."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Field
from django.http import Http404

from accounts.selectors import scope_to_teams
from core.expressions import JSONWithout, json_without_sql
from core.sql import select_rows
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


@dataclass(frozen=True)
class PanelRuns:
    """What the score panel reads of a draft's runs (:func:`score_panel_runs`)."""

    latest: ScoreRun | None
    """The most recently requested run, whatever its state."""
    score: ScoreRun | None
    """The newest finished run (highest revision), with its ``summary``."""
    previous: ScoreRun | None
    """The newest finished run of an earlier revision, with its ``summary``."""


_LATEST_DONE = """SELECT d.{column} FROM scoring_scorerun d WHERE d.agreement_id = %s
    AND d.status = %s ORDER BY d.revision_number DESC, d.finished_at DESC LIMIT 1"""
_PANEL_SQL = """SELECT {columns}, CASE WHEN r.status = %s THEN {summary} END
FROM scoring_scorerun r WHERE r.id IN (
    (SELECT n.id FROM scoring_scorerun n WHERE n.agreement_id = %s ORDER BY n.id DESC LIMIT 1),
    ({latest_done_id}),
    (SELECT p.id FROM scoring_scorerun p WHERE p.agreement_id = %s AND p.status = %s
     AND p.revision_number < ({latest_done_revision})
     ORDER BY p.revision_number DESC, p.finished_at DESC LIMIT 1))"""


@cache
def _panel_fields() -> list[Field[Any, Any]]:
    """The run columns the panel reads: all but the result and the attribution."""
    return [f for f in ScoreRun._meta.concrete_fields if f.name not in ("result", "attribution")]


def score_panel_runs(*, agreement: Any) -> PanelRuns:
    """The latest run, the latest finished one and the one finished before it, in one
    hand-written query (three ORM queries cost the builder ~4 ms of CPU; the orders are
    those of :func:`score_run_latest_for_agreement`, :func:`score_summary_latest_for_agreement`
    and the earlier revision's). Finished runs come with ``summary``, as
    ``score_summary_latest_for_agreement`` reads it; result and attribution are deferred."""
    fields = _panel_fields()
    vendor = connections[ScoreRun.objects.db].vendor
    summary, summary_params = json_without_sql("r.result", SUMMARY_OMITS, vendor)
    sql = _PANEL_SQL.format(
        columns=", ".join(f"r.{f.column}" for f in fields),
        summary=summary,
        latest_done_id=_LATEST_DONE.format(column="id"),
        latest_done_revision=_LATEST_DONE.format(column="revision_number"),
    )
    pk, done = agreement.pk, RunStatus.DONE
    # In the order of the placeholders: the CASE, the latest run, the latest finished
    # run, the earlier revision's run and, inside it, the latest finished revision.
    params = [done, *summary_params, pk, pk, done, pk, done, pk, done]
    names = [f.attname for f in fields]
    runs = []
    for *values, run_summary in select_rows(
        sql, params, [*fields, ScoreRun._meta.get_field("result")]
    ):
        run = ScoreRun.from_db(ScoreRun.objects.db, names, values)
        if run.status == RunStatus.DONE:
            run.summary = run_summary  # type: ignore[attr-defined]
        runs.append(run)
    latest = max(runs, key=lambda r: r.pk, default=None)
    finished = sorted(
        (r for r in runs if r.status == RunStatus.DONE), key=_finished_order, reverse=True
    )
    score = finished[0] if finished else None
    previous = next(
        (r for r in finished if score and r.revision_number < score.revision_number), None
    )
    return PanelRuns(latest=latest, score=score, previous=previous)


def _finished_order(run: ScoreRun) -> tuple[int, bool, Any]:
    """Newest revision first, then the newest finish (a missing time first, as in SQL)."""
    return (run.revision_number, run.finished_at is None, run.finished_at or 0)


def assistant_run_get_for_user(*, user: Any, pk: int) -> AssistantRun:
    """A design-assistant answer of one of the user's teams (404 otherwise)."""
    return _job_for_user(AssistantRun, user=user, pk=pk, missing="No such answer.")
