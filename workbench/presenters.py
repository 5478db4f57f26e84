"""What the score panel and the compare page show: contexts built from stored results.

Views stay thin (parse, call one selector or service, render); everything a page
computes for display from a score run or a comparison lives here.
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.core.cache import cache
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone

from agreements import selectors as agreement_selectors
from agreements.diff import document_diff
from agreements.document import scoreable_problem
from agreements.models import Revision
from catalog.choices import PowerLabel
from core.exports import SafeWriter
from scoring import engine
from scoring.models import RunReason, RunStatus, ScoreRun
from scoring.selectors import score_panel_runs, score_summary_latest_for_agreement
from scoring.stored import ScoreResult, TrajectoryStep, stored_result, stored_summary
from workbench import charts

SCORES: tuple[tuple[str, str, str], ...] = (
    ("credibility", "Credibility", "up"),
    ("viability", "Viability", "up"),
    ("risk_overall", "Overall risk", "down"),
    ("power_sharing", "Power-sharing index", "neutral"),
    ("min_net_incentive", "Weakest net incentive", "up"),
    ("provider_surplus", "Provider surplus", "up"),
    ("leverage", "Leverage", "up"),
    ("assurance", "Compliance assurance", "up"),
)
PERCENT_CARDS = {"viability"}
"""Cards shown as a percentage: viability is the share of samples that enter into force."""
RISKS: tuple[tuple[str, str], ...] = (
    ("risk_proliferation", "Proliferation"),
    ("risk_instability", "Instability"),
    ("risk_perverse", "Perverse incentives"),
    ("risk_signalling", "Signalling"),
    ("risk_framing", "Race framing"),
)
EXPLAINED: tuple[tuple[str, str], ...] = (
    ("credibility_gap", "Credibility shortfall (by line and condition)"),
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
    "viability": "Viability",
}
QUEUED_TOO_LONG = 30
LINKABLE = {"line", "condition", "mechanism", "party"}


def _score_cards(result: ScoreResult) -> list[dict[str, Any]]:
    cards = []
    for key, label, direction in SCORES:
        summary = result["scores"].get(key)
        if summary is not None:
            cards.append(
                {
                    "key": key,
                    "label": label,
                    "direction": direction,
                    "percent": key in PERCENT_CARDS,
                    **summary,
                }
            )
    return cards


def _recipient_rows(result: ScoreResult) -> list[dict[str, Any]]:
    """Each recipient's position, with a plain-words verdict that matches its numbers."""
    coalition = result["coalition"]
    stable = set(coalition["largest_stable_subset"]["members"]) if coalition else set()
    rows = []
    for recipient in result["recipients"]:
        signs = recipient.get("would_sign", recipient["net_incentive"] >= 0)
        probability = recipient.get("sign_probability")
        if signs:
            verdict = "would sign"
        elif recipient["net_incentive"] < 0:
            verdict = "would not sign: it gains less than it gives up"
        else:
            verdict = "would not sign: it does better outside the coalition"
        rows.append(
            {
                **recipient,
                "signs": signs,
                "verdict": verdict,
                "sign_percent": None if probability is None else round(100 * probability),
                "in_stable_subset": recipient["key"] in stable,
            }
        )
    return rows


def _stable_subset(result: ScoreResult) -> dict[str, Any] | None:
    """The largest stable subset of a coalition draft's members, with names."""
    coalition = result["coalition"]
    if coalition is None:
        return None
    subset = coalition["largest_stable_subset"]
    names = {r["key"]: r["name"] for r in result["recipients"]}
    members = subset["members"]
    return {
        **subset,
        "names": [names.get(k, k) for k in members],
        "everyone": set(members) == set(coalition["members"]),
        "keep": [
            {"name": names.get(key, key), "transfer": amount}
            for key, amount in subset["transfers_to_keep"].items()
        ],
    }


