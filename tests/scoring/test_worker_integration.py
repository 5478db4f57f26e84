"""The pipeline against a real Celery worker on Redis and PostgreSQL (CI runs these)."""

import pytest
from rest_framework.test import APIClient

from scoring.models import PENDING, RunStatus, ScoreRun
from tests.factories import draft_document
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


def _worker_backends() -> set[tuple[int, object]]:
    """The other connections to the test database: (pid, when it was opened)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, backend_start FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return set(cursor.fetchall())


def test_a_worker_keeps_its_database_connection_from_run_to_run(
    celery_worker, catalog, team, analyst
):
    """A new PostgreSQL connection per task cost every score run 10-25 ms before it could
    claim its run: the worker keeps a healthy one, as a web process does between requests."""
    api = APIClient()
    api.force_authenticate(analyst)
    created = api.post(
        "/api/v1/agreements/import/",
        {"team": team.slug, "document": draft_document(lines=2)},
        format="json",
    )
    pk, version = created.json()["id"], 1
    wait_until(lambda: _settled(pk), timeout=90, what="the first run to finish")
    after_first = _worker_backends()
    assert after_first, "the worker closed its connection after the run"
    for magnitude in (0.3, 0.5):
        edited = api.patch(
            f"/api/v1/agreements/{pk}/lines/l1/",
            {"version": version, "magnitude": magnitude},
            format="json",
        )
        version = edited.json()["agreement_version"]
        wait_until(lambda: _settled(pk), timeout=90, what="the edit's run to finish")
    assert ScoreRun.objects.filter(agreement_id=pk, status=RunStatus.DONE).count() == 3
    assert after_first & _worker_backends(), "each run opened a new connection"

    # The database drops the kept connection (a restart, a failover): the next run
    # notices before its first query and connects again; nothing fails.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    edited = api.patch(
        f"/api/v1/agreements/{pk}/lines/l1/", {"version": version, "magnitude": 0.7}, format="json"
    )
    wait_until(lambda: _settled(pk), timeout=90, what="the run after the restart to finish")
    last = ScoreRun.objects.get(agreement_id=pk, revision_number=edited.json()["agreement_version"])
    assert (last.status, last.attempts) == (RunStatus.DONE, 1)
    assert " retry: " not in celery_worker.log()  # not even a retried delivery
