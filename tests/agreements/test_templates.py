"""Reference templates: shipped, complete, scored, and started into a team."""

import re

import pytest

from agreements import services
from agreements.models import ReferenceTemplate
from scoring import engine
from scoring.adapters import catalog_values_from_db, snapshot_from_document

pytestmark = pytest.mark.django_db

EXPECTED_WARNINGS = {
    "marshall-plan": set(),
    "atoms-for-peace": {"credibility_gap", "high_risk: Proliferation", "high_risk: Signalling"},
    "nato-security-umbrella": {"high_risk: Instability", "high_risk: Framing", "hold_up_exposure"},
    "chips-for-peace": {
        "credibility_gap",
        "high_risk: Instability",
        "high_risk: Signalling",
        "coalition_fragile",
    },
    "supply-chain-compact": {"credibility_gap"},
    "narrow-models-for-restraint": {
        "no_net_incentive",
        "credibility_gap",
        "high_risk: Perverse",
        "high_risk: Signalling",
        "mechanism_eroded",
        "low_viability",
    },
    "cern-for-ai": {"high_risk: Signalling"},
}
"""Warnings each template deserves; its rationale explains every one of them."""


@pytest.fixture(autouse=True)
def templates(catalog):
    services.templates_load()


def _warnings(template: ReferenceTemplate) -> set[str]:
    snapshot = snapshot_from_document(
        template.document, catalog_values_from_db([template.document])
    )
    result = engine.simulate(snapshot, seed=1).to_dict()
    found = set()
    for warning in result["warnings"]:
        risk = re.match(r"(\w+) risk is high", warning["message"])
        found.add(f"{warning['code']}: {risk.group(1)}" if risk else warning["code"])
    return found


def test_the_seven_reference_templates_are_shipped_in_order():
    assert list(ReferenceTemplate.objects.values_list("slug", flat=True)) == list(EXPECTED_WARNINGS)


def test_loading_templates_twice_changes_nothing():
    assert services.templates_load() == {"created": 0, "updated": 0, "unchanged": 7}


@pytest.mark.parametrize("slug", list(EXPECTED_WARNINGS))
def test_template_scores_with_only_the_warnings_it_deserves(slug):
    template = ReferenceTemplate.objects.get(slug=slug)
    assert _warnings(template) == EXPECTED_WARNINGS[slug]
    assert "what the scores say" in template.rationale.lower()
    for section in ("lines", "conditions", "mechanisms"):
        assert all(row["note"] for row in template.document[section]), (
            f"{slug}: {section} without note"
        )


def test_starting_from_a_template_copies_it_into_the_team(team, analyst):
    template = ReferenceTemplate.objects.get(slug="chips-for-peace")
    agreement = services.agreement_start_from_template(template=template, team=team, author=analyst)
    assert agreement.team == team
    assert agreement.template_slug == "chips-for-peace"
    assert agreement.revisions.get().document == template.document
    assert "Chips for Peace" in agreement.revisions.get().message


def test_templates_api_lists_and_starts(api_client, team):
    listed = api_client.get("/api/v1/templates/").json()["results"]
    assert len(listed) == 7
    started = api_client.post(
        "/api/v1/templates/cern-for-ai/start/", {"team": team.slug}, format="json"
    )
    assert started.status_code == 201
    assert started.json()["template_slug"] == "cern-for-ai"
