"""The design assistant in the builder (section 15): ask for single edits or a package,
watch the search's progress, and apply an answer as one new revision.

The section loads lazily (htmx) like the negotiation view; an answer is a background
job (in-process without a broker) whose partial polls itself until it is done. Without
JavaScript the same forms post normally and the answer has its own page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from agreements import selectors as agreement_selectors
from agreements.models import Agreement, Revision
from catalog.models import Actor
from core.http import HtmxHttpRequest, whole_number
from scoring.assistant import assistant_run_apply, assistant_run_request
from scoring.engine import DEFAULT_PARAMETERS
from scoring.models import AssistantRun
from scoring.selectors import assistant_run_get_for_user
from workbench.forms import AssistantForm
from workbench.views.common import attempt, draft_for

HEADLINES: tuple[tuple[str, str, bool], ...] = (
    ("viability", "Viability", True),
    ("credibility", "Credibility", True),
    ("risk_overall", "Overall risk", False),
    ("power_sharing", "Power-sharing", False),
    ("min_net_incentive", "Weakest net incentive", True),
    ("leverage", "Leverage", True),
    ("provider_cost", "Provider cost", False),
    ("provider_surplus", "Provider surplus", True),
)
"""(score, name, whether higher is better) in the order the tables show them."""


def _recipients(revision: Revision) -> list[tuple[str, str]]:
    """(key, name) of the revision's recipients, named as the draft or the catalog does."""
    rows = [p for p in revision.document.get("parties", []) if p.get("role") == "recipient"]
    actors = dict(
        Actor.objects.filter(slug__in=[p.get("actor") for p in rows if p.get("actor")]).values_list(
            "slug", "name"
        )
    )
    return [(p["key"], p.get("name") or actors.get(p.get("actor"), p["key"])) for p in rows]


def _section(
    request: HtmxHttpRequest,
    agreement: Agreement,
    *,
    form: AssistantForm | None = None,
    run: AssistantRun | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    revision = agreement_selectors.revision_latest(agreement=agreement)
    recipients = _recipients(revision)
    context = {
        "agreement": agreement,
        "form": form or AssistantForm(recipients=recipients),
        "run": run,
        "problems": problems or [],
        **(_answer_context(run, revision) if run is not None else {}),
    }
    template = "scoring/assistant.html" if request.htmx else "scoring/assistant_page.html"
    return render(request, template, context, status=status)


def _answer_context(run: AssistantRun, revision: Revision) -> dict[str, Any]:
    """Names and rows for the answer's tables (score names in words, recipients by name)."""
    names = dict(_recipients(run.revision))
    result = run.result or {}
    rows = []
    baseline = result.get("baseline") or {}
    package = result.get("package")
    for score, name, higher_better in HEADLINES:
        before = baseline.get(score)
        after = package["scores"].get(score) if package else None
        rows.append({"name": name, "before": before, "after": after, "higher": higher_better})
    signs = result.get("baseline_signs") or {}
    return {
        "outdated": run.revision_number != revision.number
        or run.parameter_version != DEFAULT_PARAMETERS.version,
        "current_revision": revision.number,
        "score_rows": rows,
        "headlines": HEADLINES,
        "recipient_names": names,
        "signers": [
            {
                "name": names.get(key, key),
                "before": signed,
                "after": package["signs"].get(key) if package else None,
            }
            for key, signed in signs.items()
        ],
        "percent": round(100 * run.progress_done / run.progress_total) if run.progress_total else 0,
    }


@require_http_methods(["GET", "POST"])
@login_required
def assistant(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET: the section with its question form. POST: ask (a viewer may ask too; only
    applying an answer edits the draft) and show the answer, or its progress."""
    agreement = draft_for(request, pk)
    if request.method == "GET":
        return _section(request, agreement)
    revision = agreement_selectors.revision_latest(agreement=agreement)
    form = AssistantForm(request.POST, recipients=_recipients(revision))
    if not form.is_valid():
        return _section(request, agreement, form=form, status=400)
    kind, options = form.options()
    try:
        run = assistant_run_request(
            revision=revision, kind=kind, options=options, requested_by=request.user
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
        return _section(request, agreement, form=form, status=400)
    if not request.htmx:
        return redirect("workbench:assistant-run", pk=agreement.pk, run_id=run.pk)
    return _section(request, agreement, form=form, run=run)


def _run_for(request: HtmxHttpRequest, agreement: Agreement, run_id: str) -> AssistantRun:
    number = whole_number(run_id)
    if number is None:
        raise Http404
    run = assistant_run_get_for_user(user=request.user, pk=number)
    if run.agreement_id != agreement.pk:
        raise Http404("No such answer for this draft.")
    return run


@require_http_methods(["GET"])
@login_required
def assistant_run(request: HtmxHttpRequest, pk: int, run_id: str) -> HttpResponse:
    """One answer: its progress while a worker computes it, then its tables (the
    partial polls itself while the answer is pending)."""
    agreement = draft_for(request, pk)
    run = _run_for(request, agreement, run_id)
    revision = agreement_selectors.revision_latest(agreement=agreement)
    context = {"agreement": agreement, "run": run, **_answer_context(run, revision)}
    if request.htmx:
        return render(request, "scoring/assistant_answer.html", context)
    return _section(request, agreement, run=run)


@require_POST
@login_required
def assistant_apply(request: HtmxHttpRequest, pk: int, run_id: str) -> HttpResponse:
    """Apply the package, or one suggestion, as one new revision; back to the builder."""
    agreement = draft_for(request, pk, write=True)
    run = _run_for(request, agreement, run_id)
    version = whole_number(request.POST.get("version", ""))
    index = whole_number(request.POST.get("suggestion", ""))
    if version is None:
        return _section(request, agreement, run=run, problems=["Reload the page."], status=400)
    outcome = attempt(
        request,
        lambda: assistant_run_apply(
            run=run, expected_version=version, author=request.user, index=index
        ),
    )
    if outcome.error is not None:
        problems = [m for ms in outcome.error.message_dict.values() for m in ms]
        return _section(request, agreement, run=run, problems=problems, status=400)
    if outcome.ok:
        messages.success(
            request, f"Applied as revision {outcome.revision.number}: {outcome.revision.message}"
        )
    url = reverse("workbench:builder", args=[agreement.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
