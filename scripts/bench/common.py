"""What every part of the benchmark shares: paths, progress messages, cleanup steps."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
HOST = "127.0.0.1"
SETTINGS_MODULE = "windfall.settings.production"
SMALL_LINES, LARGE_LINES = 10, 60
GUNICORN_WORKERS = 2
OK_STATUSES = {200, 286}  # 286: htmx "stop polling" (the score panel once scores are in)


def say(message: str) -> None:
    """Progress on stderr, so stdout holds only the results."""
    print(f"[bench_web] {message}", file=sys.stderr, flush=True)


def quietly(what: str, action: Callable[[], object]) -> None:
    """Run a cleanup step; report a failure instead of raising it."""
    try:
        action()
    except Exception as exc:  # cleanup must go on with the other steps
        say(f"cleanup: {what} failed: {exc}")
