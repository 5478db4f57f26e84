"""The score panel (it waits for a pending run to end, see ``scoring.push``), the analysis
section it loads once a run ended, and "score again"."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from agreements import selectors as agreement_selectors
from core.http import HtmxHttpRequest
from scoring import push
from scoring.services import score_run_request_latest
from workbench.presenters import score_analysis_context, score_panel_context
from workbench.views.common import draft_for, user_can_edit


@require_GET
@login_required
def score_panel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The score panel; while a run is pending it polls itself, then stops."""
    agreement = draft_for(request, pk)
    wait = push.wait_seconds(request.GET.get("wait"))
    # Read once: the panel reads the run again each time one ends, the role stays.
    can_edit = user_can_edit(agreement)
    context, live = push.wait_for(
        agreement.pk,
        lambda: score_panel_context(agreement, analysis=False, can_edit=can_edit),
        lambda ctx: bool(ctx["pending"]),
        wait,
    )
    # With a live subscription the next request waits again at once (long poll);
    # without one the panel asks again every second.
    context["poll_delay"] = "20ms" if live else "1s"
    # While a run is pending each poll refreshes the panel only. The poll that sees it
    # finish stops the polling and brings the new scores at once; the panel it brings
    # then loads the analysis section (charts, tables: 8 times the panel's bytes) with a
    # request of its own (``score_analysis``), so the scores do not wait for the charts.
    context["analysis_lazy"] = bool(request.htmx and not context["pending"])
    response = render(request, "scoring/score_panel.html", context)
    if request.htmx and not context["pending"]:
        stop = HttpResponseStopPolling(response.content)
        stop["Content-Type"] = response["Content-Type"]
        return stop
    return response


@require_GET
@login_required
def score_analysis(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The analysis section of the draft's newest score (a finished panel loads it)."""
    agreement = agreement_selectors.agreement_get_for_user(user=request.user, pk=pk)
    return render(request, "scoring/score_analysis.html", score_analysis_context(agreement))


@require_POST
@login_required
def score_request(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Score the latest revision again (e.g. after a failure) with a new seed."""
    agreement = draft_for(request, pk)
    if not user_can_edit(agreement):
        raise PermissionDenied("Viewers cannot request scores.")
    score_run_request_latest(agreement=agreement, requested_by=request.user)
    context = {
        **score_panel_context(agreement, can_edit=True),
        "analysis_oob": bool(request.htmx),
    }
    return render(request, "scoring/score_panel.html", context)
