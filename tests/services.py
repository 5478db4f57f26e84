"""Access to the real services (PostgreSQL, Redis) for integration tests.

With ``WINDFALL_REQUIRE_SERVICES=1`` (CI) a missing service fails the test; on a
laptop it skips with the reason.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

REQUIRE_SERVICES = os.environ.get("WINDFALL_REQUIRE_SERVICES", "") == "1"


def service_missing(reason: str) -> NoReturn:
    """Skip (or, when services are required, fail) with ``reason``."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service unavailable: {reason}", pytrace=False)
    pytest.skip(reason)


def redis_url_or_skip() -> str:
    """The configured Redis URL if it answers a PING."""
    import redis
    from django.conf import settings

    url = settings.REDIS_URL
    if not url:
        service_missing("REDIS_URL is not set; a real Celery worker needs Redis")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_missing(f"Redis at {url} does not answer: {exc}")
    return url


def postgres_or_skip() -> None:
    """Require the test database to be PostgreSQL (a worker process must share it)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        service_missing(
            f"the test database is {connection.vendor}; a worker process needs PostgreSQL "
            "(set DATABASE_URL=postgres://...)"
        )
