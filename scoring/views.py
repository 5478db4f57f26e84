"""Score panel (polls while a run is pending) and the compare page."""

from __future__ import annotations

import io
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from accounts.selectors import can_edit_team
from agreements import selectors as agreement_selectors
from catalog.choices import PowerLabel
from core.exports import SafeWriter
from core.http import HtmxHttpRequest, whole_number
from scoring import charts, engine
from scoring.models import ScoreRun
from scoring.selectors import score_latest_for_agreement, score_run_latest_for_agreement

SCORES: tuple[tuple[str, str, str], ...] = (
    ("credibility", "Credibility", "up"),
    ("risk_overall", "Overall risk", "down"),
    ("power_sharing", "Power-sharing index", "neutral"),
    ("min_net_incentive", "Weakest net incentive", "up"),
    ("leverage", "Leverage", "up"),
    ("assurance", "Compliance assurance", "up"),
)
RISKS: tuple[tuple[str, str], ...] = (
    ("risk_proliferation", "Proliferation"),
    ("risk_instability", "Instability"),
    ("risk_perverse", "Perverse incentives"),
    ("risk_signalling", "Signalling"),
    ("risk_framing", "Race framing"),
)
EXPLAINED: tuple[tuple[str, str], ...] = (
    ("power_sharing", "Power-sharing index"),
    ("demand", "Credibility demand"),
    ("supply_provider", "Assurance of the provider's promises"),
    ("risk_overall", "Overall risk"),
    *RISKS,
)
CRITERIA_LABELS = {
    "credibility": "Credibility",
    "risk_overall": "Overall risk",
    "power_sharing": "Power-sharing",
    "min_net_incentive": "Weakest net incentive",
    "leverage": "Leverage",
}
QUEUED_TOO_LONG = 30
LINKABLE = {"line", "condition", "mechanism", "party"}


def _score_cards(result: dict[str, Any]) -> list[dict[str, Any]]:
    cards = []
    for key, label, direction in SCORES:
        summary = result["scores"].get(key) or {}
        cards.append({"key": key, "label": label, "direction": direction, **summary})
    return cards


def score_panel_context(
    agreement: Any, *, user: Any = None, analysis: bool = True
) -> dict[str, Any]:
    """What the score panel shows for the draft as it is now (three or four queries)."""
    latest_run = score_run_latest_for_agreement(agreement=agreement)
    score = score_latest_for_agreement(agreement=agreement)
    pending = latest_run is not None and latest_run.is_pending
    waited = (
        int((timezone.now() - latest_run.created_at).total_seconds())
        if pending and latest_run
        else 0
    )
    context: dict[str, Any] = {
        "agreement": agreement,
        "latest_run": latest_run,
        "score": score,
        "pending": pending,
        "score_is_current": score is not None
        and score.revision_number == agreement.version
        and not score.stale,
        "waiting_long": waited > QUEUED_TOO_LONG,
        "waited": f"{waited // 60} min {waited % 60} s" if waited >= 60 else f"{waited} s",
        "unscoreable": None,
        "can_edit": user is not None and can_edit_team(user=user, team_id=agreement.team_id),
    }
    if latest_run is None or (not pending and latest_run.revision_number != agreement.version):
        # No run for the current revision: say why, e.g. the provider was removed.
        document = agreement_selectors.revision_latest(agreement=agreement).document
        from agreements.document import scoreable_problem

        context["unscoreable"] = scoreable_problem(document)
    if score is not None and score.result:
        context.update(_result_context(score, analysis=analysis))
    return context


def _warning_anchor(warning: dict[str, Any]) -> str:
    """The builder element a warning's "Show the cause" link points to ("" for none)."""
    kind, key = warning["subject_kind"], warning["subject_key"]
    if kind == "mechanism" and key == engine.DEFAULT_PARAMETERS.phased_slug:
        return "phases"  # the derived mechanism has no row: its cause is the timeline
    return f"{kind}-{key}" if kind in LINKABLE else ""


def _result_context(run: ScoreRun, *, analysis: bool) -> dict[str, Any]:
    """The panel's numbers; with ``analysis``, also the charts of the analysis section."""
    result: dict[str, Any] = run.result or {}
    warnings = [
        {
            **w,
            "anchor": _warning_anchor(w),
        }
        for w in result["warnings"]
    ]
    context = {
        "result": result,
        "warnings": warnings,
        "cards": _score_cards(result),
        "trajectory": result.get("trajectory") or [],
    }
    if analysis:
        context.update(_analysis_charts(run))
    return context


