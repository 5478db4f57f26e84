"""Sensitivity pages (design section 16): the builder's sweep section, and on the compare
page the weights panel (sliders, SMAA intervals, risk weights, AHP questions), the
ranking along dsa and the drafts x scenarios table. Each is an htmx partial that also
works as a plain page."""

from __future__ import annotations

import itertools
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.selectors import scope_to_teams
from agreements import selectors as agreement_selectors
from agreements.models import Agreement
from core.http import HtmxHttpRequest, whole_number
from scoring import analysis_jobs, engine, team_inputs
from scoring import sensitivity_selectors as selectors
from scoring import sensitivity_services as services
from scoring.engine.sensitivity import HEADLINE_SCORES
from scoring.models import RunStatus, Scenario, ScoreRun
from workbench.charts import line_chart
from workbench.charts.sweeps import sweep_chart, tornado_chart
from workbench.presenters import CRITERIA_LABELS
from workbench.views.common import draft_for, writable_teams

PAGE_SAMPLES = 1000
"""Monte Carlo samples of the sweeps and live re-rankings shown on pages (the API takes more)."""
MAX_DRAFTS = 6
MAX_SCENARIOS = 8
DSA_POINTS = 11
SCORE_LABELS = {
    "credibility": ("Credibility", (0.0, 100.0)),
    "viability": ("Viability (share of samples in force)", (0.0, 1.0)),
    "risk_overall": ("Overall risk", (0.0, 1.0)),
    "power_sharing": ("Power-sharing", (0.0, 1.0)),
    "min_net_incentive": ("Weakest net incentive", None),
    "leverage": ("Leverage", None),
}
AXIS_LABELS = {"dsa": "chance of a decisive advantage", "omega": "safety value of restraint"}
RISK_LABELS = {
    "proliferation": "Proliferation",
    "instability": "Instability",
    "perverse": "Perverse incentives",
    "signalling": "Signalling",
    "framing": "Race framing",
}
CRITERIA = tuple(engine.CRITERIA)


def _domain(points: list[dict[str, Any]], fixed: tuple[float, float] | None) -> tuple[float, float]:
    if fixed is not None:
        return fixed
    values = [v for p in points for k in ("value", "p5", "p95") if (v := p.get(k)) is not None]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    pad = max(1e-6, 0.05 * (hi - lo))
    return lo - pad, hi + pad


