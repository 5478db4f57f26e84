"""The design assistant (design section 15): single edits and packages for a revision,
computed in the request or as background jobs, and applied as one new revision.

Background answers follow the score-run pattern (``scoring.jobs``): the row first
(``AssistantRun``, one per revision, question and parameter version, so an answer is
computed once and then cached), its id sent on commit, claimed by exactly one delivery,
beating while it computes and handed on by the sweep if its worker dies. The row's
``progress_done`` / ``progress_total`` say how far the search is. An answer names its
revision; once the draft has moved on it is outdated and cannot be applied.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from agreements import services as agreement_services
from agreements.document import scoreable_problem
from agreements.models import Revision
from catalog.models import BenefitItem, MechanismType
from scoring import engine, jobs, queue
from scoring.adapters import (
    benefit_item_to_engine,
    catalog_values_from_db,
    mechanism_type_to_engine,
    snapshot_from_document,
)
from scoring.engine.packages import check_bounds, search_packages
from scoring.engine.suggestions import suggest, validate_request
from scoring.models import AssistantKind, AssistantRun, RunStatus

logger = logging.getLogger(__name__)

PROGRESS_EVERY_SECONDS = 0.25
"""How often a running search writes its progress to its row."""

Progress = Callable[[int, int], None]


def _snapshot(revision: Revision) -> engine.Snapshot:
    document = revision.document
    if problem := scoreable_problem(document):
        raise ValidationError({"agreement": [problem]})
    return snapshot_from_document(document, catalog_values_from_db([document]))


def _catalog() -> dict[str, Any]:
    """Every catalog benefit item and (non-derived) mechanism type, as candidates."""
    return {
        "catalog_items": [benefit_item_to_engine(i) for i in BenefitItem.objects.all()],
        "catalog_mechanisms": [
            mechanism_type_to_engine(m) for m in MechanismType.objects.filter(derived=False)
        ],
    }


def _plain_edit(edit: dict[str, Any]) -> None:
    for name in ("catalog_item", "catalog_mechanism"):
        edit.pop(name, None)  # the slug is in ``item``


def suggestions_for_revision(
    *,
    revision: Revision,
    goal: str,
    recipient: str | None = None,
    limit: int = 10,
    risk_max: float | None = None,
    keep_label: str | None = None,
) -> dict[str, Any]:
    """The best single edits of one revision for ``goal``, each with its change in every
    headline score (deterministic: under a second on a 60-line draft).

    Raises ``ValidationError`` naming the field (``goal``, ``recipient``, ``risk_max``,
    ``keep_label``) or ``agreement`` for a draft that cannot be scored yet.
    """
    snapshot = _snapshot(revision)
    try:
        answer = suggest(
            snapshot,
            goal=goal,
            recipient=recipient,
            risk_max=risk_max,
            keep_label=keep_label,
            limit=limit,
            **_catalog(),
        ).to_dict()
    except engine.EngineValidationError as exc:
        raise ValidationError(exc.by_field()) from None
    for suggestion in answer["suggestions"]:
        _plain_edit(suggestion["edit"])
    answer["revision"] = revision.number
    return answer


def package_for_revision(
    *,
    revision: Revision,
    max_edits: int = 4,
    risk_max: float | None = None,
    keep_label: str | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The cheapest package of at most ``max_edits`` edits that brings one revision into
    force within the bounds (``engine.packages``); field-named ``ValidationError``."""
    snapshot = _snapshot(revision)
    try:
        answer = search_packages(
            snapshot,
            max_edits=max_edits,
            risk_max=risk_max,
            keep_label=keep_label,
            progress=progress,
            **_catalog(),
        ).to_dict()
    except engine.EngineValidationError as exc:
        raise ValidationError(exc.by_field()) from None
    if answer["package"] is not None:
        for edit in answer["package"]["edits"]:
            _plain_edit(edit)
    answer["revision"] = revision.number
    return answer


# --- Background answers ---------------------------------------------------------------

SUGGESTION_OPTIONS = ("goal", "recipient", "limit", "risk_max", "keep_label")
PACKAGE_OPTIONS = ("max_edits", "risk_max", "keep_label")


