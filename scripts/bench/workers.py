"""Real Celery workers (the test suite's ``CeleryWorker``) and timed batches of runs."""

from __future__ import annotations

import contextlib
import math
import statistics
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scripts.bench.common import quietly
from scripts.bench.load import percentile

if TYPE_CHECKING:
    from tests.workers import CeleryWorker


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
    env: dict[str, str],
    redis_url: str,
    queue: str,
    directory: Path,
    number: int,
    cleanup: contextlib.ExitStack,
) -> CeleryWorker:
    """One ``celery worker --concurrency=1`` on ``env`` and the benchmark queue, once it is
    ready; ``cleanup`` stops it (warm shutdown, then SIGKILL)."""
    from tests.workers import CeleryWorker  # imports the Celery app: after django.setup()

    worker = CeleryWorker(
        redis_url=redis_url,
        queue=queue,
        log_dir=directory,
        name=f"bench{number}-{uuid.uuid4().hex[:6]}",
        env=env,
        new_session=True,
    )
    cleanup.callback(quietly, f"stop celery worker {number}", worker.stop)
    worker.start(wait=False)
    worker.wait_ready(timeout=60)
    return worker
