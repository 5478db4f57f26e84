"""Printouts of the briefing and compare pages: Chromium's PDF in print emulation, read
back with pypdf. Every section is there (collapsed ones printed open), pages are
numbered, the compare print shows the weights, and no page ends with a heading."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from playwright.sync_api import Page
from pypdf import PdfReader

from agreements.models import ReferenceTemplate
from agreements.services import agreement_start_from_template
from tests.workbench.documents.layout import last_lines

PAGE_NUMBER = re.compile(r"Page \d+ of \d+")

# The headings a printout shows (display is not none in print), in document order.
PRINTED_HEADINGS = """
() => [...document.querySelectorAll("main :is(h1, h2, h3, summary)")]
  .filter((el) => el.checkVisibility())
  .map((el) => el.innerText.trim())
  .filter(Boolean)
"""


def _squash(text: str) -> str:
    """Text without whitespace or ligatures (the PDF's text layer spaces words its own
    way and writes "fi" as one glyph)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _print(page: Page, url: str) -> tuple[list[str], PdfReader]:
    """The page printed to PDF by Chromium, and the headings the printout shows."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    headings = page.evaluate(PRINTED_HEADINGS)
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    page.emulate_media(media="screen")
    return headings, PdfReader(io.BytesIO(pdf))


def _check_layout(headings: list[str], reader: PdfReader) -> str:
    """Page numbers on every page and no page ending with a heading; the text, squashed."""
    assert len(reader.pages) >= 2
    for number, pdf_page in enumerate(reader.pages, start=1):
        assert f"Page {number} of {len(reader.pages)}" in pdf_page.extract_text()
    squashed = [_squash(h) for h in headings]
    for number, line in enumerate(last_lines(reader, ignore=PAGE_NUMBER), start=1):
        last = _squash(line)
        stranded = [h for h in squashed if last and len(last) >= 4 and h.endswith(last)]
        assert not stranded, f"page {number} ends with the heading {line!r}"
    text = _squash(" ".join(p.extract_text() for p in reader.pages))
    missing = [h for h in headings if _squash(h) not in text]
    assert not missing, missing
    return text


def _start(slug: str, team, analyst):
    template = ReferenceTemplate.objects.get(slug=slug)
    return agreement_start_from_template(template=template, team=team, author=analyst)


@pytest.fixture
def drafts(reference_templates, team, analyst):
    return [
        _start(slug, team, analyst) for slug in ("marshall-plan", "chips-for-peace", "cern-for-ai")
    ]


def test_the_briefing_prints_every_section_with_named_phases(
    page: Page, live_server, drafts, sign_in
):
    marshall = drafts[0]
    sign_in(page)
    headings, reader = _print(page, f"{live_server.url}{marshall.get_absolute_url()}briefing/")
    for section in (
        "Scores",
        "Risks with their 90% intervals",
        "Warnings",
        "Recipients",
        "Scores if the deal stops after each phase",
        "Draft agreement text",
    ):
        assert section in headings
    assert any(h.startswith("Article 1.") for h in headings)
    text = _check_layout(headings, reader)
    # The phase chart names its steps after the phases, not "Phase 1", "Phase 2".
    chart = page.locator("svg.chart", has_text="Emergency aid")
    assert chart.count() == 1
    assert "Recovery programme" in chart.text_content()
    assert not re.search(r"\bPhase \d\b", chart.text_content())
    assert _squash("Emergency aid") in text


def test_the_compare_page_prints_every_pair_expanded_with_the_weights(
    page: Page, live_server, drafts, sign_in
):
    sign_in(page)
    query = "&".join(f"ids={d.pk}" for d in drafts) + "&credibility=4&risk_overall=2"
    headings, reader = _print(page, f"{live_server.url}/compare/?{query}")
    for section in (
        "In short",
        "Side by side",
        "Criteria at a glance",
        "Probability that each beats each",
        "Rank acceptability (SMAA)",
        "How robust is the top place?",
        "Why does one draft beat another?",
        "What differs in the designs",
    ):
        assert section in headings
    pairs = [h for h in headings if " versus " in h]
    assert len(pairs) == 3  # three drafts, three pairs
    text = _check_layout(headings, reader)
    for pair in pairs:  # each pair's table printed, not only its summary
        a = pair.split(" versus ")[0]
        assert text.count(_squash(f"P({a} better)")) >= 1
    assert text.count(_squash("Largest drivers of the difference")) == 3
    assert _squash("Your weights (0 to 10): Credibility 4.0") in text
    assert _squash("Overall risk 2.0") in text
    # Back on screen, the pairs the analyst had collapsed are collapsed again.
    assert page.locator("details:not([open]) summary", has_text=" versus ").count() == 2
