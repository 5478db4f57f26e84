"""Large sensitivity computations in a worker (design section 16): a ranking along dsa
or a scenario comparison of many drafts.

An ``AnalysisJob`` row is cached by what was asked (the kind, the revision set, the
settings and the parameter version), created first and sent on commit; a delivery claims
it once (``scoring.jobs``), beats while it computes and writes its progress, and the
sweep hands it on when its worker dies or its message is lost, as for score runs and
design-assistant answers.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from agreements.models import Agreement
from scoring import engine, jobs, queue
from scoring.models import AnalysisJob, AnalysisKind, RunStatus, Scenario
from scoring.sensitivity_services import dsa_ranking_run, scenario_comparison_run

IN_REQUEST_MS = 300
"""Comparisons estimated to take longer than this are computed by a worker."""

MS_PER_CELL: dict[str, float] = {AnalysisKind.DSA_RANKING: 0.0085, AnalysisKind.SCENARIOS: 0.018}
"""Engine milliseconds per scored draft-sample on one core, measured on the 50-line draft
(``scripts/bench_sensitivity.py``; a scenario is a whole comparison, SMAA included)."""

BACKGROUND_CELLS = {kind: int(IN_REQUEST_MS / ms) for kind, ms in MS_PER_CELL.items()}
"""Drafts x points (or worlds) x samples above which a worker computes the answer:
35,294 for a ranking along dsa, 16,666 for a scenario comparison."""

PROGRESS_EVERY_SECONDS = 0.25


def cells(*, drafts: int, steps: int, n_samples: int) -> int:
    """The size of a comparison along ``steps`` points or worlds, in scored draft-samples."""
    return drafts * steps * n_samples


def in_background(kind: str, *, drafts: int, steps: int, n_samples: int) -> bool:
    """Whether a comparison this large is computed by a worker rather than in the request
    (estimated above ``IN_REQUEST_MS``)."""
    return cells(drafts=drafts, steps=steps, n_samples=n_samples) > BACKGROUND_CELLS[kind]


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
    an existing one (queued, running or done) or a new row sent to the workers on commit.
    A failed job is queued again. A scenario's content is part of the question, so an
    edited scenario is a new job."""
    if kind not in AnalysisKind.values:
        raise ValidationError({"kind": [f"Must be one of {', '.join(AnalysisKind.values)}."]})
    request = {
        "agreements": [a.pk for a in agreements],
        "revisions": [a.version for a in agreements],
        "scenarios": [_scenario_content(s) for s in scenarios],
        "options": {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in options.items()},
    }
    version = engine.DEFAULT_PARAMETERS.version
    text = json.dumps({"kind": kind, "version": version, **request}, sort_keys=True, default=list)
    key = hashlib.sha256(text.encode()).hexdigest()
    job = AnalysisJob.objects.filter(key=key).first()
    if job is None:
        try:
            with transaction.atomic():
                job = AnalysisJob.objects.create(
                    key=key,
                    team_id=agreements[0].team_id,
                    kind=kind,
                    parameter_version=version,
                    request=json.loads(text),
                    requested_by=user,
                )
        except IntegrityError:  # asked twice at once: the other request's row serves both
            return AnalysisJob.objects.get(key=key)
    elif job.status == RunStatus.FAILED:
        AnalysisJob.objects.filter(pk=job.pk, status=RunStatus.FAILED).update(
            status=RunStatus.QUEUED, progress=0.0, error="", updated_at=timezone.now()
        )
    else:
        return job
    queue.analysis_job_send_on_commit(job.pk)
    job.refresh_from_db()  # in-process mode has answered by now
    return job


@dataclass(frozen=True)
class RevisionChange:
    """A draft edited since a job read it: the revision the job computed with, and the
    draft's revision now."""

    agreement: Agreement
    used: int
    current: int


def analysis_job_changes(
    *, job: AnalysisJob, agreements: Sequence[Agreement]
) -> list[RevisionChange]:
    """The drafts among ``agreements`` (read now) whose revision is not the one the job
    named when it was asked for: its answer, done or still coming, is not theirs."""
    used = dict(
        zip(job.request.get("agreements", []), job.request.get("revisions", []), strict=True)
    )
    return [
        RevisionChange(agreement, used[agreement.pk], agreement.version)
        for agreement in agreements
        if agreement.pk in used and used[agreement.pk] != agreement.version
    ]


def _progress_writer(job: AnalysisJob) -> Callable[[float], None]:
    last = [0.0]

    def write(share: float) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_SECONDS or share >= 1:
            last[0] = now
            jobs.owned(AnalysisJob, job.pk, job.attempts).update(progress=round(share, 4))

    return write


def _compute(job: AnalysisJob) -> dict[str, Any]:
    req = job.request
    by_id = Agreement.objects.in_bulk(req["agreements"])
    if len(by_id) != len(set(req["agreements"])):
        raise ValidationError({"agreements": ["A draft was deleted."]})
    agreements = [by_id[pk] for pk in req["agreements"]]
    options = dict(req["options"])
    if options.get("weight_intervals"):
        options["weight_intervals"] = {
            k: (v[0], v[1]) for k, v in options["weight_intervals"].items()
        }
    progress = _progress_writer(job)
    if job.kind == AnalysisKind.DSA_RANKING:
        return dsa_ranking_run(
            agreements=agreements, numbers=req["revisions"], progress=progress, **options
        )
    worlds = []
    for content in req["scenarios"]:
        world = Scenario(**{k: v for k, v in content.items() if k != "id"})
        world.pk = content["id"]
        worlds.append(world)
    return scenario_comparison_run(
        agreements=agreements,
        scenarios=worlds,
        numbers=req["revisions"],
        progress=progress,
        **options,
    )


def analysis_job_execute(*, job_id: int) -> str:
    """Compute one job (called by the Celery task). Returns what happened, for logs."""
    job = AnalysisJob.objects.filter(pk=job_id).first()
    if job is None or not jobs.claim(job):
        return "skipped: not claimable (done, gone, or owned by another worker)"
    jobs.owned(AnalysisJob, job.pk, job.attempts).update(progress=0.0)
    started = time.perf_counter()
    try:
        with jobs.heartbeat(job):
            result = _compute(job)
        jobs.finish(job, started, status=RunStatus.DONE, result=result, progress=1.0)
    except ValidationError as exc:
        jobs.finish(job, started, status=RunStatus.FAILED, error=" ".join(exc.messages))
        return "failed: invalid"
    except (OperationalError, InterfaceError):
        jobs.hand_back(job)  # the task retries these
        raise
    return "done"


def analysis_job_fail(*, job_id: int, error: str) -> None:
    """Record a running job as failed (unexpected error, or time limit exceeded)."""
    job = AnalysisJob.objects.filter(pk=job_id, status=RunStatus.RUNNING).first()
    if job is not None:
        jobs.finish(job, None, status=RunStatus.FAILED, error=error)


def analysis_jobs_sweep() -> int:
    """Hand jobs whose worker stopped beating, or whose message was lost, to the workers
    again; returns how many were sent."""
    now = timezone.now()
    lost = Q(
        status=RunStatus.QUEUED,
        updated_at__lt=now - timedelta(seconds=settings.WINDFALL_STUCK_AFTER_SECONDS),
    )
    return jobs.requeue(
        AnalysisJob,
        jobs.abandoned(now) | lost,
        now,
        "abandoned or lost; handing it on",
        queue.analysis_job_send_on_commit,
    )
