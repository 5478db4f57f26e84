"""Reads that join drafts with their scores, always scoped to the user's teams."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from agreements.models import Agreement
from core.pagination import Cursor, in_key_order, page_keys
from scoring.models import RunStatus, ScoreRun


def with_latest_runs(queryset: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """``queryset`` with the id of each draft's latest finished score
    (``latest_score_id``) and the status of its newest run (``latest_run_status``)."""
    latest_done = ScoreRun.objects.filter(agreement=OuterRef("pk"), status=RunStatus.DONE).order_by(
        "-revision_number", "-finished_at"
    )
    latest_any = ScoreRun.objects.filter(agreement=OuterRef("pk")).order_by("-pk")
    return queryset.annotate(
        latest_score_id=Subquery(latest_done.values("pk")[:1]),
        latest_run_status=Subquery(latest_any.values("status")[:1]),
    )


@dataclass(frozen=True)
class DraftPage:
    """One page of drafts (annotated as :func:`with_latest_runs` says, except in a
    :func:`draft_choice_page`) and the cursor of the next page (``None``: this is the last)."""

    drafts: list[Agreement]
    next: Cursor | None


def draft_page(
    *, queryset: QuerySet[Agreement], team_ids: list[int], cursor: Cursor | None, size: int
) -> DraftPage:
    """The page of ``queryset`` (the user's drafts, filtered) after ``cursor``: first the
    page's ids from the index (one query, no score subqueries, no COUNT), then those rows
    alone with their scores (one query); both constant in the team's size."""
    keys, following = page_keys(queryset, cursor, size, split=("team_id", team_ids))
    if not keys:
        return DraftPage([], None)
    rows = with_latest_runs(
        Agreement.objects.filter(pk__in=[key["pk"] for key in keys]).select_related(
            "team", "updated_by"
        )
    )
    return DraftPage(in_key_order(list(rows), keys), following)


def draft_choice_page(
    *, queryset: QuerySet[Agreement], team_ids: list[int], size: int
) -> DraftPage:
    """The ``size`` drafts of ``queryset`` updated most recently, for a picker: their ids
    from the index (one query), then those rows' title and version alone (one query, no
    scores); ``next`` is set when more drafts match."""
    keys, following = page_keys(queryset, None, size, split=("team_id", team_ids))
    if not keys:
        return DraftPage([], None)
    rows = Agreement.objects.filter(pk__in=[key["pk"] for key in keys]).only(
        "pk", "title", "version", "team_id", "updated_at"
    )
    return DraftPage(in_key_order(list(rows), keys), following)
