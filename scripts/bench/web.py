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

import contextlib
import os
import secrets
import shutil
import signal
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from scripts.bench.client import sign_in
from scripts.bench.common import HOST, ROOT, SETTINGS_MODULE, quietly, say
from scripts.bench.databases import ScratchDatabase, redis_problem, redis_queues_delete
from scripts.bench.fixture import build_fixture
from scripts.bench.fresh import FreshResult, measure_fresh
from scripts.bench.load import LoadGenerator, LoadResult, choose_load_generator
from scripts.bench.measure import endpoints, measure_reads, measure_writes
from scripts.bench.options import Options, parse_args
from scripts.bench.processes import CpuMeter, child_pids, start_gunicorn
from scripts.bench.queries import patch_query_counts, read_query_counts
from scripts.bench.report import Results, print_report
from scripts.bench.scale import (
    build_team,
    database_size_mb,
    explain_list,
    make_staff,
    measure_cpu,
    peer_endpoints,
    result_size_kb,
    scale_endpoints,
)
from scripts.bench.workers import WorkerBatch, score_batch, start_worker


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    generator_label, load = choose_load_generator(options.load_generator)
    with contextlib.ExitStack() as cleanup:
        directory = Path(tempfile.mkdtemp(prefix="windfall-bench-"))
        cleanup.callback(quietly, "temporary files", lambda: shutil.rmtree(directory))
        return run(options, directory, cleanup, generator_label, load)
    return 1  # not reached (ExitStack does not swallow exceptions)


def entry_point() -> int:
    """``main``, with Ctrl-C (or SIGTERM) reported after the cleanup: exit status 130."""
    try:
        return main()
    except KeyboardInterrupt:
        say("interrupted; cleaned up")
        return 130


def run(
    options: Options,
    directory: Path,
    cleanup: contextlib.ExitStack,
    generator_label: str,
    load: LoadGenerator,
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
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
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

    make_staff(fixture.username)
    # gunicorn: the production settings plus the peer pages (scripts/bench/settings.py).
    gunicorn = start_gunicorn(
        {**env, "DJANGO_SETTINGS_MODULE": "scripts.bench.settings"}, directory, cleanup
    )
    port = gunicorn.port
    cookie = sign_in(port, fixture.username, fixture.password)
    page = {"Cookie": cookie}
    api = {"Authorization": f"Token {fixture.token}"}
    master = gunicorn.pid
    meter = CpuMeter(lambda: [*child_pids(master), *database.backend_pids()])
    reads = measure_reads(
        options, port, endpoints(options.drafts, fixture.large_id, page, api), load, meter
    )

    writes: dict[str, LoadResult] = {}
    for label, pk in (("10 lines", fixture.small_id), ("60 lines", fixture.large_id)):
        say(f"{options.writes} sequential PATCHes ({label})")
        writes[f"PATCH line ({label})"] = measure_writes(
            port, fixture.token, pk, options.writes, meter
        )
    celery_app.conf.task_always_eager = False  # count the request's queries, not the scoring
    patch_queries = patch_query_counts(client_factory(), fixture)

    say("peer pages")
    peers = measure_cpu(
        port,
        peer_endpoints(fixture.large_id, page, api, options.drafts),
        options.cpu_rounds,
        options.cpu_seconds,
        meter,
    )
    scale_results, teams, scale_note = None, [], ""
    if not options.scale:
        scale_note = "data scale: skipped (--scale none)"
    elif not database.is_postgres:
        scale_note = "data scale: skipped (it needs PostgreSQL: --database-url)"
    else:
        for size in options.scale:
            say(f"building {size:,} drafts in bulk")
            teams.append(build_team(size, fixture.small_id))
        scale_note = (
            f"score result per draft: {result_size_kb(fixture.small_id):,.1f} KB of JSON; "
            f"scratch database {database_size_mb():,.0f} MB\n\n"
            f"EXPLAIN ANALYZE of the API list's page ids, {teams[-1].drafts:,} drafts:\n\n"
            + "\n".join("    " + line for line in explain_list(teams[-1]).splitlines())
        )
        endpoints_scale = [e for t in teams for e in scale_endpoints(port, t)]
        scale_results = measure_cpu(
            port, endpoints_scale, options.cpu_rounds, options.cpu_seconds, meter
        )
    gunicorn.stop(timeout=30)

    batches: list[WorkerBatch] = []
    skipped = None
    fresh: FreshResult | None = None
    if not database.is_postgres:
        skipped = "the database is SQLite; worker processes need PostgreSQL (--database-url)"
    elif redis_missing is not None:
        skipped = redis_missing
    else:
        from scoring.models import RunStatus, ScoreRun

        # The PATCHes left queued runs nobody will take; retire them before timing workers.
        ScoreRun.objects.filter(status=RunStatus.QUEUED).update(status=RunStatus.SUPERSEDED)
        celery_app.conf.task_default_queue = worker_queue
        say("starting celery worker 1")
        first = start_worker(env, options.redis_url, worker_queue, directory, 1, cleanup)
        started = 1
        # Edit -> fresh score: a gunicorn whose edits go to the worker's queue.
        fresh_env = {**env, "CELERY_QUEUE": worker_queue}
        server = start_gunicorn(
            {**fresh_env, "DJANGO_SETTINGS_MODULE": "scripts.bench.settings"}, directory, cleanup
        )
        say(f"edit -> fresh score, {options.fresh} edits per mode, 1 worker")
        fresh = measure_fresh(
            server.port,
            sign_in(server.port, fixture.username, fixture.password),
            fixture.token,
            fixture.small_id,
            options.fresh,
            worker_log=first.log_path,
        )
        server.stop(timeout=30)
        drafts = fixture.agreement_ids
        ids = [drafts[n % len(drafts)] for n in range(options.runs)]
        for count in (1, 2):
            while started < count:
                started += 1
                say(f"starting celery worker {started}")
                start_worker(env, options.redis_url, worker_queue, directory, started, cleanup)
            say(f"{len(ids)} score runs with {count} worker(s)")
            batches.append(score_batch(ids, count))

    print_report(
        options,
        Results(
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
            peers=peers,
            scale=scale_results,
            scale_teams=teams,
            scale_note=scale_note,
            fresh=fresh,
        ),
    )
    return 0
