"""Reads that build a draft's documents: its treaty text and its decision memo."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from agreements import selectors as agreement_selectors
from agreements.document import scoreable_problem
from agreements.models import Agreement
from scoring.selectors import score_latest_for_agreement, score_run_latest_for_agreement
from scoring.services import comparison_run
from scoring.stored import stored_result
from workbench.documents.files import MODEL_VERSION, DocumentMeta
from workbench.documents.memo import Memo, RunFacts, memo_assemble
from workbench.documents.treaty import Treaty, TreatyFacts, treaty_for_document


def treaty_for_agreement(*, agreement: Agreement) -> Treaty:
    """The treaty text of the draft's current revision (six queries)."""
    revision = agreement_selectors.revision_latest(agreement=agreement)
    return treaty_for_document(revision.document, revision=revision.number)


def memo_for_agreement(
    *, agreement: Agreement, compare_with: list[Agreement] | None = None
) -> Memo:
    """The decision memo of the draft's current revision, from its newest finished score
    run; with ``compare_with`` (1 to 5 other drafts), the options compared too (the
    comparison runs here, in the caller)."""
    revision = agreement_selectors.revision_latest(agreement=agreement)
    document = revision.document
    run = score_latest_for_agreement(agreement=agreement)
    result = stored_result(run)
    facts: RunFacts | None = None
    unscored = ""
    if run is not None and result is not None:
        facts = RunFacts(
            run=run.pk,
            revision=run.revision_number,
            parameter_version=result["parameter_version"],
            seed=result["seed"],
            n_samples=result["n_samples"],
            current=run.revision_number == agreement.version and not run.stale,
        )
    else:
        latest = score_run_latest_for_agreement(agreement=agreement)
        unscored = scoreable_problem(document) or (
            "A score run is still in progress."
            if latest is not None and latest.is_pending
            else "This draft has not been scored yet."
        )
    comparison: dict[str, Any] | None = None
    if compare_with:
        comparison = comparison_run(agreements=[agreement, *compare_with])
    return memo_assemble(
        document,
        TreatyFacts.from_db(document),
        result=result,
        run=facts,
        revision=revision.number,
        unscored=unscored,
        comparison=comparison,
    )


def document_meta(*, agreement: Agreement, memo: Memo | None = None) -> DocumentMeta:
    """The cover and footer facts of a draft's document (the team is one query)."""
    version = memo.model_version if memo is not None and memo.model_version else MODEL_VERSION
    return DocumentMeta(
        title=agreement.title,
        team=agreement.team.name,
        revision=agreement.version,
        model_version=version,
        made_on=timezone.localdate(),
    )


MAX_COMPARED = 5


class CompareError(ValueError):
    """A ``compare`` list that is not 1 to 5 ids of other drafts."""


def compare_drafts(*, user: Any, agreement: Agreement, raw: str | None) -> list[Agreement]:
    """The drafts a memo is compared with, from ``"3,5"`` (another team's draft: 404)."""
    if raw is None:
        return []
    parts = [p.strip() for p in raw.split(",")]
    if not all(p.isdigit() and len(p) <= 10 for p in parts):
        raise CompareError("compare: give the ids of other drafts, separated by commas.")
    ids = list(dict.fromkeys(int(p) for p in parts))
    if agreement.pk in ids:
        raise CompareError("compare: a draft cannot be compared with itself.")
    if len(ids) > MAX_COMPARED:
        raise CompareError(f"compare: at most {MAX_COMPARED} other drafts.")
    return [agreement_selectors.agreement_get_for_user(user=user, pk=pk) for pk in ids]