def _shown(key: str, summary: dict[str, Any] | None) -> float | None:
    """The number a card shows: viability's mean, every other score's value."""
    if not summary:
        return None
    value = summary.get("mean" if key in PERCENT_CARDS else "value")
    return None if value is None else float(value)


def _in_words(key: str, value: float) -> str:
    if key in PERCENT_CARDS:
        return f"{round(100 * value)}%"
    return f"{value:.0f}" if key == "credibility" else f"{value:.2f}"


def score_delta(key: str, before: float | None, after: float | None) -> dict[str, Any] | None:
    """How one headline score moved between two revisions, in the card's own format:
    "0.12 → 0.09, down (better)". None when either side is missing."""
    if before is None or after is None:
        return None
    direction = next(d for k, _, d in SCORES if k == key)
    old, new = _in_words(key, before), _in_words(key, after)
    if old == new:
        return {"before": old, "after": new, "move": "same", "verdict": "", "text": "unchanged"}
    move = "up" if after > before else "down"
    verdict = "" if direction == "neutral" else "better" if move == direction else "worse"
    return {
        "before": old,
        "after": new,
        "move": move,
        "verdict": verdict,
        "text": f"{old} → {new}, {move}" + (f" ({verdict})" if verdict else ""),
    }


def score_deltas(previous: ScoreRun | None, scores: dict[str, Any]) -> dict[str, Any] | None:
    """Each headline score's change from ``previous``, the newest finished run of an
    earlier revision (``PanelRuns.previous``), to ``scores``."""
    summary = stored_summary(previous)
    before: dict[str, Any] = dict(summary.get("scores") or {}) if summary else {}
    if previous is None or not before:
        return None
    changes = {
        key: score_delta(key, _shown(key, before.get(key)), _shown(key, scores.get(key)))
        for key, _, _ in SCORES
    }
    return {"revision": previous.revision_number, "changes": changes}


HISTORY_SCORES = ("credibility", "risk_overall", "power_sharing", "min_net_incentive")
"""Headline scores the History page shows per revision (stored as columns of a run)."""


def revision_score_changes(agreement: Any) -> dict[int, list[dict[str, Any]]]:
    """For each scored revision, how its headline scores moved from the revision scored
    before it (one query; the result JSON is not loaded)."""
    rows = (
        ScoreRun.objects.filter(agreement=agreement, status=RunStatus.DONE)
        .order_by("revision_number", "finished_at")
        .values_list("revision_number", *HISTORY_SCORES)
    )
    latest: dict[int, tuple[Any, ...]] = {}
    for number, *values in rows:
        latest[number] = tuple(values)  # the newest run of a revision wins
    labels = {key: label for key, label, _ in SCORES}
    changes: dict[int, list[dict[str, Any]]] = {}
    previous: tuple[Any, ...] | None = None
    for number in sorted(latest):
        values = latest[number]
        if previous is not None:
            moved = []
            for key, before, after in zip(HISTORY_SCORES, previous, values, strict=True):
                delta = score_delta(key, before, after)
                if delta and delta["move"] != "same":
                    moved.append({"key": key, "label": labels[key], **delta})
            changes[number] = moved
        previous = values
    return changes


def score_panel_context(
    agreement: Any, *, analysis: bool = True, can_edit: bool = False
) -> dict[str, Any]:
    """What the score panel shows for the draft as it is now (one query for the runs);
    ``can_edit``: whether the user may change the draft (``user_can_edit``)."""
    runs = score_panel_runs(agreement=agreement)
    latest_run, score = runs.latest, runs.score
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
        "poll_delay": "20ms",  # the score view sets its own (long poll or not)
        "analysis_lazy": False,  # the score view's finished panel loads the analysis
        "can_edit": can_edit,
    }
    if latest_run is None or (not pending and latest_run.revision_number != agreement.version):
        # No run for the current revision: say why, e.g. the provider was removed.
        document = agreement_selectors.revision_latest(agreement=agreement).document
        context["unscoreable"] = scoreable_problem(document)
    if score is not None and stored_summary(score) is not None:
        context.update(_result_context(score, analysis=analysis))
        deltas = score_deltas(runs.previous, context.get("result", {}).get("scores", {}))
        context["deltas"] = deltas
        for card in context.get("cards", []):
            card["delta"] = (deltas or {}).get("changes", {}).get(card["key"])
        context["rescored_on"] = (
            score.finished_at if score.reason == RunReason.CATALOG_CHANGED else None
        )
    return context


