"""On PostgreSQL the draft list reads a page from the team's index, however many drafts
the team has (EXPLAIN of a bulk-built team): no sequential scan, no sort of the team."""

from __future__ import annotations

import pytest
from django.db import connection

from agreements.models import Agreement
from agreements.selectors import agreement_list_for_user, team_ids_for_user
from core.pagination import Cursor, after

pytestmark = pytest.mark.django_db

DRAFTS = 20_000


@pytest.fixture
def big_team(team, analyst):
    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO agreements_agreement (created_at, updated_at, team_id, title, purpose,
                status, notes, dsa, min_participation, version, template_slug)
            SELECT now(), now() - make_interval(secs => n), %s, 'Draft ' || n, 'other',
                (ARRAY['draft', 'in_review', 'final', 'archived'])[1 + n %% 4], '', 0.3, 0, 1,
                ''
            FROM generate_series(1, %s) AS n
            """,
            [team.pk, DRAFTS],
        )
        cursor.execute("ANALYZE agreements_agreement")
    return team


def _plan(queryset) -> str:
    return queryset.explain()


def test_first_and_deep_pages_use_the_team_index(big_team, analyst):
    ids = team_ids_for_user(user=analyst)
    queryset = agreement_list_for_user(user=analyst, team_ids=ids)
    deep = Agreement.objects.order_by("-updated_at", "-id").values("pk", "updated_at")[19_000]
    for cursor in (None, Cursor.of(deep)):
        plan = _plan(after(queryset, cursor).values("pk", "updated_at")[:51])
        assert "agreement_team_recent" in plan, plan
        assert "Seq Scan" not in plan and "Sort" not in plan, plan
    status = _plan(after(queryset.filter(status="final"), None).values("pk")[:51])
    assert "agreement_team_status" in status, status
