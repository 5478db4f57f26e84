"""The pipeline against a real Celery worker on Redis and PostgreSQL (CI runs these)."""

import pytest
from rest_framework.test import APIClient

from scoring.models import PENDING, RunStatus, ScoreRun
from tests.factories import draft_document, make_draft
from tests.workers import wait_until

pytestmark = pytest.mark.services


def _settled(agreement_id: int) -> bool:
    return not ScoreRun.objects.filter(agreement_id=agreement_id, status__in=PENDING).exists()


def test_quick_edits_leave_exactly_one_current_score_for_the_last_revision(
    celery_worker, catalog, team, analyst
):
    api = APIClient()
    api.force_authenticate(analyst)
    created = api.post(
        "/api/v1/agreements/import/",
        {"team": team.slug, "document": draft_document(lines=3)},
        format="json",
    )
    assert created.status_code == 201
    pk, version = created.json()["id"], 1
    for magnitude in (0.2, 0.4, 0.6):
        edited = api.patch(
            f"/api/v1/agreements/{pk}/lines/l1/",
            {"version": version, "magnitude": magnitude},
            format="json",
        )
        assert edited.status_code == 200
        version = edited.json()["agreement_version"]
    assert version == 4

    wait_until(lambda: _settled(pk), timeout=90, what="every run to finish")
    detail = api.get(f"/api/v1/agreements/{pk}/").json()
    assert detail["latest_score"]["revision"] == 4
    assert detail["latest_score"]["current"] is True
    for_last = ScoreRun.objects.filter(agreement_id=pk, revision_number=4)
    assert [run.status for run in for_last] == [RunStatus.DONE]
    assert for_last.get().result["lines"][0]["magnitude"] == 0.6
    assert not ScoreRun.objects.filter(agreement_id=pk, status=RunStatus.FAILED).exists()


def test_a_run_whose_worker_is_killed_is_redone_once(celery_workers, catalog, team, analyst):
    slow = {
        "WINDFALL_TEST_SCORE_DELAY": "4",
        "CELERY_VISIBILITY_TIMEOUT": "8",
        "CELERY_TASK_SOFT_TIME_LIMIT": "6",
        "CELERY_TASK_TIME_LIMIT": "7",
    }
    first = celery_workers.start(**slow)
    draft = make_draft(team=team, author=analyst)
    run = ScoreRun.objects.get(agreement=draft)
    wait_until(
        lambda: ScoreRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).exists(),
        timeout=30,
        what="the first worker to start the run",
    )
    first.kill()  # SIGKILL the main process and its pool child, mid-run
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.RUNNING, 1)

    celery_workers.start(**slow)
    wait_until(
        lambda: ScoreRun.objects.filter(pk=run.pk, status=RunStatus.DONE).exists(),
        timeout=90,
        what="the second worker to redo the run",
    )
    run.refresh_from_db()
    assert run.attempts == 2
    assert run.result["seed"] == run.seed
    assert ScoreRun.objects.filter(agreement=draft).count() == 1
