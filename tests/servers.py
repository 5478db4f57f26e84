"""Run the app under gunicorn in a subprocess, as production does, for outage drills.

Plain code (no pytest, no Django): ``scripts/bench`` starts its gunicorn with
``GunicornServer`` too, and reads process trees with ``child_pids``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.client import HTTPException
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
TEST_SETTINGS = "windfall.settings.test"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def child_pids(pid: int) -> list[int]:
    """PIDs whose parent is ``pid`` (read from /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
    return children


def kill_tree(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL ``process`` and its children (a crash), and reap it."""
    for pid in [process.pid, *child_pids(process.pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


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


@dataclass
class GunicornServer:
    """``gunicorn windfall.wsgi:application`` (sync workers) on a free local port.

    ``env`` is the child's whole environment; ``start`` returns once ``ready_path``
    answers 200, and stops the server again if it does not.
    """

    env: dict[str, str]
    log_path: Path
    workers: int = 1
    options: tuple[str, ...] = ()  # more gunicorn options, e.g. ("--timeout", "60")
    ready_path: str = "/healthz"
    new_session: bool = False  # its own session: a Ctrl-C in the terminal does not reach it
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "gunicorn", "windfall.wsgi:application",
            "--bind", f"{HOST}:{self.port}", "--workers", str(self.workers),
            "--no-control-socket", *self.options,
        ]  # fmt: skip

    def log_tail(self, chars: int = 2000) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return text[-chars:]

    def start(self, timeout: float = 30) -> Self:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=self.new_session,
            )
        try:
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout: float = 30) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_tail()}")
            with contextlib.suppress(OSError, HTTPException):
                if fetch(f"{self.url}{self.ready_path}", timeout=2).status == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start: {self.log_tail()}")
            time.sleep(0.2)

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM (graceful); SIGKILL it and its workers if it does not exit in time."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_tree(self.process)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """Serve the app with one sync gunicorn worker on the test settings; yields its base URL."""
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": TEST_SETTINGS, **env}
    server = GunicornServer(env=full_env, log_path=log_path).start()
    try:
        yield server.url
    finally:
        server.stop()


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never answers: a hung database."""
    listener = socket.socket()
    listener.bind((HOST, 0))
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
