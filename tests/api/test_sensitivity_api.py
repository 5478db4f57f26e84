"""Sweeps, variance attribution, AHP elicitation, scenarios, weight profiles and
comparisons across worlds through the API (design section 16)."""

from __future__ import annotations

import itertools

import pytest
from rest_framework.test import APIClient

from agreements import services as agreement_services
from scoring.models import RunStatus, Scenario, ScoreRun, WeightProfile
from scoring.services import score_run_execute, score_run_request_latest
from tests.factories import make_draft

pytestmark = pytest.mark.django_db

CONSISTENT = {"credibility": 0.4, "risk_overall": 0.2, "viability": 0.2, "leverage": 0.2}


def _judgements(weights):
    return [
        {"a": a, "b": b, "value": weights[a] / weights[b]}
        for a, b in itertools.combinations(weights, 2)
    ]


@pytest.fixture
def draft(catalog, team, analyst):
    return make_draft(team=team, author=analyst, lines=2)


@pytest.fixture
def other(catalog, team, analyst):
    return make_draft(team=team, author=analyst, lines=1, title="Other draft")


@pytest.fixture
def outsider_client(outsider) -> APIClient:
    api = APIClient()
    api.force_authenticate(outsider)
    return api


# --- Sweeps ----------------------------------------------------------------------------


def test_a_dsa_sweep_gives_every_headline_score_at_every_point(
    api_client, draft, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = api_client.get(f"/api/v1/agreements/{draft.pk}/sweep/?axis=dsa&samples=200")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["axis"] == "dsa" and body["revision"] == 1 and len(body["xs"]) == 11
    credibility = [p["value"] for p in body["scores"]["credibility"]]
    assert credibility == sorted(credibility, reverse=True)
    assert set(body["scores"]) == {
        "credibility",
        "viability",
        "risk_overall",
        "power_sharing",
        "min_net_incentive",
        "leverage",
    }


def test_a_trust_sweep_names_its_party(api_client, draft):
    url = f"/api/v1/agreements/{draft.pk}/sweep/?axis=trust&party=br&points=3&samples=100"
    body = api_client.get(url).json()
    assert body["party"] == "br" and body["party_name"]
    values = [p["value"] for p in body["scores"]["credibility"]]
    assert values[0] < values[-1]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("axis=wind", "axis"),
        ("", "axis"),
        ("axis=trust", "party"),
        ("axis=trust&party=zz", "party"),
        ("axis=dsa&points=1", "points"),
        ("axis=dsa&points=51&samples=10000", "samples"),
    ],
)
def test_bad_sweeps_are_refused_by_name(api_client, draft, query, field):
    extra = "" if "samples" in query else "&samples=100"
    response = api_client.get(f"/api/v1/agreements/{draft.pk}/sweep/?{query}{extra}")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()


def test_another_teams_draft_is_not_found(outsider_client, draft):
    assert outsider_client.get(f"/api/v1/agreements/{draft.pk}/sweep/?axis=dsa").status_code == 404
    assert outsider_client.get(f"/api/v1/agreements/{draft.pk}/variance/").status_code == 404


# --- Variance attribution -----------------------------------------------------------------


def test_variance_attribution_is_stored_with_the_run(api_client, draft, analyst):
    run = score_run_request_latest(agreement=draft, requested_by=analyst, n_samples=500, seed=4)
    assert score_run_execute(run_id=run.pk) == "done"
    run.refresh_from_db()
    assert run.attribution is not None
    body = api_client.get(f"/api/v1/agreements/{draft.pk}/variance/").json()
    assert body["stored"] is True and body["run"] == run.pk and body["n_samples"] == 500
    drivers = body["scores"]["credibility"]
    assert 0 < len(drivers) <= 8
    assert all(d["label"] for d in drivers)
    # A run stored before attributions were: recomputed from the same seed, the same answer.
    ScoreRun.objects.filter(pk=run.pk).update(attribution=None)
    again = api_client.get(f"/api/v1/agreements/{draft.pk}/variance/?run={run.pk}").json()
    assert again["stored"] is False
    assert again["scores"] == body["scores"]


def test_variance_of_a_draft_never_scored_uses_a_seeded_run(api_client, draft):
    ScoreRun.objects.filter(agreement=draft).delete()
    body = api_client.get(f"/api/v1/agreements/{draft.pk}/variance/?samples=300&seed=2").json()
    assert body["run"] is None and body["n_samples"] == 300 and body["seed"] == 2


def test_variance_of_an_unfinished_run_is_refused(api_client, draft):
    run = ScoreRun.objects.filter(agreement=draft).first()
    ScoreRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED)
    response = api_client.get(f"/api/v1/agreements/{draft.pk}/variance/?run={run.pk}")
    assert response.status_code == 400 and "run" in response.json()["errors"]