def _options(kind: str, given: dict[str, Any]) -> dict[str, Any]:
    names = SUGGESTION_OPTIONS if kind == AssistantKind.SUGGESTIONS else PACKAGE_OPTIONS
    defaults = {"limit": 10, "max_edits": 4}
    return {n: given.get(n, defaults.get(n)) for n in names}


def _check(kind: str, revision: Revision, options: dict[str, Any]) -> None:
    """Refuse bad options by field name before a row is stored."""
    snapshot = _snapshot(revision)
    try:
        if kind == AssistantKind.SUGGESTIONS:
            validate_request(
                snapshot,
                options["goal"],
                options["recipient"],
                options["risk_max"],
                options["keep_label"],
                options["limit"],
            )
        else:
            validate_request(
                snapshot, "in_force", None, options["risk_max"], options["keep_label"], 1
            )
            check_bounds(options["max_edits"])
    except engine.EngineValidationError as exc:
        raise ValidationError(exc.by_field()) from None


def assistant_run_request(
    *, revision: Revision, kind: str, options: dict[str, Any], requested_by: Any
) -> AssistantRun:
    """The answer to this question for ``revision``: the cached row when there is one
    (a failed one is queued again), otherwise a new row sent to the workers."""
    if kind not in AssistantKind.values:
        raise ValidationError({"kind": [f"Must be one of {', '.join(AssistantKind.values)}."]})
    options = _options(kind, options)
    _check(kind, revision, options)
    key = hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()
    identity = {
        "revision": revision,
        "kind": kind,
        "options_key": key,
        "parameter_version": engine.DEFAULT_PARAMETERS.version,
    }
    run = AssistantRun.objects.filter(**identity).first()
    if run is None:
        try:
            with transaction.atomic():
                run = AssistantRun.objects.create(
                    **identity,
                    agreement_id=revision.agreement_id,
                    revision_number=revision.number,
                    options=options,
                    requested_by=requested_by,
                )
        except IntegrityError:  # asked twice at once: the other request's row serves both
            return AssistantRun.objects.get(**identity)
    elif run.status == RunStatus.FAILED:
        AssistantRun.objects.filter(pk=run.pk, status=RunStatus.FAILED).update(
            status=RunStatus.QUEUED, error="", updated_at=timezone.now()
        )
    else:
        return run
    queue.assistant_run_send_on_commit(run.pk)
    run.refresh_from_db()  # in-process mode has answered by now
    return run


def _progress_writer(run: AssistantRun) -> Progress:
    last = [0.0]

    def write(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_SECONDS or done >= total:
            last[0] = now
            jobs.owned(AssistantRun, run.pk, run.attempts).update(
                progress_done=done, progress_total=total
            )

    return write


def assistant_run_execute(*, run_id: int) -> str:
    """Compute one answer (called by the Celery task). Returns what happened, for logs."""
    run = AssistantRun.objects.select_related("revision").filter(pk=run_id).first()
    if run is None or not jobs.claim(run):
        return "skipped: not claimable (done, gone, or owned by another worker)"
    started = time.perf_counter()
    options = run.options
    try:
        with jobs.heartbeat(run):
            if run.kind == AssistantKind.SUGGESTIONS:
                result = suggestions_for_revision(revision=run.revision, **options)
                done = total = result["candidates"]
            else:
                result = package_for_revision(
                    revision=run.revision, progress=_progress_writer(run), **options
                )
                done = total = result["evaluated"]
        _finish(run, started, status=RunStatus.DONE, result=result, progress=(done, total))
    except ValidationError as exc:
        _finish(run, started, status=RunStatus.FAILED, error=" ".join(exc.messages))
        return "failed: invalid question"
    except (OperationalError, InterfaceError):
        jobs.hand_back(run)  # the task retries these
        raise
    return "done"


def assistant_run_fail(*, run_id: int, error: str) -> None:
    """Record a running answer as failed (unexpected error, or time limit exceeded)."""
    run = AssistantRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).first()
    if run is not None:
        _finish(run, None, status=RunStatus.FAILED, error=error)


def _finish(
    run: AssistantRun,
    started: float | None,
    *,
    status: str,
    result: dict[str, Any] | None = None,
    error: str = "",
    progress: tuple[int, int] | None = None,
) -> None:
    fields: dict[str, Any] = {"result": result}
    if progress is not None:
        fields["progress_done"], fields["progress_total"] = progress
    jobs.finish(run, started, status=status, error=error, **fields)


