"""A Redis cache that degrades instead of failing while Redis is down.

Windfall caches charts and keeps throttle and sign-in counters in the shared cache.
None of that may stop an edit from saving, so during a Redis outage reads miss,
writes are dropped and counters start again (throttles fail open), and for a few
seconds after an error Redis is not asked at all, so pages do not wait on timeouts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

PAUSE_AFTER_ERROR_SECONDS = 5.0


class TolerantRedisCache(RedisCache):
    """Django's Redis cache; an unreachable Redis reads as an empty cache."""

    _down_until = 0.0

    def _guard[T](self, call: Callable[[], T], fallback: T) -> T:
        if time.monotonic() < TolerantRedisCache._down_until:
            return fallback
        try:
            return call()
        except redis.RedisError as exc:
            TolerantRedisCache._down_until = time.monotonic() + PAUSE_AFTER_ERROR_SECONDS
            logger.warning("cache unavailable for %.0f s: %s", PAUSE_AFTER_ERROR_SECONDS, exc)
            return fallback

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._guard(
            lambda: super(TolerantRedisCache, self).get(key, default, version), default
        )

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._guard(lambda: super(TolerantRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._guard(lambda: super(TolerantRedisCache, self).has_key(key, version), False)

    def set(self, *args: Any, **kwargs: Any) -> None:
        self._guard(lambda: super(TolerantRedisCache, self).set(*args, **kwargs), None)

    def set_many(self, *args: Any, **kwargs: Any) -> list[Any]:
        return self._guard(lambda: super(TolerantRedisCache, self).set_many(*args, **kwargs), [])

    def add(self, *args: Any, **kwargs: Any) -> bool:
        return self._guard(lambda: super(TolerantRedisCache, self).add(*args, **kwargs), True)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return self._guard(lambda: super(TolerantRedisCache, self).incr(key, delta, version), delta)

    def touch(self, *args: Any, **kwargs: Any) -> bool:
        return self._guard(lambda: super(TolerantRedisCache, self).touch(*args, **kwargs), False)

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._guard(lambda: super(TolerantRedisCache, self).delete(key, version), False)

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._guard(lambda: super(TolerantRedisCache, self).delete_many(keys, version), None)

    def clear(self) -> None:
        self._guard(lambda: super(TolerantRedisCache, self).clear(), None)
