"""Celery tasks: thin wrappers that take ids and call one service; the sweep's queue look-up."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from scoring import services

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    name="scoring.score_run",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
)
def score_run_task(run_id: int) -> str:
    """Score one run. Retries only on transient database errors; anything else fails the run."""
    try:
        return services.score_run_execute(run_id=run_id)
    except TRANSIENT_ERRORS:
        raise
    except SoftTimeLimitExceeded:
        services.score_run_fail(
            run_id=run_id, error="Scoring took too long; try fewer Monte Carlo samples."
        )
        return "failed: time limit"
    except Exception:
        logger.exception("score run %s failed", run_id)
        services.score_run_fail(run_id=run_id, error="Scoring failed unexpectedly; it was logged.")
        return "failed: unexpected error"


# Acknowledged on receipt: a lost sweep is replaced by the next one, and a worker holding
# an unacknowledged message when Redis drops exits (kombu 5.7, restore_unacked on close).
@shared_task(name="scoring.sweep", acks_late=False)
def score_runs_sweep_task() -> dict[str, int]:
    """Periodic: re-send lost and abandoned runs; re-score drafts scored with old parameters."""
    return services.score_runs_sweep()


@shared_task(
    name="scoring.analysis_job",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_jitter=True,
    max_retries=5,
)
def analysis_job_task(job_id: int) -> str:
    """Run one large sensitivity job (a ranking along dsa, a scenario comparison)."""
    from scoring import sensitivity_services

    try:
        return sensitivity_services.analysis_job_execute(job_id=job_id)
    except TRANSIENT_ERRORS:
        raise
    except Exception:
        logger.exception("analysis job %s failed", job_id)
        sensitivity_services.analysis_job_fail(
            job_id=job_id, error="The computation failed unexpectedly; it was logged."
        )
        return "failed: unexpected error"
