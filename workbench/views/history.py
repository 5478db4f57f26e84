"""Revision history: list, readable diff between any two revisions, restore."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from agreements import selectors, services
from agreements.diff import document_diff
from workbench.forms import VersionedForm
from workbench.presenters import revision_score_changes
from workbench.views.common import attempt, draft_for


@require_GET
@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = draft_for(request, pk)
    revisions = list(selectors.revision_list(agreement=agreement))
    newest = agreement.version
    try:
        to_number = int(request.GET.get("to") or newest)
        from_number = int(request.GET.get("from") or max(to_number - 1, 1))
    except ValueError:
        from_number, to_number = max(newest - 1, 1), newest
    context = {
        "agreement": agreement,
        "revisions": revisions,
        "from_number": from_number,
        "to_number": to_number,
    }
    moves = revision_score_changes(agreement)
    for revision in revisions:
        revision.score_moves = moves.get(revision.number)  # type: ignore[attr-defined]
    known = {r.number for r in revisions}
    if from_number in known and to_number in known and from_number != to_number:
        old = selectors.revision_get(agreement=agreement, number=from_number)
        new = selectors.revision_get(agreement=agreement, number=to_number)
        context["changes"] = document_diff(old.document, new.document)
    elif request.GET.get("from") or request.GET.get("to"):
        context["problem"] = "Choose two different revisions of this draft."
    return render(request, "agreements/history.html", context)


@require_POST
@login_required
def restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    agreement = draft_for(request, pk, write=True)
    form = VersionedForm(request.POST)
    if form.is_valid():
        outcome = attempt(
            request,
            lambda: services.agreement_restore(
                agreement_id=agreement.pk,
                expected_version=form.cleaned_data["version"],
                author=request.user,
                number=number,
            ),
        )
        if outcome.ok:
            messages.success(
                request, f"Restored revision {number} as revision {outcome.revision.number}."
            )
            return redirect(agreement)
        if outcome.error:
            for error in outcome.error.messages:
                messages.error(request, f"Revision {number} cannot be restored: {error}")
    return redirect("workbench:history", pk=agreement.pk)