# --- AHP ----------------------------------------------------------------------------------


def test_consistent_judgements_give_their_weights(api_client):
    body = {"criteria": list(CONSISTENT), "judgements": _judgements(CONSISTENT)}
    response = api_client.post("/api/v1/weight-elicitation/", body, format="json")
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["consistent"] is True
    assert answer["weights"]["credibility"] == pytest.approx(0.4)


def test_inconsistent_judgements_get_a_message_naming_the_one_to_revise(api_client):
    judgements = _judgements(CONSISTENT)
    judgements[0]["value"] = 1 / 9  # credibility vs overall risk, turned round hard
    body = {"criteria": list(CONSISTENT), "judgements": judgements}
    answer = api_client.post("/api/v1/weight-elicitation/", body, format="json").json()
    assert answer["consistent"] is False and answer["consistency_ratio"] > 0.1
    assert "Revise them" in answer["message"]
    assert answer["worst"]["a"] == "credibility"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"judgements": []}, "judgements"),
        ({"judgements": [{"a": "credibility", "b": "charm", "value": 2}]}, "judgements"),
        ({"criteria": ["credibility", "leverage"], "judgements": [
            {"a": "credibility", "b": "viability", "value": 2}]}, "judgements[0].b"),
    ],
)  # fmt: skip
def test_bad_judgements_are_refused(api_client, body, field):
    response = api_client.post("/api/v1/weight-elicitation/", body, format="json")
    assert response.status_code == 400
    assert any(k.startswith(field) for k in response.json()["errors"]), response.json()


# --- Scenarios ------------------------------------------------------------------------------


def _scenario(api_client, owner, **fields):
    body = {"team": owner.slug, "name": "Race", "dsa": 0.9, "trust_shifts": {"br": -0.2}, **fields}
    return api_client.post("/api/v1/scenarios/", body, format="json")


def test_scenarios_are_created_listed_changed_and_deleted(
    api_client, team, catalog, django_assert_max_num_queries
):
    created = _scenario(api_client, team)
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    with django_assert_max_num_queries(4):
        listed = api_client.get("/api/v1/scenarios/").json()
    assert [s["name"] for s in listed["results"]] == ["Race"]
    changed = api_client.patch(f"/api/v1/scenarios/{pk}/", {"omega": 0.5}, format="json")
    assert changed.json()["omega"] == 0.5 and changed.json()["dsa"] == 0.9
    assert api_client.delete(f"/api/v1/scenarios/{pk}/").status_code == 204
    assert not Scenario.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"trust_shifts": {"atlantis": 0.1}}, "trust_shifts"),
        ({"capability_shifts": {"nowhere": 0.1}}, "capability_shifts"),
        ({"dsa": 1.5}, "dsa"),
        ({"name": "  "}, "name"),
        ({"team": "not-mine"}, "team"),
    ],
)
def test_bad_scenarios_are_refused_and_nothing_is_stored(api_client, team, catalog, fields, field):
    response = _scenario(api_client, team, **fields)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not Scenario.objects.exists()


def test_a_scenario_name_is_unique_per_team(api_client, team, catalog):
    assert _scenario(api_client, team).status_code == 201
    again = _scenario(api_client, team)
    assert again.status_code == 400 and "name" in again.json()["errors"]


def test_other_teams_scenarios_are_not_found_and_viewers_cannot_write(
    api_client, outsider_client, viewer, team, catalog
):
    pk = _scenario(api_client, team).json()["id"]
    assert outsider_client.get(f"/api/v1/scenarios/{pk}/").status_code == 404
    assert outsider_client.delete(f"/api/v1/scenarios/{pk}/").status_code == 404
    assert outsider_client.get("/api/v1/scenarios/").json()["results"] == []
    viewing = APIClient()
    viewing.force_authenticate(viewer)
    assert viewing.get(f"/api/v1/scenarios/{pk}/").status_code == 200
    assert viewing.delete(f"/api/v1/scenarios/{pk}/").status_code == 403


# --- Weight profiles --------------------------------------------------------------------------


def test_a_profile_is_saved_from_consistent_judgements_with_intervals(api_client, team):
    body = {
        "team": team.slug,
        "name": "Ministry view",
        "criteria": list(CONSISTENT),
        "judgements": _judgements(CONSISTENT),
        "interval_spread": 0.25,
    }
    response = api_client.post("/api/v1/weight-profiles/", body, format="json")
    assert response.status_code == 201, response.json()
    profile = response.json()
    assert profile["weights"]["credibility"] == pytest.approx(0.4)
    assert profile["intervals"]["credibility"] == pytest.approx([0.15, 0.65])
    assert profile["consistency_ratio"] == pytest.approx(0.0, abs=1e-9)