@require_GET
@login_required
def sensitivity(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The builder's Sensitivity section: six sweeps along one axis, and the tornado of
    what drives each score's uncertainty."""
    agreement = draft_for(request, pk)
    revision = agreement_selectors.revision_latest(agreement=agreement)
    recipients = [
        (p["key"], p.get("name") or p["key"])
        for p in revision.document.get("parties", [])
        if p.get("role") == "recipient"
    ]
    choice = request.GET.get("axis") or "dsa"
    axis, _, party = choice.partition(":")
    context: dict[str, Any] = {
        "agreement": agreement,
        "choice": choice,
        "recipients": recipients,
        "problems": [],
        "charts": [],
        "tornados": [],
    }
    status = 200
    try:
        answer = services.sweep_for_revision(
            revision=revision, axis=axis, party=party or None, n_samples=PAGE_SAMPLES
        )
        context["answer"] = answer
        label = AXIS_LABELS.get(axis) or f"trust of {answer['party_name']}"
        for name in HEADLINE_SCORES:
            title, fixed = SCORE_LABELS[name]
            points = answer["scores"][name]
            context["charts"].append(
                sweep_chart(
                    points,
                    title=title,
                    axis_label=label,
                    domain=_domain(points, fixed),
                    current=answer["current"],
                    line="mean" if name == "viability" else "value",
                    band=name != "viability",
                )
            )
        run = (
            ScoreRun.objects.filter(agreement=agreement, status=RunStatus.DONE)
            .select_related("revision")
            .order_by("-revision_number", "-pk")
            .first()
        )
        attribution = (
            services.attribution_for_run(run=run)
            if run is not None
            else services.attribution_for_revision(
                revision=revision, n_samples=PAGE_SAMPLES, seed=1
            )
        )
        context["attribution"] = attribution
        for name in HEADLINE_SCORES:
            drivers = attribution["scores"].get(name) or []
            if drivers:
                title = SCORE_LABELS[name][0]
                context["tornados"].append(
                    (title, tornado_chart(drivers, title=f"What drives {title.lower()}"))
                )
    except ValidationError as exc:
        context["problems"] = [m for messages in exc.message_dict.values() for m in messages]
        status = 400
    template = "scoring/sensitivity.html" if request.htmx else "scoring/sensitivity_page.html"
    return render(request, template, context, status=status)


# --- The compare page -------------------------------------------------------------------------


def _drafts(request: HttpRequest) -> list[Agreement]:
    given = (pk for pk in map(whole_number, request.GET.getlist("ids")) if pk is not None)
    ids = list(dict.fromkeys(given))[:MAX_DRAFTS]
    found = scope_to_teams(Agreement.objects.select_related("team"), user=request.user).in_bulk(ids)
    if len(found) != len(ids):
        raise Http404("No such draft.")
    return [found[pk] for pk in ids]


def _ids_query(drafts: list[Agreement]) -> str:
    return "&".join(f"ids={d.pk}" for d in drafts)


class WeightsForm(forms.Form):
    """Walking weights (0-10), SMAA weight intervals and risk weights, all optional."""

    power_direction = forms.ChoiceField(
        choices=[("down", "a cost"), ("up", "a benefit")], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for c in CRITERIA:
            label = CRITERIA_LABELS[c]
            self.fields[f"w_{c}"] = forms.FloatField(
                label=label, min_value=0, max_value=10, required=False, initial=5
            )
            self.fields[f"lo_{c}"] = forms.FloatField(
                label=f"{label}: lowest weight", min_value=0, max_value=1, required=False
            )
            self.fields[f"hi_{c}"] = forms.FloatField(
                label=f"{label}: highest weight", min_value=0, max_value=1, required=False
            )
        for r, label in RISK_LABELS.items():
            self.fields[f"r_{r}"] = forms.FloatField(
                label=label, min_value=0, max_value=10, required=False
            )

    def weights(self) -> dict[str, float] | None:
        values = {c: self.cleaned_data.get(f"w_{c}") for c in CRITERIA}
        if all(v is None for v in values.values()):
            return None
        return {c: float(5 if v is None else v) for c, v in values.items()}

    def intervals(self) -> dict[str, tuple[float, float]] | None:
        box = {}
        for c in CRITERIA:
            lo, hi = self.cleaned_data.get(f"lo_{c}"), self.cleaned_data.get(f"hi_{c}")
            if lo is not None or hi is not None:
                box[c] = (float(lo or 0.0), float(1.0 if hi is None else hi))
        return box or None

    def risk_weights(self) -> dict[str, float] | None:
        values = {r: self.cleaned_data.get(f"r_{r}") for r in RISK_LABELS}
        if all(v is None for v in values.values()):
            return None
        return {r: float(1 if v is None else v) for r, v in values.items()}

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"key": c, "weight": self[f"w_{c}"], "low": self[f"lo_{c}"], "high": self[f"hi_{c}"]}
            for c in CRITERIA
        ]

    def risk_rows(self) -> list[Any]:
        return [self[f"r_{r}"] for r in RISK_LABELS]


