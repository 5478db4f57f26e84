#!/usr/bin/env python3
"""Edit -> fresh score of two code trees, paired: ``A`` against ``B`` on one machine.

usage: .venv/bin/python scripts/bench_fresh_pair.py A_ROOT B_ROOT [--edits N]
           [--database-url postgres://user@host:port/db] [--redis-url redis://...]

Each tree gets its own gunicorn (2 sync workers, production settings) and one Celery
worker (prefork, concurrency 1), both started from that tree, on one scratch PostgreSQL
database (created and dropped; this process migrates it with this checkout's code, so
the trees must share migrations) and one Redis; each has its own queue and its own
10-line draft. Edits then alternate A B B A A B ... so both see the same load. Each
edit PATCHes a line through the API, asks the panel ``?wait=25`` until it shows the new
revision's scores, then fetches the analysis section if the panel loads it on its own.
Per tree it prints p50/p95/max of: to the scores, to the analysis section too, and the
stages from the run's row and the worker's log (see ``scripts/bench/fresh.py``).
Everything it starts is stopped at the end. Run it from a checkout's root.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Edit -> fresh score of two code trees.")
    parser.add_argument("a", type=Path, help="root of tree A (e.g. an exported old commit)")
    parser.add_argument("b", type=Path, help="root of tree B")
    parser.add_argument("--edits", type=int, default=30, help="edits per tree (default 30)")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    return parser.parse_args(argv)


def _spawn(command: list[str], root: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 (our own command lines)
            command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def _stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    sys.path.insert(0, str(ROOT))
    from scripts.bench.databases import ScratchDatabase

    directory = Path(tempfile.mkdtemp(prefix="windfall-pair-"))
    (directory / "static").mkdir()
    database = ScratchDatabase(args.database_url, directory)
    database.create()
    base = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "windfall.settings.production",
        "STATIC_ROOT": str(directory / "static"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DATABASE_URL": database.url,
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "CELERY_EAGER": "0",
        "REDIS_URL": args.redis_url,
        "LOG_LEVEL": "WARNING",
    }
    processes: list[subprocess.Popen] = []
    try:
        os.environ.update({**base, "CELERY_EAGER": "1"})
        import django

        django.setup()
        return _run(args, base, directory, processes)
    finally:
        for process in processes:
            _stop(process)
        with contextlib.suppress(Exception):
            database.drop()


def _run(args: argparse.Namespace, base: dict[str, str], directory: Path, processes: list) -> int:
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Role
    from accounts.services import membership_set, team_create
    from agreements.services import agreement_import
    from catalog.services import catalog_load
    from scripts.bench.client import fetch, sign_in
    from scripts.bench.fresh import LOADER, FreshResult, received_times, run_instants
    from scripts.bench.load import percentile
    from tests.factories import draft_document
    from tests.servers import free_port

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    catalog_load()
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    password = secrets.token_urlsafe(12)
    user = get_user_model().objects.create_user("pair-analyst", password=password)
    team = team_create(name="Pair team")
    membership_set(team=team, user=user, role=Role.ANALYST)
    token = Token.objects.create(user=user).key
    trees = {"A": args.a.resolve(), "B": args.b.resolve()}
    drafts = {
        label: agreement_import(
            team=team, author=user, document=draft_document(title=f"Pair {label}", lines=10)
        ).pk
        for label in trees
    }
    connection.close()

    ports, logs = {}, {}
    for label, root in trees.items():
        env = {**base, "PYTHONPATH": str(root), "CELERY_QUEUE": f"pair-{uuid.uuid4().hex[:8]}"}
        ports[label] = free_port()
        logs[label] = directory / f"worker-{label}.log"
        processes.append(
            _spawn(
                [sys.executable, "-m", "gunicorn", "windfall.wsgi:application",
                 "--bind", f"{HOST}:{ports[label]}", "--workers", "2",
                 "--no-control-socket", "--timeout", "60"],
                root, env, directory / f"gunicorn-{label}.log",
            )
        )  # fmt: skip
        processes.append(
            _spawn(
                [sys.executable, "-m", "celery", "-A", "windfall", "worker",
                 "--loglevel=INFO", "--concurrency=1", "--pool=prefork",
                 "--without-mingle", "--without-gossip",
                 "-Q", env["CELERY_QUEUE"], "-n", f"pair{label}-{uuid.uuid4().hex[:6]}@%h"],
                root, env, logs[label],
            )
        )  # fmt: skip
    deadline = time.monotonic() + 120
    for label in trees:
        while True:
            with contextlib.suppress(OSError, http.client.HTTPException):
                if (
                    fetch(ports[label], "GET", "/readyz").status == 200
                    and logs[label].exists()
                    and "ready." in logs[label].read_text(errors="replace")
                ):
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"tree {label} did not start; see {directory}")
            time.sleep(0.3)

    api = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    pages = {
        label: {"Cookie": sign_in(ports[label], "pair-analyst", password), "HX-Request": "true"}
        for label in trees
    }
    versions = dict.fromkeys(trees, 1)
    results = {label: FreshResult([], []) for label in trees}
    loads = [os.getloadavg()[0]]
    warmup = 4
    for n in range(warmup + 2 * args.edits):
        label = "AB"[(n + n // 2) % 2]  # A B B A A B B A ...
        port, page = ports[label], pages[label]
        body = json.dumps({"magnitude": 0.4 if n % 4 < 2 else 0.6, "version": versions[label]})
        sent = time.time()
        reply = fetch(port, "PATCH", f"/api/v1/agreements/{drafts[label]}/lines/l1/",
                      headers=api, body=body.encode())  # fmt: skip
        answered = time.time()
        if reply.status != 200:
            raise SystemExit(f"tree {label}: PATCH answered {reply.status}")
        versions[label] = int(reply.json()["agreement_version"])
        marker = f"Scores of revision <strong>{versions[label]}</strong>".encode()
        while True:
            shown = fetch(port, "GET", f"/drafts/{drafts[label]}/score/?wait=25", headers=page)
            if shown.status == 286 and marker in shown.body:
                break
            if time.time() - sent > 60:
                raise SystemExit(f"tree {label}: revision {versions[label]} not scored in 60 s")
        panel_at = time.time()

        loader = LOADER.search(shown.body)
        if loader is not None:
            fetch(port, "GET", loader.group(1).decode(), headers=page)
        done = time.time()
        if n < warmup:
            continue
        result = results[label]
        result.push.append((panel_at - sent) * 1000)
        result.push_analysis.append((done - sent) * 1000)
        instants = {"sent": sent, "answered": answered, "panel": panel_at}
        if loader is not None:
            instants["analysis"] = done
        instants.update(run_instants(drafts[label], versions[label]))
        connection.close()
        result.instants.append(instants)
        if n % 10 == 0:
            loads.append(os.getloadavg()[0])
    loads.append(os.getloadavg()[0])

    print(f"1-min load average during the run: {', '.join(f'{x:.1f}' for x in loads)}")
    for label, root in trees.items():
        result = results[label]
        arrivals = received_times(logs[label].read_text(errors="replace"))
        for instants in result.instants:
            if "claimed" in instants:
                sent, claimed = instants["sent"], instants["claimed"] + 0.01
                near = [t for t in arrivals if sent - 0.05 <= t <= claimed]
                if near:
                    instants["received"] = near[-1]
        print(f"\n{label}: {root} ({len(result.push)} edits)")
        print(f"  scores shown            {result.summary(result.push)}")
        print(f"  analysis section too    {result.summary(result.push_analysis)}")
        for stage, p50, mean in result.stages():
            print(f"  {stage:46s} p50 {p50:6.1f} ms  mean {mean:6.1f} ms")
        p95 = percentile(result.push, 95)
        print(f"  p95 to the scores {p95:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
