"""Edit -> fresh score: how long an analyst waits for the scores of an edit.

One sequential client PATCHes a line through the API, then asks the score panel (as
the builder's htmx does) until it shows the new revision's scores. ``push`` asks with
``?wait=25`` (the panel's long poll, woken by the worker's Redis message); ``poll``
asks every 20 ms without waiting, the best any polling page could do. The two modes
alternate edit by edit, so both see the same machine.

A finished panel loads the analysis section with a request of its own (htmx, on load);
the client does the same and the time until it holds that section is reported too.
Each push edit is also cut into stages from timestamps on one clock: the client's, the
run's row (created in the PATCH, claimed, result written; ``timezone.now()`` in the
web and worker processes) and the worker's log line for the task's arrival.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from scripts.bench.client import fetch
from scripts.bench.common import HOST
from scripts.bench.load import percentile

POLL_SECONDS = 0.02
DONE = 286  # the panel's "stop polling" status: its run ended
LOADER = re.compile(rb'id="score-analysis-loader"[^>]*hx-get="([^"]+)"')
RECEIVED = re.compile(
    r"^(\S+ \S+) INFO celery\.worker\.strategy: Task scoring\.score_run\[[^\]]+\] received",
    re.M,
)

STAGES = (
    ("PATCH answered", "sent", "answered"),
    ("PATCH sent -> task received by the worker", "sent", "received"),
    ("task received -> run claimed", "received", "claimed"),
    ("run claimed -> result written (the engine)", "claimed", "written"),
    ("result written -> panel received", "written", "panel"),
    ("panel received -> analysis section received", "panel", "analysis"),
)
"""(label, from, to) over the instants of one edit; "written" is taken just before the
UPDATE that stores the result, so the next stage includes it and the announcement."""


@dataclass
class FreshResult:
    """Milliseconds from sending the PATCH to holding the fresh panel, per mode; the same
    to holding the analysis section; instants of each push edit (epoch seconds)."""

    push: list[float]
    poll: list[float]
    push_analysis: list[float] = field(default_factory=list)
    instants: list[dict[str, float]] = field(default_factory=list)

    @staticmethod
    def summary(values: list[float]) -> str:
        if not values:
            return "(none)"
        return (
            f"p50 {percentile(values, 50):6.0f} ms   p95 {percentile(values, 95):6.0f} ms   "
            f"max {max(values):6.0f} ms   ({len(values)} edits)"
        )

    def stages(self) -> list[tuple[str, float, float]]:
        """(label, p50 ms, mean ms) of each stage over the push edits that have both ends."""
        rows = []
        for label, start, end in STAGES:
            values = [1000 * (i[end] - i[start]) for i in self.instants if start in i and end in i]
            if values:
                rows.append((label, percentile(values, 50), statistics.fmean(values)))
        return rows


def received_times(log: str) -> list[float]:
    """When the worker's main process received each score run (epoch seconds, its log)."""
    return [
        dt.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
        for m in RECEIVED.finditer(log)
    ]


def run_instants(agreement_id: int, revision: int) -> dict[str, float]:
    from scoring.models import ScoreRun

    run = (
        ScoreRun.objects.filter(agreement_id=agreement_id, revision_number=revision)
        .order_by("-pk")
        .values("created_at", "started_at", "finished_at")
        .first()
    )
    if run is None or run["started_at"] is None or run["finished_at"] is None:
        return {}
    return {
        "created": run["created_at"].timestamp(),
        "claimed": run["started_at"].timestamp(),
        "written": run["finished_at"].timestamp(),
    }


def measure_fresh(
    port: int,
    cookie: str,
    token: str,
    agreement_id: int,
    count: int,
    worker_log: Path | None = None,
) -> FreshResult:
    """``count`` edits per mode, alternating; each waits for its own revision's scores."""
    from django.db import connection

    api = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    page = {"Cookie": cookie, "HX-Request": "true"}
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    version = int(
        fetch(port, "GET", f"/api/v1/agreements/{agreement_id}/", headers=api, conn=conn).json()[
            "version"
        ]
    )
    panel = f"/drafts/{agreement_id}/score/"
    result = FreshResult([], [])
    warmup = 2
    for n in range(warmup + 2 * count):
        mode = "push" if n % 2 == 0 else "poll"
        body = json.dumps({"magnitude": 0.4 if n % 2 else 0.6, "version": version}).encode()
        sent = time.time()
        started = time.perf_counter()
        reply = fetch(
            port,
            "PATCH",
            f"/api/v1/agreements/{agreement_id}/lines/l1/",
            headers=api,
            body=body,
            conn=conn,
        )
        answered = time.time()
        if reply.status != 200:
            raise RuntimeError(f"PATCH answered {reply.status}: {reply.body[:300]!r}")
        version = int(reply.json()["agreement_version"])
        marker = f"Scores of revision <strong>{version}</strong>".encode()
        deadline = started + 60
        while True:
            path = f"{panel}?wait=25" if mode == "push" else panel
            shown = fetch(port, "GET", path, headers=page, conn=conn)
            if shown.status == DONE and marker in shown.body:
                break
            if time.perf_counter() > deadline:
                raise RuntimeError(f"revision {version} was not scored within 60 s")
            if mode == "poll":
                time.sleep(POLL_SECONDS)
        held = time.perf_counter()
        panel_at = time.time()
        loader = LOADER.search(shown.body)  # what htmx asks for next, on load
        if loader is not None:
            analysis = fetch(port, "GET", loader.group(1).decode(), headers=page, conn=conn)
            if analysis.status != 200:
                raise RuntimeError(f"the analysis section answered {analysis.status}")
        done = time.perf_counter()
        if n < warmup:
            continue
        getattr(result, mode).append((held - started) * 1000)
        if mode == "push":
            result.push_analysis.append((done - started) * 1000)
            instants = {"sent": sent, "answered": answered, "panel": panel_at}
            if loader is not None:
                instants["analysis"] = panel_at + (done - held)
            instants.update(run_instants(agreement_id, version))
            result.instants.append(instants)
    conn.close()
    connection.close()
    if worker_log is not None and worker_log.exists():
        arrivals = received_times(worker_log.read_text(errors="replace"))
        for instants in result.instants:
            if "created" not in instants:
                continue
            # The arrival of this edit's task: the last one before its claim.
            near = [
                t for t in arrivals if instants["sent"] - 0.05 <= t <= instants["claimed"] + 0.01
            ]
            if near:
                instants["received"] = near[-1]
    return result