def _live(drafts: list[Agreement], form: WeightsForm) -> dict[str, Any]:
    """The ranking and SMAA table at the form's weights (re-computed with common random numbers)."""
    if not form.is_valid():
        return {"live_problem": "Fix the weights marked below."}
    try:
        result = services.comparison_with_weights(
            agreements=drafts,
            n_samples=PAGE_SAMPLES,
            weights=form.weights(),
            weight_intervals=form.intervals(),
            risk_weights=form.risk_weights(),
            power_direction=form.cleaned_data.get("power_direction") or "down",
        )
    except ValidationError as exc:
        return {"live_problem": " ".join(m for ms in exc.message_dict.values() for m in ms)}
    by_label = {d["label"]: d for d in result["drafts"]}
    return {
        "live": result,
        "live_ranking": [
            {"label": lbl, "score": by_label[lbl]["weighted_score"], "rank": k + 1}
            for k, lbl in enumerate(result["ranking"])
        ],
        "live_smaa": [
            {
                "label": d["label"],
                "ranks": d["rank_acceptability"],
                "confidence": d["confidence_factor"],
            }
            for d in result["drafts"]
        ],
    }


def _questions(data: Any = None) -> list[dict[str, Any]]:
    """One AHP question per pair of criteria, with the answer given (if any)."""
    out = []
    for a, b in itertools.combinations(CRITERIA, 2):
        name = f"q_{a}__{b}"
        out.append(
            {
                "name": name,
                "a": CRITERIA_LABELS[a],
                "b": CRITERIA_LABELS[b],
                "value": (data.get(name) if data is not None else None) or "1",
            }
        )
    return out


AHP_CHOICES = [
    ("1/9", "b extremely more"),
    ("1/7", "b very strongly more"),
    ("1/5", "b strongly more"),
    ("1/3", "b moderately more"),
    ("1", "equally"),
    ("3", "a moderately more"),
    ("5", "a strongly more"),
    ("7", "a very strongly more"),
    ("9", "a extremely more"),
]


def _scale(text: str) -> float | None:
    allowed = {
        label: 1 / float(label[2:]) if "/" in label else float(label) for label, _ in AHP_CHOICES
    }
    return allowed.get(text)


def _spread(text: str | None) -> float:
    """The SMAA interval half-width asked for (0 to 0.5; default 0.1)."""
    try:
        value = float(text or "0.1")
    except ValueError:
        return 0.1
    return min(0.5, max(0.0, value)) if value == value else 0.1


def _panel_context(
    request: HttpRequest, drafts: list[Agreement], form: WeightsForm
) -> dict[str, Any]:
    return {
        "drafts": drafts,
        "ids_query": _ids_query(drafts),
        "form": form,
        "questions": _questions(),
        "ahp_choices": AHP_CHOICES,
        "profiles": selectors.weight_profile_list_for_user(user=request.user),
        "teams": writable_teams(request.user),
        **_live(drafts, form),
    }


def _profile_data(request: HttpRequest) -> dict[str, Any] | None:
    pk = whole_number(request.GET.get("profile"))
    if pk is None:
        return None
    profile = selectors.weight_profile_get_for_user(user=request.user, pk=pk)
    data: dict[str, Any] = {f"w_{c}": round(10 * profile.weights.get(c, 0.0), 2) for c in CRITERIA}
    for c, (lo, hi) in (profile.intervals or {}).items():
        data[f"lo_{c}"], data[f"hi_{c}"] = round(lo, 3), round(hi, 3)
    return data


@require_GET
@login_required
def compare_weights(request: HtmxHttpRequest) -> HttpResponse:
    """The weights panel (``#weights-panel``), or only the live ranking (``#live-ranking``)
    when the sliders ask for it (``HX-Target: live-ranking``)."""
    drafts = _drafts(request)
    if len(drafts) < 2:
        return HttpResponse("Choose between 2 and 6 drafts.", status=400)
    data = _profile_data(request) or request.GET
    form = WeightsForm(data)
    context = _panel_context(request, drafts, form)
    if request.htmx and request.htmx.target == "live-ranking":
        return render(request, "scoring/compare/live.html", context)
    return render(request, "scoring/compare/weights.html", context)


