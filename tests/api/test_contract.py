"""The OpenAPI document says what the API does: one schema per part section, typed
engine answers (open to new keys), the error answers, and a null label while pending."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from agreements import services
from agreements.document import SECTIONS
from scoring.engine import analysis
from tests.factories import make_draft

pytestmark = pytest.mark.django_db

PARTS = {
    "parties": "Party",
    "phases": "Phase",
    "lines": "Line",
    "conditions": "Condition",
    "mechanisms": "Mechanism",
}


@pytest.fixture(scope="module")
def openapi(django_db_blocker) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return APIClient().get("/api/v1/schema/", {"format": "json"}).json()


def ref(content: dict[str, Any]) -> str:
    return content["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]


def component(openapi: dict[str, Any], name: str) -> dict[str, Any]:
    return openapi["components"]["schemas"][name]


def test_each_part_section_has_its_own_schemas(openapi):
    assert set(PARTS) == set(SECTIONS)
    for section, part in PARTS.items():
        many = openapi["paths"][f"/api/v1/agreements/{{agreement_pk}}/{section}/"]
        one = openapi["paths"][f"/api/v1/agreements/{{agreement_pk}}/{section}/{{key}}/"]
        listed = many["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert listed["items"]["$ref"].endswith(f"/{part}")
        assert ref(many["post"]["requestBody"]) == f"{part}CreateRequest"
        assert ref(many["post"]["responses"]["201"]) == f"{part}Written"
        assert ref(one["get"]["responses"]["200"]) == part
        assert ref(one["patch"]["requestBody"]) == f"Patched{part}ChangeRequest"
        assert ref(one["patch"]["responses"]["200"]) == f"{part}Written"
    assert "item" in component(openapi, "LineCreateRequest")["properties"]
    assert "role" in component(openapi, "PartyCreateRequest")["properties"]
    assert "type" not in component(openapi, "PartyCreateRequest")["properties"]


def test_part_keys_and_levers_are_constrained(openapi):
    line = component(openapi, "LineCreateRequest")["properties"]
    assert line["key"]["pattern"] == "^[a-z0-9][a-z0-9_-]{0,31}$"
    assert line["magnitude"]["exclusiveMinimum"] is True
    levers = component(openapi, "LeversRequest")
    assert levers["additionalProperties"] is False
    phase = openapi["paths"]["/api/v1/agreements/{agreement_pk}/phases/{key}/"]["get"]
    key = next(p for p in phase["parameters"] if p["name"] == "key")
    assert key["schema"]["pattern"].startswith("^(?!order$)")


def _keys(schema_component: dict[str, Any]) -> set[str]:
    return set(schema_component["properties"])


def test_a_score_result_is_typed_key_by_key_and_open_to_new_keys(
    openapi, team, analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(team=team, author=analyst, lines=2)
    result = draft.score_runs.get().result
    detail = component(openapi, "ScoreRunDetail")["properties"]["result"]
    assert detail["allOf"][0]["$ref"].endswith("/ScoreResult") and detail["nullable"] is True
    score = component(openapi, "ScoreResult")
    assert score["additionalProperties"] is True
    assert _keys(score) == set(result) == set(score["required"])
    assert _keys(component(openapi, "Scores")) == set(result["scores"])
    assert _keys(component(openapi, "ScoreSummary")) == set(result["scores"]["credibility"])
    assert _keys(component(openapi, "LineResult")) == set(result["lines"][0])
    assert _keys(component(openapi, "RecipientResult")) == set(result["recipients"][0])
    assert _keys(component(openapi, "TrajectoryStep")) == set(result["trajectory"][0])
    assert _keys(component(openapi, "DraftCoalition")) == set(result["coalition"])
    assert _keys(component(openapi, "CredibilityExplanation")) == set(
        result["credibility_explanation"]
    )


def test_a_comparison_answer_is_typed_key_by_key(openapi, api_client, team, analyst):
    first = make_draft(team=team, author=analyst, lines=2)
    second = services.agreement_fork(agreement=first, author=analyst, title="Fork")
    body = api_client.post(
        "/api/v1/comparisons/",
        {"agreements": [first.pk, second.pk], "n_samples": 200},
        format="json",
    ).json()
    path = openapi["paths"]["/api/v1/comparisons/"]["post"]["responses"]
    assert ref(path["200"]) == "ComparisonResult"
    assert _keys(component(openapi, "ComparisonResult")) == set(body)
    assert _keys(component(openapi, "DraftSummary")) == set(body["drafts"][0])
    assert _keys(component(openapi, "PairExplanation")) == set(body["pairs"][0])
    assert _keys(component(openapi, "WeightFlip")) == set(body["flip_points"][0])
    assert component(openapi, "ComparisonResult")["additionalProperties"] is True


def test_analysis_answers_are_typed_key_by_key(openapi):
    answers = {
        "smaa": ("SmaaResult", analysis.smaa([[1, 0], [0, 1]], ["up", "up"], seed=1)),
        "dominance": ("DominanceResult", analysis.dominance([[1, 0], [0, 1]], ["up", "up"])),
        "coalition": ("CoalitionAnalysis", analysis.coalition([1, 1, 1], [1, 1, 1])),
    }
    for path, (name, result) in answers.items():
        responses = openapi["paths"][f"/api/v1/analysis/{path}/"]["post"]["responses"]
        assert ref(responses["200"]) == name
        assert _keys(component(openapi, name)) == set(result.to_dict())
        assert ref(responses["429"]) == "Error"
    entry = analysis.coalition([1, 1, 1], [1, 1, 1]).to_dict()["grand_coalition"]
    assert _keys(component(openapi, "CoalitionEntry")) == set(entry)


def test_every_operation_documents_its_error_answers(openapi):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "401" in codes, (method, path)
            if method in ("post", "put", "patch"):
                assert {"400", "403", "413", "415"} <= codes, (method, path)
                assert ref(operation["responses"]["400"]) == "ValidationError"
            if "{" in path:
                assert ref(operation["responses"]["404"]) == "Error", (method, path)
    draft_write = openapi["paths"]["/api/v1/agreements/{id}/"]["patch"]["responses"]
    assert ref(draft_write["409"]) == ref(draft_write["412"]) == "StaleVersionError"
    catalog_write = openapi["paths"]["/api/v1/catalog/items/{slug}/"]["put"]["responses"]
    assert {"412", "428"} <= set(catalog_write)
    assert "409" in openapi["paths"]["/api/v1/catalog/items/{slug}/"]["delete"]["responses"]
    assert "429" in openapi["paths"]["/api/v1/comparisons/"]["post"]["responses"]


def test_a_pending_runs_label_is_null_in_the_answer_and_the_schema(
    openapi, api_client, team, analyst
):
    draft = make_draft(team=team, author=analyst)  # its run stays queued: no commit
    run = api_client.get(f"/api/v1/agreements/{draft.pk}/score-runs/").json()["results"][0]
    assert (run["status"], run["label"]) == ("queued", None)
    assert api_client.get(f"/api/v1/score-runs/{run['id']}/").json()["label"] is None
    label = component(openapi, "ScoreRun")["properties"]["label"]
    assert label["nullable"] is True
