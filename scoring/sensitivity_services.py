"""Sensitivity and scenarios (design section 16): sweeps, variance attribution, named
scenarios, weight profiles and AHP elicitation.

The computations are deterministic for a seed and run in the caller; every input
problem becomes a ``ValidationError`` naming the field, and nothing is stored then.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Team
from agreements.document import scoreable_problem
from agreements.models import Agreement, Revision
from catalog.models import Actor
from scoring import engine, queue
from scoring.adapters import catalog_values_from_db, snapshot_from_document
from scoring.engine import ahp as engine_ahp
from scoring.engine.attribution import simulate_with_attribution
from scoring.engine.scenarios import Scenario as EngineScenario
from scoring.engine.scenarios import scenario_compare
from scoring.engine.sensitivity import dsa_ranking, sweep
from scoring.engine.validation import weight_errors
from scoring.models import AnalysisJob, RunStatus, Scenario, ScoreRun, WeightProfile

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


# --- Named scenarios -----------------------------------------------------------------------


def _check_shifts(name: str, values: Any, errors: dict[str, list[str]]) -> dict[str, float]:
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        errors.setdefault(name, []).append("Give an object of actor slug to shift.")
        return {}
    known = set(Actor.objects.filter(slug__in=list(values)).values_list("slug", flat=True))
    out: dict[str, float] = {}
    for slug, shift in values.items():
        if slug not in known:
            errors.setdefault(name, []).append(f"Unknown party {slug!r}: name a catalog actor.")
        elif isinstance(shift, bool) or not isinstance(shift, int | float) or not -1 <= shift <= 1:
            errors.setdefault(name, []).append(f"The shift of {slug!r} must be from -1 to 1.")
        else:
            out[str(slug)] = float(shift)
    return out


def _scenario_fields(data: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in ("name", "description"):
        if name in data:
            fields[name] = str(data[name]).strip()
    if "name" in fields and not fields["name"]:
        errors["name"] = ["Give the scenario a name."]
    for name in ("dsa", "omega"):
        if name in data:
            value = data[name]
            if value is not None and not (isinstance(value, int | float) and 0 <= value <= 1):
                errors[name] = ["Must be from 0 to 1, or null to keep each draft's own value."]
            fields[name] = value
    for name in ("trust_shifts", "capability_shifts"):
        if name in data:
            fields[name] = _check_shifts(name, data[name], errors)
    return fields


def _save(instance: Any, errors: dict[str, list[str]]) -> Any:
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise ValidationError({"name": ["Your team already has one with this name."]}) from None
    return instance


def scenario_create(*, team: Team, author: Any, data: Mapping[str, Any]) -> Scenario:
    """A new named scenario of ``team``; unknown parties or values out of range are refused."""
    errors: dict[str, list[str]] = {}
    fields = _scenario_fields(data, errors)
    if not fields.get("name") and "name" not in errors:
        errors["name"] = ["Give the scenario a name."]
    return _save(Scenario(team=team, created_by=author, **fields), errors)


def scenario_update(*, scenario: Scenario, data: Mapping[str, Any]) -> Scenario:
    errors: dict[str, list[str]] = {}
    for name, value in _scenario_fields(data, errors).items():
        setattr(scenario, name, value)
    return _save(scenario, errors)


def scenario_delete(*, scenario: Scenario) -> None:
    scenario.delete()


# --- Weights: AHP elicitation and team profiles --------------------------------------------


def _judgements(raw: Sequence[Mapping[str, Any]]) -> list[engine_ahp.Judgement]:
    return [engine_ahp.Judgement(str(j["a"]), str(j["b"]), j["value"]) for j in raw]


def weights_elicit(
    *, judgements: Sequence[Mapping[str, Any]], criteria: Sequence[str] | None = None
) -> dict[str, Any]:
    """Weights from pairwise judgements (principal eigenvector), with the consistency
    ratio and, above 0.10, a message naming the judgement to revise first."""
    names = list(criteria or engine.CRITERIA)
    unknown = [c for c in names if c not in engine.CRITERIA]
    if unknown:
        raise ValidationError({"criteria": [f"Unknown criteria: {', '.join(unknown)}."]})
    try:
        return engine_ahp.ahp(names, _judgements(judgements)).to_dict()
    except engine.EngineValidationError as exc:
        raise _engine_errors(exc) from None


def _profile_fields(data: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if "name" in data:
        fields["name"] = str(data["name"]).strip()
        if not fields["name"]:
            errors["name"] = ["Give the profile a name."]
    judgements = data.get("judgements")
    if judgements:
        try:
            elicited = weights_elicit(judgements=judgements, criteria=data.get("criteria"))
        except ValidationError as exc:
            errors.update(exc.message_dict)
            return fields
        if not elicited["consistent"]:
            errors["judgements"] = [elicited["message"]]
            return fields
        fields.update(
            weights=elicited["weights"],
            judgements=list(judgements),
            consistency_ratio=elicited["consistency_ratio"],
        )
    elif "weights" in data:
        weights = {k: float(v) for k, v in (data["weights"] or {}).items()}
        total = sum(weights.values())
        if total <= 0:
            errors["weights"] = ["At least one weight must be positive."]
        else:
            fields.update(
                weights={k: v / total for k, v in weights.items()},
                judgements=[],
                consistency_ratio=None,
            )
    spread = data.get("interval_spread")
    if spread is not None and "weights" in fields:
        fields["intervals"] = {
            k: list(v) for k, v in engine_ahp.weight_intervals(fields["weights"], spread).items()
        }
    elif "intervals" in data:
        fields["intervals"] = data["intervals"]
    if fields.get("intervals"):
        box = {k: (float(v[0]), float(v[1])) for k, v in fields["intervals"].items()}
        for name, problem in weight_errors(None, box, engine.CRITERIA):
            errors.setdefault(name, []).append(problem)
    return fields


def weight_profile_create(*, team: Team, author: Any, data: Mapping[str, Any]) -> WeightProfile:
    """A team weight profile from judgements (refused above CR 0.10) or typed weights."""
    errors: dict[str, list[str]] = {}
    fields = _profile_fields(data, errors)
    if "weights" not in fields and not errors:
        errors["weights"] = ["Give weights or a complete set of judgements."]
    if not fields.get("name") and "name" not in errors:
        errors["name"] = ["Give the profile a name."]
    return _save(WeightProfile(team=team, created_by=author, **fields), errors)


def weight_profile_update(*, profile: WeightProfile, data: Mapping[str, Any]) -> WeightProfile:
    errors: dict[str, list[str]] = {}
    for name, value in _profile_fields(data, errors).items():
        setattr(profile, name, value)
    return _save(profile, errors)


def weight_profile_delete(*, profile: WeightProfile) -> None:
    profile.delete()


# --- Large computations in a worker ----------------------------------------------------------

BACKGROUND_CELLS = 20_000
"""Drafts x points (or worlds) x samples above which a worker computes the answer."""


def cells(*, drafts: int, steps: int, n_samples: int) -> int:
    return drafts * steps * n_samples


def _scenario_content(scenario: Scenario) -> dict[str, Any]:
    return {
        "id": scenario.pk,
        "name": scenario.name,
        "dsa": scenario.dsa,
        "omega": scenario.omega,
        "trust_shifts": scenario.trust_shifts,
        "capability_shifts": scenario.capability_shifts,
    }


def analysis_job_request(
    *,
    kind: str,
    agreements: Sequence[Agreement],
    options: Mapping[str, Any],
    scenarios: Sequence[Scenario] = (),
    user: Any = None,
) -> AnalysisJob:
    """The job answering this question for these revisions, parameter version and settings:
    an existing one (queued, running or done) or a new one sent to the workers on commit.
    A failed job is queued again."""
    request = {
        "agreements": [a.pk for a in agreements],
        "revisions": [a.version for a in agreements],
        "scenarios": [_scenario_content(s) for s in scenarios],
        "options": {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in options.items()},
    }
    version = engine.DEFAULT_PARAMETERS.version
    text = json.dumps({"kind": kind, "version": version, **request}, sort_keys=True, default=list)
    key = hashlib.sha256(text.encode()).hexdigest()
    job, created = AnalysisJob.objects.get_or_create(
        key=key,
        defaults={
            "team_id": agreements[0].team_id,
            "kind": kind,
            "parameter_version": version,
            "request": json.loads(text),
            "requested_by": user,
        },
    )
    if not created and job.status == RunStatus.FAILED:
        AnalysisJob.objects.filter(pk=job.pk, status=RunStatus.FAILED).update(
            status=RunStatus.QUEUED, progress=0.0, error=""
        )
        job.refresh_from_db()
        created = True
    if created:
        queue.analysis_job_send_on_commit(job.pk)
    return job


def analysis_job_execute(*, job_id: int) -> str:
    """Compute one job (called by the Celery task), writing its progress as it goes."""
    job = AnalysisJob.objects.filter(pk=job_id).first()
    if job is None:
        return "skipped: gone"
    if not AnalysisJob.objects.filter(
        pk=job.pk, status=RunStatus.QUEUED, attempts=job.attempts
    ).update(status=RunStatus.RUNNING, attempts=job.attempts + 1, progress=0.0):
        return "skipped: not queued"
    owned = AnalysisJob.objects.filter(pk=job.pk, status=RunStatus.RUNNING)
    req = job.request
    by_id = Agreement.objects.in_bulk(req["agreements"])
    agreements = [by_id[pk] for pk in req["agreements"] if pk in by_id]
    options = dict(req["options"])
    for name in ("weight_intervals",):
        if options.get(name):
            options[name] = {k: (v[0], v[1]) for k, v in options[name].items()}

    def progress(share: float) -> None:
        owned.update(progress=round(share, 4))

    try:
        if len(agreements) != len(req["agreements"]):
            raise ValidationError({"agreements": ["A draft was deleted."]})
        if job.kind == "dsa_ranking":
            result = dsa_ranking_run(
                agreements=agreements, numbers=req["revisions"], progress=progress, **options
            )
        else:
            worlds = [
                Scenario(**{k: v for k, v in s.items() if k != "id"}) for s in req["scenarios"]
            ]
            for world, content in zip(worlds, req["scenarios"], strict=True):
                world.pk = content["id"]
            result = scenario_comparison_run(
                agreements=agreements,
                scenarios=worlds,
                numbers=req["revisions"],
                progress=progress,
                **options,
            )
    except ValidationError as exc:
        owned.update(status=RunStatus.FAILED, error=str(exc.message_dict)[:2000])
        return "failed: invalid"
    owned.update(status=RunStatus.DONE, progress=1.0, result=result, finished_at=timezone.now())
    return "done"


def analysis_job_fail(*, job_id: int, error: str) -> None:
    AnalysisJob.objects.filter(pk=job_id, status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED, error=error
    )
