"""Sensitivity jobs have the delivery guarantees of score runs and design-assistant answers:
the row first, claimed by one delivery, a heartbeat while it computes, and the sweep
handing on a job whose worker died or whose message was lost."""

from __future__ import annotations

import threading
import time
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from agreements.models import Agreement
from scoring import analysis_jobs, jobs, tasks
from scoring.models import AnalysisJob, RunStatus
from tests.factories import make_draft

pytestmark = pytest.mark.django_db


def _ago(seconds: float):
    return timezone.now() - timezone.timedelta(seconds=seconds)


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    """The ids sent to the workers (nothing runs until the test executes them)."""
    ids: list[int] = []
    monkeypatch.setattr(analysis_jobs.queue, "analysis_job_send_on_commit", ids.append)
    return ids


@pytest.fixture
def job(catalog, team, analyst, sent) -> AnalysisJob:
    drafts = [make_draft(team=team, author=analyst, lines=n, title=f"D{n}") for n in (1, 2)]
    return analysis_jobs.analysis_job_request(
        kind="dsa_ranking",
        agreements=drafts,
        options={"points": 3, "n_samples": 200},
        user=analyst,
    )


def _drafts(job: AnalysisJob) -> list[Agreement]:
    by_id = Agreement.objects.in_bulk(job.request["agreements"])
    return [by_id[pk] for pk in job.request["agreements"]]


def test_the_row_comes_first_and_is_sent_once(job, sent, analyst):
    assert job.pk and job.status == RunStatus.QUEUED and job.attempts == 0
    assert sent == [job.pk]
    again = analysis_jobs.analysis_job_request(
        kind="dsa_ranking",
        agreements=_drafts(job),
        options={"points": 3, "n_samples": 200},
        user=analyst,
    )
    assert again.pk == job.pk and sent == [job.pk], "the same question is one row, sent once"


def test_a_job_sent_twice_is_computed_once(job):
    assert analysis_jobs.analysis_job_execute(job_id=job.pk) == "done"
    assert analysis_jobs.analysis_job_execute(job_id=job.pk).startswith("skipped")
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress) == (RunStatus.DONE, 1, 1.0)
    assert job.started_at <= job.heartbeat_at <= job.finished_at
    assert job.duration_ms is not None and len(job.result["points"]) == 3


def test_an_unknown_kind_is_refused_and_nothing_is_stored(catalog, team, analyst, sent):
    draft = make_draft(team=team, author=analyst)
    with pytest.raises(ValidationError) as refused:
        analysis_jobs.analysis_job_request(kind="wind", agreements=[draft], options={})
    assert "kind" in refused.value.message_dict
    assert not AnalysisJob.objects.exists() and not sent


def test_a_crashed_workers_job_is_handed_on_by_the_sweep(job, sent):
    assert jobs.claim(job)  # a worker takes it, then dies without beating
    AnalysisJob.objects.filter(pk=job.pk).update(heartbeat_at=None, updated_at="2000-01-01T00:00Z")
    assert analysis_jobs.analysis_jobs_sweep() == 1
    assert sent == [job.pk, job.pk]
    assert analysis_jobs.analysis_job_execute(job_id=job.pk) == "done"
    job.refresh_from_db()
    assert (job.status, job.attempts) == (RunStatus.DONE, 2)
    assert analysis_jobs.analysis_job_execute(job_id=job.pk).startswith("skipped"), "claimed once"


def test_the_sweep_leaves_a_job_whose_worker_still_beats(job, sent, settings):
    assert jobs.claim(job)
    long_ago = _ago(settings.WINDFALL_STUCK_AFTER_SECONDS * 2)
    AnalysisJob.objects.filter(pk=job.pk).update(
        started_at=long_ago,
        updated_at=long_ago,
        heartbeat_at=_ago(settings.WINDFALL_STALE_HEARTBEAT_SECONDS - 5),
    )
    assert analysis_jobs.analysis_jobs_sweep() == 0 and sent == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.attempts) == (RunStatus.RUNNING, 1)


