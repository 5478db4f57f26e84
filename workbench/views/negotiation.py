"""The negotiation view of a draft (section 14): each recipient's bargaining range."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agreements import selectors as agreement_selectors
from catalog.models import BenefitItem
from core.http import HtmxHttpRequest
from scoring.services import DEFAULT_TRANSFER_ITEM, negotiation_for_revision
from workbench.presenters import negotiation_chart
from workbench.views.common import draft_for


@require_GET
@login_required
def negotiation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The section (htmx) or a page (without JavaScript) for one transfer item."""
    agreement = draft_for(request, pk)
    revision = agreement_selectors.revision_latest(agreement=agreement)
    chosen = request.GET.get("transfer_item") or DEFAULT_TRANSFER_ITEM
    context: dict[str, object] = {
        "agreement": agreement,
        "items": BenefitItem.objects.order_by("name").values_list("slug", "name"),
        "chosen": chosen,
        "answer": None,
        "problems": [],
    }
    status = 200
    try:
        answer = negotiation_for_revision(revision=revision, transfer_item=chosen)
        context.update(answer=answer, chart=negotiation_chart(answer))
    except ValidationError as exc:
        context["problems"] = [m for messages in exc.message_dict.values() for m in messages]
        status = 400
    template = "scoring/negotiation.html" if request.htmx else "scoring/negotiation_page.html"
    return render(request, template, context, status=status)
