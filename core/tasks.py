"""Tiny diagnostic task that proves the worker round-trip (used by tests and operators)."""

from celery import shared_task
from django.db import connection


@shared_task(name="core.ping", ignore_result=False)
def ping(value: str = "pong") -> dict[str, str]:
    """Echo ``value`` and name the database the worker is connected to."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"value": value, "database": str(connection.settings_dict["NAME"])}