def score_analysis_context(agreement: Any) -> dict[str, Any]:
    """What the analysis section shows: the charts and tables of the draft's newest
    finished score (one query; on a charts cache miss one more for the whole result and
    one for a phased draft's phase names)."""
    score = score_summary_latest_for_agreement(agreement=agreement)
    context: dict[str, Any] = {"agreement": agreement, "score": score}
    if score is not None and stored_summary(score) is not None:
        context.update(_result_context(score, analysis=True))
    return context


def warning_anchor(warning: dict[str, Any]) -> str:
    """The builder element a warning's "Show the cause" link points to ("" for none)."""
    kind, key = warning["subject_kind"], warning["subject_key"]
    if kind == "mechanism" and key == engine.DEFAULT_PARAMETERS.phased_slug:
        return "phases"  # the derived mechanism has no row: its cause is the timeline
    return f"{kind}-{key}" if kind in LINKABLE else ""


def _result_context(run: ScoreRun, *, analysis: bool) -> dict[str, Any]:
    """The panel's numbers; with ``analysis``, also the charts of the analysis section.

    ``run`` comes from ``score_summary_latest_for_agreement``: its ``summary`` is the
    result without the per-line detail, which only the charts read (and cache).
    """
    result = stored_summary(run)
    if result is None:
        return {}
    warnings = [
        {
            **w,
            "anchor": warning_anchor(dict(w)),
        }
        for w in result["warnings"]
    ]
    scores = result["scores"]
    context = {
        "result": result,
        "warnings": warnings,
        "cards": _score_cards(result),
        "recipient_rows": _recipient_rows(result),
        "stable_subset": _stable_subset(result),
        "mechanism_effects": result["mechanism_effects"],
        "provider": {
            name: summary["value"] if (summary := scores.get(name)) else None
            for name in ("provider_cost", "provider_cost_signers", "provider_value")
        },
        "viability_percent": _percent(
            summary["mean"] if (summary := scores.get("viability")) else None
        ),
        "trajectory": result["trajectory"],
    }
    if analysis:
        context.update(analysis_charts(run))
    return context


def _percent(share: float | None) -> int | None:
    return None if share is None else round(100 * share)


def analysis_charts(run: ScoreRun) -> dict[str, Any]:
    """SVG charts of a finished run, cached: a run's result never changes once done."""
    key = f"score-charts:{run.pk}:{run.finished_at.isoformat() if run.finished_at else ''}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = stored_result(run)
    if result is None:
        return {}
    scores = result["scores"]
    trajectory = result["trajectory"]
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
        "trajectory_chart": _trajectory_chart(trajectory, _phase_names(run))
        if len(trajectory) > 1
        else None,
    }
    cache.set(key, charts_context, timeout=3600)
    return charts_context


def _phase_names(run: ScoreRun) -> dict[str, str]:
    """The names of the phases of the revision a run scored (one query)."""
    phases = (
        Revision.objects.filter(pk=run.revision_id)
        .values_list("document__phases", flat=True)
        .first()
    )
    return {
        str(p["key"]): str(p.get("name") or "").strip()
        for p in (phases if isinstance(phases, list) else [])
        if isinstance(p, dict) and p.get("key")
    }


