"""Benchmark the web tier and the Celery workers (``scripts/bench_web.py``).

Run from the project root: ``.venv/bin/python scripts/bench_web.py [--quick]``.

It builds a throwaway database (a temporary SQLite file by default, or a scratch
PostgreSQL database with ``--database-url``), loads the catalog and the reference
templates, and creates an analyst with N drafts of 10 to 60 lines, scored in-process.
Then it:

1. counts SQL queries per request in-process (``django.test.Client``), for a 10-line
   and a 60-line draft, and for 2 and N drafts on list pages;
2. serves the app with gunicorn (2 sync workers, production settings over plain http)
   and measures req/s, p50 and p99 of six read endpoints with wrk, or, when wrk is not
   installed, with a small thread-based Python load generator (it says which);
3. times sequential, version-checked PATCHes of one line through the API;
4. with PostgreSQL and a reachable Redis, times 1 and then 2 real Celery workers
   scoring K runs (skipped otherwise, with the reason).

Everything it starts or creates (processes, temporary files, the scratch database,
its Redis queues) is removed at the end, also on failure or Ctrl-C. Figures are
recorded in docs/performance.md ("Web and workers").
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import http.client
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SETTINGS_MODULE = "windfall.settings.production"
SMALL_LINES, LARGE_LINES = 10, 60
GUNICORN_WORKERS = 2
OK_STATUSES = {200, 286}  # 286: htmx "stop polling" (the score panel once scores are in)


# --- Options ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """What to run, with ``--quick`` defaults applied."""

    quick: bool
    database_url: str | None
    redis_url: str
    drafts: int
    duration: float
    warmup: float
    rounds: int
    connections: int
    writes: int
    runs: int
    load_generator: str


def parse_args(argv: list[str] | None = None) -> Options:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        description="Benchmark the web tier (gunicorn) and the Celery workers.",
    )
    parser.add_argument("--quick", action="store_true", help="short smoke run")
    parser.add_argument(
        "--database-url",
        help="postgres://user@host:port/db: the server to use; a scratch database "
        "windfall_bench_<random> is created there and dropped at the end (the named database "
        "is only used to connect). Default: a temporary SQLite file.",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--drafts", type=int, help="drafts to create (default 30; quick 10)")
    parser.add_argument(
        "--duration", type=float, help="seconds per endpoint and round (default 5; quick 2)"
    )
    parser.add_argument("--warmup", type=float, help="seconds per endpoint (default 2; quick 1)")
    parser.add_argument("--rounds", type=int, help="rounds over all endpoints (default 3; quick 1)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--writes", type=int, help="PATCHes per draft (default 200; quick 20)")
    parser.add_argument(
        "--runs",
        type=int,
        help="score runs per worker batch, over the drafts (default 60; quick 10)",
    )
    parser.add_argument(
        "--load-generator",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="auto: wrk when installed, else the Python fallback",
    )
    args = parser.parse_args(argv)
    quick = bool(args.quick)
    drafts = max(3, args.drafts or (10 if quick else 30))
    return Options(
        quick=quick,
        database_url=args.database_url,
        redis_url=args.redis_url,
        drafts=drafts,
        duration=args.duration or (2.0 if quick else 5.0),
        warmup=args.warmup if args.warmup is not None else (1.0 if quick else 2.0),
        rounds=max(1, args.rounds or (1 if quick else 3)),
        connections=max(1, args.connections),
        writes=max(1, args.writes or (20 if quick else 200)),
        runs=max(1, args.runs or (10 if quick else 60)),
        load_generator=args.load_generator,
    )


# --- Small helpers ----------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile (``nan`` when empty)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def free_port() -> int:
    """A TCP port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def say(message: str) -> None:
    """Progress on stderr, so stdout holds only the results."""
    print(f"[bench_web] {message}", file=sys.stderr, flush=True)


def quietly(what: str, action: Callable[[], object]) -> None:
    """Run a cleanup step; report a failure instead of raising it."""
    try:
        action()
    except Exception as exc:  # cleanup must go on with the other steps
        say(f"cleanup: {what} failed: {exc}")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """An aligned Markdown table."""
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


