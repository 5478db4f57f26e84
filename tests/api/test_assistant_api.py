"""The design assistant in the background through the API: ask, poll, apply (section 15),
with the delivery guarantees of score runs and refusals of bad or stale requests."""

import pytest
from rest_framework.test import APIClient

from agreements import services
from scoring import assistant
from scoring.models import AssistantRun, RunStatus, ScoreRun

pytestmark = pytest.mark.django_db


def _ask(client, draft, capture, **body):
    """Ask, let the in-process worker answer (on commit), and poll the answer once."""
    with capture(execute=True):
        asked = client.post(f"/api/v1/agreements/{draft.pk}/assistant/", body, format="json")
    if asked.status_code != 202:
        return asked
    return client.get(asked.json()["url"])


def _client(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_package_brings_the_restraint_deal_into_force_and_applies_as_one_revision(
    api_client, restraint, django_capture_on_commit_callbacks
):
    first = ScoreRun.objects.get(agreement=restraint, revision_number=1)
    assert first.result["scores"]["viability"]["value"] == 0.0  # China would not sign
    response = _ask(api_client, restraint, django_capture_on_commit_callbacks, kind="package")
    assert response.status_code == 200, response.json()
    run = response.json()
    assert run["status"] == "done" and run["revision"] == 1 and not run["outdated"]
    assert run["progress_done"] == run["progress_total"] > 0
    answer = run["package"]
    assert run["suggestions"] is None
    assert answer["in_force"] is False and answer["package"] is not None
    package = answer["package"]
    assert 1 <= len(package["edits"]) <= 4
    assert all(package["signs"].values())
    assert package["scores"]["viability"] == 1.0

    again = api_client.post(
        f"/api/v1/agreements/{restraint.pk}/assistant/", {"kind": "package"}, format="json"
    )
    assert again.status_code == 200, "a cached answer is returned at once"
    assert again.json()["id"] == run["id"], "the same question is answered once per revision"

    with django_capture_on_commit_callbacks(execute=True):
        applied = api_client.post(
            f"/api/v1/assistant-runs/{run['id']}/apply/", {"version": 1}, format="json"
        )
    assert applied.status_code == 201, applied.json()
    assert applied.json()["revision"] == 2
    assert package["descriptions"][0] in applied.json()["message"]
    scored = ScoreRun.objects.get(agreement=restraint, revision_number=2)
    assert all(r["would_sign"] for r in scored.result["recipients"])
    assert scored.result["scores"]["provider_cost"]["value"] == pytest.approx(
        package["scores"]["provider_cost"]
    )
    polled = api_client.get(f"/api/v1/assistant-runs/{run['id']}/").json()
    assert polled["outdated"] is True, "an edit makes the old answer visibly outdated"


def test_single_edits_in_the_background_and_one_applied_by_index(
    api_client, restraint, django_capture_on_commit_callbacks
):
    response = _ask(
        api_client,
        restraint,
        django_capture_on_commit_callbacks,
        kind="suggestions",
        goal="sign",
        recipient="cn",
        limit=3,
    )
    assert response.status_code == 200, response.json()
    answer = response.json()["suggestions"]
    assert answer["target_signs"] is False and len(answer["suggestions"]) <= 3
    top = answer["suggestions"][0]
    with django_capture_on_commit_callbacks(execute=True):
        applied = api_client.post(
            f"/api/v1/assistant-runs/{response.json()['id']}/apply/",
            {"version": 1, "suggestion": 0},
            format="json",
        )
    assert applied.status_code == 201, applied.json()
    assert applied.json()["message"] == f"Suggestion: {top['description']}"
    scored = ScoreRun.objects.get(agreement=restraint, revision_number=2)
    assert next(r for r in scored.result["recipients"] if r["key"] == "cn")["would_sign"]


def test_an_answer_for_an_older_revision_is_refused_and_changes_nothing(
    api_client, restraint, analyst, django_capture_on_commit_callbacks
):
    run = _ask(api_client, restraint, django_capture_on_commit_callbacks, kind="package").json()
    services.part_update(
        agreement_id=restraint.pk,
        expected_version=1,
        author=analyst,
        section="mechanisms",
        key="m1",
        changes={"strength": 0.3},
    )
    url = f"/api/v1/assistant-runs/{run['id']}/apply/"
    stale = api_client.post(url, {"version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    older = api_client.post(url, {"version": 2}, format="json")
    assert older.status_code == 400, older.json()
    assert "computed for revision 1" in older.json()["errors"]["version"][0]
    restraint.refresh_from_db()
    assert restraint.version == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "oracle"}, "kind"),
        ({"kind": "suggestions", "goal": "win"}, "goal"),
        ({"kind": "suggestions", "goal": "sign"}, "recipient"),
        ({"kind": "suggestions", "goal": "sign", "recipient": "zz"}, "recipient"),
        ({"kind": "package", "max_edits": 5}, "max_edits"),
        ({"kind": "package", "risk_max": -0.1}, "risk_max"),
        ({"kind": "package", "keep_label": "any"}, "keep_label"),
        ({"kind": "package", "revision": 0}, "revision"),
        ({"kind": "package", "surprise": 1}, "surprise"),
    ],
)
def test_bad_questions_are_refused_by_field_and_store_nothing(api_client, restraint, body, field):
    response = api_client.post(f"/api/v1/agreements/{restraint.pk}/assistant/", body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert not AssistantRun.objects.exists()


def test_other_teams_drafts_and_answers_are_not_found(
    api_client, restraint, outsider, django_capture_on_commit_callbacks
):
    other_team_client = _client(outsider)
    run = _ask(api_client, restraint, django_capture_on_commit_callbacks, kind="package").json()
    assert (
        other_team_client.post(
            f"/api/v1/agreements/{restraint.pk}/assistant/", {"kind": "package"}, format="json"
        ).status_code
        == 404
    )
    assert other_team_client.get(f"/api/v1/assistant-runs/{run['id']}/").status_code == 404
    assert (
        other_team_client.post(
            f"/api/v1/assistant-runs/{run['id']}/apply/", {"version": 1}, format="json"
        ).status_code
        == 404
    )
    assert api_client.get("/api/v1/assistant-runs/not-a-number/").status_code == 404


def test_a_viewer_may_ask_but_not_apply(restraint, viewer, django_capture_on_commit_callbacks):
    viewer = _client(viewer)
    run = _ask(viewer, restraint, django_capture_on_commit_callbacks, kind="package").json()
    refused = viewer.post(
        f"/api/v1/assistant-runs/{run['id']}/apply/", {"version": 1}, format="json"
    )
    assert refused.status_code == 403


def test_a_crashed_workers_answer_is_handed_on_by_the_sweep(
    restraint, analyst, settings, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(assistant.queue, "assistant_run_send_on_commit", sent.append)
    run = assistant.assistant_run_request(
        revision=restraint.revisions.get(number=1),
        kind="package",
        options={},
        requested_by=analyst,
    )
    assert run.status == RunStatus.QUEUED and sent == [run.pk]
    assert assistant.jobs.claim(run)  # a worker takes it, then dies without beating
    AssistantRun.objects.filter(pk=run.pk).update(heartbeat_at=None, updated_at="2000-01-01T00:00Z")
    assert assistant.assistant_runs_sweep() == 1
    assert sent == [run.pk, run.pk]
    assert assistant.assistant_run_execute(run_id=run.pk) == "done"
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.attempts == 2 and run.result["package"]
    assert assistant.assistant_run_execute(run_id=run.pk).startswith("skipped"), "claimed once"


def test_polling_an_answer_costs_a_constant_number_of_queries(
    api_client, restraint, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    run = _ask(api_client, restraint, django_capture_on_commit_callbacks, kind="package").json()
    with django_assert_max_num_queries(6):
        assert api_client.get(f"/api/v1/assistant-runs/{run['id']}/").status_code == 200
