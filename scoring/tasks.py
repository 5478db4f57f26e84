"""Celery tasks: thin wrappers that take ids and call one service; the sweep's queue look-up."""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from scoring import analysis_jobs, assistant, services

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError)


JOB_TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 5,
}
"""A job's message is acknowledged once it ran (a lost worker's is delivered again); only
transient database errors are retried."""


def _run_job(
    run_id: int,
    execute: Callable[..., str],
    fail: Callable[..., None],
    *,
    what: str,
    too_long: str,
) -> str:
    """Run one job; a time limit or an unexpected error fails it with a message in words."""
    try:
        return execute(run_id=run_id)
    except TRANSIENT_ERRORS:
        raise
    except SoftTimeLimitExceeded:
        fail(run_id=run_id, error=too_long)
        return "failed: time limit"
    except Exception:
        logger.exception("%s %s failed", what, run_id)
        fail(run_id=run_id, error=f"The {what} failed unexpectedly; it was logged.")
        return "failed: unexpected error"


@shared_task(name="scoring.score_run", **JOB_TASK_OPTIONS)
def score_run_task(run_id: int) -> str:
    """Score one run. Retries only on transient database errors; anything else fails the run."""
    return _run_job(
        run_id,
        services.score_run_execute,
        services.score_run_fail,
        what="scoring",
        too_long="Scoring took too long; try fewer Monte Carlo samples.",
    )


@shared_task(name="scoring.assistant_run", **JOB_TASK_OPTIONS)
def assistant_run_task(run_id: int) -> str:
    """Compute one design-assistant answer; retries only on transient database errors."""
    return _run_job(
        run_id,
        assistant.assistant_run_execute,
        assistant.assistant_run_fail,
        what="search",
        too_long="The search took too long.",
    )


# Acknowledged on receipt: a lost sweep is replaced by the next one, and a worker holding
# an unacknowledged message when Redis drops exits (kombu 5.7, restore_unacked on close).
@shared_task(name="scoring.sweep", acks_late=False)
def score_runs_sweep_task() -> dict[str, int]:
    """Periodic: re-send lost and abandoned runs, design-assistant answers and sensitivity
    jobs; re-score drafts scored with old parameters."""
    return {
        **services.score_runs_sweep(),
        "assistant_requeued": assistant.assistant_runs_sweep(),
        "analysis_requeued": analysis_jobs.analysis_jobs_sweep(),
    }


@shared_task(name="scoring.analysis_job", **JOB_TASK_OPTIONS)
def analysis_job_task(job_id: int) -> str:
    """Run one large sensitivity job (a ranking along dsa, a scenario comparison)."""
    return _run_job(
        job_id,
        lambda run_id: analysis_jobs.analysis_job_execute(job_id=run_id),
        lambda run_id, error: analysis_jobs.analysis_job_fail(job_id=run_id, error=error),
        what="computation",
        too_long="The computation took too long; try fewer drafts or samples.",
    )
