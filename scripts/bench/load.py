"""Load generators (wrk when installed, else threads + ``http.client``) and percentiles."""

from __future__ import annotations

import http.client
import math
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from scripts.bench.common import HOST


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile (``nan`` when empty)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


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


# (port, path, headers, seconds, connections) -> result
LoadGenerator = Callable[[int, str, dict[str, str], float, int], LoadResult]


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


def wrk_ms(text: str) -> float:
    """A wrk duration (``812.34us``, ``1.20ms``, ``2.00s``...) in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * _WRK_UNITS[match.group(2)]


def parse_wrk(output: str) -> LoadResult:
    """The result in a ``wrk --latency`` report."""
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
        wrk_ms(done.group(2)) / 1000,
        wrk_ms(p50.group(1)),
        wrk_ms(p99.group(1)),
    )


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
    return parse_wrk(output)


def choose_load_generator(wanted: str) -> tuple[str, LoadGenerator]:
    """``auto``, ``wrk`` or ``python``: the generator's label for the report, and itself."""
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
