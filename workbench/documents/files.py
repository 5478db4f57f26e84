"""The memo and treaty text as files: HTML for the browser, PDF (WeasyPrint) and DOCX
(python-docx, both documents) for handing over.

The PDF is the same HTML as the page, rendered server-side with the print rules of
``templates/documents/document.css``: a cover, page numbers, headings kept with the
text that follows, charts as inline (vector) SVG, and the revision and model version in
every page's footer. WeasyPrint fetches nothing: every resource is inline, and its URL
fetcher refuses all URLs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import slugify
from docx import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from scoring import engine
from workbench import charts
from workbench.documents.memo import RISKS, Memo
from workbench.documents.treaty import Treaty

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MODEL_VERSION = engine.DEFAULT_PARAMETERS.version


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def filename(agreement: Any, kind: str, suffix: str) -> str:
    """``<title>-<kind>-v<version>.<suffix>``, e.g. ``marshall-plan-memo-v3.pdf``."""
    stem = slugify(agreement.title)[:60] or "draft"
    return f"{stem}-{kind}-v{agreement.version}.{suffix}"


@dataclass(frozen=True)
class DocumentMeta:
    """What the cover and footer say about the draft a document is made from."""

    title: str
    team: str
    revision: int | None
    model_version: str
    made_on: date

    @property
    def footer(self) -> str:
        revision = f"revision {self.revision}" if self.revision is not None else "no revision"
        return f"{self.title} · {revision} · scoring model {self.model_version}"

    def cover(self, *extra: tuple[str, str]) -> list[tuple[str, str]]:
        rows = [
            ("Team", self.team),
            ("Revision", str(self.revision) if self.revision is not None else "none"),
            ("Scoring model", self.model_version),
            ("Prepared", self.made_on.strftime("%-d %B %Y")),
        ]
        return [*rows, *extra]


@cache
def document_css() -> str:
    """The documents' stylesheet, inlined into the HTML WeasyPrint renders."""
    return (Path(settings.BASE_DIR) / "static" / "css" / "document.css").read_text("utf-8")


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string."""
    flat = " ".join(text.split())
    escaped = flat.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return f'"{escaped}"'


def _context(links: dict[str, Any] | None, footer_text: str) -> dict[str, Any]:
    """A page links its stylesheet (the site's CSP allows no inline style); a PDF, which
    fetches nothing, has it inline, with the footer of every page but the cover."""
    if links:
        return {"links": links, "inline_css": ""}
    footer = f"@page {{ @bottom-left {{ content: {css_string(footer_text)}; }} }}"
    cover = "@page cover { @bottom-left { content: none; } }"
    return {"links": None, "inline_css": f"{document_css()}\n{footer}\n{cover}"}


def _refuse(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    raise ValueError(f"documents load no external resources ({url[:80]})")


def memo_risk_chart(memo: Memo) -> Any:
    """The memo's risks with their 90% intervals (from its annex), as inline SVG."""
    annex = {row.key: row for row in memo.annex}
    rows = [
        {
            "label": label.capitalize(),
            "value": row.value,
            "p5": row.p5,
            "p50": row.p50,
            "p95": row.p95,
        }
        for key, label in RISKS
        if (row := annex.get(key)) is not None
    ]
    return charts.interval_chart(rows, title="Risks with 90% intervals") if rows else None


def memo_html(
    memo: Memo,
    meta: DocumentMeta,
    *,
    links: dict[str, Any] | None = None,
) -> str:
    extra = [("Score run", f"{memo.run.run} (revision {memo.run.revision})")] if memo.run else []
    return render_to_string(
        "documents/memo.html",
        {
            "memo": memo,
            "title": memo.title,
            "footer": meta.footer,
            "cover": meta.cover(*extra),
            "risk_chart": memo_risk_chart(memo),
            **_context(links, meta.footer),
        },
    )


def treaty_html(treaty: Treaty, meta: DocumentMeta, *, links: dict[str, Any] | None = None) -> str:
    return render_to_string(
        "documents/treaty.html",
        {
            "treaty": treaty,
            "title": treaty.title,
            "footer": meta.footer,
            "cover": meta.cover(("Parties", _capfirst(", ".join(treaty.parties)))),
            **_context(links, meta.footer),
        },
    )


def comparison_footer(result: dict[str, Any]) -> str:
    """The revision of every draft compared and the model version, for each page's foot."""
    drafts = ", ".join(
        f"{_short(a['label'])} rev. {a['revision']}" for a in result.get("agreements") or []
    )
    version = result.get("parameter_version") or MODEL_VERSION
    return f"Comparison of {drafts} · scoring model {version}"


def _short(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1].rstrip()}…"


