"""Edges the schema promises: JSON errors everywhere under /api/, strict JSON types,
pagination and filters that refuse what they cannot read."""

import pytest

from agreements.models import Agreement
from tests.factories import make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(team, analyst):
    return make_draft(team=team, author=analyst, lines=2)


@pytest.mark.parametrize(
    "path", ["/api/v1/nope/", "/api/v1/agreements/abc/", "/api/v1/agreements/1/lines/UP/"]
)
def test_an_unmatched_api_url_is_a_json_404(api_client, path):
    response = api_client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_pages_still_get_the_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_method_the_endpoint_lacks_is_a_json_405(api_client, draft):
    response = api_client.put(f"/api/v1/agreements/{draft.pk}/", {}, format="json")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "PUT" not allowed.'}


def test_a_form_body_is_a_415(api_client, draft):
    response = api_client.post(f"/api/v1/agreements/{draft.pk}/fork/", {"title": "x"})
    assert response.status_code == 415
    assert Agreement.objects.count() == 1


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("page=abc", 400, "page"),
        ("page=0", 400, "page"),
        ("page=last", 400, "page"),
        ("page_size=0", 400, "page_size"),
        ("page_size=1.5", 400, "page_size"),
        ("page=2", 404, None),
        ("page=" + "9" * 40, 404, None),
        ("page_size=" + "9" * 40, 200, None),
    ],
)
def test_page_parameters_refuse_what_they_cannot_read(api_client, draft, query, status, field):
    response = api_client.get(f"/api/v1/agreements/?{query}")
    assert response.status_code == status
    if field:
        assert set(response.json()["errors"]) == {field}


@pytest.mark.parametrize(
    "query", ["levers_apply=maybe", "levers_apply=", "cluster=", "tangibility=extreme"]
)
def test_catalog_filters_refuse_what_they_cannot_read(api_client, query):
    response = api_client.get(f"/api/v1/catalog/items/?{query}")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {query.split("=")[0]}


def test_catalog_filters_still_filter(api_client):
    frontier = api_client.get("/api/v1/catalog/items/?levers_apply=true").json()["results"]
    assert frontier
    assert all(item["levers_apply"] for item in frontier)
    restraint = api_client.get("/api/v1/catalog/commitments/?restraint=true").json()
    assert all(c["restraint"] for c in restraint["results"])


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"p": "0.5"}, "p", "Must be a number."),
        ({"levers_apply": 1}, "levers_apply", "Must be true or false."),
        ({"name": 7}, "name", "Must be text."),
        ({"name": " \u3000"}, "name", "This field may not be blank."),
        ({"slug": " datasets"}, "slug", "Must be letters, digits, - or _."),
    ],
)
def test_catalog_bodies_take_json_types_as_the_schema_states(curator, body, field, message):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(curator)
    item = api.get("/api/v1/catalog/items/datasets/").json()
    fields = {k: v for k, v in item.items() if k not in {"url", "label_display", "power_index"}}
    response = api.post("/api/v1/catalog/items/", {**fields, "slug": "copy", **body}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}
