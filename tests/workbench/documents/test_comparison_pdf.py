"""The compare page's briefing as a PDF (WeasyPrint), read back with pypdf."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from scoring import engine
from tests.factories import make_draft
from tests.workbench.documents.layout import HEADINGS, fonts, images, page_endings, text_of
from workbench.documents import files

pytestmark = pytest.mark.django_db

SECTIONS = (
    "In short",
    "The weights used",
    "Side by side",
    "Criteria at a glance",
    "Scores with their uncertainty",
    "Probability that each beats each",
    "Rank acceptability (SMAA)",
    "How robust is the top place?",
    "Why does one draft beat another?",
    "What differs in the designs",
)


@pytest.fixture
def drafts(start_scored):
    return [start_scored(s) for s in ("chips-for-peace", "marshall-plan", "cern-for-ai")]


def _query(drafts) -> str:
    return "&".join(f"ids={d.pk}" for d in drafts) + "&credibility=4&risk_overall=2"


def test_the_compare_page_links_its_briefing_pdf(analyst_client, drafts):
    page = analyst_client.get(f"/compare/?{_query(drafts)}").content.decode()
    assert 'id="briefing-pdf"' in page
    assert f"{_query(drafts).replace('&', '&amp;')}&amp;format=pdf" in page


def test_the_briefing_pdf_has_every_section_and_pair_expanded(
    analyst_client, drafts, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as on_page:
        page = analyst_client.get(f"/compare/?{_query(drafts)}")
    context = {key: page.context[key] for key in page.context.keys()}  # noqa: SIM118 (a ContextList)
    result = context["result"]
    with django_assert_max_num_queries(len(on_page)):  # no more than the page itself
        response = analyst_client.get(f"/compare/?{_query(drafts)}&format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="comparison-')
    assert len(response.content) < 1_000_000
    reader = PdfReader(io.BytesIO(response.content))
    text = text_of(reader)
    pairs = [f"{pair['a']} versus {pair['b']}" for pair in result["pairs"]]
    assert len(pairs) == 3  # three drafts: every pair explained, none collapsed
    for heading in (*SECTIONS, *pairs, *context["intervals"]):
        assert heading in text, heading
    for label, weight in context["typed_weights"]:
        assert f"{label} {weight:.1f}" in text
    assert "Page 2 of" in text
    version = engine.DEFAULT_PARAMETERS.version
    for draft in drafts:
        assert f"rev. {draft.version}" in text
    assert f"scoring model {version}" in text
    assert all(embedded for _, embedded in fonts(reader))
    assert images(reader) == 0  # the charts are vectors
    html = files.comparison_html(context, teams="Policy team", made_on=date(2026, 12, 2))
    assert html.count("<svg") == 1 + len(context["intervals"])
    assert not HEADINGS & set(page_endings(html))


def test_another_teams_draft_is_a_404(client, outsider, drafts):
    client.force_login(outsider)
    mine = make_draft(team=outsider.memberships.get().team, author=outsider)
    response = client.get(f"/compare/?ids={mine.pk}&ids={drafts[0].pk}&format=pdf")
    assert response.status_code == 404
