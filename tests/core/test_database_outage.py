"""Database trouble is answered in seconds with a 503, and a restarted database costs
no request (issue 10's drills, run against gunicorn as in production)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.servers import fetch, gunicorn, silent_server
from tests.services import postgres_or_skip
from tests.workers import database_url


@pytest.fixture
def hung_database(tmp_path):
    """The app under gunicorn with a database that accepts connections and never answers."""
    with (
        silent_server() as port,
        gunicorn(
            {"DATABASE_URL": f"postgres://windfall@127.0.0.1:{port}/windfall"},
            tmp_path / "gunicorn.log",
        ) as base,
    ):
        yield base


def test_readyz_answers_503_within_five_seconds(hung_database):
    reply = fetch(f"{hung_database}/readyz")
    assert reply.status == 503
    body = json.loads(reply.body)
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "unreachable"
    assert reply.seconds < 5


def test_api_answers_json_503_with_retry_after(hung_database):
    reply = fetch(
        f"{hung_database}/api/v1/agreements/", headers={"Authorization": "Token 0123456789abcdef"}
    )
    assert reply.status == 503
    assert reply.headers["content-type"].startswith("application/json")
    assert "database" in json.loads(reply.body)["detail"]
    assert int(reply.headers["retry-after"]) > 0
    assert reply.seconds < 5


def test_pages_answer_a_503_page(hung_database):
    reply = fetch(f"{hung_database}/", headers={"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz"})
    assert reply.status == 503
    assert reply.headers["content-type"].startswith("text/html")
    assert b"briefly unavailable" in reply.body
    assert "retry-after" in reply.headers
    assert reply.seconds < 5


@pytest.mark.services
def test_a_restarted_database_costs_no_request(transactional_db, analyst, tmp_path):
    """After pg_terminate_backend of the web tier's connections, the next request succeeds
    (the reused connection is checked before the request and replaced)."""
    postgres_or_skip()
    token = Token.objects.create(user=analyst).key
    with gunicorn({"DATABASE_URL": database_url()}, tmp_path / "gunicorn.log") as base:
        auth = {"Authorization": f"Token {token}"}
        assert fetch(f"{base}/api/v1/agreements/", headers=auth).status == 200
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchone()[0] >= 1
        replies = [fetch(f"{base}/api/v1/agreements/", headers=auth) for _ in range(3)]
        assert [r.status for r in replies] == [200, 200, 200]