def comparison_html(context: dict[str, Any], *, teams: str, made_on: date) -> str:
    """The compare page's briefing as a document for WeasyPrint: a cover, every section
    of the page (every pair explanation written out), its charts as inline SVG, and the
    revisions and model version in the footer."""
    result = context["result"]
    footer = comparison_footer(result)
    cover = [
        (
            "Drafts",
            "; ".join(f"{a['label']} (revision {a['revision']})" for a in result["agreements"]),
        ),
        ("Team", teams),
        ("Scoring model", str(result.get("parameter_version") or MODEL_VERSION)),
        ("Monte Carlo samples", f"{result.get('n_samples', 0):,} (seed {result.get('seed')})"),
        ("Prepared", made_on.strftime("%-d %B %Y")),
    ]
    return render_to_string(
        "documents/comparison.html",
        {
            **context,
            "title": f"Comparison of {len(result['agreements'])} drafts",
            "footer": footer,
            "cover": cover,
            **_context(None, footer),
        },
    )


def pdf_from_html(html: str) -> bytes:
    """The HTML rendered to a PDF (fonts embedded, subset)."""
    # Imported here, not at the top: it loads the system's Pango, which only PDFs need.
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, url_fetcher=_refuse).write_pdf()
    return pdf


def _docx_start(title: str, kind: str, meta: DocumentMeta, cover: list[tuple[str, str]]) -> Any:
    """A Word document with the house fonts, its properties, and a title page."""
    document = DocxDocument()
    styles = document.styles
    styles["Normal"].font.name = "Times New Roman"
    styles["Normal"].font.size = Pt(11)
    core = document.core_properties
    core.title = title
    core.subject = kind
    core.comments = meta.footer
    document.add_heading(title, level=0)
    intro = document.add_paragraph(kind)
    intro.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for term, value in cover:
        line = document.add_paragraph()
        line.add_run(f"{term}: ").bold = True
        line.add_run(value)
    document.add_page_break()
    return document


def _docx_bytes(document: Any, meta: DocumentMeta) -> bytes:
    document.sections[0].footer.paragraphs[0].text = meta.footer
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_table(document: Any, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def memo_docx(memo: Memo, meta: DocumentMeta) -> bytes:
    """The decision memo as a Word document: the same sections as the page and PDF, one
    Heading 1 each (lists as bullets, the positions and the annex as tables)."""
    extra = [("Score run", f"{memo.run.run} (revision {memo.run.revision})")] if memo.run else []
    document = _docx_start(memo.title, "Decision memo", meta, meta.cover(*extra))

    def bullets(texts: tuple[str, ...]) -> None:
        for text in texts or ("None.",):
            document.add_paragraph(text, style="List Bullet")

    document.add_heading("Bottom line", level=1)
    document.add_paragraph().add_run(memo.bottom_line).bold = True
    document.add_heading("What the deal asks and gives", level=1)
    _docx_table(
        document,
        ["Party", "It gives", "It gets"],
        [
            [
                f"{p.name} ({p.role}{': ' + p.verdict if p.verdict else ''})",
                "\n".join(p.gives) or "Nothing yet",
                "\n".join(p.gets) or "Nothing yet",
            ]
            for p in memo.positions
        ],
    )
    document.add_heading("What the scores say", level=1)
    for sentence in memo.scores:
        document.add_paragraph(sentence)
    if memo.options:
        document.add_heading("Options compared", level=1)
        for sentence in memo.options:
            document.add_paragraph(sentence)
    document.add_heading("Open questions", level=1)
    bullets(memo.open_questions)
    document.add_heading("Red lines", level=1)
    bullets(memo.red_lines)
    if memo.annex and memo.run:
        run = memo.run
        document.add_heading("Annex: the numbers", level=1)
        document.add_paragraph(
            f"Score run {run.run} of revision {run.revision}: scoring model "
            f"{run.parameter_version}, {run.n_samples:,} Monte Carlo samples, seed {run.seed}."
        )
        _docx_table(
            document,
            ["Score", "Value", "5th pct.", "Median", "95th pct."],
            [
                [row.label, *(_figure(v) for v in (row.value, row.p5, row.p50, row.p95))]
                for row in memo.annex
            ],
        )
    return _docx_bytes(document, meta)


def treaty_docx(treaty: Treaty, meta: DocumentMeta) -> bytes:
    """The treaty text as a Word document an analyst can go on editing: a title page,
    one Heading 1 per article, its paragraphs, and the footer with revision and model."""
    cover = meta.cover(("Parties", _capfirst(", ".join(treaty.parties))))
    document = _docx_start(treaty.title, "Draft treaty text", meta, cover)
    for article in treaty.articles:
        document.add_heading(article.heading, level=1)
        for paragraph in article.paragraphs:
            document.add_paragraph(paragraph)
    return _docx_bytes(document, meta)
