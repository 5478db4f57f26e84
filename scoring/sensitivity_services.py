"""Sensitivity and scenarios (design section 16): sweeps, variance attribution, and the
comparisons along dsa and across named scenarios.

The computations are deterministic for a seed and run in the caller (large comparisons
run in a worker through ``scoring.analysis_jobs``); every input problem becomes a
``ValidationError`` naming the field. Named scenarios and weight profiles are kept by
``scoring.team_inputs``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError

from agreements.document import scoreable_problem
from agreements.models import Agreement, Revision
from scoring import engine
from scoring.adapters import catalog_values_from_db, snapshot_from_document
from scoring.engine.attribution import simulate_with_attribution
from scoring.engine.scenarios import Scenario as EngineScenario
from scoring.engine.scenarios import scenario_compare
from scoring.engine.sensitivity import dsa_ranking, sweep
from scoring.models import RunStatus, Scenario, ScoreRun

RISK_KEYS = ("proliferation", "instability", "perverse", "signalling", "framing")
"""The five risks overall risk weighs (``scenario.risk_weights`` of a draft)."""


def _engine_errors(exc: engine.EngineValidationError) -> ValidationError:
    return ValidationError(exc.by_field())


def _scoreable(revision: Revision) -> engine.Snapshot:
    document = revision.document
    if problem := scoreable_problem(document):
        raise ValidationError({"agreement": [problem]})
    return snapshot_from_document(document, catalog_values_from_db([document]))


def sweep_for_revision(
    *,
    revision: Revision,
    axis: str,
    party: str | None = None,
    points: int = 11,
    n_samples: int = 2000,
    seed: int = 1,
) -> dict[str, Any]:
    """Every headline score of one revision along ``axis`` (``dsa``, ``trust``, ``omega``)."""
    snapshot = _scoreable(revision)
    try:
        answer = sweep(
            snapshot, axis=axis, party=party or None, points=points, n_samples=n_samples, seed=seed
        ).to_dict()
    except engine.EngineValidationError as exc:
        raise _engine_errors(exc) from None
    answer["revision"] = revision.number
    return answer


def attribution_for_run(*, run: ScoreRun) -> dict[str, Any]:
    """What drives each headline score of a finished run: stored with the run, or (for
    runs scored before it was stored) recomputed from its revision, seed and samples,
    which gives the same samples."""
    if run.status != RunStatus.DONE:
        raise ValidationError({"run": ["The run has not finished; ask again when it is done."]})
    stored = run.attribution
    if stored is None:
        snapshot = _scoreable(run.revision)
        try:
            _, attribution = simulate_with_attribution(
                snapshot, n_samples=run.n_samples, seed=run.seed
            )
        except engine.EngineValidationError as exc:
            raise _engine_errors(exc) from None
        stored = attribution.to_dict()
    return {
        **stored,
        "run": run.pk,
        "revision": run.revision_number,
        "stored": run.attribution is not None,
    }


def attribution_for_revision(*, revision: Revision, n_samples: int, seed: int) -> dict[str, Any]:
    """Variance attribution from a fresh seeded run of ``revision`` (nothing stored)."""
    snapshot = _scoreable(revision)
    try:
        _, attribution = simulate_with_attribution(snapshot, n_samples=n_samples, seed=seed)
    except engine.EngineValidationError as exc:
        raise _engine_errors(exc) from None
    return {**attribution.to_dict(), "run": None, "revision": revision.number, "stored": False}


# --- Comparisons across worlds and along dsa -----------------------------------------------


def _labelled(
    agreements: Sequence[Agreement], numbers: Sequence[int] | None = None
) -> tuple[list[engine.Snapshot], list[dict[str, Any]]]:
    """Snapshots of the drafts' latest revisions (or revisions ``numbers``), labelled by
    title (numbered if repeated), and the documents."""
    wanted = dict(
        zip([a.pk for a in agreements], numbers or [a.version for a in agreements], strict=True)
    )
    revisions = {
        r.agreement_id: r
        for r in Revision.objects.filter(agreement__in=agreements)
        if r.number == wanted[r.agreement_id]
    }
    documents = [revisions[a.pk].document for a in agreements]
    catalog = catalog_values_from_db(documents)
    titles = [a.title for a in agreements]
    seen: dict[str, int] = {}
    labels = []
    for title in titles:
        seen[title] = seen.get(title, 0) + 1
        labels.append(title if titles.count(title) == 1 else f"{title} #{seen[title]}")
    for document in documents:
        if problem := scoreable_problem(document):
            raise ValidationError({"agreements": [problem]})
    snapshots = [
        snapshot_from_document(d, catalog, label=lbl)
        for d, lbl in zip(documents, labels, strict=True)
    ]
    return snapshots, documents


def _header(
    agreements: Sequence[Agreement],
    snapshots: Sequence[engine.Snapshot],
    numbers: Sequence[int] | None = None,
) -> list[dict[str, Any]]:
    revisions = numbers or [a.version for a in agreements]
    return [
        {"id": a.pk, "label": s.label, "revision": n}
        for a, s, n in zip(agreements, snapshots, revisions, strict=True)
    ]


def with_risk_weights(
    snapshots: Sequence[engine.Snapshot], risk_weights: Mapping[str, float] | None
) -> list[engine.Snapshot]:
    """The drafts with the analyst's risk weights in place of their own (``None``: theirs)."""
    if risk_weights is None:
        return list(snapshots)
    return [dataclasses.replace(s, risk_weights=dict(risk_weights)) for s in snapshots]


