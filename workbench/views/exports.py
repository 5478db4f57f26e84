"""Exports of a draft: JSON (round-trips), CSV of scores, a printable briefing."""

from __future__ import annotations

import io
import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from agreements import selectors
from agreements.models import Agreement
from core.exports import SafeWriter
from scoring.stored import stored_result
from workbench.documents.treaty import treaty_for_document
from workbench.presenters import score_panel_context
from workbench.views.common import draft_for


def _filename(agreement: Agreement, suffix: str) -> str:
    stem = slugify(agreement.title)[:60] or "draft"
    return f"{stem}-v{agreement.version}.{suffix}"


@require_GET
@login_required
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = draft_for(request, pk)
    document = selectors.revision_latest(agreement=agreement).document
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(agreement, "json")}"'
    return response


@require_GET
@login_required
def export_scores_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every score of the latest finished run: point value, mean, p5, p50, p95."""
    agreement = draft_for(request, pk)
    context = score_panel_context(agreement, analysis=False)
    score = context["score"]
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(
        [
            "draft",
            "revision",
            "parameter_version",
            "seed",
            "samples",
            "score",
            "value",
            "mean",
            "p5",
            "p50",
            "p95",
        ]
    )
    result = stored_result(score)
    if score is not None and result is not None:
        for name, summary in result["scores"].items():
            writer.writerow(
                [
                    agreement.title,
                    score.revision_number,
                    result["parameter_version"],
                    result["seed"],
                    result["n_samples"],
                    name,
                    *(summary.get(k) for k in ("value", "mean", "p5", "p50", "p95")),
                ]
            )
        for recipient in result["recipients"]:
            spread = recipient["net_incentive_summary"]
            writer.writerow(
                [
                    agreement.title,
                    score.revision_number,
                    result["parameter_version"],
                    result["seed"],
                    result["n_samples"],
                    f"net_incentive:{recipient['key']}",
                    recipient["net_incentive"],
                    *(
                        (spread["mean"], spread["p5"], spread["p50"], spread["p95"])
                        if spread
                        else (None, None, None, None)
                    ),
                ]
            )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(agreement, "csv")}"'
    return response


@require_GET
@login_required
def briefing(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable briefing: the draft, its scores and warnings, and agreement text."""
    agreement = draft_for(request, pk)
    revision = selectors.revision_latest(agreement=agreement)
    document = selectors.document_for_display(revision.document)
    context = {
        "agreement": agreement,
        "revision": revision,
        "document": document,
        # The same articles as the treaty text (no model numbers, the draft's quantities).
        "articles": treaty_for_document(revision.document, revision=revision.number).articles,
        **score_panel_context(agreement),
    }
    return render(request, "agreements/briefing.html", context)
