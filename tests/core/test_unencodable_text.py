"""Lone UTF-16 surrogates ("\\udfff") in JSON are a 400 naming the field, never a 500.

These are the sixteen reproductions of the hardening drill (issue 10); each one used to
crash psycopg or the JSON renderer with ``UnicodeEncodeError``.
"""

from __future__ import annotations

import io
import json

import pytest

from accounts.services import curator_grant
from agreements.models import Agreement
from core.text import is_encodable, unencodable_path
from tests.factories import draft_document, make_draft

BAD = "\udfff"


def send(client, method: str, url: str, body: object):
    """Send ``body`` as JSON text, the surrogate escaped as ``\\udfff`` (ASCII-safe)."""
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def _document_with(path: tuple, value: str = BAD) -> dict:
    document = draft_document(lines=2)
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return document


def test_unencodable_path_names_the_field():
    assert unencodable_path({"a": [{"b": "ok"}, {"c": BAD}]}) == "a[1].c"
    assert unencodable_path({"fine": ["é", "中文", "🙂"]}) is None
    assert unencodable_path(BAD) == ""
    assert not is_encodable(BAD)
    assert is_encodable("naïve")


IMPORT_FIELDS = {
    "title": ("title",),
    "notes": ("notes",),
    "party name": ("parties", 3, "name"),
    "party note": ("parties", 0, "note"),
    "phase name": ("phases", 0, "name"),
    "phase description": ("phases", 1, "description"),
    "line note": ("lines", 0, "note"),
    "line item": ("lines", 1, "item"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("path", IMPORT_FIELDS.values(), ids=IMPORT_FIELDS.keys())
def test_api_import_refuses_lone_surrogates(api_client, team, catalog, path):
    body = {"team": team.slug, "document": _document_with(path)}
    response = send(api_client, "post", "/api/v1/agreements/import/", body)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert any(".".join(map(str, path)).replace(".0", "[0]") in k or path[-1] in k for k in errors)
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_team_slug_with_surrogate_is_400(api_client, catalog):
    body = {"team": BAD, "document": draft_document()}
    response = send(api_client, "post", "/api/v1/agreements/import/", body)
    assert response.status_code == 400
    assert "team" in response.json()["errors"]


@pytest.fixture
def draft(team, analyst, catalog):
    return make_draft(team=team, author=analyst, lines=2)


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["status", "purpose", "title"])
def test_patch_draft_field_with_surrogate_is_400(api_client, draft, field):
    before = draft.version
    response = send(
        api_client, "patch", f"/api/v1/agreements/{draft.pk}/", {"version": before, field: BAD}
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    draft.refresh_from_db()
    assert draft.version == before


@pytest.mark.django_db
def test_part_key_with_surrogate_is_400(api_client, draft):
    response = send(
        api_client,
        "post",
        f"/api/v1/agreements/{draft.pk}/phases/",
        {"version": draft.version, "key": f"p{BAD}", "name": "Later"},
    )
    assert response.status_code == 400
    assert "key" in response.json()["errors"]


@pytest.mark.django_db
def test_smaa_directions_with_surrogate_is_400(api_client):
    body = {"alternatives": ["a", "b"], "matrix": [[0.1, 0.2], [0.3, 0.4]], "directions": [BAD]}
    response = send(api_client, "post", "/api/v1/analysis/smaa/", body)
    assert response.status_code == 400
    assert "directions[0]" in response.json()["errors"]


@pytest.mark.django_db
def test_catalog_slug_with_surrogate_is_400(api_client, analyst, catalog):
    curator_grant(user=analyst)
    response = send(
        api_client,
        "post",
        "/api/v1/catalog/commitments/",
        {"slug": f"x{BAD}", "name": "X", "burden": 0.1, "verifiability": 0.1},
    )
    assert response.status_code == 400
    assert "slug" in response.json()["errors"]


@pytest.mark.django_db
def test_page_import_with_surrogate_shows_a_form_error(analyst_client, team, catalog):
    document = draft_document()
    document["title"] = f"Bad {BAD} title"
    raw = json.dumps(document).encode()  # ASCII: the escape itself, as a file would hold it
    upload = io.BytesIO(raw)
    upload.name = "draft.json"
    response = analyst_client.post(
        "/drafts/import/", {"file": upload, "team": team.pk}, follow=False
    )
    assert response.status_code == 400
    assert "valid Unicode" in response.content.decode()
    assert not Agreement.objects.exists()