def comparison_with_weights(
    *,
    agreements: Sequence[Agreement],
    n_samples: int = 2000,
    seed: int = 1,
    weights: Mapping[str, float] | None = None,
    weight_intervals: Mapping[str, tuple[float, float]] | None = None,
    risk_weights: Mapping[str, float] | None = None,
    power_direction: str = "down",
) -> dict[str, Any]:
    """``compare`` of the drafts' latest revisions with the analyst's criterion weights,
    SMAA weight intervals and risk weights (for the live re-ranking on the compare page)."""
    snapshots, _ = _labelled(agreements)
    try:
        result = engine.compare(
            with_risk_weights(snapshots, risk_weights),
            n_samples=n_samples,
            seed=seed,
            weights=weights,
            weight_intervals=weight_intervals,
            power_direction=power_direction,
        ).to_dict()
    except engine.EngineValidationError as exc:
        raise _engine_errors(exc) from None
    result["agreements"] = _header(agreements, snapshots)
    return result


def dsa_ranking_run(
    *,
    agreements: Sequence[Agreement],
    points: int = 11,
    n_samples: int = 2000,
    seed: int = 1,
    weights: Mapping[str, float] | None = None,
    power_direction: str = "down",
    numbers: Sequence[int] | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    """The drafts ranked at each ``dsa`` from 0 to 1, and where the leader changes."""
    snapshots, _ = _labelled(agreements, numbers)
    try:
        result = dsa_ranking(
            snapshots,
            points=points,
            n_samples=n_samples,
            seed=seed,
            weights=weights,
            power_direction=power_direction,
            progress=progress,
        ).to_dict()
    except engine.EngineValidationError as exc:
        raise _engine_errors(exc) from None
    result["agreements"] = _header(agreements, snapshots, numbers)
    return result


def _party_keys(slug: str, documents: Sequence[Mapping[str, Any]]) -> set[str]:
    """Keys of the parties that are actor ``slug`` in any of ``documents``."""
    return {
        p["key"]
        for d in documents
        for p in d.get("parties", [])
        if p.get("actor") == slug or p.get("key") == slug
    }


def engine_scenario(scenario: Scenario, documents: Sequence[Mapping[str, Any]]) -> EngineScenario:
    """A stored scenario in engine terms: actor slugs become the drafts' party keys (a slug
    no draft has stays, and the engine refuses it by name)."""

    def shifts(values: Mapping[str, float]) -> dict[str, float]:
        out: dict[str, float] = {}
        for slug, shift in values.items():
            for key in _party_keys(slug, documents) or {slug}:
                out[key] = float(shift)
        return out

    return EngineScenario(
        name=scenario.name,
        dsa=scenario.dsa,
        omega=scenario.omega,
        trust_shift=shifts(scenario.trust_shifts or {}),
        capability_shift=shifts(scenario.capability_shifts or {}),
    )


def scenario_comparison_run(
    *,
    agreements: Sequence[Agreement],
    scenarios: Sequence[Scenario],
    n_samples: int = 2000,
    seed: int = 1,
    weights: Mapping[str, float] | None = None,
    weight_intervals: Mapping[str, tuple[float, float]] | None = None,
    power_direction: str = "down",
    numbers: Sequence[int] | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    """Every draft in every world with common random numbers: the best draft per world
    and each draft's regret (the per-world comparisons are left out of the answer)."""
    snapshots, documents = _labelled(agreements, numbers)
    worlds = [engine_scenario(s, documents) for s in scenarios]
    try:
        result = scenario_compare(
            snapshots,
            worlds,
            n_samples=n_samples,
            seed=seed,
            weights=weights,
            weight_intervals=weight_intervals,
            power_direction=power_direction,
            progress=progress,
        )
    except engine.EngineValidationError as exc:
        raise _engine_errors(exc) from None
    answer = result.to_dict()
    answer.pop("comparisons")
    answer["agreements"] = _header(agreements, snapshots, numbers)
    answer["scenario_ids"] = [s.pk for s in scenarios]
    return answer