# --- HTTP -------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def fetch(
    port: int,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    conn: http.client.HTTPConnection | None = None,
) -> Reply:
    """One HTTP request to the local server."""
    own = conn is None
    connection = conn or http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        if own:
            connection.close()


def sign_in(port: int, username: str, password: str) -> str:
    """Sign in through the form (with its CSRF token); return the Cookie header."""
    jar: SimpleCookie = SimpleCookie()
    page = fetch(port, "GET", "/accounts/sign-in/")
    for value in page.headers.get_all("Set-Cookie") or []:
        jar.load(value)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if page.status != 200 or match is None or "csrftoken" not in jar:
        raise RuntimeError(f"sign-in page: status {page.status}, no CSRF token found")
    form = urlencode(
        {"csrfmiddlewaretoken": match.group(1).decode(), "username": username, "password": password}
    )
    cookie = "; ".join(f"{k}={m.value}" for k, m in jar.items())
    reply = fetch(
        port,
        "POST",
        "/accounts/sign-in/",
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        body=form.encode(),
    )
    for value in reply.headers.get_all("Set-Cookie") or []:
        jar.load(value)
    if reply.status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"sign-in failed: status {reply.status}")
    return "; ".join(f"{k}={m.value}" for k, m in jar.items())


# --- Load generation --------------------------------------------------------------------


@dataclass
class LoadResult:
    """Requests completed (2xx), failures, wall time and latency percentiles."""

    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float = math.nan  # server CPU time per request (gunicorn workers + database)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def python_load(
    port: int, path: str, headers: dict[str, str], seconds: float, connections: int
) -> LoadResult:
    """Closed-loop load: ``connections`` threads, each sending requests back to back."""
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while (start := time.perf_counter()) < deadline:
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = 200 <= response.status < 300
            except (OSError, http.client.HTTPException):
                conn.close()  # reconnects on the next request
                ok = False
            if ok:
                latencies[index].append((time.perf_counter() - start) * 1000)
            else:
                errors[index] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(connections)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    merged = [value for chunk in latencies for value in chunk]
    return LoadResult(
        len(merged), sum(errors), elapsed, percentile(merged, 50), percentile(merged, 99)
    )


_WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _wrk_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * _WRK_UNITS[match.group(2)]