@require_http_methods(["POST"])
@login_required
def compare_ahp(request: HtmxHttpRequest) -> HttpResponse:
    """Answer the pairwise questions: weights with their consistency; consistent weights
    set the sliders and SMAA intervals and, given a name, are saved as a team profile."""
    drafts = _drafts(request)
    if len(drafts) < 2:
        return HttpResponse("Choose between 2 and 6 drafts.", status=400)
    judgements = []
    problems: list[str] = []
    for q in _questions(request.POST):
        value = _scale(str(q["value"]))
        a, b = q["name"][2:].split("__")
        if value is None:
            problems.append(f"Answer how {q['a']} compares with {q['b']}.")
        else:
            judgements.append({"a": a, "b": b, "value": value})
    spread_share = _spread(request.POST.get("spread"))
    ahp: dict[str, Any] | None = None
    saved = None
    if not problems:
        try:
            ahp = team_inputs.weights_elicit(judgements=judgements)
        except ValidationError as exc:
            problems = [m for ms in exc.message_dict.values() for m in ms]
    data: dict[str, Any] = dict(request.POST.items())
    if ahp is not None and ahp["consistent"]:
        for c, w in ahp["weights"].items():
            data[f"w_{c}"] = round(10 * w, 2)
            data[f"lo_{c}"] = round(max(0.0, w - spread_share), 3)
            data[f"hi_{c}"] = round(min(1.0, w + spread_share), 3)
        name = (request.POST.get("profile_name") or "").strip()
        if name:
            team = (
                writable_teams(request.user)
                .filter(pk=whole_number(request.POST.get("team")))
                .first()
            )
            if team is None:
                problems.append("Choose a team you are an analyst of to save the profile in.")
            else:
                try:
                    saved = team_inputs.weight_profile_create(
                        team=team,
                        author=request.user,
                        data={
                            "name": name,
                            "judgements": judgements,
                            "interval_spread": spread_share,
                        },
                    )
                except ValidationError as exc:
                    problems += [m for ms in exc.message_dict.values() for m in ms]
    form = WeightsForm({k: v for k, v in data.items() if not k.startswith("q_")})
    context = _panel_context(request, drafts, form)
    context.update(ahp=ahp, ahp_problems=problems, saved=saved, questions=_questions(request.POST))
    status = 400 if problems or (ahp is not None and not ahp["consistent"]) else 200
    return render(request, "scoring/compare/weights.html", context, status=status)


def _job_context(request: HttpRequest, kind: str, drafts: list[Agreement]) -> dict[str, Any]:
    """The stored job named by ``?job=`` (polled by the page) for exactly these drafts,
    or nothing when the request names none; another team's job, or one of other drafts,
    is a 404."""
    pk = whole_number(request.GET.get("job"))
    if pk is None:
        return {}
    job = selectors.analysis_job_get_for_user(user=request.user, pk=pk)
    if job.kind != kind or job.request.get("agreements") != [d.pk for d in drafts]:
        raise Http404("No such computation for these drafts.")
    return {"job": job}


def _job_answer(
    request: HttpRequest,
    kind: str,
    drafts: list[Agreement],
    *,
    steps: int,
    options: dict[str, Any],
    scenarios: list[Scenario] | None = None,
) -> dict[str, Any]:
    """A large comparison as a worker's job (``job``; its ``answer`` once done), or
    nothing when it is small enough for the request. A polled job asked for before one of
    the drafts changed gives ``outdated`` (what changed) and a ``recompute_url`` instead
    of its answer or its progress."""
    context = _job_context(request, kind, drafts)
    if not context and not analysis_jobs.in_background(
        kind, drafts=len(drafts), steps=steps, n_samples=options["n_samples"]
    ):
        return {}
    job = context.get("job") or analysis_jobs.analysis_job_request(
        kind=kind, agreements=drafts, options=options, scenarios=scenarios or (), user=request.user
    )
    context = {"job": job, "percent": round(100 * job.progress)}
    changes = analysis_jobs.analysis_job_changes(job=job, agreements=drafts)
    if changes:  # a draft was edited since the job was asked for: its answer is not theirs
        query = request.GET.copy()
        query.pop("job", None)
        return {
            **context,
            "outdated": changes,
            "recompute_url": f"{request.path}?{query.urlencode()}",
        }
    if job.status == RunStatus.DONE:
        context["answer"] = job.result
    elif job.status == RunStatus.FAILED:
        context["problems"] = [f"The computation failed: {job.error}"]
    return context


