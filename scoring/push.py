"""Telling waiting pages that a score run ended, over Redis publish/subscribe.

A worker that finishes a run publishes the agreement's id on its channel once the
row is committed; the score panel (and ``GET /score-runs/{id}/?wait=``) subscribes
*before* it reads the run, so a run that ends between the read and the wait is
never missed, and answers as soon as the message arrives instead of at the next
poll. Without Redis (the embedded mode runs tasks in-process, so nothing is pending)
or with Redis down, nothing is published and ``wait`` returns at once: the page
falls back to polling.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

CHANNEL = "windfall:score-finished:{agreement_id}"


def _client() -> Any | None:
    """A Redis client for ``settings.REDIS_URL`` (one connection pool per URL), or None."""
    url = getattr(settings, "REDIS_URL", None)
    return _client_for(url) if url else None


@functools.cache
def _client_for(url: str) -> Any:
    import redis  # only where a broker is configured

    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=None)


def announce_on_commit(agreement_id: int) -> None:
    """Publish "a run of ``agreement_id`` ended" once the current transaction commits."""
    transaction.on_commit(functools.partial(announce, agreement_id))


def announce(agreement_id: int) -> None:
    """Publish now; a Redis outage is logged, and pages learn of the run by polling."""
    client = _client()
    if client is None:
        return
    try:
        client.publish(CHANNEL.format(agreement_id=agreement_id), b"1")
    except Exception:  # the pages poll as well: a lost message only delays them
        logger.warning("could not announce the end of a score run of agreement %s", agreement_id)


class Listener:
    """A subscription to one agreement's channel (see ``listen``)."""

    def __init__(self, pubsub: Any | None) -> None:
        self._pubsub = pubsub

    @property
    def live(self) -> bool:
        """Whether messages can arrive (Redis configured and reachable)."""
        return self._pubsub is not None

    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds for a message; True when one came."""
        if self._pubsub is None or timeout <= 0:
            return False
        deadline = time.monotonic() + timeout
        try:
            while (left := deadline - time.monotonic()) > 0:
                message = self._pubsub.get_message(ignore_subscribe_messages=True, timeout=left)
                if message is not None:
                    return True
        except Exception:
            logger.warning("lost the score-run subscription; the page will poll")
        return False


@contextlib.contextmanager
def listen(agreement_id: int, *, enabled: bool = True) -> Iterator[Listener]:
    """Subscribe to ``agreement_id``'s channel for the ``with`` block (not if not
    ``enabled``: a caller that will not wait needs no connection)."""
    client = _client() if enabled else None
    pubsub = None
    if client is not None:
        try:
            pubsub = client.pubsub()
            pubsub.subscribe(CHANNEL.format(agreement_id=agreement_id))
            # The subscription is confirmed before the caller reads the run's state.
            pubsub.get_message(timeout=1)
        except Exception:
            logger.warning("Redis is unreachable: the score panel polls instead of waiting")
            pubsub = None
    try:
        yield Listener(pubsub)
    finally:
        if pubsub is not None:
            with contextlib.suppress(Exception):
                pubsub.close()  # hands its connection back to the pool


def wait_for[T](
    agreement_id: int, read: Callable[[], T], pending: Callable[[T], bool], timeout: float
) -> tuple[T, bool]:
    """``read()`` again each time a run of ``agreement_id`` ends, until ``pending`` of
    its value is false or ``timeout`` seconds pass. Returns the last value and whether
    the subscription was live (if not, the caller should poll)."""
    with listen(agreement_id, enabled=timeout > 0) as listener:
        value = read()
        deadline = time.monotonic() + timeout
        while pending(value) and listener.wait(deadline - time.monotonic()):
            value = read()
        return value, listener.live


def wait_seconds(raw: str | None) -> float:
    """The ``wait`` query parameter as seconds in [0, WINDFALL_SCORE_WAIT_MAX]; junk is 0."""
    try:
        value = float(raw) if raw else 0.0
    except ValueError:
        return 0.0
    if value != value:  # NaN
        return 0.0
    return max(0.0, min(value, float(settings.WINDFALL_SCORE_WAIT_MAX)))
