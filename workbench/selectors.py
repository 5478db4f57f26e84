"""Reads that join drafts with their scores, always scoped to the user's teams."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from agreements.models import Agreement
from agreements.selectors import agreement_list_for_user
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


def draft_list_for_user(*, user: Any, team_ids: list[int] | None = None) -> QuerySet[Agreement]:
    """Drafts of the user's teams, newest first, with their latest score and run status
    (see :func:`with_latest_runs`). For one draft; lists page with :func:`draft_page`."""
    return with_latest_runs(agreement_list_for_user(user=user, team_ids=team_ids))


@dataclass(frozen=True)
class DraftPage:
    """One page of drafts (annotated as :func:`with_latest_runs` says) and the cursor of
    the next page (``None``: this is the last)."""

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
