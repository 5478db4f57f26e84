"""The memo and treaty pages and their downloads."""

from __future__ import annotations

import io

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader

from tests.factories import make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(start_scored):
    return start_scored("supply-chain-compact")


def test_the_builder_and_briefing_link_to_the_documents(analyst_client, draft):
    builder = analyst_client.get(f"/drafts/{draft.pk}/").content.decode()
    assert f'href="/drafts/{draft.pk}/memo/"' in builder
    assert f'href="/drafts/{draft.pk}/treaty/"' in builder
    briefing = analyst_client.get(f"/drafts/{draft.pk}/briefing/").content.decode()
    for path in ("memo.pdf", "memo.docx", "treaty.pdf", "treaty.docx"):
        assert f"/drafts/{draft.pk}/{path}" in briefing


def test_the_memo_and_treaty_pages(analyst_client, draft, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        memo = analyst_client.get(f"/drafts/{draft.pk}/memo/")
    assert memo.status_code == 200
    page = memo.content.decode()
    assert "Bottom line" in page and "Annex: the numbers" in page
    assert "/static/css/document.css" in page and "<style>" not in page  # the CSP holds
    assert f'href="/drafts/{draft.pk}/memo.pdf"' in page
    assert f'href="/drafts/{draft.pk}/memo.docx"' in page
    with django_assert_max_num_queries(12):
        treaty = analyst_client.get(f"/drafts/{draft.pk}/treaty/")
    assert "Article 1. Definitions" in treaty.content.decode()


def test_the_downloads(analyst_client, draft, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        response = analyst_client.get(f"/drafts/{draft.pk}/memo.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith(f'memo-v{draft.version}.pdf"')
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Bottom line" in text
    with django_assert_max_num_queries(14):
        response = analyst_client.get(f"/drafts/{draft.pk}/memo.docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith(f'memo-v{draft.version}.docx"')
    headings = [
        p.text
        for p in DocxDocument(io.BytesIO(response.content)).paragraphs
        if p.style.name == "Heading 1"
    ]
    assert headings[0] == "Bottom line" and "Annex: the numbers" in headings
    response = analyst_client.get(f"/drafts/{draft.pk}/treaty.pdf")
    assert PdfReader(io.BytesIO(response.content)).pages
    response = analyst_client.get(f"/drafts/{draft.pk}/treaty.docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_a_memo_compared_with_another_draft(analyst_client, draft, start_scored):
    other = start_scored("marshall-plan")
    page = analyst_client.get(f"/drafts/{draft.pk}/memo/?compare={other.pk}").content.decode()
    assert "Options compared" in page
    assert f'href="/drafts/{draft.pk}/memo.docx?compare={other.pk}"' in page
    response = analyst_client.get(f"/drafts/{draft.pk}/memo.docx?compare={other.pk}")
    document = DocxDocument(io.BytesIO(response.content))
    assert "Options compared" in [p.text for p in document.paragraphs]
    for bad in ("x", f"{draft.pk}", "1,2,3,4,5,6"):
        response = analyst_client.get(f"/drafts/{draft.pk}/memo/?compare={bad}")
        assert response.status_code == 400
        assert "compare:" in response.content.decode()


def test_another_teams_draft_is_a_404(client, outsider, draft):
    client.force_login(outsider)
    for path in ("memo/", "memo.pdf", "memo.docx", "treaty/", "treaty.pdf", "treaty.docx"):
        assert client.get(f"/drafts/{draft.pk}/{path}").status_code == 404
    mine = make_draft(team=outsider.memberships.get().team, author=outsider)
    response = client.get(f"/drafts/{mine.pk}/memo/?compare={draft.pk}")
    assert response.status_code == 404


def test_an_unscored_drafts_memo_docx_says_so(analyst_client, team, analyst):
    agreement = make_draft(team=team, author=analyst)  # no on_commit: never scored
    response = analyst_client.get(f"/drafts/{agreement.pk}/memo.docx")
    assert response.status_code == 200
    paragraphs = [p.text for p in DocxDocument(io.BytesIO(response.content)).paragraphs]
    assert any(text.startswith("No recommendation yet") for text in paragraphs)
    assert "There are no scores for this draft yet, so this memo quotes none." in paragraphs
    assert "Annex: the numbers" not in paragraphs
