"""The phases measured over HTTP: reads of six endpoints, sequential PATCHes."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass

from scripts.bench.client import fetch
from scripts.bench.common import HOST, OK_STATUSES, say
from scripts.bench.load import LoadGenerator, LoadResult, percentile, python_load
from scripts.bench.options import Options
from scripts.bench.processes import CpuMeter


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


def endpoints(drafts: int, large: int, page: dict[str, str], api: dict[str, str]) -> list[Endpoint]:
    """The six read endpoints: pages with the ``page`` headers, the API with ``api``."""
    return [
        Endpoint("dashboard", f"GET / (dashboard, {drafts} drafts)", "/", page),
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


def drain(port: int) -> None:
    """Let gunicorn finish what a load run left queued (it serves requests whose client
    has gone), so the next measurement does not start behind them."""
    fetch(port, "GET", "/healthz")  # answered once every queued connection was accepted
    time.sleep(1.0)  # the last accepted requests finish


def measure_reads(
    options: Options,
    port: int,
    endpoints: list[Endpoint],
    load: LoadGenerator,
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
