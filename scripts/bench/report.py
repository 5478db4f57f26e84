"""The benchmark's report: Markdown tables, and the lines that say what was measured."""

from __future__ import annotations

import contextlib
import math
import os
import platform
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from scripts.bench.common import GUNICORN_WORKERS, LARGE_LINES, ROOT, SMALL_LINES
from scripts.bench.fresh import FreshResult
from scripts.bench.load import LoadResult, percentile
from scripts.bench.measure import EndpointResult
from scripts.bench.options import Options
from scripts.bench.scale import CpuResult, ScaleTeam, ratio
from scripts.bench.workers import WorkerBatch


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """An aligned Markdown table."""
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


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


def _target(value: float, limit: float) -> str:
    return f"{value:.2f} ({'met' if value <= limit else 'MISSED'}: <= {limit:g})"


def report_peers(peers: dict[str, CpuResult]) -> str:
    rows = [
        [r.endpoint.label, _fmt(r.cpu_ms), _fmt(r.p50_ms), f"{r.size_kb:,.0f}"]
        for r in peers.values()
    ]
    table = markdown_table(["request", "CPU ms/req", "1-conn p50", "KB"], rows)
    ratios = [
        ("API detail / plain DRF detail", ratio(peers, "peer-api-detail", "peer-drf-detail"), 1.5),
        ("API list / plain DRF list", ratio(peers, "peer-api-list", "peer-drf-list"), 1.5),
        ("builder / admin changelist", ratio(peers, "peer-builder", "peer-admin"), 1.0),
    ]
    lines = [table, "", "ratios (CPU ms/req, same run):", ""]
    lines += [f"- {name}: {_target(value, limit)}" for name, value, limit in ratios]
    for key in ("peer-builder", "peer-dashboard", "peer-admin", "peer-api-list"):
        lines.append(
            f"- {peers[key].endpoint.label} / bare view: {ratio(peers, key, 'peer-bare'):.1f}"
        )
    return "\n".join(lines)


def report_scale(scale: dict[str, CpuResult], teams: list[ScaleTeam]) -> str:
    small, large = teams[0].drafts, teams[-1].drafts
    rows = []
    verdicts = []
    # The substring search reads the team's rows until it has a page (the draft 99% down:
    # nearly all of them): it is measured, but the issue sets no target for it.
    kinds = ("dashboard", "dashboard-deep", "api-list", "api-list-deep", "compare")
    for kind in (*kinds, "compare-search"):
        a, b = scale[f"{kind}-{small}"], scale[f"{kind}-{large}"]
        value = b.cpu_ms / a.cpu_ms
        rows.append(
            [
                kind,
                _fmt(a.cpu_ms),
                _fmt(b.cpu_ms),
                f"{value:.2f}",
                _fmt(a.p50_ms),
                _fmt(b.p50_ms),
                f"{a.size_kb:,.0f} / {b.size_kb:,.0f}",
            ]
        )
        under = f"{'under' if b.cpu_ms < 200 else 'NOT under'} 200 ms CPU"
        if kind in kinds:
            verdicts.append(f"- {kind}: {large:,} / {small:,} = {_target(value, 1.5)}; {under}")
        else:
            verdicts.append(f"- {kind}: {large:,} / {small:,} = {value:.2f} (no target); {under}")
    header = [
        "request",
        f"CPU ms {small:,}",
        f"CPU ms {large:,}",
        "ratio",
        f"p50 {small:,}",
        f"p50 {large:,}",
        "KB",
    ]
    built = "; ".join(f"{t.drafts:,} drafts built in {t.seconds:.1f} s" for t in teams)
    return "\n".join([markdown_table(header, rows), "", built, "", *verdicts])


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


@dataclass
class Results:
    """Everything a run measured, and what it ran on."""

    generator: str
    database: str
    broker: str
    reads: list[EndpointResult]
    read_queries: dict[str, tuple[int, int]]
    writes: dict[str, LoadResult]
    patch_queries: tuple[int, int]
    batches: list[WorkerBatch]
    skipped: str | None
    load_average: tuple[float, float]
    peers: dict[str, CpuResult] | None = None
    scale: dict[str, CpuResult] | None = None
    scale_teams: list[ScaleTeam] = field(default_factory=list)
    scale_note: str = ""
    fresh: FreshResult | None = None


