"""Checks of a PDF's layout shared by the document tests: the element each page ends
with (from WeasyPrint's layout), the fonts and images a PDF holds (pypdf), its text."""

from __future__ import annotations

import re

from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

HEADINGS = {"h1", "h2", "h3"}


def flat(text: str) -> str:
    return " ".join(text.split())


def text_of(reader: PdfReader) -> str:
    """All the PDF's text, whitespace collapsed."""
    return flat(" ".join(page.extract_text() for page in reader.pages))


def page_endings(html: str) -> list[str]:
    """The element each page's last line of body text belongs to, from the layout."""
    endings = []
    for page in HTML(string=html).render().pages:
        last = None
        for child in page._page_box.children:
            if isinstance(child, boxes.MarginBox):
                continue
            for box in child.descendants():
                if isinstance(box, boxes.LineBox):
                    last = box
        endings.append(last.element_tag if last is not None else "")
    return endings


def fonts(reader: PdfReader) -> list[tuple[str, bool]]:
    """Every font the pages use, and whether its program is embedded."""
    found = []
    for page in reader.pages:
        used = page["/Resources"].get_object().get("/Font", {})
        for ref in used.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found.append((str(font.get("/BaseFont")), embedded))
    return found


def images(reader: PdfReader) -> int:
    """How many raster images the pages draw (charts drawn as vectors add none)."""
    count = 0
    for page in reader.pages:
        objects = page["/Resources"].get_object().get("/XObject", {})
        for ref in objects.values():
            if ref.get_object().get("/Subtype") == "/Image":
                count += 1
    return count


def last_lines(reader: PdfReader, *, ignore: re.Pattern[str] | None = None) -> list[str]:
    """Each page's last line of text, skipping lines ``ignore`` matches (page numbers,
    footers), from the PDF's text layout."""
    endings = []
    for page in reader.pages:
        lines = [flat(line) for line in page.extract_text(extraction_mode="layout").splitlines()]
        body = [line for line in lines if line and not (ignore and ignore.search(line))]
        endings.append(body[-1] if body else "")
    return endings
