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
