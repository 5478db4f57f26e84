"""Schemathesis over every operation of the OpenAPI schema, signed in with a token.

Checks: no server error for any input, and every documented response matches the
schema. Runs in-process through WSGI against the test database (CI: PostgreSQL).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts.services import curator_grant
from tests.factories import make_draft
from windfall.wsgi import application

CHECKS = [not_a_server_error, response_schema_conformance]
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture
def wsgi_keeps_db_connection():
    """Calling the WSGI app directly would close the test transaction's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(analyst, team) -> str:
    """An analyst who is also a curator, so catalog writes are exercised too."""
    curator_grant(user=analyst)
    make_draft(team=team, author=analyst, lines=2)  # so ids 1.. exist for some cases
    return Token.objects.create(user=analyst).key


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_operation_survives_any_input(case, token, wsgi_keeps_db_connection):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
