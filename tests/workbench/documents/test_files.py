"""The memo and treaty text as PDF (WeasyPrint, read back with pypdf) and DOCX."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader

from tests.workbench.documents.conftest import TEMPLATE_SLUGS, with_quantities
from tests.workbench.documents.layout import (
    HEADINGS,
    flat,
    fonts,
    images,
    page_endings,
    text_of,
)
from workbench.documents import files
from workbench.documents.selectors import memo_for_agreement
from workbench.documents.treaty import treaty_for_document

pytestmark = pytest.mark.django_db

META = files.DocumentMeta("Test deal", "Policy team", 7, "2027.1.0", date(2026, 12, 2))


@pytest.mark.parametrize("slug", TEMPLATE_SLUGS)
def test_the_treaty_pdf_of_every_template(templates, slug):
    treaty = treaty_for_document(with_quantities(templates[slug]), revision=7)
    html = files.treaty_html(treaty, META)
    pdf = files.pdf_from_html(html)
    assert pdf.startswith(b"%PDF-") and len(pdf) < 1_000_000
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3  # a cover, then the articles
    text = text_of(reader)
    for article in treaty.articles:
        assert flat(article.heading) in text
    assert "Page 2 of" in text
    assert "revision 7 · scoring model 2027.1.0" in text
    used = fonts(reader)
    assert used and all(embedded for _, embedded in used), used
    endings = page_endings(html)
    assert not HEADINGS & set(endings), endings


@pytest.mark.parametrize("slug", TEMPLATE_SLUGS)
def test_the_memo_pdf_of_every_template_has_its_sections_a_vector_chart_and_the_model(
    start_scored, slug
):
    agreement = start_scored(slug)
    memo = memo_for_agreement(agreement=agreement)
    html = files.memo_html(memo, META)
    assert "<svg" in html  # the risk chart is inline SVG, drawn as vectors in the PDF
    pdf = files.pdf_from_html(html)
    assert len(pdf) < 1_000_000
    reader = PdfReader(io.BytesIO(pdf))
    text = text_of(reader)
    for heading in memo.headings():
        assert heading in text
    assert flat(memo.bottom_line)[:60] in text
    assert "Page 2 of" in text and "revision 7 · scoring model 2027.1.0" in text
    assert images(reader) == 0
    assert all(embedded for _, embedded in fonts(reader))
    assert not HEADINGS & set(page_endings(html))


def test_the_treaty_docx_can_be_edited_in_word(templates):
    treaty = treaty_for_document(templates["narrow-models-for-restraint"], revision=7)
    content = files.treaty_docx(treaty, META)
    document = DocxDocument(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [a.heading for a in treaty.articles]
    body = [p.text for p in document.paragraphs]
    for article in treaty.articles:
        assert all(paragraph in body for paragraph in article.paragraphs)
    assert document.core_properties.title == treaty.title
    assert "revision 7" in document.sections[0].footer.paragraphs[0].text


def test_the_memo_docx_has_the_memos_sections_and_tables(start_scored):
    memo = memo_for_agreement(agreement=start_scored("marshall-plan"))
    document = DocxDocument(io.BytesIO(files.memo_docx(memo, META)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == memo.headings()
    body = [p.text for p in document.paragraphs]
    assert memo.bottom_line in body
    assert all(sentence in body for sentence in memo.scores)
    assert all(text in body for text in memo.red_lines)
    positions, annex = document.tables
    assert [row.cells[0].text.split(" (")[0] for row in positions.rows[1:]] == [
        p.name for p in memo.positions
    ]
    assert [row.cells[0].text for row in annex.rows[1:]] == [row.label for row in memo.annex]
    assert document.core_properties.title == memo.title
    assert "revision 7" in document.sections[0].footer.paragraphs[0].text
