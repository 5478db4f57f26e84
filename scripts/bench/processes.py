"""The gunicorn server under test, and the CPU time processes spend (from /proc)."""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scripts.bench.common import GUNICORN_WORKERS, quietly
from tests.servers import GunicornServer, child_pids

__all__ = ["CpuMeter", "child_pids", "cpu_seconds", "start_gunicorn"]


def start_gunicorn(
    env: dict[str, str], directory: Path, cleanup: contextlib.ExitStack
) -> GunicornServer:
    """gunicorn with ``GUNICORN_WORKERS`` sync workers on ``env``, once ``/readyz`` answers;
    ``cleanup`` stops it (warm shutdown, 30 s) unless it was stopped before."""
    server = GunicornServer(
        env=env,
        log_path=directory / "gunicorn.log",
        workers=GUNICORN_WORKERS,
        options=("--timeout", "60"),
        ready_path="/readyz",
        new_session=True,
    )
    cleanup.callback(quietly, "stop gunicorn", lambda: server.stop(timeout=30))
    return server.start(timeout=60)


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process (from /proc/<pid>/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            found[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return found


@dataclass
class CpuMeter:
    """CPU time the server spends: gunicorn workers, plus PostgreSQL backends of the
    scratch database (the same machine). Independent of other load, unlike wall time."""

    server_pids: Callable[[], list[int]]
    before: dict[int, float] = field(default_factory=dict)

    def start(self) -> None:
        self.before = cpu_seconds(self.server_pids())

    def per_request_ms(self, requests: int) -> float:
        after = cpu_seconds(self.server_pids())
        used = sum(value - self.before.get(pid, 0.0) for pid, value in after.items())
        return 1000 * used / requests if requests else math.nan
