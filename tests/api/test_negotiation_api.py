"""GET /api/v1/agreements/{id}/negotiation/: each recipient's bargaining range."""

import pytest
from rest_framework.test import APIClient

from agreements import services
from agreements.models import ReferenceTemplate
from tests.factories import make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def restraint(catalog, team, analyst):
    services.templates_load()
    template = ReferenceTemplate.objects.get(slug="narrow-models-for-restraint")
    return services.agreement_start_from_template(template=template, team=team, author=analyst)


def test_china_is_shown_how_much_more_it_needs_and_what_the_provider_can_give(
    api_client, restraint
):
    response = api_client.get(f"/api/v1/agreements/{restraint.pk}/negotiation/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["revision"], body["transfer_item"]) == (1, "monetary-aid-governments")
    (china,) = body["recipients"]
    assert china["key"] == "cn"
    assert china["surplus"] == pytest.approx(
        china["believed_value"] - china["burden"] - china["outside_option"]
    )
    assert china["surplus"] < 0  # as drafted, China would not sign
    assert china["provider_value"] > 0  # what its restraint would be worth if it signed
    if china["zopa_low"] is not None:
        assert china["zopa_low"] == pytest.approx(-china["surplus"])
        assert china["zopa_low"] <= china["nash_transfer"] <= china["zopa_high"]
        assert "signs for at least" in china["reason"]
    else:
        assert china["reason"].startswith("No ZOPA")


def test_another_item_and_an_earlier_revision_can_be_asked_for(api_client, team, analyst):
    draft = make_draft(team=team, author=analyst, lines=2)
    url = f"/api/v1/agreements/{draft.pk}/negotiation/?revision=1&transfer_item=datasets"
    body = api_client.get(url).json()
    assert body["transfer_item"] == "datasets" and body["revision"] == 1
    assert {r["key"] for r in body["recipients"]} == {"jp", "br"}


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("?transfer_item=gold", 400, "transfer_item"),
        ("?transfer_item=a%20b", 400, "transfer_item"),
        ("?transfer_item=", 400, "transfer_item"),
        ("?revision=", 400, "revision"),
        ("?revision=0", 400, "revision"),
        ("?revision=99", 404, None),
    ],
)
def test_bad_input_is_a_clear_error(api_client, team, analyst, query, status, field):
    draft = make_draft(team=team, author=analyst)
    response = api_client.get(f"/api/v1/agreements/{draft.pk}/negotiation/{query}")
    assert response.status_code == status
    if field:
        assert field in response.json()["errors"]


def test_a_draft_that_cannot_be_scored_says_why(api_client, team):
    created = api_client.post(
        "/api/v1/agreements/", {"team": team.slug, "title": "Empty"}, format="json"
    ).json()
    response = api_client.get(f"/api/v1/agreements/{created['id']}/negotiation/")
    assert response.status_code == 400
    assert response.json()["errors"]["agreement"] == ["Add a provider party to get a score."]


def test_another_teams_draft_is_404(outsider, team, analyst):
    draft = make_draft(team=team, author=analyst)
    api = APIClient()
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/agreements/{draft.pk}/negotiation/").status_code == 404
