"""Typed helpers that read configuration from the environment.

Every helper raises :class:`ConfigError` with a one-line message naming the
variable, so a bad setting stops the process with a clear sentence instead of a
traceback (see ``manage.py`` and ``windfall/wsgi.py``).
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlparse

import dj_database_url


class ConfigError(Exception):
    """A configuration variable is missing or malformed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    """Return a string variable, or ``default``; missing without default is an error."""
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ConfigError(f"{name} is required but not set")
        return default
    return value


def env_optional(name: str) -> str | None:
    """Return a string variable, or ``None`` when it is unset or empty."""
    value = os.environ.get(name, "").strip()
    return value or None


def env_bool(name: str, default: bool = False) -> bool:
    """Return a boolean variable (1/0, true/false, yes/no, on/off)."""
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return an integer variable, optionally bounded."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {number}")
    if maximum is not None and number > maximum:
        raise ConfigError(f"{name} must be at most {maximum}, got {number}")
    return number


def env_float(name: str, default: float) -> float:
    """Return a float variable."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {value!r}") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """Return a comma-separated list variable with blanks removed."""
    value = os.environ.get(name)
    if value is None:
        return list(default or [])
    return [part.strip() for part in value.split(",") if part.strip()]


_DB_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql", "postgis"}


def env_database(name: str, default: str) -> dict[str, Any]:
    """Parse a database URL into Django's ``DATABASES['default']`` mapping."""
    url = os.environ.get(name) or default
    scheme = urlparse(url).scheme
    if scheme not in _DB_SCHEMES:
        raise ConfigError(f"{name} must be a sqlite:/// or postgres:// URL, got {_redact(url)!r}")
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except (ValueError, KeyError) as exc:
        raise ConfigError(f"{name} is malformed: {_redact(url)!r}") from exc
    if scheme != "sqlite" and not config.get("NAME"):
        raise ConfigError(f"{name} must name a database, got {_redact(url)!r}")
    if scheme == "sqlite":
        config["CONN_MAX_AGE"] = 0
    return config


def postgres_options(*, connect_timeout: int, statement_timeout_ms: int) -> dict[str, Any]:
    """libpq options for every PostgreSQL connection the app opens."""
    return {
        "connect_timeout": connect_timeout,
        "options": f"-c statement_timeout={statement_timeout_ms} -c jit=off",
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 2,
        "tcp_user_timeout": connect_timeout * 1000,
    }


def database_settings(
    config: dict[str, Any], *, connect_timeout: int, statement_timeout_ms: int
) -> dict[str, Any]:
    """``config`` (one ``DATABASES`` entry) with the outage settings for PostgreSQL:
    connect and statement timeouts, keepalives, JIT off, and a health check of a reused
    connection before each request (so a restarted database costs no request)."""
    if "postgresql" not in config.get("ENGINE", ""):
        return config
    options = {
        **config.get("OPTIONS", {}),
        **postgres_options(
            connect_timeout=connect_timeout, statement_timeout_ms=statement_timeout_ms
        ),
    }
    return {**config, "CONN_HEALTH_CHECKS": True, "OPTIONS": options}


def env_redis_url(name: str) -> str | None:
    """Return a redis:// URL, ``None`` when unset; anything else is an error."""
    url = env_optional(name)
    if url is None:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in {"redis", "rediss"} or not parsed.hostname:
        raise ConfigError(f"{name} must be a redis://host:port/db URL, got {_redact(url)!r}")
    try:
        _ = parsed.port
    except ValueError:
        raise ConfigError(f"{name} has an invalid port: {_redact(url)!r}") from None
    return url


def _redact(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url
