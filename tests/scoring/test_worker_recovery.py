"""Scores come back after crashes, against real workers, beat, Redis and PostgreSQL (CI).

The workers and beat run with short recovery settings (``FAST``) so the suite stays
quick; docs/operations.md gives the times the defaults give. Each test prints how long
recovery took (``pytest -s``).
"""

import contextlib
import time

import pytest

from scoring import queue
from scoring.models import PENDING, RunStatus, ScoreRun
from scoring.services import score_runs_sweep
from tests.factories import make_draft
from tests.workers import wait_until

pytestmark = pytest.mark.services

FAST = {
    "WINDFALL_HEARTBEAT_SECONDS": "1",
    "WINDFALL_STALE_HEARTBEAT_SECONDS": "3",
    "WINDFALL_RESEND_QUEUED_AFTER_SECONDS": "2",
    "WINDFALL_SWEEP_SECONDS": "1",
}
SLOW_RUN = {**FAST, "WINDFALL_TEST_SCORE_DELAY": "3"}  # seconds inside each run, to kill it


def _beating(run_id: int) -> bool:
    """Running, with at least one heartbeat after the claim."""
    run = ScoreRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).first()
    return run is not None and run.heartbeat_at > run.started_at


def _done(*run_ids: int) -> bool:
    return ScoreRun.objects.filter(pk__in=run_ids, status=RunStatus.DONE).count() == len(run_ids)


def _start(*processes):
    """Wait for processes started with ``wait=False``: they boot side by side."""
    for process in processes:
        process.wait_ready()
    return processes


def _scored_to_the_end(pool, expected: int) -> int:
    """How many deliveries ran the engine to a result (the worker logs' ``'done'`` lines),
    once ``expected`` have logged theirs: a task logs its line after it stored the run's
    variance attribution, a moment after the run is done."""
    with contextlib.suppress(AssertionError):
        wait_until(lambda: pool.logs().count(": 'done'") >= expected, timeout=15)
    return pool.logs().count(": 'done'")


@pytest.mark.parametrize("victim", ["worker", "pool child"])
def test_a_killed_workers_run_is_finished_once_by_another_worker(
    celery_workers, catalog, team, analyst, settings, victim
):
    """This process plays beat here (a sweep a second); the other tests run a real beat."""
    settings.WINDFALL_STALE_HEARTBEAT_SECONDS = int(FAST["WINDFALL_STALE_HEARTBEAT_SECONDS"])
    count = 2 if victim == "worker" else 1  # a killed pool child's own worker lives on
    workers = _start(*(celery_workers.start(wait=False, **SLOW_RUN) for _ in range(count)))
    draft = make_draft(team=team, author=analyst)
    run = ScoreRun.objects.get(agreement=draft)
    wait_until(lambda: _beating(run.pk), timeout=30, what="a worker to run and beat")
    (owner,) = (worker for worker in workers if "scoring.score_run[" in worker.log())
    if victim == "worker":
        owner.kill()  # SIGKILL the main process and its pool child, mid-run
    else:
        owner.kill_pool_child()  # the main process lives on and redelivers the message
    killed = time.monotonic()
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.RUNNING, 1)

    wait_until(
        lambda: score_runs_sweep() and _done(run.pk),
        timeout=90,
        interval=1,
        what="another worker to finish the run",
    )
    print(f"\n{victim} killed: run finished {time.monotonic() - killed:.1f} s later")
    run.refresh_from_db()
    assert run.attempts == 2
    assert (run.revision_number, run.result["seed"]) == (1, run.seed)
    assert ScoreRun.objects.filter(agreement=draft).count() == 1
    assert _scored_to_the_end(celery_workers, 1) == 1


def test_a_lost_message_is_sent_again_by_the_sweep(
    celery_workers, catalog, team, analyst, monkeypatch
):
    _start(celery_workers.start(wait=False, **FAST), celery_workers.start_beat(wait=False, **FAST))
    with monkeypatch.context() as lost:
        lost.setattr(queue, "score_run_send", lambda run_id: None)  # the message never arrives
        draft = make_draft(team=team, author=analyst)
    requested = time.monotonic()
    run = ScoreRun.objects.get(agreement=draft)
    wait_until(lambda: _done(run.pk), timeout=90, what="the sweep to send the run again")
    print(f"\nlost message: run finished {time.monotonic() - requested:.1f} s after the request")
    run.refresh_from_db()
    assert (run.attempts, run.result["seed"]) == (1, run.seed)
    assert _scored_to_the_end(celery_workers, 1) == 1


def test_a_slow_run_whose_worker_beats_is_not_taken_over(
    celery_workers, catalog, team, analyst, settings
):
    """The run takes longer than the stale time; sweeping all along must not double it."""
    settings.WINDFALL_HEARTBEAT_SECONDS = 1  # this process sweeps with the worker's times
    settings.WINDFALL_STALE_HEARTBEAT_SECONDS = 3
    celery_workers.start(**{**FAST, "WINDFALL_TEST_SCORE_DELAY": "5"})
    draft = make_draft(team=team, author=analyst)
    run = ScoreRun.objects.get(agreement=draft)
    wait_until(lambda: _beating(run.pk), timeout=30, what="the worker to run and beat")
    beats = set()
    deadline = time.monotonic() + 60
    while ScoreRun.objects.filter(pk=run.pk, status__in=PENDING).exists():
        assert time.monotonic() < deadline, "the run did not finish"
        assert score_runs_sweep()["requeued"] == 0
        beats |= set(ScoreRun.objects.filter(pk=run.pk).values_list("heartbeat_at", flat=True))
        time.sleep(0.5)
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.DONE, 1)
    assert len(beats) >= 3  # about one a second over 5 s
    assert _scored_to_the_end(celery_workers, 1) == 1


def test_runs_requested_while_redis_is_down_finish_once_it_is_back(
    private_redis, private_redis_workers, catalog, team, analyst, caplog
):
    _start(
        private_redis_workers.start(wait=False, **FAST),
        private_redis_workers.start_beat(wait=False, **FAST),
    )
    private_redis.stop()
    drafts = [make_draft(team=team, author=analyst, title=f"Outage {n}") for n in (1, 2)]
    runs = list(ScoreRun.objects.filter(agreement__in=drafts).values_list("pk", flat=True))
    assert len(runs) == 2  # the edits were saved, their runs queued
    assert ScoreRun.objects.filter(pk__in=runs, status=RunStatus.QUEUED).count() == 2
    assert caplog.text.count("could not enqueue score run") == 2
    time.sleep(3)  # the outage goes on; workers and beat keep trying to reconnect

    private_redis.start()  # empty: nothing was kept
    back = time.monotonic()
    wait_until(lambda: _done(*runs), timeout=90, what="the runs to finish after the outage")
    print(f"\nRedis outage: runs finished {time.monotonic() - back:.1f} s after Redis returned")
    assert list(ScoreRun.objects.filter(pk__in=runs).values_list("attempts", flat=True)) == [1, 1]
    assert _scored_to_the_end(private_redis_workers, 2) == 2
