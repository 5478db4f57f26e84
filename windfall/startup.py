"""Turn configuration errors into one clear line on stderr instead of a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import NoReturn

from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError

from windfall.env import ConfigError

EXIT_CONFIG = 78  # EX_CONFIG from sysexits.h


def fail(message: str) -> NoReturn:
    """Print a one-line configuration error and exit."""
    print(f"windfall: configuration error: {message}", file=sys.stderr)
    raise SystemExit(EXIT_CONFIG)


def run_checked[T](func: Callable[[], T]) -> T:
    """Call ``func``; report a configuration error in one line and exit."""
    try:
        return func()
    except (ConfigError, ImproperlyConfigured) as exc:
        fail(_first_line(exc))
    except OperationalError as exc:
        fail(f"database error (is DATABASE_URL right and the server up?): {_first_line(exc)}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