def _trajectory_chart(trajectory: list[TrajectoryStep], names: dict[str, str]) -> Any:
    """The headline scores after each phase, each step named after its phase."""
    return charts.line_chart(
        [
            {
                "label": names.get(str(step["phase_key"])) or f"Phase {step['phase_order']}",
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


def comparison_export(result: dict[str, Any], export: str) -> HttpResponse:
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


def latest_revisions(drafts: list[Any]) -> list[Any]:
    """The current revision of each draft (one query)."""
    condition = Q()
    for draft in drafts:
        condition |= Q(agreement_id=draft.pk, number=draft.version)
    return list(Revision.objects.filter(condition))


CRITERION_SCALES: dict[str, tuple[float, float, str]] = {
    "credibility": (0.0, 100.0, "{:.0f}"),
    "risk_overall": (0.0, 1.0, "{:.2f}"),
    "power_sharing": (0.0, 1.0, "{:.2f}"),
    "viability": (0.0, 1.0, "{:.0%}"),
}
"""Fixed scales of the bounded criteria; the others get a scale that fits the drafts."""


def _fitted_scale(values: list[float]) -> tuple[float, float]:
    """A symmetric, rounded scale around zero that holds every value (net incentive...)."""
    reach = max((abs(v) for v in values), default=1.0) or 1.0
    step = 0.5 if reach <= 2 else 1.0 if reach <= 5 else 5.0
    top = step * -(-reach // step)
    return (-top, top) if min(values, default=0.0) < 0 else (0.0, top)


def criterion_value(draft: dict[str, Any], criterion: str) -> float | None:
    summary = draft["scores"].get(criterion) or {}
    value = summary.get("mean" if criterion == "viability" else "value")
    return None if value is None else float(value)


def comparison_chart(result: dict[str, Any]) -> Any:
    """A dot plot: each criterion on its own scale, costs inverted, better to the right."""
    rows = []
    for criterion in result["criteria"]:
        values = [criterion_value(d, criterion) for d in result["drafts"]]
        lo, hi, shown = CRITERION_SCALES.get(criterion, (None, None, "{:.2f}"))
        if lo is None or hi is None:
            lo, hi = _fitted_scale([v for v in values if v is not None])
        rows.append(
            {
                "key": criterion,
                "label": CRITERIA_LABELS.get(criterion, criterion),
                "domain": (lo, hi),
                "better": result["directions"].get(criterion, "up"),
                "values": values,
                "format": shown,
            }
        )
    return charts.dot_plot(
        rows, result["labels"], title="Each criterion on its own scale, better to the right"
    )


def analyst_weight(share: float | None, criterion: str, typed: dict[str, float]) -> float | None:
    """A normalised weight of ``criterion`` in the analyst's 0-10 units, the others kept as
    typed: the value w solving w / (w + others) = share."""
    if share is None:
        return None
    others = sum(v for k, v in typed.items() if k != criterion)
    if share >= 1:
        return float("inf")
    return share * others / (1 - share) if others else share * 10


def weights_in_units(result: dict[str, Any], typed: dict[str, float]) -> dict[str, Any]:
    """Flip points and central weights in the analyst's 0-10 units (mutates ``result``)."""
    total = sum(typed.values()) or 1.0
    for flip in [*result["flip_points"], result["smallest_flip"] or {}]:
        if not flip:
            continue
        key = flip["criterion"]
        flip["label"] = CRITERIA_LABELS.get(key, key)
        flip["typed"] = typed.get(key)
        flip["flip_typed"] = analyst_weight(flip["flip_weight"], key, typed)
        low, high = flip["keep_top"]
        flip["keep_typed"] = (analyst_weight(low, key, typed), analyst_weight(high, key, typed))
    for draft in result["drafts"]:
        draft["central_typed"] = {k: w * total for k, w in (draft["central_weights"] or {}).items()}
    return {
        "typed_weights": [(CRITERIA_LABELS.get(k, k), v) for k, v in typed.items()],
    }


def comparison_verdict(result: dict[str, Any]) -> str:
    """The comparison in one or two plain sentences, from the same numbers as the tables."""
    drafts = result["drafts"]
    firsts = [d["rank_acceptability"][0] for d in drafts]
    best = max(range(len(drafts)), key=lambda i: firsts[i])
    name = drafts[best]["label"]
    sentence = f"{name} ranks first in {round(100 * firsts[best])}% of weightings"
    dominated_by = drafts[best]["dominated_by"]
    sentence += (
        f"; it is dominated by {', '.join(dominated_by)}."
        if dominated_by
        else "; it is never dominated."
    )
    top, runner, flip = result["top"], result["runner_up"], result["smallest_flip"]
    if top != name:
        sentence += f" At your weights {top} comes first."
    if flip and flip.get("flip_typed") is not None and runner:
        verb = "rises above" if flip["flip_weight"] > flip["weight"] else "falls below"
        target = flip["flip_typed"]
        where = "10, beyond the scale" if target > 10 else f"{target:.1f}"
        sentence += (
            f" {runner} overtakes {top} if the weight of {flip['label']} {verb} {where}"
            f" (you set {flip['typed']:.1f} of 10; the other weights as you set them)."
        )
    elif runner:
        sentence += f" No change of a single weight puts {runner} ahead of {top}."
    return sentence


def comparison_context(
    result: dict[str, Any],
    drafts: list[Any],
    documents: dict[int, Any],
    typed: dict[str, float] | None = None,
) -> dict[str, Any]:
    """The compare page's tables, charts and differences for a comparison ``result``.

    ``typed`` holds the analyst's weights (0 to 10); every weight the page shows is in
    those units.
    """
    labels = result["labels"]
    criteria = result["criteria"]
    typed = typed or dict.fromkeys(criteria, 1.0)
    units = weights_in_units(result, {c: typed.get(c, 1.0) for c in criteria})
    rows = []
    for key, label, _ in SCORES:
        values = [d["scores"].get(key) or {} for d in result["drafts"]]
        points = [v.get("value") for v in values]
        if key == "viability":
            points = [v.get("mean") for v in values]
        distinct = {round(p, 0 if key == "credibility" else 2) for p in points if p is not None}
        rows.append({"key": key, "label": label, "values": values, "differs": len(distinct) > 1})
    radar = comparison_chart(result)
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
        {"label": labels[i], "changes": document_diff(first, documents[draft.pk], by_content=True)}
        for i, draft in enumerate(drafts[1:], start=1)
    ]
    for draft in result["drafts"]:
        draft["classification_display"] = PowerLabel(draft["classification"]).label
    links = dict(zip(labels, (d.get_absolute_url() for d in drafts), strict=True))
    for draft in result["drafts"]:
        draft["url"] = links.get(draft["label"], "")
    return {
        **units,
        "verdict": comparison_verdict(result),
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
                    (CRITERIA_LABELS.get(k, k), w) for k, w in (d["central_typed"] or {}).items()
                ],
                "dominated_by": d["dominated_by"],
                "confidence": d.get("confidence_factor"),
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
                "mechanisms": pair.get("mechanisms") or [],
            }
            for pair in result["pairs"]
        ],
    }


def negotiation_chart(answer: dict[str, Any]) -> Any:
    """Each recipient's ZOPA as a band and its Nash point as a diamond (value units)."""
    bargains = answer["recipients"]
    ends = [
        x
        for b in bargains
        for x in (b["zopa_low"], b["zopa_high"], b["nash_transfer"])
        if x is not None
    ]
    high = max(ends, default=1.0) * 1.1 or 1.0
    return charts.interval_chart(
        [
            {
                "label": b["name"],
                "p5": b["zopa_low"],
                "p50": None,
                "p95": b["zopa_high"] if b["zopa_high"] is not None else high,
                "value": b["nash_transfer"],
            }
            for b in bargains[:12]
        ],
        title=f"Bargaining range for extra {answer['transfer_name']}",
        domain=(0.0, high),
        value_label="Extra transfer (value units): band = ZOPA, diamond = Nash point",
    )
