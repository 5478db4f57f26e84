"""Reads that join drafts with their scores, always scoped to the user's teams."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.db.models import Field, Model, OuterRef, QuerySet, Subquery

from accounts.models import Team
from agreements.models import Agreement, Revision
from core.pagination import Cursor, in_key_order, page_keys
from core.sql import select_rows
from scoring.models import RunStatus, ScoreRun
from scoring.selectors import HEADLINE_FIELDS


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


# --- The drafts API's rows, in one hand-written query -----------------------------------


@dataclass(frozen=True)
class ScoreSummary:
    """The headline columns of a draft's latest finished score run."""

    run: int
    revision: int
    stale: bool
    label: str
    credibility: float | None
    risk_overall: float | None
    power_sharing: float | None
    min_net_incentive: float | None
    warning_count: int
    finished_at: datetime | None


@dataclass(frozen=True)
class DraftRow:
    """What the drafts API shows of one draft: its columns, team and last editor, its
    latest finished score (:func:`with_latest_runs` picks the same run) and the status of
    its newest run; for a detail also its template, its fork source and (when asked) the
    latest revision's document."""

    pk: int
    title: str
    purpose: str
    status: str
    version: int
    created_at: datetime
    updated_at: datetime
    team: str
    updated_by: str | None
    latest_score: ScoreSummary | None
    latest_run_status: str | None
    template_slug: str = ""
    forked_from: tuple[int, int] | None = None
    document: dict[str, Any] | None = None


_DRAFT_FIELDS = ("id", "title", "purpose", "status", "version", "created_at", "updated_at")
# In the order of ScoreSummary's fields.
_SCORE_FIELDS = ("id", *HEADLINE_FIELDS)

# The drafts (a) with their team's slug, last editor, latest finished score run (s: the
# run with_latest_runs picks), the status of their newest run, and for a detail their
# template, fork source and latest revision's document. Hand-written: compiling the
# equivalent queryset cost more CPU than the rest of the request (docs/performance.md,
# "API reads"). One join, the rest scalar subqueries: PostgreSQL plans each of those on
# its own, where a join of six tables cost it four times as long to plan as to run.
# Plain SQL that PostgreSQL and SQLite both run; the tables and columns are the models'
# (a renamed one fails every API test).
_DRAFT_SQL = """
SELECT a.id, a.title, a.purpose, a.status, a.version, a.created_at, a.updated_at,
    (SELECT t.slug FROM accounts_team t WHERE t.id = a.team_id),
    (SELECT u.username FROM auth_user u WHERE u.id = a.updated_by_id),
    {score_columns},
    (SELECT n.status FROM scoring_scorerun n WHERE n.agreement_id = a.id
     ORDER BY n.id DESC LIMIT 1){detail_columns}
FROM agreements_agreement a
LEFT OUTER JOIN scoring_scorerun s ON s.id = (
    SELECT d.id FROM scoring_scorerun d WHERE d.agreement_id = a.id AND d.status = 'done'
    ORDER BY d.revision_number DESC, d.finished_at DESC LIMIT 1)
WHERE {where}
"""
_DETAIL_COLUMNS = """, a.template_slug,
    (SELECT f.agreement_id FROM agreements_revision f WHERE f.id = a.forked_from_id),
    (SELECT f.number FROM agreements_revision f WHERE f.id = a.forked_from_id),
    {document}"""
_DOCUMENT = """(SELECT r.document FROM agreements_revision r
     WHERE r.agreement_id = a.id AND r.number = a.version)"""
_SCORE_COLUMNS = ", ".join(f"s.{name}" for name in _SCORE_FIELDS)
_IN_MY_TEAMS = "a.team_id IN (SELECT m.team_id FROM accounts_membership m WHERE m.user_id = %s)"


@cache
def _draft_fields(detail: bool) -> list[Field[Any, Any]]:
    """The model field of each column of :data:`_DRAFT_SQL`, in order (their converters
    apply to the values read)."""
    names: list[tuple[type[Model], str]] = [(Agreement, name) for name in _DRAFT_FIELDS]
    names += [(Team, "slug"), (get_user_model(), "username")]
    names += [(ScoreRun, name) for name in (*_SCORE_FIELDS, "status")]
    if detail:
        names += [
            (Agreement, "template_slug"),
            (Revision, "agreement"),
            (Revision, "number"),
            (Revision, "document"),
        ]
    return [cast("Field[Any, Any]", model._meta.get_field(name)) for model, name in names]


def _draft_sql(*, where: str, detail: bool, document: bool = False) -> str:
    """:data:`_DRAFT_SQL` filtered by ``where`` (fixed text with ``%s`` placeholders)."""
    columns = _DETAIL_COLUMNS.format(document=_DOCUMENT if document else "NULL")
    return _DRAFT_SQL.format(
        score_columns=_SCORE_COLUMNS, detail_columns=columns if detail else "", where=where
    )


def _draft_row(values: list[Any], detail: bool) -> DraftRow:
    base = len(_DRAFT_FIELDS)
    pk, title, purpose, status, version, created_at, updated_at = values[:base]
    team, updated_by = values[base], values[base + 1]
    score = values[base + 2 : base + 2 + len(_SCORE_FIELDS)]
    rest = values[base + 2 + len(_SCORE_FIELDS) :]
    summary = None if score[0] is None else ScoreSummary(*score)
    extra: dict[str, Any] = {}
    if detail:
        template_slug, source, source_number, document = rest[1:]
        forked = None if source is None else (source, source_number)
        extra = {"template_slug": template_slug, "forked_from": forked, "document": document}
    return DraftRow(
        pk=pk,
        title=title,
        purpose=purpose,
        status=status,
        version=version,
        created_at=created_at,
        updated_at=updated_at,
        team=team,
        updated_by=updated_by,
        latest_score=summary,
        latest_run_status=rest[0],
        **extra,
    )


def draft_detail_row(*, pk: int, user: Any = None, document: bool = True) -> DraftRow | None:
    """The draft ``pk`` as the API's detail shows it, in one query (``None``: no such
    draft, or with ``user`` not a draft of the user's teams); ``document``: also read the
    latest revision's document (a conditional read that may end in a 304 does not)."""
    where, params = "a.id = %s", [pk]
    if user is not None:
        if not getattr(user, "is_authenticated", False):
            return None
        where, params = f"{where} AND {_IN_MY_TEAMS}", [pk, user.pk]
    sql = _draft_sql(where=where, detail=True, document=document)
    rows = select_rows(sql, params, _draft_fields(True))
    return _draft_row(rows[0], True) if rows else None


def draft_list_rows(*, ids: list[int], team_ids: list[int]) -> list[DraftRow]:
    """The drafts ``ids`` of the teams ``team_ids`` as the API's list shows them, in the
    order of ``ids`` (one query; drafts gone meanwhile are left out)."""
    if not ids or not team_ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    teams = ", ".join(["%s"] * len(team_ids))
    sql = _draft_sql(where=f"a.id IN ({marks}) AND a.team_id IN ({teams})", detail=False)
    rows = select_rows(sql, [*ids, *team_ids], _draft_fields(False))
    by_pk = {row.pk: row for row in (_draft_row(values, False) for values in rows)}
    return [by_pk[pk] for pk in ids if pk in by_pk]