def wrk_load(
    port: int, path: str, headers: dict[str, str], seconds: float, connections: int
) -> LoadResult:
    """Run wrk (2 threads) and parse its report."""
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "--latency",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{HOST}:{port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    done = re.search(r"(\d+) requests in ([\d.]+\w+)", output)
    p50 = re.search(r"^\s*50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s*99%\s+(\S+)", output, re.MULTILINE)
    if done is None or p50 is None or p99 is None:
        raise RuntimeError(f"could not parse wrk output:\n{output}")
    errors = 0
    if bad := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(bad.group(1))
    if socket_errors := re.search(r"Socket errors: (.*)", output):
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    total = int(done.group(1))
    return LoadResult(
        total - errors,
        errors,
        _wrk_ms(done.group(2)) / 1000,
        _wrk_ms(p50.group(1)),
        _wrk_ms(p99.group(1)),
    )


# --- Processes --------------------------------------------------------------------------


@dataclass
class Service:
    """A child process in its own session, stopped gracefully (then killed) at the end."""

    name: str
    command: list[str]
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> Service:
        with self.log_path.open("ab") as log:
            self.popen = subprocess.Popen(  # noqa: S603
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM (warm shutdown); SIGKILL its process group if it does not exit in time."""
        if self.popen is None or self.popen.poll() is not None:
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            say(f"{self.name} did not stop in {timeout:.0f} s; killing its process group")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str, service: Service) -> None:
    """Poll ``condition`` until true; fail with the service log if it dies or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not service.alive():
            raise RuntimeError(f"{service.name} exited early; log:\n{service.log_tail()}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if condition():
                return
        time.sleep(0.2)
    raise RuntimeError(f"{what} not ready in {timeout:.0f} s; log:\n{service.log_tail()}")


def child_pids(pid: int) -> list[int]:
    """PIDs whose parent is ``pid`` (read from /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
    return children


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


# --- Databases ---------------------------------------------------------------------------


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


# --- Fixture ----------------------------------------------------------------------------


@dataclass
class Fixture:
    """The benchmark analyst, its token and drafts."""

    username: str
    password: str
    user: Any
    token: str
    small_id: int
    large_id: int
    agreement_ids: list[int]
    list_queries_two: dict[str, int]
    setup_seconds: float


def _grown(document: dict[str, Any], size: int, title: str) -> dict[str, Any]:
    """``document`` with ``size`` lines: its own lines, repeated under new keys."""
    grown = copy.deepcopy(document)
    base = document["lines"]
    lines = []
    for n in range(size):
        row = copy.deepcopy(base[n % len(base)])
        if n >= len(base):
            row["key"] = f"bench-{n}"
            row["magnitude"] = round(0.2 + 0.6 * ((n * 37) % 100) / 100, 2)
        lines.append(row)
    grown["lines"] = lines
    grown["title"] = title
    return grown


def build_fixture(options: Options, client_factory: Callable[[], Any]) -> Fixture:
    """Migrate, load data, create the analyst and N drafts (scored in-process, eagerly)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from accounts.models import Role
    from accounts.services import membership_set, team_create
    from agreements.models import ReferenceTemplate
    from agreements.services import agreement_import, templates_load
    from catalog.services import catalog_load
    from scoring.models import RunStatus, ScoreRun
    from tests.factories import draft_document

    began = time.perf_counter()
    say("migrating and collecting static files")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    catalog_load()
    templates_load()
    username, password = "bench-analyst", secrets.token_urlsafe(16)
    user = get_user_model().objects.create_user(username, password=password)
    team = team_create(name="Benchmark team")
    membership_set(team=team, user=user, role=Role.ANALYST)
    token = Token.objects.create(user=user).key

    say(f"creating and scoring {options.drafts} drafts")
    small = agreement_import(
        team=team,
        author=user,
        document=draft_document(title=f"Bench {SMALL_LINES} lines", lines=SMALL_LINES),
    )
    large = agreement_import(
        team=team,
        author=user,
        document=draft_document(title=f"Bench {LARGE_LINES} lines", lines=LARGE_LINES),
    )
    client = client_factory()
    client.force_login(user)
    list_queries_two = list_query_counts(client, token)
    templates = list(ReferenceTemplate.objects.order_by("position"))
    ids = [small.pk, large.pk]
    rest = options.drafts - 2
    for i in range(rest):
        size = SMALL_LINES + round((LARGE_LINES - SMALL_LINES) * i / max(1, rest - 1))
        template = templates[i % len(templates)]
        document = _grown(template.document, size, f"{template.title} ({size} lines)")
        ids.append(agreement_import(team=team, author=user, document=document).pk)
    scored = ScoreRun.objects.filter(agreement_id__in=ids, status=RunStatus.DONE).count()
    if scored != len(ids):
        raise RuntimeError(f"only {scored} of {len(ids)} drafts were scored")
    return Fixture(
        username=username,
        password=password,
        user=user,
        token=token,
        small_id=small.pk,
        large_id=large.pk,
        agreement_ids=ids,
        list_queries_two=list_queries_two,
        setup_seconds=time.perf_counter() - began,
    )


# --- Query counts (in-process) ------------------------------------------------------------


def _count(call: Callable[[], Any]) -> int:
    """Queries made by ``call`` (after one warm-up call), checking it answered 200."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()
    with CaptureQueriesContext(connection) as captured:
        response = call()
    if response.status_code not in OK_STATUSES:
        raise RuntimeError(f"in-process request answered {response.status_code}")
    return len(captured.captured_queries)


def list_query_counts(client: Any, token: str) -> dict[str, int]:
    """Queries of the pages whose size grows with the number of drafts."""
    api = {"authorization": f"Token {token}"}
    return {
        "dashboard": _count(lambda: client.get("/")),
        "api-list": _count(lambda: client.get("/api/v1/agreements/", headers=api)),
    }


def read_query_counts(client: Any, fixture: Fixture) -> dict[str, tuple[int, int]]:
    """Queries per read request: (10-line draft, 60-line draft), or (2 drafts, N drafts)."""
    api = {"authorization": f"Token {fixture.token}"}
    hx = {"hx-request": "true"}
    many = list_query_counts(client, fixture.token)
    counts: dict[str, tuple[int, int]] = {
        name: (fixture.list_queries_two[name], many[name]) for name in many
    }
    catalog = _count(lambda: client.get("/api/v1/catalog/items/", headers=api))
    counts["catalog"] = (catalog, catalog)
    for name, path, headers in (
        ("builder", "/drafts/{}/", {}),
        ("panel", "/drafts/{}/score/", hx),
        ("api-detail", "/api/v1/agreements/{}/", api),
    ):
        urls = [path.format(pk) for pk in (fixture.small_id, fixture.large_id)]
        small, large = (_count(lambda u=u, h=headers: client.get(u, headers=h)) for u in urls)
        counts[name] = (small, large)
    return counts


def patch_query_counts(client: Any, fixture: Fixture) -> tuple[int, int]:
    """Queries of a version-checked line PATCH (10-line, 60-line draft); tasks not eager."""
    from agreements.models import Agreement

    api = {"authorization": f"Token {fixture.token}"}
    result = []
    for pk in (fixture.small_id, fixture.large_id):
        magnitude = iter([0.31, 0.32])

        def patch(pk: int = pk, magnitude: Any = magnitude) -> Any:
            version = Agreement.objects.get(pk=pk).version
            return client.patch(
                f"/api/v1/agreements/{pk}/lines/l1/",
                data=json.dumps({"magnitude": next(magnitude), "version": version}),
                content_type="application/json",
                headers=api,
            )

        # The version lookup is the benchmark's own query, not the request's.
        result.append(_count(patch) - 1)
    return result[0], result[1]


# --- Measurements over HTTP ---------------------------------------------------------------


@dataclass
class Endpoint:
    key: str
    label: str
    path: str
    headers: dict[str, str]


@dataclass
class EndpointResult:
    endpoint: Endpoint
    rounds: list[LoadResult]
    single: list[LoadResult]
    size_kb: float


def drain(port: int) -> None:
    """Let gunicorn finish what a load run left queued (it serves requests whose client
    has gone), so the next measurement does not start behind them."""
    fetch(port, "GET", "/healthz")  # answered once every queued connection was accepted
    time.sleep(1.0)  # the last accepted requests finish


def measure_reads(
    options: Options,
    port: int,
    endpoints: list[Endpoint],
    load: Callable[..., LoadResult],
    meter: CpuMeter,
) -> list[EndpointResult]:
    """Warm every endpoint up, then measure them in turn, ``rounds`` times: with
    ``connections`` concurrent clients, then with one sequential client."""
    results = {}
    for endpoint in endpoints:
        reply = fetch(port, "GET", endpoint.path, headers=endpoint.headers)
        if reply.status not in OK_STATUSES:
            raise RuntimeError(f"GET {endpoint.path} answered {reply.status}")
        results[endpoint.key] = EndpointResult(endpoint, [], [], len(reply.body) / 1024)
        say(f"warm-up {endpoint.path}")
        load(port, endpoint.path, endpoint.headers, options.warmup, options.connections)
        drain(port)
    for number in range(1, options.rounds + 1):
        for endpoint in endpoints:
            say(f"round {number}/{options.rounds}: {endpoint.path}")
            result = results[endpoint.key]
            args = (port, endpoint.path, endpoint.headers)
            result.rounds.append(load(*args, options.duration, options.connections))
            drain(port)
            # One sequential client: latency without queueing, and CPU per request
            # (every request counted has completed, none is left in flight).
            meter.start()
            single = python_load(*args, options.duration / 2, 1)
            single.cpu_ms = meter.per_request_ms(single.requests + single.errors)
            result.single.append(single)
    return list(results.values())


def measure_writes(
    port: int, token: str, agreement_id: int, count: int, meter: CpuMeter
) -> LoadResult:
    """``count`` sequential PATCHes of line l1, each naming the version it edits."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    detail = fetch(port, "GET", f"/api/v1/agreements/{agreement_id}/", headers=headers, conn=conn)
    version = int(detail.json()["version"])
    path = f"/api/v1/agreements/{agreement_id}/lines/l1/"
    latencies = []
    warmup = 3
    began = time.perf_counter()
    for n in range(warmup + count):
        if n == warmup:
            meter.start()
            began = time.perf_counter()
        body = json.dumps({"magnitude": 0.4 if n % 2 else 0.6, "version": version}).encode()
        start = time.perf_counter()
        reply = fetch(port, "PATCH", path, headers=headers, body=body, conn=conn)
        if reply.status != 200:
            raise RuntimeError(f"PATCH {path} answered {reply.status}: {reply.body[:300]!r}")
        if n >= warmup:
            latencies.append((time.perf_counter() - start) * 1000)
        version = int(reply.json()["agreement_version"])
    elapsed = time.perf_counter() - began
    cpu_ms = meter.per_request_ms(count)
    conn.close()
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    return LoadResult(count, 0, elapsed, p50, p99, cpu_ms)


# --- Workers ------------------------------------------------------------------------------


@dataclass
class WorkerBatch:
    workers: int
    runs: int
    failed: int
    seconds: float
    mean_ms: float
    p50_ms: float
    max_ms: float

    @property
    def rate(self) -> float:
        return self.runs / self.seconds

    @property
    def busy(self) -> float:
        """Share of worker time spent inside runs (ScoreRun.duration_ms)."""
        return self.mean_ms * self.runs / 1000 / (self.seconds * self.workers)


def score_batch(agreement_ids: list[int], workers: int, timeout: float = 600) -> WorkerBatch:
    """Request a run for each id (a draft may come again; sent to the workers' queue) and
    wait until all of them are finished."""
    from agreements.models import Agreement
    from scoring.models import RunReason, RunStatus, ScoreRun
    from scoring.services import score_run_request_latest

    agreements = Agreement.objects.in_bulk(agreement_ids)
    began = time.perf_counter()
    run_ids = []
    for pk in agreement_ids:
        agreement = agreements[pk]
        run = score_run_request_latest(agreement=agreement, reason=RunReason.REQUESTED)
        if run is None:
            raise RuntimeError(f"draft {agreement.pk} cannot be scored")
        run_ids.append(run.pk)
    finished = (RunStatus.DONE, RunStatus.FAILED)
    deadline = time.monotonic() + timeout
    while ScoreRun.objects.filter(pk__in=run_ids, status__in=finished).count() < len(run_ids):
        if time.monotonic() > deadline:
            raise RuntimeError(f"score runs not finished after {timeout:.0f} s")
        time.sleep(0.05)
    elapsed = time.perf_counter() - began
    runs = list(ScoreRun.objects.filter(pk__in=run_ids).values("status", "duration_ms"))
    durations = [float(r["duration_ms"]) for r in runs if r["status"] == RunStatus.DONE]
    return WorkerBatch(
        workers=workers,
        runs=len(runs),
        failed=sum(r["status"] != RunStatus.DONE for r in runs),
        seconds=elapsed,
        mean_ms=statistics.fmean(durations) if durations else math.nan,
        p50_ms=percentile(durations, 50),
        max_ms=max(durations, default=math.nan),
    )


def start_worker(
    env: dict[str, str], queue: str, directory: Path, number: int, cleanup: contextlib.ExitStack
) -> Service:
    """One ``celery worker --concurrency=1`` on the benchmark queue, once it is ready."""
    name = f"bench{number}-{uuid.uuid4().hex[:6]}"
    command = [
        sys.executable, "-m", "celery", "-A", "windfall", "worker",
        "--loglevel=INFO", "--concurrency=1", "--pool=prefork",
        "--without-mingle", "--without-gossip", "-Q", queue, "-n", f"{name}@%h",
    ]  # fmt: skip
    worker = Service(f"celery worker {number}", command, env, directory / f"{name}.log").start()
    cleanup.callback(quietly, f"stop {worker.name}", worker.stop)
    wait_for(
        lambda: "ready." in worker.log_path.read_text(errors="replace"),
        timeout=60,
        what=worker.name,
        service=worker,
    )
    return worker


# --- Report -----------------------------------------------------------------------------


def _fmt(value: float, digits: int = 1) -> str:
    return "-" if math.isnan(value) else f"{value:,.{digits}f}"


def report_reads(results: list[EndpointResult], queries: dict[str, tuple[int, int]]) -> str:
    rows = []
    for result in results:
        rates = [r.rate for r in result.rounds]
        spread = f"{min(rates):,.0f} - {max(rates):,.0f}" if len(rates) > 1 else "-"
        small, large = queries[result.endpoint.key]
        rows.append(
            [
                result.endpoint.label,
                f"{statistics.median(rates):,.0f}",
                spread,
                _fmt(statistics.median(r.p50_ms for r in result.rounds)),
                _fmt(statistics.median(r.p99_ms for r in result.rounds)),
                _fmt(statistics.median(r.p50_ms for r in result.single)),
                _fmt(statistics.median(r.cpu_ms for r in result.single)),
                f"{small} / {large}",
                f"{result.size_kb:,.0f}",
                str(sum(r.errors for r in [*result.rounds, *result.single])),
            ]
        )
    header = ["request", "req/s", "range", "p50 ms", "p99 ms", "1-conn p50", "CPU ms/req"]
    header += ["queries", "KB"]
    header.append("errors")
    return markdown_table(header, rows)


def report_writes(writes: dict[str, LoadResult], queries: tuple[int, int]) -> str:
    rows = [
        [
            label,
            str(r.requests),
            f"{r.rate:,.1f}",
            *map(_fmt, (r.p50_ms, r.p99_ms, r.cpu_ms)),
            str(q),
        ]
        for (label, r), q in zip(writes.items(), queries, strict=True)
    ]
    header = ["request", "n", "req/s", "p50 ms", "p99 ms", "CPU ms/req", "queries"]
    return markdown_table(header, rows)


def report_workers(batches: list[WorkerBatch]) -> str:
    rows = [
        [
            str(b.workers),
            str(b.runs),
            str(b.failed),
            f"{b.seconds:,.2f}",
            f"{b.rate:,.2f}",
            _fmt(b.mean_ms, 0),
            _fmt(b.p50_ms, 0),
            _fmt(b.max_ms, 0),
            f"{100 * b.busy:.0f} %",
        ]
        for b in batches
    ]
    header = ["workers", "runs", "failed", "wall s", "runs/s", "mean ms", "p50 ms", "max ms"]
    return markdown_table([*header, "busy"], rows)


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}"


def code_version() -> str:
    """The commit measured, and whether tracked files differ from it (read-only git)."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}  # never refresh (write) the index

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        command = ["git", *args]
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603

    try:
        commit = git("rev-parse", "--short", "HEAD")
        changed = git("diff", "--quiet", "HEAD", "--").returncode
    except OSError:
        return "unknown (git not found)"
    if commit.returncode:
        return "unknown (not a git checkout)"
    return f"commit {commit.stdout.strip()}" + (" with uncommitted changes" if changed else "")


def versions() -> str:
    names = ("django", "djangorestframework", "gunicorn", "celery", "psycopg", "whitenoise")
    found = []
    for name in names:
        with contextlib.suppress(metadata.PackageNotFoundError):
            found.append(f"{name} {metadata.version(name)}")
    return f"Python {platform.python_version()}, " + ", ".join(found)


# --- Main ---------------------------------------------------------------------------------


def choose_load_generator(wanted: str) -> tuple[str, Callable[..., LoadResult]]:
    wrk = shutil.which("wrk")
    if wanted == "wrk" and wrk is None:
        raise SystemExit("--load-generator wrk: wrk is not installed")
    if wrk is not None and wanted != "python":
        version = subprocess.run(  # noqa: S603
            [wrk, "-v"], capture_output=True, text=True, check=False
        ).stdout.split()
        label = " ".join(version[:2]) if version else "wrk"
        return f"{label} (2 threads)", wrk_load
    return "Python fallback (threads + http.client)", python_load


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    generator_label, load = choose_load_generator(options.load_generator)
    with contextlib.ExitStack() as cleanup:
        directory = Path(tempfile.mkdtemp(prefix="windfall-bench-"))
        cleanup.callback(quietly, "temporary files", lambda: shutil.rmtree(directory))
        return run(options, directory, cleanup, generator_label, load)
    return 1  # not reached (ExitStack does not swallow exceptions)


def run(
    options: Options,
    directory: Path,
    cleanup: contextlib.ExitStack,
    generator_label: str,
    load: Callable[..., LoadResult],
) -> int:
    """Every phase; ``cleanup`` undoes each step, in reverse order, whatever happens."""
    load_at_start = os.getloadavg()[0]
    database = ScratchDatabase(options.database_url, directory)
    cleanup.callback(quietly, f"drop database {database.name}", database.drop)
    database.create()

    redis_missing = redis_problem(options.redis_url)
    web_queue = f"windfall-bench-web-{uuid.uuid4().hex[:8]}"
    worker_queue = f"windfall-bench-{uuid.uuid4().hex[:8]}"
    if redis_missing is None:
        cleanup.callback(
            quietly,
            "delete Redis queues",
            lambda: redis_queues_delete(options.redis_url, [web_queue, worker_queue]),
        )
        broker = f"Redis ({options.redis_url}, queue {web_queue}; nothing consumes it)"
    else:
        broker = "in-process memory broker (no Redis; the tasks are never run)"

    (directory / "static").mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
        "STATIC_ROOT": str(directory / "static"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DATABASE_URL": database.url,
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "CELERY_EAGER": "0",  # the web tier enqueues; it does not score in the request
        "CELERY_QUEUE": web_queue,
    }
    env.pop("REDIS_URL", None)
    if redis_missing is None:
        env["REDIS_URL"] = options.redis_url

    # This process: the same settings, but setup scores in-process (eager).
    os.environ.update({**env, "CELERY_EAGER": "1", "LOG_LEVEL": "WARNING"})
    sys.path[:0] = [str(ROOT)]
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from windfall.celery import app as celery_app

    def client_factory() -> Any:
        return Client(headers={"host": HOST})

    fixture = build_fixture(options, client_factory)
    say(f"setup took {fixture.setup_seconds:.1f} s")
    page_client = client_factory()
    page_client.force_login(fixture.user)
    read_queries = read_query_counts(page_client, fixture)
    database_label = f"{connection.vendor} {connection.Database.__name__}"
    if connection.vendor == "postgresql":
        database_label = (
            f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
        )
    elif connection.vendor == "sqlite":
        database_label = f"SQLite {connection.Database.sqlite_version}"
    connection.close()

    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "windfall.wsgi:application",
        "--workers", str(GUNICORN_WORKERS), "--bind", f"{HOST}:{port}",
        "--no-control-socket", "--timeout", "60",
    ]  # fmt: skip
    gunicorn = Service(
        "gunicorn",
        command,
        env,
        directory / "gunicorn.log",
    ).start()
    cleanup.callback(quietly, "stop gunicorn", gunicorn.stop)
    wait_for(
        lambda: fetch(port, "GET", "/readyz").status == 200,
        timeout=60,
        what="gunicorn",
        service=gunicorn,
    )
    cookie = sign_in(port, fixture.username, fixture.password)
    page = {"Cookie": cookie}
    api = {"Authorization": f"Token {fixture.token}"}
    large = fixture.large_id
    endpoints = [
        Endpoint("dashboard", f"GET / (dashboard, {options.drafts} drafts)", "/", page),
        Endpoint("builder", f"GET /drafts/{large}/ (builder, 60 lines)", f"/drafts/{large}/", page),
        Endpoint(
            "panel",
            f"GET /drafts/{large}/score/ (score panel, htmx)",
            f"/drafts/{large}/score/",
            {**page, "HX-Request": "true"},
        ),
        Endpoint("api-list", "GET /api/v1/agreements/", "/api/v1/agreements/", api),
        Endpoint(
            "api-detail",
            f"GET /api/v1/agreements/{large}/ (60 lines)",
            f"/api/v1/agreements/{large}/",
            api,
        ),
        Endpoint("catalog", "GET /api/v1/catalog/items/", "/api/v1/catalog/items/", api),
    ]
    assert gunicorn.popen is not None
    master = gunicorn.popen.pid
    meter = CpuMeter(lambda: [*child_pids(master), *database.backend_pids()])
    reads = measure_reads(options, port, endpoints, load, meter)

    writes = {}
    for label, pk in (("10 lines", fixture.small_id), ("60 lines", fixture.large_id)):
        say(f"{options.writes} sequential PATCHes ({label})")
        writes[f"PATCH line ({label})"] = measure_writes(
            port, fixture.token, pk, options.writes, meter
        )
    celery_app.conf.task_always_eager = False  # count the request's queries, not the scoring
    patch_queries = patch_query_counts(client_factory(), fixture)
    gunicorn.stop()

    batches: list[WorkerBatch] = []
    skipped = None
    if not database.is_postgres:
        skipped = "the database is SQLite; worker processes need PostgreSQL (--database-url)"
    elif redis_missing is not None:
        skipped = redis_missing
    else:
        from scoring.models import RunStatus, ScoreRun

        # The PATCHes left queued runs nobody will take; retire them before timing workers.
        ScoreRun.objects.filter(status=RunStatus.QUEUED).update(status=RunStatus.SUPERSEDED)
        celery_app.conf.task_default_queue = worker_queue
        worker_env = {**env, "CELERY_QUEUE": worker_queue}
        drafts = fixture.agreement_ids
        ids = [drafts[n % len(drafts)] for n in range(options.runs)]
        workers: list[Service] = []
        for count in (1, 2):
            while len(workers) < count:
                say(f"starting celery worker {len(workers) + 1}")
                number = len(workers) + 1
                workers.append(start_worker(worker_env, worker_queue, directory, number, cleanup))
            say(f"{len(ids)} score runs with {count} worker(s)")
            batches.append(score_batch(ids, count))

    print_report(
        options=options,
        fixture=fixture,
        generator=generator_label,
        database=database_label,
        broker=broker,
        reads=reads,
        read_queries=read_queries,
        writes=writes,
        patch_queries=patch_queries,
        batches=batches,
        skipped=skipped,
        load_average=(load_at_start, os.getloadavg()[0]),
    )
    return 0


def print_report(
    *,
    options: Options,
    fixture: Fixture,
    generator: str,
    database: str,
    broker: str,
    reads: list[EndpointResult],
    read_queries: dict[str, tuple[int, int]],
    writes: dict[str, LoadResult],
    patch_queries: tuple[int, int],
    batches: list[WorkerBatch],
    skipped: str | None,
    load_average: tuple[float, float],
) -> None:
    from django.conf import settings

    command = " ".join([".venv/bin/python scripts/bench_web.py", *sys.argv[1:]])
    print(f"# Windfall web and worker benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"command:   {command}")
    print(
        f"machine:   {machine()}; 1-min load average {load_average[0]:.1f} at start, "
        f"{load_average[1]:.1f} at end"
    )
    print(f"software:  {versions()}")
    print(f"code:      {code_version()}")
    print(f"database:  {database}; {options.drafts} drafts of 10-60 lines")
    print(
        f"web:       gunicorn, {GUNICORN_WORKERS} sync workers, production settings over http "
        "(DEBUG off, manifest static files, no access log)"
    )
    print(
        f"load:      {generator}, {options.connections} connections, "
        f"{options.warmup:g} s warm-up, {options.rounds} round(s) x {options.duration:g} s, "
        f"each followed by {options.duration / 2:g} s of one sequential Python client "
        "(1-conn p50, CPU ms/req)"
    )
    print(f"writes:    tasks sent to {broker}")
    print()
    print("## Reads (req/s: median over rounds; range: lowest - highest round)")
    print()
    print(report_reads(reads, read_queries))
    print()
    print(
        "queries: SQL queries per request, counted in-process; for the builder, score panel and "
        f"API detail: {SMALL_LINES}-line / {LARGE_LINES}-line draft; for the dashboard and API "
        f"list: 2 drafts / {options.drafts} drafts. KB: response body size. 1-conn p50: "
        "latency with a single client (no queueing). CPU ms/req: CPU time of the gunicorn "
        "workers (and PostgreSQL backends) per request of that client, from /proc; unlike "
        "req/s it hardly depends on what else the machine runs."
    )
    print()
    print(f"## Writes ({options.writes} sequential version-checked PATCHes, 1 connection)")
    print()
    print(report_writes(writes, patch_queries))
    print()
    print("## Workers (celery, --concurrency=1 each, score runs of "
          f"{settings.WINDFALL_SCORE_SAMPLES:,} samples)")  # fmt: skip
    print()
    if skipped:
        print(f"skipped: {skipped}")
    else:
        print(report_workers(batches))
        print()
        print(
            "runs/s: runs / wall time from the first request to the last run finished; "
            "mean/p50/max: ScoreRun.duration_ms; busy: share of worker time inside runs."
        )


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        say("interrupted; cleaned up")
        sys.exit(130)
