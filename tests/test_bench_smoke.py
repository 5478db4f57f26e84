"""The web benchmark (``scripts/bench``) imports, parses its options and renders its
report, without services: a cheap guard so the split package cannot silently rot."""

from __future__ import annotations

import http.server
import importlib
import math
import pkgutil
import re
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

import scripts.bench
from scripts.bench import processes
from scripts.bench.databases import ScratchDatabase
from scripts.bench.fixture import grown
from scripts.bench.load import LoadResult, parse_wrk, percentile, python_load, wrk_ms
from scripts.bench.measure import EndpointResult, endpoints
from scripts.bench.options import parse_args
from scripts.bench.report import Results, markdown_table, render_report, report_scale
from scripts.bench.scale import CpuResult, ScaleTeam, scale_endpoints
from scripts.bench.workers import WorkerBatch
from tests import servers
from tests.servers import ROOT, GunicornServer
from tests.workers import CeleryWorker


def test_every_module_imports():
    names = [m.name for m in pkgutil.iter_modules(scripts.bench.__path__)]
    assert {"options", "load", "processes", "databases", "workers", "report", "web"} <= set(names)
    for name in names:
        if name not in {"__main__", "settings"}:  # runs the benchmark; needs production env
            importlib.import_module(f"scripts.bench.{name}")


