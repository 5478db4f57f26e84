"""Start real Celery worker (and beat) processes against Redis and the test database.

No pytest here: ``scripts/bench`` starts its workers with ``CeleryWorker`` too (after
``django.setup()``, since this module imports the Celery app).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

import kombu.exceptions
import redis
from django.db import connection

from tests.servers import ROOT, TEST_SETTINGS, child_pids, free_port, kill_tree
from windfall.celery import app as celery_app


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class CeleryProcess:
    """One ``celery`` subprocess on the test database, logging to ``log_dir``.

    ``env`` is the environment to start from; by default this process's, on the test
    settings and the test database. ``REDIS_URL``, ``CELERY_QUEUE`` and ``CELERY_EAGER=0``
    are set over it, then ``extra_env``.
    """

    redis_url: str
    queue: str
    log_dir: Path
    name: str = field(default_factory=lambda: f"test-{uuid.uuid4().hex[:8]}")
    process: subprocess.Popen[bytes] | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] | None = None
    new_session: bool = False  # its own session: a Ctrl-C in the terminal does not reach it
    ready_marker = "ready."

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.name}.log"

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self, timeout: float = 60, *, wait: bool = True) -> Self:
        """Start the process; with ``wait``, return once it is ready (else see ``wait_ready``)."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=self.new_session,
            )
        if wait:
            self.wait_ready(timeout)
        return self

    def environment(self) -> dict[str, str]:
        base = self.env
        if base is None:
            base = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": TEST_SETTINGS,
                "DATABASE_URL": database_url(),
            }
        return {
            **base,
            "REDIS_URL": self.redis_url,
            "CELERY_QUEUE": self.queue,
            "CELERY_EAGER": "0",
            **self.extra_env,
        }

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early; log:\n{self.log()}")
            if self.ready_marker in self.log():
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready in {timeout}s; log:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL the process and its children: a crash."""
        assert self.process is not None
        kill_tree(self.process)

    def stop(self, timeout: float = 30) -> None:
        """Warm shutdown; SIGKILL if it does not stop in time."""
        self.request_stop()
        self.wait_stopped(timeout)

    def request_stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def wait_stopped(self, timeout: float = 30) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class CeleryWorker(CeleryProcess):
    """One ``celery worker`` subprocess (main process plus one pool child)."""

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "celery", "-A", "windfall", "worker",
            "--loglevel=INFO", "--concurrency=1", "--pool=prefork",
            "--without-mingle", "--without-gossip",
            "-Q", self.queue, "-n", f"{self.name}@%h",
        ]  # fmt: skip

    def pool_pids(self) -> list[int]:
        return child_pids(self.pid)

    def kill_pool_child(self) -> None:
        """SIGKILL only the pool child (as the OOM killer would); the main process lives on."""
        (child,) = self.pool_pids()
        os.kill(child, signal.SIGKILL)


@dataclass
class CeleryBeat(CeleryProcess):
    """One ``celery beat`` subprocess: sends ``scoring.sweep`` every WINDFALL_SWEEP_SECONDS."""

    ready_marker = "beat: Starting..."

    def command(self) -> list[str]:
        schedule = self.log_dir / f"{self.name}-schedule"
        return [
            sys.executable, "-m", "celery", "-A", "windfall", "beat",
            "--loglevel=INFO", f"--schedule={schedule}",
        ]  # fmt: skip


class WorkerPool:
    """Starts workers (and beat) on demand and stops them all at teardown.

    The test process sends its tasks to ``redis_url`` too, on a queue of its own.
    """

    def __init__(self, *, redis_url: str, log_dir: Path) -> None:
        self.redis_url = redis_url
        self.log_dir = log_dir
        self.queue = f"windfall-test-{uuid.uuid4().hex[:8]}"
        self.workers: list[CeleryProcess] = []
        conf = celery_app.conf
        self._saved = (conf.task_always_eager, conf.task_default_queue, conf.broker_url)
        conf.task_always_eager = False
        conf.task_default_queue = self.queue
        _use_broker(redis_url)

    def start(self, *, wait: bool = True, **extra_env: str) -> CeleryWorker:
        worker = CeleryWorker(
            redis_url=self.redis_url, queue=self.queue, log_dir=self.log_dir, extra_env=extra_env
        )
        self.workers.append(worker)
        return worker.start(wait=wait)

    def start_beat(self, *, wait: bool = True, **extra_env: str) -> CeleryBeat:
        beat = CeleryBeat(
            redis_url=self.redis_url, queue=self.queue, log_dir=self.log_dir, extra_env=extra_env
        )
        self.workers.append(beat)
        return beat.start(wait=wait)

    def logs(self) -> str:
        return "".join(worker.log() for worker in self.workers)

    def close(self) -> None:
        for worker in self.workers:  # warm shutdowns, in parallel
            worker.request_stop()
        for worker in self.workers:
            worker.wait_stopped()
        broker_down = (kombu.exceptions.OperationalError, redis.RedisError)
        with contextlib.suppress(*broker_down), celery_app.connection_for_write() as conn:
            conn.default_channel.queue_purge(self.queue)
        conf = celery_app.conf
        conf.task_always_eager, conf.task_default_queue, broker_url = self._saved
        _use_broker(broker_url)


def _use_broker(url: str) -> None:
    """Point the test process's Celery app at ``url`` (its connection pools are per URL)."""
    if celery_app.conf.broker_url != url:
        celery_app.conf.broker_url = url
        celery_app._pool = None  # the cached pools hold connections to the old URL
        celery_app.amqp._producer_pool = None


@dataclass
class RedisServer:
    """A private ``redis-server`` the test may stop and start again (an outage)."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> RedisServer:
        command = [
            "redis-server", "--bind", "127.0.0.1", "--port", str(self.port),
            "--save", "", "--appendonly", "no", "--dir", str(self.directory),
        ]  # fmt: skip
        log = (self.directory / f"redis-{self.port}.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=log)
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        wait_until(lambda: _answers(client), timeout=timeout, what=f"redis on port {self.port}")
        return self

    def stop(self) -> None:
        """Stop the server; it keeps nothing (no persistence), as in Compose."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def wait_until(condition, *, timeout: float = 60, interval: float = 0.25, what: str = "condition"):
    """Poll ``condition`` until it returns a truthy value; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
