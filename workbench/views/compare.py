"""The compare page: 2 to 6 drafts side by side, exported as JSON, CSV or a PDF briefing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from agreements import selectors as agreement_selectors
from agreements.models import Agreement
from core.http import HtmxHttpRequest, whole_number
from scoring import engine
from scoring.services import comparison_run
from workbench.documents import files
from workbench.filters import AgreementFilterSet
from workbench.forms import CompareForm
from workbench.presenters import comparison_context, comparison_export, latest_revisions
from workbench.selectors import DraftPage, draft_choice_page

MAX_DRAFTS = 6
CHOICES = 30
"""Drafts the picker offers besides the chosen ones: the most recently updated of those
that match the search (all of the user's drafts when there is none)."""


def _picker_context(request: HttpRequest, drafts: list[Agreement]) -> dict[str, Any]:
    """The picker's other choices: at most ``CHOICES`` drafts of the user's teams that
    match ``?q=`` (the dashboard's search), newest first, without the chosen ones. Three
    queries whatever the team's size: the user's teams, the page's ids, those rows."""
    team_ids = agreement_selectors.team_ids_for_user(user=request.user)
    search = request.GET.get("q", "").strip()
    queryset = agreement_selectors.agreement_list_for_user(user=request.user, team_ids=team_ids)
    params = QueryDict(mutable=True)
    params["q"] = search
    filters = AgreementFilterSet(
        params,
        queryset=queryset.exclude(pk__in=[d.pk for d in drafts]),
    )
    valid = filters.is_valid()
    page = (
        draft_choice_page(queryset=filters.qs, team_ids=team_ids, size=CHOICES)
        if valid
        else DraftPage([], None)
    )
    return {
        "choices": page.drafts,
        "more_choices": page.next is not None,
        "search": search,
        "search_problems": [] if valid else [e for es in filters.errors.values() for e in es],
    }


@require_GET
@login_required
def compare(request: HtmxHttpRequest) -> HttpResponse:
    """Compare 2 to 6 drafts of the user's teams, side by side. The htmx search of the
    picker gets only its choices (partial ``draft-choices``), keeping the chosen drafts."""
    response = _compare(request)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _compare(request: HtmxHttpRequest) -> HttpResponse:
    # A repeated id counts once: drop repeats first, then keep at most six drafts.
    given = (pk for pk in map(whole_number, request.GET.getlist("ids")) if pk is not None)
    ids = list(dict.fromkeys(given))[:MAX_DRAFTS]
    drafts = [agreement_selectors.agreement_get_for_user(user=request.user, pk=pk) for pk in ids]
    weight_keys = {*CompareForm.criteria, "power_direction"}
    form = CompareForm(request.GET if weight_keys & set(request.GET) else None)
    context: dict[str, Any] = {"drafts": drafts, "form": form, **_picker_context(request, drafts)}
    if request.htmx and request.htmx.target == "draft-choices":
        context["picker_only"] = True  # with the status line, swapped out of band
        return render(request, "scoring/compare.html#draft-choices", context)
    if len(drafts) < 2:
        if len(drafts) == 1:  # "Compare with…" from a draft's builder: pick the others
            context["problem"] = f"Choose one to five drafts to compare with “{drafts[0].title}”."
            return render(request, "scoring/compare.html", context)
        context["problem"] = "Choose between 2 and 6 drafts to compare."
        return render(request, "scoring/compare.html", context, status=200 if not ids else 400)
    if form.is_bound and not form.is_valid():
        return render(request, "scoring/compare.html", context, status=400)
    weights = form.weights() if form.is_bound else None
    direction = (form.cleaned_data.get("power_direction") if form.is_bound else None) or "down"
    try:
        result = comparison_run(agreements=drafts, weights=weights, power_direction=direction)
    except engine.EngineValidationError as exc:
        context["problem"] = f"These drafts cannot be compared yet: {exc}"
        return render(request, "scoring/compare.html", context, status=400)
    export = request.GET.get("format")
    if export in ("json", "csv"):
        return comparison_export(result, export)
    documents = {r.agreement_id: r.document for r in latest_revisions(drafts)}
    typed = weights or dict.fromkeys(CompareForm.criteria, 1.0)
    context.update(comparison_context(result, drafts, documents, typed))
    if export == "pdf":
        return _briefing_pdf(context, drafts)
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("q", None)  # the picker's search is no part of the comparison
    context["export_query"] = query.urlencode()
    return render(request, "scoring/compare.html", context)


def _briefing_pdf(context: dict[str, Any], drafts: list[Any]) -> HttpResponse:
    """The comparison's briefing as a PDF (WeasyPrint), named after the drafts compared."""
    teams = ", ".join(sorted({draft.team.name for draft in drafts}))
    html = files.comparison_html(context, teams=teams, made_on=date.today())
    name = "comparison-" + "-".join(f"{d.pk}v{d.version}" for d in drafts) + ".pdf"
    response = HttpResponse(files.pdf_from_html(html), content_type=files.PDF)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