def _dsa_chart(answer: dict[str, Any]) -> Any:
    return line_chart(
        [{"label": f"{p['x']:g}", "values": p["weighted_scores"]} for p in answer["points"]],
        [(lbl, lbl) for lbl in answer["labels"]],
        title="Weighted score of each draft against the chance of a decisive advantage",
    )


@require_GET
@login_required
def compare_dsa(request: HtmxHttpRequest) -> HttpResponse:
    """The drafts ranked along dsa (``#dsa-ranking``): in the request when small, else by a
    worker while the section polls its job (``?job=``)."""
    drafts = _drafts(request)
    context: dict[str, Any] = {"drafts": drafts, "ids_query": _ids_query(drafts)}
    status = 200
    try:
        if len(drafts) < 2:
            raise ValidationError({"agreements": ["Choose between 2 and 6 drafts."]})
        options: dict[str, Any] = {"points": DSA_POINTS, "n_samples": PAGE_SAMPLES}
        context.update(
            _job_answer(request, "dsa_ranking", drafts, steps=DSA_POINTS, options=options)
        )
        if "job" not in context:
            context["answer"] = services.dsa_ranking_run(agreements=drafts, **options)
        if context.get("answer"):
            context["chart"] = _dsa_chart(context["answer"])
    except ValidationError as exc:
        context["problems"] = [m for ms in exc.message_dict.values() for m in ms]
        status = 400
    return render(request, "scoring/compare/dsa_ranking.html", context, status=status)


@require_GET
@login_required
def compare_scenarios(request: HtmxHttpRequest) -> HttpResponse:
    """Drafts x the team's scenarios (``#scenario-table``): best draft per world, regret;
    by a worker while the section polls its job when the comparison is large."""
    drafts = _drafts(request)
    available = list(selectors.scenario_list_for_user(user=request.user)[:20])
    chosen_ids = [pk for pk in map(whole_number, request.GET.getlist("scenarios")) if pk]
    chosen = (
        selectors.scenarios_get_for_user(user=request.user, ids=chosen_ids[:MAX_SCENARIOS])
        if chosen_ids
        else available[:4]
    )
    context: dict[str, Any] = {
        "drafts": drafts,
        "ids_query": _ids_query(drafts),
        "scenarios_query": "&".join(f"scenarios={s.pk}" for s in chosen),
        "available": available,
        "chosen": {s.pk for s in chosen},
    }
    status = 200
    if chosen and len(drafts) >= 2:
        try:
            options: dict[str, Any] = {"n_samples": PAGE_SAMPLES}
            context.update(
                _job_answer(
                    request,
                    "scenarios",
                    drafts,
                    steps=len(chosen),
                    options=options,
                    scenarios=chosen,
                )
            )
            if "job" not in context:
                context["answer"] = services.scenario_comparison_run(
                    agreements=drafts, scenarios=chosen, **options
                )
            answer = context.get("answer")
            if answer:
                context["rows"] = [
                    {"label": lbl, "cells": row, "max_regret": answer["max_regret"][lbl]}
                    for lbl, row in zip(answer["labels"], answer["cells"], strict=True)
                ]
        except ValidationError as exc:
            context["problems"] = [m for ms in exc.message_dict.values() for m in ms]
            status = 400
    return render(request, "scoring/compare/scenarios.html", context, status=status)
