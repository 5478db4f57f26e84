"""The scratch database (a temporary SQLite file or a PostgreSQL database) and Redis."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit


@dataclass
class ScratchDatabase:
    """A temporary SQLite file, or a scratch database on a PostgreSQL server."""

    server_url: str | None
    directory: Path
    name: str = field(default_factory=lambda: f"windfall_bench_{uuid.uuid4().hex[:8]}")
    created: bool = False

    @property
    def is_postgres(self) -> bool:
        return self.server_url is not None

    @property
    def url(self) -> str:
        if self.server_url is None:
            return f"sqlite:///{self.directory / 'bench.sqlite3'}"
        parts = urlsplit(self.server_url)
        return urlunsplit((parts.scheme, parts.netloc, f"/{self.name}", "", ""))

    def _admin(self) -> Any:
        import psycopg

        assert self.server_url is not None
        parts = urlsplit(self.server_url)
        admin = urlunsplit(("postgresql", parts.netloc, parts.path or "/postgres", "", ""))
        return psycopg.connect(admin, autocommit=True, connect_timeout=5)

    def create(self) -> None:
        if self.server_url is None:
            return
        if urlsplit(self.server_url).scheme not in {"postgres", "postgresql"}:
            raise SystemExit("--database-url must be a postgres:// URL")
        self.created = True  # from here on, drop() cleans up (DROP ... IF EXISTS)
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')

    def backend_pids(self) -> list[int]:
        """PostgreSQL server processes connected to the scratch database."""
        if self.server_url is None:
            return []
        with self._admin() as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.name]
            ).fetchall()
        return [int(row[0]) for row in rows]

    def drop(self) -> None:
        if self.server_url is None or not self.created:
            return
        from django.db import connections

        connections.close_all()
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.created = False


def redis_problem(url: str) -> str | None:
    """Why Redis at ``url`` cannot be used, or ``None`` when it answers a PING."""
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except Exception as exc:  # not installed, refused, timed out, auth...
        return f"Redis at {url} does not answer ({type(exc).__name__}: {exc})"
    return None


def redis_queues_delete(url: str, queues: list[str]) -> None:
    """Delete the benchmark's queues (and their kombu bindings) from Redis."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    bindings = [key for q in queues for key in client.scan_iter(match=f"_kombu.binding*.{q}")]
    client.delete(*queues, *bindings)
