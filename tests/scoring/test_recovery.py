"""Recovery decisions without workers: claims, heartbeats, the sweep, the worker-start sweep.

The real-worker versions (kill -9, a lost message, a Redis outage) are in
``test_worker_recovery.py``.
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from celery.signals import worker_ready
from django.db import OperationalError
from django.utils import timezone

from scoring import jobs, push, queue, services, tasks
from scoring.engine import attribution as engine_attribution
from scoring.models import RunStatus, ScoreRun
from scoring.services import score_run_execute, score_runs_sweep
from tests.factories import make_draft

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _ago(seconds: float):
    return timezone.now() - timezone.timedelta(seconds=seconds)


def _set(run: ScoreRun, **fields) -> ScoreRun:
    ScoreRun.objects.filter(pk=run.pk).update(**fields)
    run.refresh_from_db()
    return run


@pytest.fixture
def run(team, analyst) -> ScoreRun:
    """A queued run whose message was never sent (the test decides what happens)."""
    return ScoreRun.objects.get(agreement=make_draft(team=team, author=analyst))


@pytest.fixture
def running(run, settings) -> ScoreRun:
    """``run`` claimed by a worker long ago (attempt 1); set ``heartbeat_at`` as needed."""
    long_ago = _ago(settings.WINDFALL_STUCK_AFTER_SECONDS * 2)
    return _set(run, status=RunStatus.RUNNING, attempts=1, started_at=long_ago, updated_at=long_ago)


def _sweep(capture, *, execute: bool = True) -> tuple[dict[str, int], int]:
    """Run the sweep; with ``execute`` the runs it sends are scored in-process. Returns
    its counts and the tasks it sent (on-commit callbacks other than the announcements
    of finished runs, ``scoring.push``)."""
    with capture(execute=execute) as callbacks:
        counts = score_runs_sweep()
    sent = [cb for cb in callbacks if getattr(cb, "func", None) is not push.announce]
    return counts, len(sent)


# --- Claims ----------------------------------------------------------------------------


def test_a_run_sent_twice_is_scored_once(run):
    assert score_run_execute(run_id=run.pk) == "done"
    assert score_run_execute(run_id=run.pk).startswith("skipped")
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.DONE, 1)


def test_a_delivery_takes_a_running_run_over_only_once_its_worker_stopped_beating(
    running, settings
):
    """A redelivered or duplicate message must not double a run whose worker still beats;
    once the heartbeat is stale (the worker is dead), any delivery may take it over."""
    stale = settings.WINDFALL_STALE_HEARTBEAT_SECONDS
    _set(running, heartbeat_at=_ago(stale - 5))
    assert score_run_execute(run_id=running.pk).startswith("skipped")
    assert _set(running).attempts == 1
    _set(running, heartbeat_at=_ago(stale + 1))
    assert score_run_execute(run_id=running.pk) == "done"
    running.refresh_from_db()
    assert (running.status, running.attempts) == (RunStatus.DONE, 2)


def test_a_transient_database_error_hands_the_run_back_for_the_retry(run, monkeypatch):
    real = engine_attribution.simulate_then_attribute
    failures = [OperationalError("server closed the connection unexpectedly")]

    def flaky(*args, **kwargs):
        if failures:
            raise failures.pop()
        return real(*args, **kwargs)

    monkeypatch.setattr(engine_attribution, "simulate_then_attribute", flaky)
    with pytest.raises(OperationalError):
        score_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.QUEUED, 1)
    assert score_run_execute(run_id=run.pk) == "done"  # the task's retry
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.DONE, 2)


# --- Running runs: the heartbeat decides -------------------------------------------------


def test_sweep_leaves_a_run_whose_worker_still_beats(
    running, settings, django_capture_on_commit_callbacks
):
    """Started long ago but beating: a slow, healthy worker is never doubled."""
    _set(running, heartbeat_at=_ago(settings.WINDFALL_STALE_HEARTBEAT_SECONDS - 5))
    assert _sweep(django_capture_on_commit_callbacks) == ({"requeued": 0, "rescored": 0}, 0)
    running.refresh_from_db()
    assert (running.status, running.attempts) == (RunStatus.RUNNING, 1)


def test_sweep_hands_a_run_whose_worker_stopped_beating_to_another_worker(
    running, settings, django_capture_on_commit_callbacks
):
    _set(running, heartbeat_at=_ago(settings.WINDFALL_STALE_HEARTBEAT_SECONDS + 1))
    counts, sent = _sweep(django_capture_on_commit_callbacks)
    assert (counts["requeued"], sent) == (1, 1)
    running.refresh_from_db()
    assert (running.status, running.attempts) == (RunStatus.DONE, 2)
    assert running.result["seed"] == running.seed
    assert running.revision_number == 1
    assert ScoreRun.objects.filter(agreement_id=running.agreement_id).count() == 1


@pytest.mark.parametrize(("age", "requeued"), [("stale", 0), ("stuck", 1)])
def test_a_run_claimed_by_a_worker_that_does_not_beat_waits_the_stuck_time(
    running, settings, django_capture_on_commit_callbacks, age, requeued
):
    """A run claimed by an older version (no heartbeat) gets WINDFALL_STUCK_AFTER_SECONDS."""
    seconds = {
        "stale": settings.WINDFALL_STALE_HEARTBEAT_SECONDS + 5,
        "stuck": settings.WINDFALL_STUCK_AFTER_SECONDS + 5,
    }[age]
    _set(running, heartbeat_at=None, updated_at=_ago(seconds))
    counts, _ = _sweep(django_capture_on_commit_callbacks, execute=False)
    assert counts["requeued"] == requeued


def test_the_previous_owner_can_neither_beat_nor_finish_a_run_handed_over(
    run, settings, django_capture_on_commit_callbacks
):
    first = ScoreRun.objects.get(pk=run.pk)
    assert jobs.claim(first)  # attempt 1: its worker then stalls
    _set(run, heartbeat_at=_ago(settings.WINDFALL_STALE_HEARTBEAT_SECONDS + 1))
    _sweep(django_capture_on_commit_callbacks, execute=False)
    second = ScoreRun.objects.get(pk=run.pk)
    assert jobs.claim(second)  # attempt 2
    assert not jobs.owned(ScoreRun, run.pk, first.attempts).update(heartbeat_at=timezone.now())
    services._finish(first, None, status=RunStatus.FAILED, error="late")
    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == (RunStatus.RUNNING, 2, "")


# --- The heartbeat thread ----------------------------------------------------------------


def _heartbeat_threads(run_id: int) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == f"scorerun-{run_id}-heartbeat"]


@pytest.mark.django_db(transaction=True)
def test_a_worker_beats_while_it_scores_and_stops_when_done(team, analyst, settings, catalog):
    settings.WINDFALL_HEARTBEAT_SECONDS = 0.05
    settings.WINDFALL_TEST_SCORE_DELAY = 0.4  # inside the run, while the engine "computes"
    draft = make_draft(team=team, author=analyst)  # scored in-process on commit
    run = ScoreRun.objects.get(agreement=draft)
    assert run.status == RunStatus.DONE
    assert run.heartbeat_at > run.started_at + timezone.timedelta(seconds=0.2)
    assert run.heartbeat_at <= run.finished_at
    assert not _heartbeat_threads(run.pk)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fate", ["finished", "handed over"])
def test_the_heartbeat_never_revives_a_run_that_is_no_longer_its_own(
    team, analyst, settings, catalog, monkeypatch, fate
):
    settings.WINDFALL_HEARTBEAT_SECONDS = 0.05
    monkeypatch.setattr(queue, "score_run_send_on_commit", lambda run_id: None)
    run = ScoreRun.objects.get(agreement=make_draft(team=team, author=analyst))
    assert jobs.claim(run)
    if fate == "finished":
        after = {"status": RunStatus.DONE}
    else:
        after = {"status": RunStatus.RUNNING, "attempts": run.attempts + 1}
    beat_at = _set(ScoreRun.objects.get(pk=run.pk), **after).heartbeat_at
    with jobs.heartbeat(run):
        time.sleep(0.3)
        assert not _heartbeat_threads(run.pk), "the thread stops at its first refused beat"
    assert ScoreRun.objects.get(pk=run.pk).heartbeat_at == beat_at


# --- Queued runs: lost messages ------------------------------------------------------------


def test_a_queued_run_whose_message_is_lost_is_sent_again(
    run, settings, django_capture_on_commit_callbacks
):
    _set(run, updated_at=_ago(settings.WINDFALL_RESEND_QUEUED_AFTER_SECONDS + 1))
    counts, sent = _sweep(django_capture_on_commit_callbacks)
    assert (counts["requeued"], sent) == (1, 1)
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.DONE, 1)


def test_a_run_queued_moments_ago_is_not_sent_again(
    run, settings, django_capture_on_commit_callbacks
):
    _set(run, updated_at=_ago(settings.WINDFALL_RESEND_QUEUED_AFTER_SECONDS - 5))
    assert _sweep(django_capture_on_commit_callbacks) == ({"requeued": 0, "rescored": 0}, 0)


def test_while_messages_wait_a_queued_run_is_sent_again_only_once_stuck(
    team, analyst, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """A busy queue: a run queued a while ago may be waiting behind other messages."""
    monkeypatch.setattr(queue, "waiting_messages", lambda: 3)
    behind, stuck = (
        ScoreRun.objects.get(agreement=make_draft(team=team, author=analyst)) for _ in range(2)
    )
    _set(behind, updated_at=_ago(settings.WINDFALL_RESEND_QUEUED_AFTER_SECONDS + 60))
    _set(stuck, updated_at=_ago(settings.WINDFALL_STUCK_AFTER_SECONDS + 1))
    counts, sent = _sweep(django_capture_on_commit_callbacks, execute=False)
    assert (counts["requeued"], sent) == (1, 1)
    assert ScoreRun.objects.get(pk=behind.pk).updated_at == behind.updated_at
    assert ScoreRun.objects.get(pk=stuck.pk).updated_at > stuck.updated_at


def test_with_the_broker_down_no_queued_run_is_resent(
    run, running, settings, team, analyst, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(queue, "waiting_messages", lambda: None)
    queued = ScoreRun.objects.get(agreement=make_draft(team=team, author=analyst))
    _set(queued, updated_at=_ago(settings.WINDFALL_STUCK_AFTER_SECONDS + 1))
    _set(running, heartbeat_at=_ago(settings.WINDFALL_STALE_HEARTBEAT_SECONDS + 1))
    counts, sent = _sweep(django_capture_on_commit_callbacks, execute=False)
    # The abandoned run is queued again (its send fails and is logged); the queued one waits.
    assert (counts["requeued"], sent) == (1, 1)
    assert ScoreRun.objects.get(pk=running.pk).status == RunStatus.QUEUED
    assert ScoreRun.objects.get(pk=queued.pk).updated_at == queued.updated_at


# --- The worker-start sweep -----------------------------------------------------------------


def test_a_starting_worker_sends_one_sweep_at_once(monkeypatch):
    sent = []

    class Sweep:
        def delay(self):
            sent.append("now")

    monkeypatch.setattr(tasks, "score_runs_sweep_task", Sweep())
    worker_ready.send(sender=None)
    assert sent == ["now"]


def test_a_starting_worker_picks_up_an_abandoned_run(
    running, settings, django_capture_on_commit_callbacks
):
    _set(running, heartbeat_at=_ago(settings.WINDFALL_STALE_HEARTBEAT_SECONDS + 1))
    with django_capture_on_commit_callbacks(execute=True):
        worker_ready.send(sender=None)  # in-process: the sweep runs at once
    running.refresh_from_db()
    assert (running.status, running.attempts) == (RunStatus.DONE, 2)


# --- Settings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"WINDFALL_HEARTBEAT_SECONDS": "20"},
            "WINDFALL_STALE_HEARTBEAT_SECONDS (30) must be at least 3 x "
            "WINDFALL_HEARTBEAT_SECONDS (60)",
        ),
        (
            {"CELERY_VISIBILITY_TIMEOUT": "150"},
            "CELERY_VISIBILITY_TIMEOUT (150) must be longer than CELERY_TASK_TIME_LIMIT (150)",
        ),
    ],
)
def test_recovery_settings_that_would_double_or_lose_runs_stop_the_process(env, expected):
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 78
    assert result.stderr.strip() == f"windfall: configuration error: {expected}"


def test_beat_sweeps_every_windfall_sweep_seconds(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-score-runs"]
    assert entry == {"task": "scoring.sweep", "schedule": float(settings.WINDFALL_SWEEP_SECONDS)}