def test_a_queued_job_whose_message_is_lost_is_sent_again(job, sent, settings):
    assert analysis_jobs.analysis_jobs_sweep() == 0, "queued moments ago: not yet lost"
    AnalysisJob.objects.filter(pk=job.pk).update(
        updated_at=_ago(settings.WINDFALL_STUCK_AFTER_SECONDS + 5)
    )
    assert analysis_jobs.analysis_jobs_sweep() == 1 and sent == [job.pk, job.pk]


def test_the_periodic_sweep_reports_the_jobs_it_handed_on(job, sent):
    assert jobs.claim(job)
    AnalysisJob.objects.filter(pk=job.pk).update(heartbeat_at=None, updated_at="2000-01-01T00:00Z")
    assert tasks.score_runs_sweep_task()["analysis_requeued"] == 1


def test_the_previous_owner_cannot_finish_a_job_handed_over(job, sent, settings):
    first = AnalysisJob.objects.get(pk=job.pk)
    assert jobs.claim(first)
    AnalysisJob.objects.filter(pk=job.pk).update(
        heartbeat_at=_ago(settings.WINDFALL_STALE_HEARTBEAT_SECONDS + 1)
    )
    assert analysis_jobs.analysis_jobs_sweep() == 1
    second = AnalysisJob.objects.get(pk=job.pk)
    assert jobs.claim(second)
    jobs.finish(first, None, status=RunStatus.FAILED, error="late")
    analysis_jobs.analysis_job_fail(job_id=job.pk, error="late")  # fails attempt 2 only
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (RunStatus.FAILED, 2, "late")


def test_a_transient_database_error_hands_the_job_back_for_the_retry(job, monkeypatch):
    def broken(job):
        raise OperationalError("connection lost")

    monkeypatch.setattr(analysis_jobs, "_compute", broken)
    with pytest.raises(OperationalError):
        analysis_jobs.analysis_job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (RunStatus.QUEUED, 1)


def test_a_failed_job_is_queued_again_when_asked_again(job, sent, analyst):
    assert jobs.claim(job)
    analysis_jobs.analysis_job_fail(job_id=job.pk, error="The computation took too long.")
    job.refresh_from_db()
    assert job.status == RunStatus.FAILED and job.error
    again = analysis_jobs.analysis_job_request(
        kind="dsa_ranking",
        agreements=_drafts(job),
        options={"points": 3, "n_samples": 200},
        user=analyst,
    )
    assert (again.pk, again.status, again.error) == (job.pk, RunStatus.QUEUED, "")
    assert sent == [job.pk, job.pk]


def _heartbeat_threads(job_id: int) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == f"analysisjob-{job_id}-heartbeat"]


@pytest.mark.django_db(transaction=True)
def test_a_worker_beats_while_it_computes_and_stops_when_done(job, settings, monkeypatch):
    settings.WINDFALL_HEARTBEAT_SECONDS = 0.05
    compute = analysis_jobs._compute

    def slow(job):
        time.sleep(0.4)
        return compute(job)

    monkeypatch.setattr(analysis_jobs, "_compute", slow)
    assert analysis_jobs.analysis_job_execute(job_id=job.pk) == "done"
    job.refresh_from_db()
    assert job.heartbeat_at > job.started_at + timezone.timedelta(seconds=0.2)
    assert job.heartbeat_at <= job.finished_at
    assert not _heartbeat_threads(job.pk)


def test_the_cron_sweep_hands_on_jobs_too(job, sent):
    assert jobs.claim(job)
    AnalysisJob.objects.filter(pk=job.pk).update(heartbeat_at=None, updated_at="2000-01-01T00:00Z")
    out = StringIO()
    call_command("scores_sweep", stdout=out)
    assert "and 1 sensitivity jobs" in out.getvalue() and sent == [job.pk, job.pk]
