"""A real worker on Redis consumes a task and answers from the test database."""

import pytest
from django.db import connection

from core.tasks import ping

pytestmark = pytest.mark.services


def test_task_round_trip_through_a_real_worker(celery_worker):
    result = ping.delay("hello").get(timeout=30)
    assert result == {"value": "hello", "database": connection.settings_dict["NAME"]}
    assert celery_worker.pool_pids(), "the prefork worker should have a pool child"
