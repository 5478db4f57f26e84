"""Edit -> fresh score: how long an analyst waits for the scores of an edit.

One sequential client PATCHes a line through the API, then asks the score panel (as
the builder's htmx does) until it shows the new revision's scores. ``push`` asks with
``?wait=25`` (the panel's long poll, woken by the worker's Redis message); ``poll``
asks every 20 ms without waiting, the best any polling page could do. The two modes
alternate edit by edit, so both see the same machine.
"""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass

from scripts.bench.client import fetch
from scripts.bench.common import HOST
from scripts.bench.load import percentile

POLL_SECONDS = 0.02
DONE = 286  # the panel's "stop polling" status: its run ended


@dataclass
class FreshResult:
    """Milliseconds from sending the PATCH to holding the fresh panel, per mode."""

    push: list[float]
    poll: list[float]

    @staticmethod
    def summary(values: list[float]) -> str:
        return (
            f"p50 {percentile(values, 50):6.0f} ms   p95 {percentile(values, 95):6.0f} ms   "
            f"max {max(values):6.0f} ms   ({len(values)} edits)"
        )


def measure_fresh(port: int, cookie: str, token: str, agreement_id: int, count: int) -> FreshResult:
    """``count`` edits per mode, alternating; each waits for its own revision's scores."""
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
        started = time.perf_counter()
        reply = fetch(
            port,
            "PATCH",
            f"/api/v1/agreements/{agreement_id}/lines/l1/",
            headers=api,
            body=body,
            conn=conn,
        )
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
        if n >= warmup:
            getattr(result, mode).append((time.perf_counter() - started) * 1000)
    conn.close()
    return result
