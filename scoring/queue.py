"""Sending score runs to the workers, and asking the broker how many wait.

Services send tasks through here by their registered name, so ``scoring.services``
never imports ``scoring.tasks`` (which imports the services): no import cycle, and
in-process (eager) mode still runs the task at once.
"""

from __future__ import annotations

import logging

from celery import current_app
from celery.app.task import Task
from django.db import transaction

logger = logging.getLogger(__name__)

SCORE_RUN_TASK = "scoring.score_run"
ASSISTANT_RUN_TASK = "scoring.assistant_run"
ANALYSIS_JOB_TASK = "scoring.analysis_job"


def _task(name: str) -> Task:
    return current_app.tasks[name]


def score_run_send_on_commit(run_id: int) -> None:
    """Send ``run_id`` to the workers when the surrounding transaction commits."""
    transaction.on_commit(lambda: score_run_send(run_id))


def score_run_send(run_id: int) -> None:
    """Send the task; a broker outage is logged, and the sweep sends it again later."""
    _send(SCORE_RUN_TASK, run_id, "score run")


def assistant_run_send_on_commit(run_id: int) -> None:
    """Send design-assistant job ``run_id`` to the workers when the transaction commits."""
    transaction.on_commit(lambda: _send(ASSISTANT_RUN_TASK, run_id, "assistant answer"))


def _send(name: str, run_id: int, what: str) -> None:
    task = _task(name)
    try:
        task.delay(run_id)
    except Exception:  # the broker is down: the row stays queued for the sweep
        if task.app.conf.task_always_eager:  # an error of the job itself, not of a broker
            raise
        logger.exception("could not enqueue %s %s; the sweep will retry", what, run_id)


def waiting_messages() -> int | None:
    """Messages waiting in the queue score runs are sent to; None when the broker is down."""
    app = _task(SCORE_RUN_TASK).app
    if app.conf.task_always_eager:
        return 0  # runs are never queued in the broker
    try:
        with app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, interval_start=1)
            queue = app.conf.task_default_queue
            return int(conn.default_channel.queue_declare(queue=queue).message_count)
    except Exception:  # any broker error: the caller sends nothing now
        logger.warning("the broker does not answer; not re-sending queued score runs now")
        return None


def analysis_job_send_on_commit(job_id: int) -> None:
    """Send a sensitivity job to the workers when the transaction commits (a broker
    outage is logged; asking again re-sends a job that is still queued)."""
    transaction.on_commit(lambda: _send(ANALYSIS_JOB_TASK, job_id, "analysis job"))
