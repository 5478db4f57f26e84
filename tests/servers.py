"""Run the app under gunicorn in a subprocess, as production does, for outage drills."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


def fetch(url: str, *, headers: dict[str, str] | None = None, timeout: float = 30) -> Reply:
    """GET ``url``; HTTP errors are replies too."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (local URLs)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body, status, raw = response.read(), response.status, response.headers
    except urllib.error.HTTPError as exc:
        body, status, raw = exc.read(), exc.code, exc.headers
    return Reply(status, {k.lower(): v for k, v in raw.items()}, body, time.monotonic() - started)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """Serve the app with one sync gunicorn worker; yields its base URL."""
    port = free_port()
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "windfall.settings.test", **env}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "windfall.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited: {log_path.read_text()[-2000:]}")
                with contextlib.suppress(OSError):
                    if fetch(f"{base}/healthz", timeout=2).status == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start: {log_path.read_text()[-2000:]}")
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never answers: a hung database."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError, OSError):
                held.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in held:
            conn.close()
        listener.close()
