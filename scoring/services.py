"""Score runs: request, execute (in a worker), sweep, and refresh after catalog changes.

Pattern: a service creates the ``ScoreRun`` row and enqueues ``score_run_task`` with
its id on commit; the task claims the row with a conditional UPDATE (to running), so
however many messages name a run, one delivery runs it. While it runs, the worker's
heartbeat thread touches ``heartbeat_at``; a running run is taken over only once its
worker stopped beating, and the sweep sends a run again when its message is lost or its
worker died. Pages read state from the database, never the broker.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.db.models import Max, Q
from django.utils import timezone

from agreements.document import scoreable_problem
from agreements.models import Agreement, Revision
from catalog.models import Actor, BenefitItem, CatalogEntry, Commitment, MechanismType
from scoring import engine, jobs, push, queue
from scoring.adapters import catalog_values_from_db, snapshot_from_document
from scoring.engine import attribution as engine_attribution
from scoring.models import PENDING, RunReason, RunStatus, ScoreRun

logger = logging.getLogger(__name__)


def score_run_request(
    *,
    revision: Revision,
    requested_by: Any = None,
    reason: str = RunReason.REVISION,
    n_samples: int | None = None,
    seed: int | None = None,
) -> ScoreRun | None:
    """Queue a run for ``revision``; ``None`` when the draft cannot be scored yet.

    Queued runs of older revisions of the same draft are superseded. The task is
    sent only when the surrounding transaction commits.
    """
    if scoreable_problem(revision.document):
        return None
    samples = n_samples or settings.WINDFALL_SCORE_SAMPLES
    if not 1 <= samples <= engine.DEFAULT_PARAMETERS.max_samples:
        raise ValueError(f"n_samples must be between 1 and {engine.DEFAULT_PARAMETERS.max_samples}")
    ScoreRun.objects.filter(
        agreement_id=revision.agreement_id,
        status=RunStatus.QUEUED,
        revision_number__lt=revision.number,
    ).update(status=RunStatus.SUPERSEDED, updated_at=timezone.now())
    run = ScoreRun.objects.create(
        agreement_id=revision.agreement_id,
        revision=revision,
        revision_number=revision.number,
        reason=reason,
        parameter_version=engine.DEFAULT_PARAMETERS.version,
        n_samples=samples,
        seed=seed if seed is not None else secrets.randbits(48),
        requested_by=requested_by,
    )
    queue.score_run_send_on_commit(run.pk)
    return run


def score_run_request_for_revision(revision: Revision, author: Any) -> None:
    """Listener of ``agreements.services.on_revision_recorded``: score the new revision."""
    score_run_request(revision=revision, requested_by=author)


def score_run_execute(*, run_id: int) -> str:
    """Score one run (called by the Celery task). Returns what happened, for logs."""
    run = ScoreRun.objects.select_related("revision").filter(pk=run_id).first()
    if run is None or not jobs.claim(run):
        return "skipped: not claimable (done, superseded, gone, or owned by another worker)"
    started = time.perf_counter()
    try:
        with jobs.heartbeat(run):
            document = run.revision.document
            snapshot = snapshot_from_document(document, catalog_values_from_db([document]))
            _test_delay()
            scored, attribute = engine_attribution.simulate_then_attribute(
                snapshot, n_samples=run.n_samples, seed=run.seed
            )
        _finish(run, started, status=RunStatus.DONE, result=scored.to_dict())
    except engine.EngineValidationError as exc:
        _finish(run, started, status=RunStatus.FAILED, error=f"The draft cannot be scored: {exc}")
        return "failed: invalid draft"
    except (OperationalError, InterfaceError):
        jobs.hand_back(run)  # the task retries these
        raise
    # The scores are stored and announced; what drives them (section 16) follows.
    _store_attribution(run, attribute)
    return "done"


def _store_attribution(
    run: ScoreRun, attribute: Callable[[], engine_attribution.Attribution]
) -> None:
    """Compute the variance attribution of a finished run over its own samples and store
    it, only on this attempt's row and only once. It comes after the scores so the
    waiting panel does not wait for it; until it is stored (or if this fails, which is
    only logged: the scores stand) ``attribution_for_run`` recomputes it from the run's
    revision and seed, which gives the same answer."""
    try:
        stored = attribute().to_dict()
        ScoreRun.objects.filter(
            pk=run.pk, attempts=run.attempts, status=RunStatus.DONE, attribution__isnull=True
        ).update(attribution=stored)
    except Exception:  # a secondary product: never fail (or retry) a finished run for it
        logger.exception("score run %s: could not store its variance attribution", run.pk)


def score_run_fail(*, run_id: int, error: str) -> None:
    """Record a run as failed (unexpected error, or time limit exceeded)."""
    run = ScoreRun.objects.filter(pk=run_id).first()
    if run is not None and run.status == RunStatus.RUNNING:
        _finish(run, None, status=RunStatus.FAILED, error=error)


def _test_delay() -> None:
    """Pause inside a run when tests ask (``WINDFALL_TEST_SCORE_DELAY``) to kill a worker."""
    delay = getattr(settings, "WINDFALL_TEST_SCORE_DELAY", 0)
    if delay:
        time.sleep(delay)


def _finish(
    run: ScoreRun,
    started: float | None,
    *,
    status: str,
    result: dict[str, Any] | None = None,
    error: str = "",
) -> None:
    """Record the end of a run (only its owner may), with the headline columns."""
    fields: dict[str, Any] = {}
    if result is not None:
        scores = result["scores"]
        fields.update(
            result=result,
            label=result["label"],
            credibility=scores["credibility"]["value"],
            risk_overall=scores["risk_overall"]["value"],
            power_sharing=scores["power_sharing"]["value"],
            min_net_incentive=scores["min_net_incentive"]["value"],
            warning_count=len(result["warnings"]),
        )
    jobs.finish(run, started, status=status, error=error, **fields)
    push.announce_on_commit(run.agreement_id)


def score_run_request_latest(
    *,
    agreement: Agreement,
    requested_by: Any = None,
    reason: str = RunReason.REQUESTED,
    n_samples: int | None = None,
    seed: int | None = None,
) -> ScoreRun | None:
    """Queue a run for the draft's latest revision (e.g. "score again", catalog change)."""
    revision = Revision.objects.get(agreement=agreement, number=agreement.version)
    return score_run_request(
        revision=revision, requested_by=requested_by, reason=reason, n_samples=n_samples, seed=seed
    )


