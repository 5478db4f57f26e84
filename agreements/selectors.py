"""Reads of drafts, always scoped to the user's teams (another team's draft is a 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from accounts.models import Role
from accounts.selectors import scope_to_teams
from agreements.models import Agreement, ReferenceTemplate, Revision


def agreement_list_for_user(*, user: Any) -> QuerySet[Agreement]:
    """Drafts of the user's teams, newest first, with the id of their latest done score."""
    from scoring.models import RunStatus, ScoreRun

    latest_done = ScoreRun.objects.filter(agreement=OuterRef("pk"), status=RunStatus.DONE).order_by(
        "-revision_number", "-finished_at"
    )
    latest_any = ScoreRun.objects.filter(agreement=OuterRef("pk")).order_by("-created_at")
    return (
        scope_to_teams(Agreement.objects.all(), user=user)
        .select_related("team", "updated_by")
        .annotate(
            latest_score_id=Subquery(latest_done.values("pk")[:1]),
            latest_run_status=Subquery(latest_any.values("status")[:1]),
        )
        .order_by("-updated_at")
    )


def agreement_get_for_user(*, user: Any, pk: int, for_write: bool = False) -> Agreement:
    """The draft if it belongs to one of the user's teams; 404 otherwise.

    ``for_write`` also requires the analyst role (viewers get a 404 too, since they
    must not learn more by trying to write).
    """
    roles = [Role.ANALYST] if for_write else None
    agreement = (
        scope_to_teams(Agreement.objects.all(), user=user, roles=roles)
        .select_related("team", "forked_from__agreement")
        .filter(pk=pk)
        .first()
    )
    if agreement is None:
        raise Http404("No such draft.")
    return agreement


def revision_list(*, agreement: Agreement) -> QuerySet[Revision]:
    return Revision.objects.filter(agreement=agreement).select_related("author").defer("document")


def revision_get(*, agreement: Agreement, number: int) -> Revision:
    revision = (
        Revision.objects.filter(agreement=agreement, number=number).select_related("author").first()
    )
    if revision is None:
        raise Http404("No such revision.")
    return revision


def revision_latest(*, agreement: Agreement) -> Revision:
    return revision_get(agreement=agreement, number=agreement.version)


def template_list() -> QuerySet[ReferenceTemplate]:
    return ReferenceTemplate.objects.all()


def template_get(*, slug: str) -> ReferenceTemplate:
    template = ReferenceTemplate.objects.filter(slug=slug).first()
    if template is None:
        raise Http404("No such template.")
    return template