def assistant_runs_sweep() -> int:
    """Hand answers whose worker stopped beating, or whose message was lost, to the
    workers again; returns how many were sent."""
    now = timezone.now()
    lost = Q(
        status=RunStatus.QUEUED,
        updated_at__lt=now - timedelta(seconds=settings.WINDFALL_STUCK_AFTER_SECONDS),
    )
    return jobs.requeue(
        AssistantRun,
        jobs.abandoned(now) | lost,
        now,
        "abandoned or lost; handing it on",
        queue.assistant_run_send_on_commit,
    )


# --- Applying -------------------------------------------------------------------------

LINE_FIELDS = {
    "line_magnitude": ("lines", "magnitude"),
    "line_phase": ("lines", "phase"),
    "mechanism_strength": ("mechanisms", "strength"),
    "condition_burden": ("conditions", "burden"),
    "condition_reversible": ("conditions", "reversible"),
}


def edit_step(edit: dict[str, Any]) -> dict[str, Any]:
    """One engine edit (as answered) as a step of ``agreements.services.parts_edit``."""
    kind, key, new = edit.get("kind"), edit.get("key"), edit.get("new")
    if kind == "add_line":
        data = {"item": edit.get("item"), "recipient": edit.get("recipient"), "magnitude": new}
        return {"op": "add", "section": "lines", "data": data}
    if kind == "add_mechanism":
        data = {"type": edit.get("item"), "strength": new, "covers": edit.get("covers")}
        return {"op": "add", "section": "mechanisms", "data": data}
    if kind in LINE_FIELDS:
        section, name = LINE_FIELDS[kind]
        return {"op": "change", "section": section, "key": str(key), "changes": {name: new}}
    field = str(edit.get("field", ""))
    if kind == "line_lever" and field.startswith("levers."):
        lever = field.removeprefix("levers.")
        return {
            "op": "change",
            "section": "lines",
            "key": str(key),
            "changes": {"levers": {lever: new}},
        }
    raise ValidationError({"edit": [f"Unknown kind of edit {kind!r}."]})


def suggestion_apply(
    *, agreement_id: int, expected_version: int, author: Any, edit: dict[str, Any], description: str
) -> Revision:
    """Apply one suggested edit as one new revision whose message names it (a stale
    version is refused like any edit)."""
    return agreement_services.parts_edit(
        agreement_id=agreement_id,
        expected_version=expected_version,
        author=author,
        steps=[edit_step(edit)],
        message=f"Suggestion: {description}",
    )


def assistant_run_apply(
    *, run: AssistantRun, expected_version: int, author: Any, index: int | None = None
) -> Revision:
    """Apply a finished answer: the package (all its edits, one revision), or suggestion
    number ``index`` of a single-edit answer. The answer must be for the revision being
    edited: a draft that moved on since gets the stale-version refusal, and an answer
    for an older revision is refused by name."""
    if run.status != RunStatus.DONE or run.result is None:
        raise ValidationError({"run": ["This answer is not ready yet."]})
    if run.revision_number != expected_version:
        raise ValidationError(
            {
                "version": [
                    f"This answer was computed for revision {run.revision_number}; you are "
                    f"editing revision {expected_version}. Ask again for the current one."
                ]
            }
        )
    common = {
        "agreement_id": run.agreement_id,
        "expected_version": expected_version,
        "author": author,
    }
    if run.kind == AssistantKind.PACKAGE:
        package = run.result.get("package")
        if not package:
            raise ValidationError({"run": ["This answer holds no package to apply."]})
        steps = [edit_step(e) for e in package["edits"]]
        names = "; ".join(package["descriptions"])
        message = (
            f"Package of {len(steps)} edits: {names}" if len(steps) > 1 else f"Suggestion: {names}"
        )
        return agreement_services.parts_edit(steps=steps, message=message, **common)
    suggestions = run.result.get("suggestions") or []
    if index is None or not 0 <= index < len(suggestions):
        raise ValidationError(
            {
                "suggestion": [
                    f"Pick one of the {len(suggestions)} suggestions (0 to {len(suggestions) - 1})."
                ]
            }
        )
    chosen = suggestions[index]
    return suggestion_apply(edit=chosen["edit"], description=chosen["description"], **common)
