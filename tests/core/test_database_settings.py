"""PostgreSQL connections carry the timeouts that keep an outage short."""

from __future__ import annotations

import pytest
from django.db import connection, connections

from core.db import use_statement_timeout
from tests.services import postgres_or_skip
from windfall.env import database_settings


def test_postgres_gets_timeouts_keepalives_and_health_checks():
    config = database_settings(
        {"ENGINE": "django.db.backends.postgresql", "NAME": "x"},
        connect_timeout=3,
        statement_timeout_ms=10_000,
    )
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["OPTIONS"]["connect_timeout"] == 3
    assert "-c statement_timeout=10000" in config["OPTIONS"]["options"]
    assert "-c jit=off" in config["OPTIONS"]["options"]
    assert config["OPTIONS"]["keepalives"] == 1


def test_sqlite_is_left_alone():
    config = {"ENGINE": "django.db.backends.sqlite3", "NAME": "x"}
    assert database_settings(config, connect_timeout=3, statement_timeout_ms=1) == config


def _show(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return str(cursor.fetchone()[0])


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_web_and_worker_statement_timeouts(settings):
    postgres_or_skip()
    assert _show("statement_timeout") == "10s"
    assert _show("jit") == "off"
    try:
        use_statement_timeout(settings.DB_WORKER_STATEMENT_TIMEOUT_MS)
        assert _show("statement_timeout") == "1min"
    finally:
        use_statement_timeout(settings.DB_STATEMENT_TIMEOUT_MS)
        connections.close_all()
    assert _show("statement_timeout") == "10s"