def render_report(
    options: Options,
    results: Results,
    *,
    samples: int,
    command: str,
    now: datetime | None = None,
    machine_line: str | None = None,
    software: str | None = None,
    code: str | None = None,
) -> str:
    """The whole report; ``samples`` is WINDFALL_SCORE_SAMPLES, ``command`` the command line.
    ``machine_line``, ``software`` and ``code`` default to this machine's, checkout's."""
    r = results
    when = now or datetime.now(UTC)
    lines = [
        f"# Windfall web and worker benchmark, {when:%Y-%m-%d %H:%M} UTC",
        f"command:   {command}",
        f"machine:   {machine_line or machine()}; 1-min load average "
        f"{r.load_average[0]:.1f} at start, {r.load_average[1]:.1f} at end",
        f"software:  {software or versions()}",
        f"code:      {code or code_version()}",
        f"database:  {r.database}; {options.drafts} drafts of 10-60 lines",
        f"web:       gunicorn, {GUNICORN_WORKERS} sync workers, production settings over http "
        "(DEBUG off, manifest static files, no access log)",
        f"load:      {r.generator}, {options.connections} connections, "
        f"{options.warmup:g} s warm-up, {options.rounds} round(s) x {options.duration:g} s, "
        f"each followed by {options.duration / 2:g} s of one sequential Python client "
        "(1-conn p50, CPU ms/req)",
        f"writes:    tasks sent to {r.broker}",
        "",
        "## Reads (req/s: median over rounds; range: lowest - highest round)",
        "",
        report_reads(r.reads, r.read_queries),
        "",
        "queries: SQL queries per request, counted in-process; for the builder, score panel and "
        f"API detail: {SMALL_LINES}-line / {LARGE_LINES}-line draft; for the dashboard and API "
        f"list: 2 drafts / {options.drafts} drafts. KB: response body size. 1-conn p50: "
        "latency with a single client (no queueing). CPU ms/req: CPU time of the gunicorn "
        "workers (and PostgreSQL backends) per request of that client, from /proc; unlike "
        "req/s it hardly depends on what else the machine runs.",
        "",
        f"## Writes ({options.writes} sequential version-checked PATCHes, 1 connection)",
        "",
        report_writes(r.writes, r.patch_queries),
        "",
        f"line PATCH queries: {max(r.patch_queries)} "
        f"({'met' if max(r.patch_queries) <= 15 else 'MISSED'}: <= 15, "
        f"{'constant' if len(set(r.patch_queries)) == 1 else 'NOT constant'} in the draft's size)",
    ]
    if r.peers:
        lines += [
            "",
            "## Peer pages (one sequential client, endpoints interleaved per round)",
            "",
            report_peers(r.peers),
        ]
    if r.scale:
        lines += [
            "",
            "## Data scale (drafts built in bulk, each size a team of its own)",
            "",
            report_scale(r.scale, r.scale_teams),
        ]
    if r.scale_note:
        lines += ["", r.scale_note]
    lines += [
        "",
        f"## Workers (celery, --concurrency=1 each, score runs of {samples:,} samples)",
        "",
    ]
    if r.skipped:
        lines.append(f"skipped: {r.skipped}")
    else:
        lines += [
            report_workers(r.batches),
            "",
            "runs/s: runs / wall time from the first request to the last run finished; "
            "mean/p50/max: ScoreRun.duration_ms; busy: share of worker time inside runs.",
        ]
    if r.fresh is not None:
        p95 = percentile(r.fresh.push, 95)
        lines += [
            "",
            f"## Edit -> fresh score ({SMALL_LINES}-line draft, one worker, one client)",
            "",
            f"score push (panel ?wait=25) {r.fresh.summary(r.fresh.push)}",
            f"polling every 20 ms         {r.fresh.summary(r.fresh.poll)}",
            f"push, analysis section too  {r.fresh.summary(r.fresh.push_analysis)}",
            "",
            "from sending the PATCH to holding the panel with the new revision's scores; the "
            "modes alternate edit by edit. The finished panel then loads the analysis "
            "section (charts, tables) with a request of its own: the third line is the time "
            "until the client holds that too. "
            f"Target p95 <= 200 ms with push: {'met' if p95 <= 200 else 'MISSED'}.",
        ]
        stages = r.fresh.stages()
        if stages:
            lines += [
                "",
                "Where the time of a push edit goes (stages overlap: the worker starts before "
                "the PATCH is answered):",
                "",
                markdown_table(
                    ["stage", "p50 ms", "mean ms"],
                    [[label, _fmt(p50), _fmt(mean)] for label, p50, mean in stages],
                ),
            ]
    return "\n".join(lines)


def print_report(options: Options, results: Results) -> None:
    """Print the report on stdout (after ``django.setup()``: it reads the settings)."""
    from django.conf import settings

    command = " ".join([".venv/bin/python scripts/bench_web.py", *sys.argv[1:]])
    print(render_report(options, results, samples=settings.WINDFALL_SCORE_SAMPLES, command=command))