def _analysis_charts(run: ScoreRun) -> dict[str, Any]:
    """SVG charts of a finished run, cached: a run's result never changes once done."""
    key = f"score-charts:{run.pk}:{run.finished_at.isoformat() if run.finished_at else ''}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = run.result or {}
    scores = result["scores"]
    trajectory = result.get("trajectory") or []
    charts_context = {
        "risk_chart": charts.interval_chart(
            [{"label": label, **(scores.get(key) or {})} for key, label in RISKS],
            title="Risks with 90% intervals",
        ),
        "explained": [
            {
                "key": name,
                "label": label,
                "chart": charts.bar_list(
                    [(c["label"], c["amount"]) for c in result["contributions"].get(name, [])],
                    title=f"What makes up {label.lower()}",
                ),
            }
            for name, label in EXPLAINED
            if result["contributions"].get(name)
        ],
        "trajectory_chart": _trajectory_chart(trajectory) if len(trajectory) > 1 else None,
    }
    cache.set(key, charts_context, timeout=3600)
    return charts_context


def _trajectory_chart(trajectory: list[dict[str, Any]]) -> Any:
    return charts.line_chart(
        [
            {
                "label": f"Phase {step['phase_order']}",
                "values": {
                    "credibility": (step["scores"].get("credibility") or 0) / 100,
                    "risk_overall": step["scores"].get("risk_overall"),
                    "power_sharing": step["scores"].get("power_sharing"),
                },
            }
            for step in trajectory
        ],
        [
            ("credibility", "Credibility (÷100)"),
            ("risk_overall", "Overall risk"),
            ("power_sharing", "Power-sharing"),
        ],
        title="Scores if the deal stops after each phase",
    )


@require_GET
@login_required
def score_panel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The score panel; while a run is pending it polls itself, then stops."""
    agreement = agreement_selectors.agreement_get_for_user(user=request.user, pk=pk)
    context = score_panel_context(agreement, user=request.user, analysis=False)
    # While a run is pending each poll refreshes the panel only; the poll that sees it
    # finish also refreshes the analysis section (out of band) and stops the polling.
    if request.htmx and not context["pending"]:
        context.update(_analysis_charts(context["score"]) if context["score"] else {})
        context["analysis_oob"] = True
    response = render(request, "scoring/score_panel.html", context)
    if request.htmx and not context["pending"]:
        stop = HttpResponseStopPolling(response.content)
        stop["Content-Type"] = response["Content-Type"]
        return stop
    return response


@require_POST
@login_required
def score_request(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Score the latest revision again (e.g. after a failure) with a new seed."""
    from scoring.services import score_run_request_latest

    agreement = agreement_selectors.agreement_get_for_user(user=request.user, pk=pk)
    if not can_edit_team(user=request.user, team_id=agreement.team_id):
        raise PermissionDenied("Viewers cannot request scores.")
    score_run_request_latest(agreement=agreement, requested_by=request.user)
    context = {
        **score_panel_context(agreement, user=request.user),
        "analysis_oob": bool(request.htmx),
    }
    return render(request, "scoring/score_panel.html", context)


@require_GET
@login_required
def compare(request: HttpRequest) -> HttpResponse:
    """Compare 2 to 6 drafts of the user's teams, side by side."""
    from agreements.diff import document_diff
    from agreements.forms import CompareForm
    from scoring.services import comparison_run

    # A repeated id counts once: drop repeats first, then keep at most six drafts.
    given = (pk for pk in map(whole_number, request.GET.getlist("ids")) if pk is not None)
    ids = list(dict.fromkeys(given))[:6]
    drafts = [agreement_selectors.agreement_get_for_user(user=request.user, pk=pk) for pk in ids]
    weight_keys = {*CompareForm.criteria, "power_direction"}
    form = CompareForm(request.GET if weight_keys & set(request.GET) else None)
    context: dict[str, Any] = {
        "drafts": drafts,
        "form": form,
        "choices": agreement_selectors.agreement_list_for_user(user=request.user),
    }
    if len(drafts) < 2:
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
        return _comparison_export(result, export)
    documents = {r.agreement_id: r.document for r in _latest_revisions(drafts)}
    context.update(_comparison_context(result, drafts, documents, document_diff))
    context["export_query"] = request.GET.urlencode()
    return render(request, "scoring/compare.html", context)


