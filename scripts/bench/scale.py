"""The data-scale case and the peer pages: CPU per request at 1,000 and 100,000 drafts,
and against pages of the same stack without Windfall's code, as ratios of one run.

Drafts are built in bulk on the server (``INSERT ... SELECT`` over ``generate_series``:
agreements, their revision 1 and a finished score run with a real stored result, the
same JSON for every draft), each size in a team of its own with an analyst of its own,
in the benchmark's scratch database (dropped at the end with everything else).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Any

from scripts.bench.client import fetch, sign_in
from scripts.bench.common import OK_STATUSES, say
from scripts.bench.load import LoadResult, python_load
from scripts.bench.measure import Endpoint, drain
from scripts.bench.processes import CpuMeter

PURPOSES = ("coalition", "secure_lead", "welfare", "other")
STATUSES = ("draft", "draft", "in_review", "final", "archived")


@dataclass
class ScaleTeam:
    drafts: int
    username: str
    password: str
    token: str
    deep_cursor: str
    seconds: float
    explain: str = ""


@dataclass
class CpuResult:
    endpoint: Endpoint
    single: list[LoadResult] = field(default_factory=list)
    size_kb: float = 0.0

    @property
    def cpu_ms(self) -> float:
        return statistics.median(r.cpu_ms for r in self.single)

    @property
    def p50_ms(self) -> float:
        return statistics.median(r.p50_ms for r in self.single)


def build_team(drafts: int, source_agreement: int) -> ScaleTeam:
    """A team with ``drafts`` drafts copied in bulk from ``source_agreement`` (its latest
    revision's document and its latest finished score), updated one second apart."""
    import secrets

    from django.contrib.auth import get_user_model
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from accounts.models import Role
    from accounts.services import membership_set, team_create
    from agreements.models import Agreement
    from core.pagination import ORDERING, Cursor

    began = time.perf_counter()
    username, password = f"bench-scale-{drafts}", secrets.token_urlsafe(16)
    user = get_user_model().objects.create_user(username, password=password)
    team = team_create(name=f"Scale {drafts:,}")
    membership_set(team=team, user=user, role=Role.ANALYST)
    token = Token.objects.create(user=user).key
    params = {
        "n": drafts,
        "team": team.pk,
        "user": user.pk,
        "source": source_agreement,
        "purposes": list(PURPOSES),
        "statuses": list(STATUSES),
    }
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")  # bulk building outlasts the web's 10 s
        cursor.execute(
            """
            INSERT INTO agreements_agreement (created_at, updated_at, team_id, title, purpose,
                status, notes, dsa, min_participation, version, created_by_id, updated_by_id,
                template_slug)
            SELECT now() - make_interval(secs => n), now() - make_interval(secs => n),
                %(team)s, 'Scale draft ' || n,
                (%(purposes)s::text[])[1 + n %% 4], (%(statuses)s::text[])[1 + n %% 5],
                '', 0.3, 0, 1, %(user)s, %(user)s,
                CASE WHEN n %% 7 = 0 THEN 'chips-for-peace' ELSE '' END
            FROM generate_series(1, %(n)s) AS n
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO agreements_revision (agreement_id, number, document, author_id,
                message, created_at)
            SELECT a.id, 1, r.document, %(user)s, 'Imported from JSON', a.created_at
            FROM agreements_agreement a,
                (SELECT document FROM agreements_revision WHERE agreement_id = %(source)s
                 ORDER BY number DESC LIMIT 1) r
            WHERE a.team_id = %(team)s
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO scoring_scorerun (created_at, updated_at, agreement_id, revision_id,
                revision_number, status, reason, parameter_version, n_samples, seed,
                attempts, started_at, finished_at, duration_ms, error, stale, result, label,
                credibility, risk_overall, power_sharing, min_net_incentive, warning_count)
            SELECT v.created_at, v.created_at, v.agreement_id, v.id, 1, 'done', 'revision',
                s.parameter_version, s.n_samples, s.seed, 1, v.created_at, v.created_at,
                s.duration_ms, '', false, s.result, s.label, s.credibility, s.risk_overall,
                s.power_sharing, s.min_net_incentive, s.warning_count
            FROM agreements_revision v
            JOIN agreements_agreement a ON a.id = v.agreement_id,
                (SELECT * FROM scoring_scorerun WHERE agreement_id = %(source)s
                 AND status = 'done' ORDER BY revision_number DESC LIMIT 1) s
            WHERE a.team_id = %(team)s
            """,
            params,
        )
        for table in ("agreements_agreement", "agreements_revision", "scoring_scorerun"):
            cursor.execute(f"VACUUM ANALYZE {table}")  # as autovacuum would, soon after
        cursor.execute("RESET statement_timeout")
    ordered = Agreement.objects.filter(team=team).order_by(*ORDERING)
    deep = ordered.values("pk", "updated_at")[min(int(drafts * 0.99), drafts - 60)]
    return ScaleTeam(
        drafts=drafts,
        username=username,
        password=password,
        token=token,
        deep_cursor=Cursor.of(deep).encode(),
        seconds=time.perf_counter() - began,
    )


def explain_list(team: ScaleTeam) -> str:
    """EXPLAIN ANALYZE of the API list's page-ids query for the team's analyst, first and
    deep page (what PostgreSQL did, with timings)."""
    from django.contrib.auth import get_user_model

    from agreements.selectors import agreement_list_for_user, team_ids_for_user
    from core.pagination import Cursor, after

    user = get_user_model().objects.get(username=team.username)
    ids = team_ids_for_user(user=user)
    queryset = agreement_list_for_user(user=user, team_ids=ids)
    plans = []
    for label, cursor in (("first page", None), ("deep page", Cursor.decode(team.deep_cursor))):
        query = after(queryset, cursor).values("pk", "updated_at")[:51]
        plans.append(f"-- {label}\n{query.explain(analyze=True, buffers=True)}")
    return "\n".join(plans)


def scale_endpoints(port: int, team: ScaleTeam) -> list[Endpoint]:
    cookie = sign_in(port, team.username, team.password)
    page = {"Cookie": cookie}
    api = {"Authorization": f"Token {team.token}"}
    n = f"{team.drafts:,}"
    deep = team.deep_cursor
    return [
        Endpoint(f"dashboard-{team.drafts}", f"dashboard, {n} drafts", "/", page),
        Endpoint(f"dashboard-deep-{team.drafts}", f"dashboard deep, {n}", f"/?cursor={deep}", page),
        Endpoint(f"api-list-{team.drafts}", f"API list, {n} drafts", "/api/v1/agreements/", api),
        Endpoint(
            f"api-list-deep-{team.drafts}",
            f"API list deep (99%), {n} drafts",
            f"/api/v1/agreements/?cursor={deep}",
            api,
        ),
        Endpoint(f"compare-{team.drafts}", f"compare picker, {n} drafts", "/compare/", page),
        # Titles are "Scale draft <n>", n = 1 the newest: this word is only the one 99% down.
        Endpoint(
            f"compare-search-{team.drafts}",
            f"compare picker search (99%), {n} drafts",
            f"/compare/?q={int(team.drafts * 0.99)}",
            page,
        ),
    ]


def peer_endpoints(
    large_id: int, page: dict[str, str], api: dict[str, str], drafts: int
) -> list[Endpoint]:
    """Windfall's pages and API next to the peers, on the benchmark team's drafts."""
    return [
        Endpoint("peer-bare", "bare login_required view", "/bench/bare/", page),
        Endpoint(
            "peer-admin",
            f"admin changelist ({drafts} drafts)",
            "/bench/admin/agreements/agreement/",
            page,
        ),
        Endpoint("peer-builder", "builder (60 lines)", f"/drafts/{large_id}/", page),
        Endpoint("peer-dashboard", f"dashboard ({drafts} drafts)", "/", page),
        Endpoint("peer-drf-list", "plain DRF list", "/bench/drf/agreements/", api),
        Endpoint("peer-api-list", "API list", "/api/v1/agreements/", api),
        Endpoint("peer-drf-detail", "plain DRF detail", f"/bench/drf/agreements/{large_id}/", api),
        Endpoint(
            "peer-api-detail", "API detail (60 lines)", f"/api/v1/agreements/{large_id}/", api
        ),
    ]


def measure_cpu(
    port: int, endpoints: list[Endpoint], rounds: int, seconds: float, meter: CpuMeter
) -> dict[str, CpuResult]:
    """One sequential client per endpoint, ``seconds`` each, endpoints interleaved over
    ``rounds`` rounds; server CPU per request from /proc (gunicorn + PostgreSQL)."""
    results: dict[str, CpuResult] = {}
    for endpoint in endpoints:
        reply = fetch(port, "GET", endpoint.path, headers=endpoint.headers)
        if reply.status not in OK_STATUSES:
            raise RuntimeError(f"GET {endpoint.path} answered {reply.status}")
        results[endpoint.key] = CpuResult(endpoint, size_kb=len(reply.body) / 1024)
        python_load(port, endpoint.path, endpoint.headers, min(1.0, seconds), 1)  # warm-up
    for number in range(1, rounds + 1):
        say(f"CPU round {number}/{rounds} over {len(endpoints)} endpoints")
        for endpoint in endpoints:
            drain(port)
            meter.start()
            single = python_load(port, endpoint.path, endpoint.headers, seconds, 1)
            single.cpu_ms = meter.per_request_ms(single.requests + single.errors)
            results[endpoint.key].single.append(single)
    return results


def ratio(results: dict[str, CpuResult], key: str, base: str) -> float:
    return results[key].cpu_ms / results[base].cpu_ms


def make_staff(username: str) -> None:
    """The benchmark analyst may open the benchmark's own admin site (scratch DB only)."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username=username).update(is_staff=True)


def result_size_kb(agreement_id: int) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_size(result), octet_length(result::text) FROM scoring_scorerun "
            "WHERE agreement_id = %s AND status = 'done' ORDER BY revision_number DESC LIMIT 1",
            [agreement_id],
        )
        row: Any = cursor.fetchone()
    return float(row[1]) / 1024 if row else 0.0


def database_size_mb() -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return float(cursor.fetchone()[0]) / 2**20  # type: ignore[index]