REFRESH_ARGUMENT: dict[type[CatalogEntry], str] = {
    BenefitItem: "item_slugs",
    Commitment: "commitment_slugs",
    MechanismType: "mechanism_slugs",
    Actor: "actor_slugs",
}
"""Which argument of ``scores_refresh_for_catalog`` names entries of each model."""


def scores_refresh_for_entries(entries: Sequence[CatalogEntry]) -> int:
    """Listener of ``catalog.services.catalog_on_entries_changed``: re-score the drafts
    that use any of ``entries``; returns how many were queued."""
    slugs: dict[str, list[str]] = {}
    for entry in entries:
        slugs.setdefault(REFRESH_ARGUMENT.get(type(entry), ""), []).append(entry.slug)
    slugs.pop("", None)
    return scores_refresh_for_catalog(**slugs) if slugs else 0


def scores_refresh_for_catalog(
    *,
    item_slugs: Iterable[str] = (),
    commitment_slugs: Iterable[str] = (),
    mechanism_slugs: Iterable[str] = (),
    actor_slugs: Iterable[str] = (),
) -> int:
    """Mark the scores of drafts using changed catalog entries stale and re-score them."""
    mechanism_slugs = list(mechanism_slugs)
    condition = (
        Q(lines__item__slug__in=list(item_slugs))
        | Q(conditions__commitment__slug__in=list(commitment_slugs))
        | Q(mechanisms__mechanism_type__slug__in=mechanism_slugs)
        | Q(parties__actor__slug__in=list(actor_slugs))
    )
    # The derived staged-reciprocity type is in no document, and its effect is a model
    # parameter (its catalog row only describes it), so editing that row re-scores nothing.
    agreement_ids = set(Agreement.objects.filter(condition).values_list("pk", flat=True).distinct())
    return _refresh(sorted(agreement_ids), RunReason.CATALOG_CHANGED)


def _refresh(agreement_ids: list[int], reason: str) -> int:
    if not agreement_ids:
        return 0
    ScoreRun.objects.filter(agreement_id__in=agreement_ids, status=RunStatus.DONE).update(
        stale=True
    )
    queued = 0
    for agreement in Agreement.objects.filter(pk__in=agreement_ids):
        if score_run_request_latest(agreement=agreement, reason=reason) is not None:
            queued += 1
    return queued


