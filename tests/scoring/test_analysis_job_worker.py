"""A large scenario comparison computed by a real Celery worker, with progress (CI runs it)."""

import pytest
from rest_framework.test import APIClient

from scoring.models import AnalysisJob, RunStatus, Scenario
from tests.factories import make_draft
from tests.workers import wait_until

pytestmark = pytest.mark.services


def test_a_worker_answers_a_large_scenario_comparison(celery_worker, catalog, team, analyst):
    api = APIClient()
    api.force_authenticate(analyst)
    drafts = [make_draft(team=team, author=analyst, lines=n, title=f"D{n}") for n in (1, 2, 3)]
    worlds = [
        Scenario.objects.create(team=team, name=n, dsa=d) for n, d in (("A", 0.1), ("B", 0.9))
    ]
    body = {
        "agreements": [d.pk for d in drafts],
        "scenarios": [w.pk for w in worlds],
        "n_samples": 4000,
    }
    response = api.post("/api/v1/comparisons/scenarios/", body, format="json")
    assert response.status_code == 202, response.json()
    pk = response.json()["id"]
    wait_until(
        lambda: AnalysisJob.objects.get(pk=pk).status in (RunStatus.DONE, RunStatus.FAILED),
        timeout=120,
        what="the job to finish",
    )
    job = api.get(f"/api/v1/analysis-jobs/{pk}/").json()
    assert job["status"] == "done", job["error"]
    assert job["progress"] == 1.0
    assert job["result"]["scenarios"] == ["A", "B"]
    assert len(job["result"]["cells"]) == 3


def test_the_compare_page_polls_a_workers_ranking_along_dsa(
    celery_worker, catalog, team, analyst, client
):
    client.force_login(analyst)
    drafts = [make_draft(team=team, author=analyst, lines=n, title=f"D{n}") for n in range(1, 7)]
    url = "/compare/dsa/?" + "&".join(f"ids={d.pk}" for d in drafts)
    first = client.get(url, HTTP_HX_REQUEST="true")
    assert first.status_code == 200
    job = AnalysisJob.objects.get(kind="dsa_ranking")
    poll = f"{url}&job={job.pk}"
    assert poll.replace("&", "&amp;") in first.content.decode()
    wait_until(
        lambda: AnalysisJob.objects.get(pk=job.pk).status in (RunStatus.DONE, RunStatus.FAILED),
        timeout=120,
        what="the job to finish",
    )
    job.refresh_from_db()
    assert job.status == RunStatus.DONE, job.error
    assert job.attempts == 1 and job.heartbeat_at is not None
    html = client.get(poll, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="dsa-summary"' in html and "job=" not in html
