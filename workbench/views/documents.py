"""The documents of a draft: its decision memo and treaty text, as pages (the print
view) and as PDF and DOCX downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.views.decorators.http import require_GET

from agreements.models import Agreement
from workbench.documents import files
from workbench.documents.files import filename
from workbench.documents.selectors import (
    CompareError,
    compare_drafts,
    document_meta,
    memo_for_agreement,
    treaty_for_agreement,
)
from workbench.views.common import draft_for


def download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _links(agreement: Agreement, kind: str, query: str) -> dict[str, object]:
    pk = agreement.pk
    downloads = [{"label": "Download PDF", "url": reverse(f"workbench:{kind}-pdf", args=[pk])}]
    if kind == "treaty":
        downloads.append(
            {"label": "Download DOCX", "url": reverse("workbench:treaty-docx", args=[pk])}
        )
        downloads.append({"label": "Decision memo", "url": reverse("workbench:memo", args=[pk])})
    else:
        docx = reverse("workbench:memo-docx", args=[pk])
        downloads.append({"label": "Download DOCX", "url": docx})
        downloads.append({"label": "Treaty text", "url": reverse("workbench:treaty", args=[pk])})
    if query:
        for link in downloads[:2]:
            link["url"] = f"{link['url']}?{query}"
    return {"back": agreement.get_absolute_url(), "downloads": downloads}


def _memo(request: HttpRequest, pk: int, *, kind: str = "") -> HttpResponse:
    agreement = draft_for(request, pk)
    try:
        others = compare_drafts(
            user=request.user, agreement=agreement, raw=request.GET.get("compare")
        )
    except CompareError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    memo = memo_for_agreement(agreement=agreement, compare_with=others)
    meta = document_meta(agreement=agreement, memo=memo)
    if kind == "pdf":
        html = files.memo_html(memo, meta)
        return download(files.pdf_from_html(html), files.PDF, filename(agreement, "memo", "pdf"))
    if kind == "docx":
        content = files.memo_docx(memo, meta)
        return download(content, files.DOCX, filename(agreement, "memo", "docx"))
    query = f"compare={request.GET['compare']}" if others else ""
    return HttpResponse(files.memo_html(memo, meta, links=_links(agreement, "memo", query)))


@require_GET
@login_required
def memo(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision memo as a page (``?compare=<id>,<id>`` adds the options compared)."""
    return _memo(request, pk)


@require_GET
@login_required
def memo_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _memo(request, pk, kind="pdf")


@require_GET
@login_required
def memo_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision memo as a Word document, to go on editing."""
    return _memo(request, pk, kind="docx")


@require_GET
@login_required
def treaty(request: HttpRequest, pk: int) -> HttpResponse:
    """The treaty text as a page."""
    agreement = draft_for(request, pk)
    text = treaty_for_agreement(agreement=agreement)
    meta = document_meta(agreement=agreement)
    return HttpResponse(files.treaty_html(text, meta, links=_links(agreement, "treaty", "")))


@require_GET
@login_required
def treaty_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = draft_for(request, pk)
    html = files.treaty_html(
        treaty_for_agreement(agreement=agreement), document_meta(agreement=agreement)
    )
    return download(files.pdf_from_html(html), files.PDF, filename(agreement, "treaty", "pdf"))


@require_GET
@login_required
def treaty_docx(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = draft_for(request, pk)
    content = files.treaty_docx(
        treaty_for_agreement(agreement=agreement), document_meta(agreement=agreement)
    )
    return download(content, files.DOCX, filename(agreement, "treaty", "docx"))