def test_an_inconsistent_profile_is_refused_and_nothing_is_stored(api_client, team):
    judgements = _judgements(CONSISTENT)
    judgements[0]["value"] = 1 / 9
    body = {"team": team.slug, "name": "Muddled", "criteria": list(CONSISTENT)}
    response = api_client.post(
        "/api/v1/weight-profiles/", {**body, "judgements": judgements}, format="json"
    )
    assert response.status_code == 400
    assert "consistency ratio" in response.json()["errors"]["judgements"][0]
    assert not WeightProfile.objects.exists()
    empty = api_client.post("/api/v1/weight-profiles/", body, format="json")
    assert empty.status_code == 400 and not WeightProfile.objects.exists()


# --- Across worlds and along dsa ----------------------------------------------------------------


def test_scenario_comparison_gives_the_best_draft_per_world(api_client, team, draft, other):
    ids = [
        _scenario(api_client, team, name=n, dsa=d).json()["id"]
        for n, d in (("Calm", 0.1), ("Race", 0.9))
    ]
    body = {"agreements": [draft.pk, other.pk], "scenarios": ids, "n_samples": 200}
    response = api_client.post("/api/v1/comparisons/scenarios/", body, format="json")
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["scenarios"] == ["Calm", "Race"]
    assert set(answer["best"]) == {"Calm", "Race"}
    for row in answer["cells"]:
        assert len(row) == 2 and all(cell["regret"] >= 0 for cell in row)
    assert answer["robust"] in answer["labels"]


def test_scenario_comparison_of_another_teams_scenario_is_not_found(
    api_client, outsider_client, team, draft, other
):
    pk = _scenario(api_client, team).json()["id"]
    body = {"agreements": [draft.pk, other.pk], "scenarios": [pk], "n_samples": 200}
    assert (
        outsider_client.post("/api/v1/comparisons/scenarios/", body, format="json").status_code
        == 404
    )


def test_dsa_ranking_says_who_leads_where(api_client, draft, other, team):
    profile = api_client.post(
        "/api/v1/weight-profiles/",
        {"team": team.slug, "name": "Typed", "weights": {"credibility": 1, "viability": 1}},
        format="json",
    ).json()
    body = {"agreements": [draft.pk, other.pk], "points": 5, "n_samples": 200,
            "weight_profile": profile["id"]}  # fmt: skip
    response = api_client.post("/api/v1/comparisons/dsa-ranking/", body, format="json")
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert len(answer["points"]) == 5
    assert answer["weights"]["credibility"] == pytest.approx(0.5)
    assert answer["summary"].startswith(answer["leaders"][0]["label"])


# --- Large computations run by a worker ---------------------------------------------------------


def test_a_large_scenario_comparison_runs_as_a_job_with_progress_and_is_cached(
    api_client, outsider_client, team, draft, other, django_capture_on_commit_callbacks
):
    from scoring.sensitivity_services import scenario_comparison_run

    ids = [
        _scenario(api_client, team, name=n, dsa=d).json()["id"]
        for n, d in (("Calm", 0.1), ("Race", 0.9), ("Drift", 0.5))
    ]
    body = {"agreements": [draft.pk, other.pk], "scenarios": ids, "n_samples": 5000}
    with django_capture_on_commit_callbacks(execute=True) as sent:
        response = api_client.post("/api/v1/comparisons/scenarios/", body, format="json")
    assert response.status_code == 202, response.json()
    assert len(sent) == 1
    job = api_client.get(response.json()["url"]).json()
    assert (job["status"], job["progress"], job["kind"]) == ("done", 1.0, "scenarios")
    worlds = list(Scenario.objects.filter(pk__in=ids).order_by("pk"))
    expected = scenario_comparison_run(agreements=[draft, other], scenarios=worlds, n_samples=5000)
    assert job["result"]["cells"] == expected["cells"]
    # The same question for the same revisions is answered from the stored job.
    with django_capture_on_commit_callbacks(execute=True) as again:
        cached = api_client.post("/api/v1/comparisons/scenarios/", body, format="json")
    assert cached.json()["id"] == job["id"] and not again
    assert outsider_client.get(response.json()["url"]).status_code == 404


def test_a_new_revision_is_a_new_job(
    api_client, draft, other, analyst, django_capture_on_commit_callbacks
):
    body = {"agreements": [draft.pk, other.pk], "points": 11, "n_samples": 2000}
    first = api_client.post("/api/v1/comparisons/dsa-ranking/", body, format="json")
    assert first.status_code == 202 and first.json()["status"] == "queued"
    agreement_services.agreement_update(
        agreement_id=draft.pk, expected_version=draft.version, author=analyst,
        changes={"title": "Renamed"},
    )  # fmt: skip
    second = api_client.post("/api/v1/comparisons/dsa-ranking/", body, format="json")
    assert second.json()["id"] != first.json()["id"]