def score_runs_sweep() -> dict[str, int]:
    """Hand abandoned and lost runs to a worker again; re-score drafts on old parameters.

    - A **running** run whose worker stopped beating (``heartbeat_at`` older than
      ``WINDFALL_STALE_HEARTBEAT_SECONDS``) goes back to the queue and is sent again; one
      with no heartbeat (claimed by an older version that does not beat) after
      ``WINDFALL_STUCK_AFTER_SECONDS``.
    - A **queued** run last handed to the broker (``updated_at``) more than
      ``WINDFALL_RESEND_QUEUED_AFTER_SECONDS`` ago is sent again when no message waits in
      the queue: its message is lost. While messages wait it may be behind them, so it is
      sent again only after ``WINDFALL_STUCK_AFTER_SECONDS``.
    - A draft whose newest score used another parameter version is queued for re-scoring.

    Every step is a conditional UPDATE, and an extra message is harmless: the claim lets
    exactly one delivery run a run.
    """
    now = timezone.now()
    requeued = _requeue(jobs.abandoned(now), now, "its worker stopped beating; handing it on")
    resend = now - timedelta(seconds=settings.WINDFALL_RESEND_QUEUED_AFTER_SECONDS)
    stuck = now - timedelta(seconds=settings.WINDFALL_STUCK_AFTER_SECONDS)
    due = Q(status=RunStatus.QUEUED, updated_at__lt=resend)
    if ScoreRun.objects.filter(due).exists():
        waiting = queue.waiting_messages()  # None: the broker does not answer, nothing can be sent
        if waiting:  # messages wait, and a run may be waiting behind them
            due &= Q(updated_at__lt=stuck)
        if waiting is not None:
            requeued += _requeue(due, now, f"queued, not picked up ({waiting} waiting); resending")
    outdated = _agreements_with_outdated_parameters()
    return {"requeued": requeued, "rescored": _refresh(outdated, RunReason.PARAMETERS_CHANGED)}


def _requeue(condition: Q, now: datetime, why: str) -> int:
    """Queue and send again each score run matching ``condition``."""
    return jobs.requeue(ScoreRun, condition, now, why, queue.score_run_send_on_commit)


def _agreements_with_outdated_parameters() -> list[int]:
    current = engine.DEFAULT_PARAMETERS.version
    latest = (
        ScoreRun.objects.filter(status=RunStatus.DONE)
        .values("agreement_id")
        .annotate(newest=Max("pk"))
        .values_list("newest", flat=True)
    )
    pending = ScoreRun.objects.filter(status__in=PENDING).values("agreement_id")
    return list(
        ScoreRun.objects.filter(pk__in=latest)
        .exclude(parameter_version=current)
        .exclude(agreement_id__in=pending)
        .values_list("agreement_id", flat=True)
    )


def comparison_run(
    *,
    agreements: list[Agreement],
    n_samples: int = 2000,
    seed: int = 1,
    weights: dict[str, float] | None = None,
    weight_intervals: dict[str, list[float]] | None = None,
    power_direction: str = "down",
) -> dict[str, Any]:
    """Compare the latest revisions of 2 to 6 drafts (section 8); runs in the caller."""
    revisions = {
        r.agreement_id: r
        for r in Revision.objects.filter(
            agreement__in=agreements, number__in=[a.version for a in agreements]
        )
        if r.number == next(a.version for a in agreements if a.pk == r.agreement_id)
    }
    documents = [revisions[a.pk].document for a in agreements]
    catalog = catalog_values_from_db(documents)
    labels = _unique_labels([a.title for a in agreements])
    snapshots = [
        snapshot_from_document(document, catalog, label=label)
        for document, label in zip(documents, labels, strict=True)
    ]
    intervals = {k: (v[0], v[1]) for k, v in (weight_intervals or {}).items()} or None
    result = engine.compare(
        snapshots,
        n_samples=n_samples,
        seed=seed,
        weights=weights,
        weight_intervals=intervals,
        power_direction=power_direction,
    ).to_dict()
    result["agreements"] = [
        {"id": a.pk, "label": label, "revision": a.version}
        for a, label in zip(agreements, labels, strict=True)
    ]
    return result


DEFAULT_TRANSFER_ITEM = "monetary-aid-governments"
"""The item the negotiation view offers as an extra transfer unless the analyst picks one."""


def negotiation_for_revision(
    *, revision: Revision, transfer_item: str = DEFAULT_TRANSFER_ITEM
) -> dict[str, Any]:
    """Each recipient's bargaining range for extra transfers of ``transfer_item``
    (section 14), for one revision; deterministic, so it runs in the caller.

    Raises ``ValidationError`` naming ``transfer_item`` (an unknown item) or
    ``agreement`` (a draft that cannot be scored yet).
    """
    document = revision.document
    if problem := scoreable_problem(document):
        raise ValidationError({"agreement": [problem]})
    if not BenefitItem.objects.filter(slug=transfer_item).exists():
        raise ValidationError({"transfer_item": [f"Unknown benefit item {transfer_item!r}."]})
    catalog = catalog_values_from_db([document], extra_items=[transfer_item])
    snapshot = snapshot_from_document(document, catalog, extra_items=[transfer_item])
    try:
        answer = engine.negotiation(snapshot, transfer_item=transfer_item).to_dict()
    except engine.EngineValidationError as exc:
        raise ValidationError({"agreement": [str(exc)]}) from None
    answer["revision"] = revision.number
    return answer


def _unique_labels(titles: list[str]) -> list[str]:
    """Draft titles, numbered where two are the same (the engine needs distinct labels)."""
    seen: dict[str, int] = {}
    labels = []
    for title in titles:
        seen[title] = seen.get(title, 0) + 1
        labels.append(title if titles.count(title) == 1 else f"{title} #{seen[title]}")
    return labels