def _comparison_export(result: dict[str, Any], export: str) -> HttpResponse:
    """The comparison as JSON (everything the page shows) or CSV (one row per draft and
    score, then each draft's chance of ranking first and of beating the others)."""
    if export == "json":
        response = HttpResponse(
            json.dumps(result, indent=2, ensure_ascii=False), content_type="application/json"
        )
    else:
        out = io.StringIO()
        writer = SafeWriter(out)
        writer.writerow(["draft_id", "draft", "revision", "measure", "value", "p5", "p50", "p95"])
        for meta, draft, odds in zip(
            result["agreements"], result["drafts"], result["overall_winning_odds"], strict=True
        ):
            head = [meta["id"], meta["label"], meta["revision"]]
            for name, summary in draft["scores"].items():
                summary = summary or {}
                writer.writerow(
                    [*head, name, *(summary.get(k) for k in ("value", "p5", "p50", "p95"))]
                )
            writer.writerow([*head, "rank_1_probability", draft["rank_acceptability"][0]])
            for other, probability in zip(result["labels"], odds, strict=True):
                if other != meta["label"]:
                    writer.writerow([*head, f"beats:{other}", probability])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="comparison.{export}"'
    return response


def _latest_revisions(drafts: list[Any]) -> list[Any]:
    from django.db.models import Q

    from agreements.models import Revision

    condition = Q()
    for draft in drafts:
        condition |= Q(agreement_id=draft.pk, number=draft.version)
    return list(Revision.objects.filter(condition))


def _comparison_context(
    result: dict[str, Any], drafts: list[Any], documents: dict[int, Any], document_diff: Any
) -> dict[str, Any]:
    labels = result["labels"]
    criteria = result["criteria"]
    for flip in [*result["flip_points"], result["smallest_flip"] or {}]:
        if flip:
            flip["label"] = CRITERIA_LABELS.get(flip["criterion"], flip["criterion"])
    rows = []
    for key, label, _ in SCORES:
        values = [d["scores"].get(key) or {} for d in result["drafts"]]
        points = [v.get("value") for v in values]
        distinct = {round(p, 0 if key == "credibility" else 2) for p in points if p is not None}
        rows.append({"key": key, "label": label, "values": values, "differs": len(distinct) > 1})
    radar = charts.radar_chart(
        [{"label": d["label"], "values": d["criteria"]} for d in result["drafts"]],
        [(c, CRITERIA_LABELS.get(c, c)) for c in criteria],
        title="Criteria, scaled so that outward is better",
    )
    intervals = {
        label: charts.interval_chart(
            [{"label": d["label"], **(d["scores"].get(key) or {})} for d in result["drafts"]],
            title=f"{label} with 90% intervals",
            domain=(0.0, 100.0) if key == "credibility" else (0.0, 1.0),
        )
        for key, label, _ in SCORES[:3]
    }
    first = documents[drafts[0].pk]
    differences = [
        {"label": labels[i], "changes": document_diff(first, documents[draft.pk])}
        for i, draft in enumerate(drafts[1:], start=1)
    ]
    for draft in result["drafts"]:
        draft["classification_display"] = PowerLabel(draft["classification"]).label
    return {
        "result": result,
        "labels": labels,
        "rows": rows,
        "radar": radar,
        "intervals": intervals,
        "differences": differences,
        "criteria_labels": CRITERIA_LABELS,
        "win_matrix": list(zip(labels, result["overall_winning_odds"], strict=True)),
        "rank_rows": [
            {
                "label": d["label"],
                "ranks": d["rank_acceptability"],
                "central": [
                    (CRITERIA_LABELS.get(k, k), w) for k, w in (d["central_weights"] or {}).items()
                ],
                "dominated_by": d["dominated_by"],
            }
            for d in result["drafts"]
        ],
        "pairs": [
            {
                "a": pair["a"],
                "b": pair["b"],
                "rows": [
                    {
                        "label": CRITERIA_LABELS.get(criterion, criterion),
                        "difference": difference,
                        "probability": pair["win_probability"].get(criterion),
                        "drivers": (pair["drivers"].get(criterion) or [])[:3],
                    }
                    for criterion, difference in pair["criteria"].items()
                ],
            }
            for pair in result["pairs"]
        ],
    }
