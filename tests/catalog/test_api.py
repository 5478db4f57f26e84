"""Catalog API: read for signed-in users, write for curators only, same filters as the page."""

import pytest
from rest_framework.test import APIClient

from accounts.services import curator_grant
from catalog.models import BenefitItem
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/catalog/items/"


@pytest.fixture
def curator_api(curator) -> APIClient:
    api = APIClient()
    api.force_authenticate(curator)
    return api


def patch_entry(api: APIClient, url: str, data: dict) -> object:
    """PATCH as a careful client does: read the entry, send its ETag back in If-Match."""
    etag = api.get(url)["ETag"]
    return api.patch(url, data, format="json", HTTP_IF_MATCH=etag)


def test_anonymous_is_refused():
    assert APIClient().get(ITEMS).status_code in (401, 403)


def test_signed_in_user_reads_items_with_labels(api_client):
    response = api_client.get(ITEMS, {"page_size": 100})
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == BenefitItem.objects.count()
    weights = api_client.get(f"{ITEMS}model-weights/").json()
    assert weights["label"] == "power_sharing" and weights["rationale_p"]


def test_api_uses_the_page_filters(api_client):
    body = api_client.get(ITEMS, {"cluster": "frontier_ai", "label": "power_sharing"}).json()
    assert [item["slug"] for item in body["results"]] == ["model-weights"]
    searched = api_client.get(ITEMS, {"q": "insurance"}).json()
    assert [item["slug"] for item in searched["results"]] == ["disaster-insurance"]


def test_bad_filter_is_a_400_with_the_field(api_client):
    response = api_client.get(ITEMS, {"cluster": "nonsense"})
    assert response.status_code == 400
    assert "cluster" in response.json()["errors"]


def test_analyst_cannot_write(api_client):
    response = api_client.patch(f"{ITEMS}datasets/", {"v": 0.1}, format="json")
    assert response.status_code == 403
    assert BenefitItem.objects.get(slug="datasets").v != 0.1


def test_curator_writes_and_the_entry_is_flagged_and_relabelled(curator_api):
    response = patch_entry(curator_api, f"{ITEMS}datasets/", {"p": 0.9, "r": 0.0, "v": 1.0})
    assert response.status_code == 200, response.json()
    item = BenefitItem.objects.get(slug="datasets")
    assert item.locally_modified and item.label == "power_sharing"
    assert item.history.first().history_user.username == "cura"


def test_an_item_created_through_the_api_gets_its_derived_label(curator_api):
    body = {
        **{k: v for k, v in curator_api.get(f"{ITEMS}datasets/").json().items() if k != "url"},
        "slug": "shared-weights-copy",
        "name": "Shared weights (copy)",
        "p": 0.95,
        "r": 0.0,
        "v": 1.0,
    }
    body.pop("label", None)
    body.pop("power_index", None)
    response = curator_api.post(ITEMS, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["label"] == "power_sharing"
    assert BenefitItem.objects.get(slug="shared-weights-copy").label == "power_sharing"


def test_out_of_range_write_is_a_400_naming_the_field(curator_api):
    response = patch_entry(curator_api, f"{ITEMS}datasets/", {"t": 1.4, "u_d": -1})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"t", "u_d"}
    assert not BenefitItem.objects.get(slug="datasets").locally_modified


def test_invalid_default_levers_are_refused(curator_api):
    response = patch_entry(
        curator_api,
        f"{ITEMS}model-weights/",
        {"default_levers": {"access_mode": "weights", "throttling": "strict"}},
    )
    assert response.status_code == 400
    assert "default_levers" in response.json()["errors"]


