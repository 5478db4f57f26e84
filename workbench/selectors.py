"""Reads that join drafts with their scores, always scoped to the user's teams."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from agreements.models import Agreement
from agreements.selectors import agreement_list_for_user
from scoring.models import RunStatus, ScoreRun


def draft_list_for_user(*, user: Any) -> QuerySet[Agreement]:
    """Drafts of the user's teams, newest first, with the id of their latest finished
    score (``latest_score_id``) and the status of their newest run (``latest_run_status``)."""
    latest_done = ScoreRun.objects.filter(agreement=OuterRef("pk"), status=RunStatus.DONE).order_by(
        "-revision_number", "-finished_at"
    )
    latest_any = ScoreRun.objects.filter(agreement=OuterRef("pk")).order_by("-pk")
    return agreement_list_for_user(user=user).annotate(
        latest_score_id=Subquery(latest_done.values("pk")[:1]),
        latest_run_status=Subquery(latest_any.values("status")[:1]),
    )
