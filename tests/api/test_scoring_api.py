"""Score runs, comparisons and the raw-number analysis endpoints."""

import pytest
from rest_framework.test import APIClient

from agreements import services
from scoring.engine import CRITERIA
from tests.factories import make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(team, analyst, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_draft(team=team, author=analyst, lines=3)


def test_score_returns_202_with_a_run_to_poll(
    api_client, scored, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            f"/api/v1/agreements/{scored.pk}/score/", {"n_samples": 500, "seed": 7}, format="json"
        )
    assert response.status_code == 202
    run = response.json()
    assert (run["revision"], run["n_samples"], run["seed"]) == (1, 500, 7)
    polled = api_client.get(f"/api/v1/score-runs/{run['id']}/").json()
    assert polled["status"] == "done"
    assert polled["current"] is True
    assert polled["result"]["scores"]["credibility"]["p50"] is not None


def test_latest_score_names_its_revision_and_whether_it_is_current(api_client, scored, analyst):
    services.part_update(
        agreement_id=scored.pk,
        expected_version=1,
        author=analyst,
        section="lines",
        key="l1",
        changes={"magnitude": 0.9},
    )
    body = api_client.get(f"/api/v1/agreements/{scored.pk}/").json()
    assert body["version"] == 2
    assert body["latest_score"]["revision"] == 1
    assert body["latest_score"]["current"] is False
    assert body["latest_run_status"] == "queued"


def test_a_blank_draft_cannot_be_scored_and_says_why(api_client, team, analyst):
    blank = services.agreement_create(team=team, author=analyst, title="Blank")
    response = api_client.post(f"/api/v1/agreements/{blank.pk}/score/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["agreement"] == ["Add a provider party to get a score."]


def test_another_teams_run_is_a_404(scored, outsider):
    api = APIClient()
    api.force_authenticate(outsider)
    run_id = scored.score_runs.get().pk
    assert api.get(f"/api/v1/score-runs/{run_id}/").status_code == 404


def test_compare_two_drafts(api_client, scored, analyst):
    fork = services.agreement_fork(agreement=scored, author=analyst, title="Fork")
    services.part_update(
        agreement_id=fork.pk,
        expected_version=1,
        author=analyst,
        section="mechanisms",
        key="m1",
        changes={"strength": 1.0},
    )
    response = api_client.post(
        "/api/v1/comparisons/",
        {"agreements": [scored.pk, fork.pk], "n_samples": 500},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [a["label"] for a in body["agreements"]] == ["Test draft", "Fork"]
    assert {"win_probabilities", "drafts", "pairs", "flip_points"} <= set(body)


def test_compare_refuses_bad_input(api_client, scored, outsider):
    one = api_client.post("/api/v1/comparisons/", {"agreements": [scored.pk]}, format="json")
    assert one.status_code == 400
    assert "agreements" in one.json()["errors"]
    weights = api_client.post(
        "/api/v1/comparisons/",
        {"agreements": [scored.pk, scored.pk + 1], "weights": {"beauty": 1}},
        format="json",
    )
    assert weights.json()["errors"] == {
        "weights": {
            "beauty": [f"Unknown criterion; the criteria are {', '.join(sorted(CRITERIA))}."]
        }
    }
    other = make_draft(team=outsider.memberships.get().team, author=outsider)
    hidden = api_client.post(
        "/api/v1/comparisons/", {"agreements": [scored.pk, other.pk]}, format="json"
    )
    assert hidden.status_code == 404


def test_smaa_closed_form(api_client):
    response = api_client.post(
        "/api/v1/analysis/smaa/",
        {
            "matrix": [[0.8, 0.2], [0.3, 0.6]],
            "directions": ["up", "up"],
            "n_samples": 40000,
            "seed": 3,
        },
        format="json",
    )
    assert response.status_code == 200
    first_place = response.json()["rank_acceptability"][0][0]
    assert first_place == pytest.approx(5 / 9, abs=0.01)


def test_dominance_and_coalition(api_client):
    dominance = api_client.post(
        "/api/v1/analysis/dominance/",
        {"matrix": [[1, 1], [0, 0], [1, 0]], "directions": ["up", "up"]},
        format="json",
    ).json()
    assert dominance["dominated"] == [False, True, True]
    assert dominance["dominated_by"] == [[], [0, 2], [0]]
    coalition = api_client.post(
        "/api/v1/analysis/coalition/", {"benefits": [1.0] * 6, "costs": [1.0] * 6}, format="json"
    ).json()
    assert coalition["largest_stable_size"] == 3


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("smaa", {"matrix": [[1, 2], [3]], "directions": ["up", "up"]}, "matrix"),
        ("smaa", {"matrix": [[1, 2], [3, 4]], "directions": ["up"]}, "matrix"),
        ("dominance", {"matrix": [[1, "x"], [1, 2]], "directions": ["up", "up"]}, "matrix"),
        ("coalition", {"benefits": [1, 2], "costs": [1]}, "costs"),
        ("coalition", {"benefits": [1] * 17, "costs": [1] * 17}, "benefits"),
        (
            "smaa",
            {
                "matrix": [[1, 2], [3, 4]],
                "directions": ["up", "up"],
                "weight_intervals": [[0.9, 1.0], [0.9, 1.0]],
            },
            "weight_intervals",
        ),
    ],
)
def test_analysis_bad_input_is_a_400_naming_the_field(api_client, path, body, field):
    response = api_client.post(f"/api/v1/analysis/{path}/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