def test_list_query_count_is_constant(api_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        api_client.get(ITEMS, {"page_size": 100})
    for path in ("commitments", "mechanism-types", "risk-kinds", "actors"):
        with django_assert_max_num_queries(3):
            assert api_client.get(f"/api/v1/catalog/{path}/").status_code == 200


def test_curator_edit_through_the_api_rescores_drafts_using_the_item(
    curator_api, team, analyst, django_capture_on_commit_callbacks
):
    from scoring.models import ScoreRun
    from tests.factories import make_draft

    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(team=team, author=analyst)  # uses monetary aid
    with django_capture_on_commit_callbacks(execute=True):
        patch_entry(curator_api, f"{ITEMS}monetary-aid-governments/", {"v": 0.2})
    runs = list(ScoreRun.objects.filter(agreement=draft).order_by("pk"))
    assert [(r.stale, r.reason) for r in runs] == [(True, "revision"), (False, "catalog_changed")]


def test_curator_writes_must_name_the_version_they_edit(curator_api, curator):
    url = f"{ITEMS}datasets/"
    etag = curator_api.get(url)["ETag"]
    missing = curator_api.patch(url, {"v": 0.3}, format="json")
    assert missing.status_code == 428
    assert "If-Match" in missing.json()["detail"]

    other = UserFactory(username="bea")
    curator_grant(user=other)
    first = APIClient()
    first.force_authenticate(other)
    assert first.patch(url, {"v": 0.2}, format="json", HTTP_IF_MATCH=etag).status_code == 200

    stale = curator_api.patch(url, {"v": 0.9}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert "was changed by bea" in stale.json()["detail"]
    assert BenefitItem.objects.get(slug="datasets").v == 0.2


def test_catalog_entries_use_the_drafts_convention_integer_versions_strong_etags(curator_api):
    url = f"{ITEMS}datasets/"
    read = curator_api.get(url)
    version = read.json()["version"]
    assert read["ETag"] == f'"{version}"'

    weak = curator_api.patch(url, {"v": 0.3}, format="json", HTTP_IF_MATCH=f'W/"{version}"')
    assert weak.status_code == 412
    assert weak.json()["current_version"] == version
    garbage = curator_api.patch(url, {"v": 0.3}, format="json", HTTP_IF_MATCH="soon")
    assert garbage.status_code == 400
    assert "If-Match" in garbage.json()["errors"]
    assert BenefitItem.objects.get(slug="datasets").version == version

    saved = curator_api.patch(url, {"v": 0.3}, format="json", HTTP_IF_MATCH=f'"{version}"')
    assert saved.status_code == 200
    assert saved["ETag"] == f'"{version + 1}"'
    assert saved.json()["version"] == version + 1


OUT_OF_BOUNDS = [
    ("actors/in/", {"need": 1.2, "threat": -0.1, "u_need": 0.6}, {"need", "threat", "u_need"}),
    (
        "actors/in/",
        {"outside_option": 10.5, "u_outside_option": 2.5, "u_threat": -0.1},
        {"outside_option", "u_outside_option", "u_threat"},
    ),
    ("commitments/non-proliferation/", {"provider_value": 5.5}, {"provider_value"}),
    ("commitments/non-proliferation/", {"capability_scaled": "yes"}, {"capability_scaled"}),
    ("mechanism-types/escrow/", {"cost": -0.1, "u_cost": 0.7}, {"cost", "u_cost"}),
    ("items/space-early-warning/", {"q": -1.2}, {"q"}),
]


@pytest.mark.parametrize(("path", "body", "fields"), OUT_OF_BOUNDS)
def test_out_of_bounds_model_2027_inputs_are_a_400_naming_each_field(
    curator_api, path, body, fields
):
    response = patch_entry(curator_api, f"/api/v1/catalog/{path}", body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == fields
    assert all(errors[name] for name in fields)


def test_new_inputs_are_read_and_written_through_the_api(curator_api):
    actor = curator_api.get("/api/v1/catalog/actors/tw/").json()
    assert (actor["need"], actor["threat"], actor["outside_option"]) == (0.25, 0.95, 0.0)
    assert actor["rationale_threat"] and "u_outside_option" in actor
    commitment = curator_api.get("/api/v1/catalog/commitments/halt-frontier-development/").json()
    assert commitment["provider_value"] == 2.5 and commitment["capability_scaled"] is True
    mechanism = curator_api.get("/api/v1/catalog/mechanism-types/escrow/").json()
    assert mechanism["cost"] > 0 and "u_cost" in mechanism

    response = patch_entry(
        curator_api, "/api/v1/catalog/actors/in/", {"outside_option": -1.5, "u_outside_option": 1}
    )
    assert response.status_code == 200, response.json()
    response = patch_entry(curator_api, f"{ITEMS}missile-defence/", {"q": -0.2})
    assert response.status_code == 200, response.json()
    assert BenefitItem.objects.get(slug="missile-defence").q == -0.2