@pytest.mark.parametrize(
    "command",
    [["scripts/bench_web.py", "--help"], ["-m", "scripts.bench", "--help"]],
    ids=["script", "module"],
)
def test_help_runs_without_django(command):
    done = subprocess.run(
        [sys.executable, *command], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "--database-url" in done.stdout
    assert "--load-generator {auto,wrk,python}" in done.stdout


def test_the_paired_fresh_score_script_explains_itself_without_django():
    done = subprocess.run(
        [sys.executable, "scripts/bench_fresh_pair.py", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "--edits EDITS" in done.stdout and "--database-url" in done.stdout


def test_option_defaults_quick_and_bounds():
    full = parse_args([])
    assert (full.drafts, full.duration, full.warmup, full.rounds) == (44, 5.0, 2.0, 3)
    assert (full.writes, full.runs, full.connections) == (200, 60, 8)
    assert full.database_url is None
    assert full.redis_url == "redis://127.0.0.1:6379/0"
    assert full.load_generator == "auto"
    quick = parse_args(["--quick"])
    assert (quick.drafts, quick.duration, quick.warmup, quick.rounds) == (10, 2.0, 1.0, 1)
    assert (quick.writes, quick.runs) == (20, 10)
    small = parse_args(["--drafts", "1", "--warmup", "0", "--connections", "0", "--runs", "4"])
    assert (small.drafts, small.warmup, small.connections, small.runs) == (3, 0.0, 1, 4)
    with pytest.raises(SystemExit):
        parse_args(["--load-generator", "ab"])


def test_percentile_is_nearest_rank():
    assert percentile([3.0, 1.0, 2.0, 4.0], 50) == 2.0
    assert percentile([float(n) for n in range(1, 101)], 99) == 99.0
    assert math.isnan(percentile([], 50))


WRK_OUTPUT = """\
Running 2s test @ http://127.0.0.1:8000/
  2 threads and 8 connections
  Latency Distribution
     50%  212.40ms
     75%  250.00ms
     90%  280.00ms
     99%    1.20s
  70 requests in 2.01s, 3.32MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:     34.83
"""


def test_wrk_report_is_parsed():
    assert wrk_ms("812us") == pytest.approx(0.812)
    result = parse_wrk(WRK_OUTPUT)
    assert (result.requests, result.errors) == (63, 7)
    assert (result.seconds, result.p50_ms, result.p99_ms) == (2.01, 212.4, 1200.0)


def test_python_load_against_a_local_server():
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/ok" else 404)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        good = python_load(port, "/ok", {}, 0.3, 2)
        bad = python_load(port, "/missing", {}, 0.1, 1)
    finally:
        server.shutdown()
        server.server_close()
    assert good.requests > 0
    assert good.errors == 0
    assert good.p50_ms <= good.p99_ms
    assert bad.requests == 0
    assert bad.errors > 0


def test_scratch_database_urls(tmp_path: Path):
    sqlite = ScratchDatabase(None, tmp_path)
    assert sqlite.url == f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    assert not sqlite.is_postgres
    postgres = ScratchDatabase("postgres://u@db:5432/postgres", tmp_path, name="windfall_bench_x")
    assert postgres.url == "postgres://u@db:5432/windfall_bench_x"
    sqlite.drop()  # nothing was created: nothing to do


def test_grown_documents_repeat_their_lines():
    document = {"title": "t", "lines": [{"key": "a", "magnitude": 0.5}, {"key": "b"}]}
    result = grown(document, 5, "five")
    assert result["title"] == "five"
    assert [line["key"] for line in result["lines"]] == ["a", "b", "bench-2", "bench-3", "bench-4"]
    assert document["lines"][0] == {"key": "a", "magnitude": 0.5}  # the original is unchanged


def test_markdown_table_is_aligned():
    table = markdown_table(["a", "bbb"], [["long cell", "1"], ["x", "22"]])
    assert table.splitlines() == [
        "| a         | bbb |",
        "| --------- | --- |",
        "| long cell | 1   |",
        "| x         | 22  |",
    ]


def _results(*, skipped: str | None) -> Results:
    reads = [
        EndpointResult(
            endpoint,
            rounds=[LoadResult(100, 0, 2.0, 20.0, 40.0), LoadResult(120, 1, 2.0, 18.0, 35.0)],
            single=[LoadResult(30, 0, 1.0, 9.5, 12.0, cpu_ms=8.25)],
            size_kb=12.4,
        )
        for endpoint in endpoints(3, 2, {"Cookie": "c"}, {"Authorization": "Token t"})
    ]
    queries = {r.endpoint.key: (4, 6) for r in reads}
    writes = {
        "PATCH line (10 lines)": LoadResult(5, 0, 0.5, 50.0, 60.0, 45.0),
        "PATCH line (60 lines)": LoadResult(5, 0, 0.5, 55.0, math.nan, 48.0),
    }
    batches = [] if skipped else [WorkerBatch(1, 4, 0, 2.0, 100.0, 90.0, 150.0)]
    return Results(
        generator="Python fallback (threads + http.client)",
        database="PostgreSQL 15.20",
        broker="Redis",
        reads=reads,
        read_queries=queries,
        writes=writes,
        patch_queries=(40, 41),
        batches=batches,
        skipped=skipped,
        load_average=(1.0, 1.5),
    )


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.split("|")[1:-1]]


def test_report_renders_every_section():
    text = render_report(
        parse_args(["--quick", "--drafts", "3"]),
        _results(skipped=None),
        samples=2000,
        command=".venv/bin/python scripts/bench_web.py --quick --drafts 3",
        now=datetime(2026, 12, 2, 0, 30, tzinfo=UTC),
        machine_line="2 cores",
        software="Python",
        code="commit abc1234",
    )
    lines = text.splitlines()
    assert lines[0] == "# Windfall web and worker benchmark, 2026-12-02 00:30 UTC"
    assert lines[1] == "command:   .venv/bin/python scripts/bench_web.py --quick --drafts 3"
    assert lines[2] == "machine:   2 cores; 1-min load average 1.0 at start, 1.5 at end"
    assert "database:  PostgreSQL 15.20; 3 drafts of 10-60 lines" in lines
    reads_header = next(line for line in lines if line.startswith("| request ") and "KB" in line)
    assert _cells(reads_header) == [
        "request", "req/s", "range", "p50 ms", "p99 ms", "1-conn p50", "CPU ms/req",
        "queries", "KB", "errors",
    ]  # fmt: skip
    builder = next(line for line in lines if "(builder, 60 lines)" in line)
    assert _cells(builder) == [
        "GET /drafts/2/ (builder, 60 lines)", "55", "50 - 60", "19.0", "37.5",
        "9.5", "8.2", "4 / 6", "12", "1",
    ]  # fmt: skip
    patch = next(line for line in lines if line.startswith("| PATCH line (60 lines)"))
    assert _cells(patch) == [
        "PATCH line (60 lines)", "5", "10.0", "55.0", "-", "48.0", "41",
    ]  # fmt: skip
    assert "## Workers (celery, --concurrency=1 each, score runs of 2,000 samples)" in lines
    worker = next(line for line in lines if line.startswith("| 1 "))
    assert _cells(worker) == [
        "1", "4", "0", "2.00", "2.00", "100", "90", "150", "20 %",
    ]  # fmt: skip
    assert lines[-1].startswith("runs/s: runs / wall time")


def test_report_says_why_workers_were_skipped():
    text = render_report(
        parse_args([]), _results(skipped="the database is SQLite"), samples=2000, command="x"
    )
    assert text.splitlines()[-1] == "skipped: the database is SQLite"
    assert "| workers " not in text


def test_the_fresh_score_case_reports_its_stages():
    """Edit -> fresh score: the scores, the analysis section after them, and where the
    time of a push edit went, from the instants of each edit (seconds on one clock)."""
    import dataclasses

    from scripts.bench.fresh import FreshResult, received_times

    log = (
        "2026-12-03 06:52:42,321 INFO celery.worker.strategy: Task scoring.sweep[a] received\n"
        "2026-12-03 06:52:47,003 INFO celery.worker.strategy: Task scoring.score_run[b] received\n"
    )
    (arrival,) = received_times(log)
    assert arrival == datetime(2026, 12, 3, 6, 52, 47, 3000).timestamp()
    edit = {"sent": 0.0, "answered": 0.030, "received": 0.020, "claimed": 0.025}
    edit |= {"written": 0.100, "panel": 0.140, "analysis": 0.170}
    fresh = FreshResult(
        push=[140.0, 150.0], poll=[160.0], push_analysis=[170.0, 180.0], instants=[edit]
    )
    stages = {label: round(p50) for label, p50, _ in fresh.stages()}
    assert stages == {
        "PATCH answered": 30,
        "PATCH sent -> task received by the worker": 20,
        "task received -> run claimed": 5,
        "run claimed -> result written (the engine)": 75,
        "result written -> panel received": 40,
        "panel received -> analysis section received": 30,
    }
    text = render_report(
        parse_args(["--quick"]),
        dataclasses.replace(_results(skipped=None), fresh=fresh),
        samples=2000,
        command="x",
    )
    assert "push, analysis section too  p50" in text
    assert re.search(r"\| run claimed -> result written \(the engine\) +\| 75\.0 ", text)
    assert "Target p95 <= 200 ms with push: met." in text


def test_processes_are_started_with_the_test_suites_code(tmp_path: Path):
    """One implementation: the bench's gunicorn and workers are the tests' own classes."""
    assert processes.child_pids is servers.child_pids
    worker = CeleryWorker(
        redis_url="redis://127.0.0.1:6379/6",
        queue="q1",
        log_dir=tmp_path,
        name="bench1-abc",
        env={"DJANGO_SETTINGS_MODULE": "windfall.settings.production", "CELERY_QUEUE": "web"},
    )
    env = worker.environment()
    assert env["DJANGO_SETTINGS_MODULE"] == "windfall.settings.production"
    assert (env["CELERY_QUEUE"], env["REDIS_URL"], env["CELERY_EAGER"]) == (
        "q1",
        "redis://127.0.0.1:6379/6",
        "0",
    )
    assert worker.log_path == tmp_path / "bench1-abc.log"
    assert worker.command()[-4:] == ["-Q", "q1", "-n", "bench1-abc@%h"]
    server = GunicornServer(env={}, log_path=tmp_path / "g.log", workers=2, options=("--x",))
    command = server.command()
    assert command[command.index("--workers") + 1] == "2"
    assert command[-1] == "--x"
    assert server.url == f"http://127.0.0.1:{server.port}"


def test_peer_pages_are_routed_only_by_the_benchmark_urlconf():
    from django.urls import Resolver404, resolve

    for path in ("/bench/bare/", "/bench/drf/agreements/", "/bench/admin/"):
        assert resolve(path, urlconf="scripts.bench.peers")
        with pytest.raises(Resolver404):
            resolve(path, urlconf="windfall.urls")
    assert resolve("/api/v1/agreements/", urlconf="scripts.bench.peers").url_name == (
        resolve("/api/v1/agreements/", urlconf="windfall.urls").url_name
    )
    settings_text = (ROOT / "scripts/bench/settings.py").read_text()
    assert 'ROOT_URLCONF = "scripts.bench.peers"' in settings_text
    assert "from windfall.settings.production import *" in settings_text


def test_the_scale_report_holds_the_compare_picker_to_the_target_and_its_search_not(
    monkeypatch,
):
    monkeypatch.setattr("scripts.bench.scale.sign_in", lambda port, user, password: "c")
    teams = [ScaleTeam(n, f"u{n}", "p", "t", "cursor", 1.0) for n in (1000, 100_000)]
    found = [e for team in teams for e in scale_endpoints(1, team)]
    assert {e.path for e in found if e.key.startswith("compare-search")} == {
        "/compare/?q=990",
        "/compare/?q=99000",
    }
    cpu = {"compare-100000": 30.0, "compare-search-100000": 400.0}
    scale = {
        e.key: CpuResult(e, [LoadResult(10, 0, 1.0, 5.0, 9.0, cpu.get(e.key, 20.0))], 8.0)
        for e in found
    }
    lines = report_scale(scale, teams).splitlines()
    assert "- compare: 100,000 / 1,000 = 1.50 (met: <= 1.5); under 200 ms CPU" in lines
    assert "- compare-search: 100,000 / 1,000 = 20.00 (no target); NOT under 200 ms CPU" in lines


def test_scale_sizes_parse_and_refuse_too_few():
    assert parse_args([]).scale == (1000, 100_000)
    assert parse_args(["--quick"]).scale == (200, 2000)
    assert parse_args(["--scale", "none"]).scale == ()
    assert parse_args(["--scale", "5000,100"]).scale == (100, 5000)
    with pytest.raises(SystemExit):
        parse_args(["--scale", "1000"])


@pytest.mark.slow
def test_the_sensitivity_benchmark_prints_cpu_and_wall_time_of_every_row():
    done = subprocess.run(
        [sys.executable, "scripts/bench_sensitivity.py", "--repeat", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.endswith(tuple("0123456789"))]
    timed = [r for r in rows if not r.startswith("load average")]
    assert len(timed) == 7 and all(len(r[48:].split()) == 2 for r in timed)
    assert done.stdout.startswith("load average before:")
