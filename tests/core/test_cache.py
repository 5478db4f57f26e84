"""The shared cache degrades while Redis is down: misses and dropped writes, no errors,
and no waiting on timeouts for every call."""

from __future__ import annotations

import time

import pytest

from core.cache import TolerantRedisCache
from tests.services import redis_url_or_skip


@pytest.fixture
def reset_pause():
    TolerantRedisCache._down_until = 0.0
    yield
    TolerantRedisCache._down_until = 0.0


def _cache(location: str) -> TolerantRedisCache:
    return TolerantRedisCache(
        location, {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )


def test_an_unreachable_redis_reads_as_an_empty_cache(reset_pause):
    cache = _cache("redis://127.0.0.1:1/0")
    started = time.monotonic()
    cache.set("k", "v")
    assert cache.get("k", "missing") == "missing"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("k", 1) is True
    assert cache.incr("k") == 1
    assert cache.delete("k") is False
    for _ in range(100):  # paused after the first error: no call waits on Redis
        cache.get("k")
    assert time.monotonic() - started < 2


@pytest.mark.services
def test_a_reachable_redis_is_a_normal_cache(reset_pause):
    cache = _cache(redis_url_or_skip())
    cache.set("windfall-test-key", {"x": 1}, timeout=5)
    assert cache.get("windfall-test-key") == {"x": 1}
    cache.delete("windfall-test-key-n")
    assert cache.add("windfall-test-key-n", 1) is True
    assert cache.incr("windfall-test-key-n") == 2
    cache.delete_many(["windfall-test-key", "windfall-test-key-n"])
    assert cache.get("windfall-test-key") is None
