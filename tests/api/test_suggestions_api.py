"""The design assistant's single edits through the API: what would make a recipient sign,
applied as one revision (design section 15)."""

import pytest
from rest_framework.test import APIClient

from agreements import services
from scoring.models import ScoreRun

pytestmark = pytest.mark.django_db


def test_edits_that_make_china_sign_and_the_top_one_applied(
    api_client, restraint, django_capture_on_commit_callbacks
):
    url = f"/api/v1/agreements/{restraint.pk}/suggestions/?goal=sign&recipient=cn&limit=5"
    response = api_client.get(url)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["revision"] == 1 and body["target_signs"] is False
    assert body["suggestions"], "some single edit should make China sign"
    top = body["suggestions"][0]
    assert top["target_signs"] is True

    with django_capture_on_commit_callbacks(execute=True):
        applied = api_client.post(
            f"/api/v1/agreements/{restraint.pk}/suggestions/apply/",
            {"version": 1, "edit": top["edit"], "description": top["description"]},
            format="json",
        )
    assert applied.status_code == 201, applied.json()
    assert applied.json()["revision"] == 2
    assert applied.json()["message"] == f"Suggestion: {top['description']}"
    run = ScoreRun.objects.get(agreement=restraint, revision_number=2)
    china = next(r for r in run.result["recipients"] if r["key"] == "cn")
    assert china["would_sign"]


def test_a_suggestion_applied_to_a_draft_edited_since_is_refused(api_client, restraint, analyst):
    top = api_client.get(
        f"/api/v1/agreements/{restraint.pk}/suggestions/?goal=sign&recipient=cn"
    ).json()["suggestions"][0]
    services.part_update(
        agreement_id=restraint.pk,
        expected_version=1,
        author=analyst,
        section="mechanisms",
        key="m1",
        changes={"strength": 0.3},
    )
    stale = api_client.post(
        f"/api/v1/agreements/{restraint.pk}/suggestions/apply/",
        {"version": 1, "edit": top["edit"], "description": top["description"]},
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    restraint.refresh_from_db()
    assert restraint.version == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("goal=win", "goal"),
        ("goal=sign", "recipient"),
        ("goal=sign&recipient=zz", "recipient"),
        ("goal=risk&risk_max=2", "risk_max"),
        ("goal=risk&keep_label=any", "keep_label"),
        ("goal=risk&limit=0", "limit"),
    ],
)
def test_bad_requests_name_the_field(api_client, restraint, query, field):
    response = api_client.get(f"/api/v1/agreements/{restraint.pk}/suggestions/?{query}")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_an_unknown_edit_is_refused_and_changes_nothing(api_client, restraint):
    response = api_client.post(
        f"/api/v1/agreements/{restraint.pk}/suggestions/apply/",
        {"version": 1, "edit": {"kind": "teleport"}, "description": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "edit" in response.json()["errors"]
    restraint.refresh_from_db()
    assert restraint.version == 1


def test_another_teams_draft_is_404(restraint, outsider):
    api = APIClient()
    api.force_authenticate(outsider)
    url = f"/api/v1/agreements/{restraint.pk}/suggestions/?goal=credibility"
    assert api.get(url).status_code == 404


def test_the_answer_is_typed_key_by_key(api_client, restraint):
    from tests.api.test_contract import _keys, component

    body = api_client.get(
        f"/api/v1/agreements/{restraint.pk}/suggestions/?goal=sign&recipient=cn"
    ).json()
    openapi = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    assert _keys(component(openapi, "SuggestionResult")) == set(body)
    assert _keys(component(openapi, "Suggestion")) == set(body["suggestions"][0])
    assert _keys(component(openapi, "SuggestedEdit")) == set(body["suggestions"][0]["edit"])
