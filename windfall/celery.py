"""The Celery application; configured from Django settings (``CELERY_*``).

Importing the project package imports this module, so its default settings module is
also the default of every entry point that imports ``windfall`` first (WSGI, ASGI):
production, the safe one. ``manage.py`` and ``make worker``/``make beat`` name the
local settings themselves.
"""

import os
from typing import Any

# The engine's matrix products are small: a second OpenBLAS thread per product only
# contends for the cores the web and Celery workers already share. One thread gives the
# same numbers for less CPU (docs/operations.md); an operator's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from celery import Celery
from celery.signals import celeryd_init, task_postrun, task_prerun, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "windfall.settings.production")

app = Celery("windfall")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@celeryd_init.connect
def _worker_statement_timeout(**_: object) -> None:
    """Workers run longer queries than web requests: give their connections the worker
    statement timeout (``DB_WORKER_STATEMENT_TIMEOUT_MS``) before any is opened."""
    from django.conf import settings

    from core.db import use_statement_timeout

    use_statement_timeout(settings.DB_WORKER_STATEMENT_TIMEOUT_MS)


@task_prerun.connect
@task_postrun.connect
def _database_connections_as_around_a_request(sender: Any = None, **_: object) -> None:
    """Before and after each task, what Django does around a request: a connection that
    is broken, left in a transaction or older than ``CONN_MAX_AGE`` is closed, a healthy
    one kept (and checked before its next query, ``CONN_HEALTH_CHECKS``).

    Celery's Django fixup would close every connection before and after each task (we
    set ``CELERY_DB_REUSE_MAX``, so it does so only every thousand tasks): each score run
    opened a new PostgreSQL connection, 10-25 ms of the edit -> fresh score path. Eager
    tasks run inside a request (or a test's transaction) and are left alone.
    """
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


@worker_ready.connect
def sweep_score_runs_at_worker_start(**kwargs: Any) -> None:
    """A (re)started worker picks up stranded score runs at once; beat does the rest.

    One sweep, sent now: a delayed one would sit unacknowledged in the worker, and a
    worker holding an unacknowledged message exits when Redis drops (kombu 5.7).
    """
    from scoring.tasks import score_runs_sweep_task

    score_runs_sweep_task.delay()
