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
ANALYSIS_JOB_TASK = "scoring.analysis_job"


def _task(name: str) -> Task:
    return current_app.tasks[name]


def score_run_send_on_commit(run_id: int) -> None:
    """Send ``run_id`` to the workers when the surrounding transaction commits."""
    transaction.on_commit(lambda: score_run_send(run_id))


def score_run_send(run_id: int) -> None:
    """Send the task; a broker outage is logged, and the sweep sends it again later."""
    task = _task(SCORE_RUN_TASK)
    try:
        task.delay(run_id)
    except Exception:  # the broker is down: the run stays queued for the sweep
        if task.app.conf.task_always_eager:  # an error of the run itself, not of a broker
            raise
        logger.exception("could not enqueue score run %s; the sweep will retry", run_id)


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

    def send() -> None:
        task = _task(ANALYSIS_JOB_TASK)
        try:
            task.delay(job_id)
        except Exception:
            if task.app.conf.task_always_eager:
                raise
            logger.exception("could not enqueue analysis job %s", job_id)

    transaction.on_commit(send)
