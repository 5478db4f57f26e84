"""GET /agreements/{id}/memo/ and /treaty/: JSON, or files by Accept or ?format=."""

from __future__ import annotations

import io

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader
from rest_framework.test import APIClient

from agreements import services
from agreements.models import ReferenceTemplate
from tests.factories import make_draft

pytestmark = pytest.mark.django_db
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def draft(catalog, team, analyst, django_capture_on_commit_callbacks):
    services.templates_load()
    template = ReferenceTemplate.objects.get(slug="narrow-models-for-restraint")
    with django_capture_on_commit_callbacks(execute=True):
        return services.agreement_start_from_template(template=template, team=team, author=analyst)


def test_the_memo_as_json_names_its_run(api_client, draft, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        response = api_client.get(f"/api/v1/agreements/{draft.pk}/memo/")
    assert response.status_code == 200
    body = response.json()
    assert body["scored"] and body["run"]["current"]
    assert body["bottom_line"].startswith("Do not table")
    assert body["headings"][0] == "Bottom line"
    assert {row["key"] for row in body["annex"]} >= {"credibility", "viability"}


def test_the_treaty_as_json_has_structured_articles(api_client, draft):
    body = api_client.get(f"/api/v1/agreements/{draft.pk}/treaty/").json()
    assert body["articles"][0]["heading"] == "Article 1. Definitions"
    keys = [a["key"] for a in body["articles"]]
    assert "recipient:cn" in keys and keys[-1] == "final"
    assert body["revision"] == draft.version


@pytest.mark.parametrize(
    ("path", "how", "content_type"),
    [
        ("memo", {"format": "pdf"}, "application/pdf"),
        ("memo", {"HTTP_ACCEPT": "application/pdf"}, "application/pdf"),
        ("memo", {"format": "docx"}, DOCX),
        ("memo", {"HTTP_ACCEPT": DOCX}, DOCX),
        ("treaty", {"format": "pdf"}, "application/pdf"),
        ("treaty", {"HTTP_ACCEPT": DOCX}, DOCX),
        ("treaty", {"format": "docx"}, DOCX),
    ],
)
def test_files_by_accept_or_format(api_client, draft, path, how, content_type):
    query = {"format": how["format"]} if "format" in how else {}
    headers = {k: v for k, v in how.items() if k.startswith("HTTP_")}
    response = api_client.get(f"/api/v1/agreements/{draft.pk}/{path}/", query, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "attachment;" in response["Content-Disposition"]
    if content_type == DOCX:
        assert DocxDocument(io.BytesIO(response.content)).paragraphs
    else:
        assert PdfReader(io.BytesIO(response.content)).pages


def test_bad_requests_get_json_errors(api_client, draft):
    response = api_client.get(f"/api/v1/agreements/{draft.pk}/memo/", {"format": "odt"})
    assert response.status_code == 400 and "format" in response.json()["errors"]
    response = api_client.get(f"/api/v1/agreements/{draft.pk}/memo/", {"compare": "a,b"})
    assert response.status_code == 400 and "compare" in response.json()["errors"]
    response = api_client.get(
        f"/api/v1/agreements/{draft.pk}/memo/", HTTP_ACCEPT="application/msword"
    )
    assert response.status_code == 406
    assert response["Content-Type"].startswith("application/json")


def test_another_teams_draft_is_a_404_in_every_format(draft, outsider):
    api = APIClient()
    api.force_authenticate(outsider)
    for path, query in (
        ("memo", {}),
        ("memo", {"format": "pdf"}),
        ("memo", {"format": "docx"}),
        ("treaty", {"format": "docx"}),
    ):
        response = api.get(f"/api/v1/agreements/{draft.pk}/{path}/", query)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
    mine = make_draft(team=outsider.memberships.get().team, author=outsider)
    response = api.get(f"/api/v1/agreements/{mine.pk}/memo/", {"compare": str(draft.pk)})
    assert response.status_code == 404


def test_an_unscored_draft_has_a_memo_without_numbers(api_client, team, analyst):
    agreement = make_draft(team=team, author=analyst)
    body = api_client.get(f"/api/v1/agreements/{agreement.pk}/memo/").json()
    assert body["scored"] is False and body["run"] is None and body["annex"] == []
    assert body["unscored"]


def test_an_unscored_drafts_memo_docx_says_so(api_client, team, analyst):
    agreement = make_draft(team=team, author=analyst)
    response = api_client.get(f"/api/v1/agreements/{agreement.pk}/memo/", {"format": "docx"})
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    text = "\n".join(p.text for p in DocxDocument(io.BytesIO(response.content)).paragraphs)
    assert "No recommendation yet" in text and "Annex: the numbers" not in text
