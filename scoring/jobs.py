"""Delivery guarantees shared by every background job row (``scoring.models.Job``).

A service creates the row first and sends its id on commit; ``claim`` marks it running
with a conditional UPDATE that matches only while the row still has the attempt count
read with it, so exactly one delivery wins however many messages name it, and the new
count is the owner's token: ``owned`` rows only take beats and results from that
attempt. ``heartbeat`` touches ``heartbeat_at`` while the work runs; ``abandoned``
finds running rows whose worker stopped beating, and ``requeue`` hands them (and lost
queued ones) to the workers again.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from scoring.models import Job, RunStatus

logger = logging.getLogger(__name__)


def abandoned(now: datetime) -> Q:
    """Running, and its worker stopped beating ``WINDFALL_STALE_HEARTBEAT_SECONDS`` ago;
    a row that never beat (claimed by an older version) after ``WINDFALL_STUCK_AFTER_SECONDS``.
    """
    stale = now - timedelta(seconds=settings.WINDFALL_STALE_HEARTBEAT_SECONDS)
    stuck = now - timedelta(seconds=settings.WINDFALL_STUCK_AFTER_SECONDS)
    return Q(status=RunStatus.RUNNING) & (
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at=None, updated_at__lt=stuck)
    )


def claim(job: Job) -> bool:
    """Mark ``job`` running; True when this delivery now owns it (queued or abandoned
    rows are claimable, never one whose worker still beats)."""
    now = timezone.now()
    claimed = (
        type(job)
        ._default_manager.filter(
            Q(status=RunStatus.QUEUED) | abandoned(now), pk=job.pk, attempts=job.attempts
        )
        .update(
            status=RunStatus.RUNNING,
            attempts=job.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            updated_at=now,
        )
    )
    if claimed:
        job.attempts += 1
    return bool(claimed)


def owned[J: Job](model: type[J], pk: int, attempt: int) -> QuerySet[J]:
    """The row while attempt ``attempt`` still owns it (running, with that count)."""
    return model._default_manager.filter(pk=pk, status=RunStatus.RUNNING, attempts=attempt)


@contextlib.contextmanager
def heartbeat(job: Job) -> Iterator[None]:
    """Touch ``heartbeat_at`` every ``WINDFALL_HEARTBEAT_SECONDS`` while the block runs.

    A daemon thread with its own database connection beats while the work computes. It
    stops, closing its connection, when the block ends, or when a beat finds the row no
    longer this attempt's (finished or handed over): it can never revive a job.
    """
    stop = threading.Event()
    beater = threading.Thread(
        target=_beat,
        args=(type(job), job.pk, job.attempts, stop),
        name=f"{job._meta.model_name}-{job.pk}-heartbeat",
        daemon=True,
    )
    beater.start()
    try:
        yield
    finally:
        stop.set()
        beater.join(timeout=settings.WINDFALL_HEARTBEAT_SECONDS)


def _beat(model: type[Job], pk: int, attempt: int, stop: threading.Event) -> None:
    try:
        while not stop.wait(settings.WINDFALL_HEARTBEAT_SECONDS):
            try:
                if not owned(model, pk, attempt).update(heartbeat_at=timezone.now()):
                    return
            except DatabaseError:
                logger.warning("%s %s: heartbeat failed; trying again", model.__name__, pk)
                with contextlib.suppress(DatabaseError):
                    connection.close_if_unusable_or_obsolete()
    finally:
        with contextlib.suppress(DatabaseError):
            connection.close()


def hand_back(job: Job) -> None:
    """Return ``job`` to the queue after a database error its task retries, so the retry
    can claim it again (only while this attempt owns it; a second error is ignored: the
    sweep will find the row)."""
    with contextlib.suppress(DatabaseError):
        owned(type(job), job.pk, job.attempts).update(
            status=RunStatus.QUEUED, updated_at=timezone.now()
        )


MAX_ERROR_LENGTH = 2000


def finish(job: Job, started: float | None, *, status: str, error: str = "", **fields: Any) -> None:
    """Record the end of ``job`` (its state, error, duration and ``fields``), only while
    this attempt still owns it; ``started`` is a ``time.perf_counter()`` reading."""
    now = timezone.now()
    owned(type(job), job.pk, job.attempts).update(
        status=status,
        finished_at=now,
        updated_at=now,
        error=error[:MAX_ERROR_LENGTH],
        duration_ms=int((time.perf_counter() - started) * 1000) if started else None,
        **fields,
    )


def requeue(
    model: type[Job], condition: Q, now: datetime, why: str, send: Callable[[int], None]
) -> int:
    """Queue and send again each row matching ``condition``, re-checked row by row."""
    requeued = 0
    for pk, attempts in model._default_manager.filter(condition).values_list("pk", "attempts"):
        if model._default_manager.filter(condition, pk=pk, attempts=attempts).update(
            status=RunStatus.QUEUED, updated_at=now
        ):
            logger.warning("%s %s (attempt %s): %s", model.__name__, pk, attempts, why)
            send(pk)
            requeued += 1
    return requeued
