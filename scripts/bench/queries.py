"""SQL queries per request, counted in-process (``django.test.Client``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from scripts.bench.common import OK_STATUSES

if TYPE_CHECKING:
    from scripts.bench.fixture import Fixture


def count(call: Callable[[], Any]) -> int:
    """Queries made by ``call`` (after one warm-up call), checking it answered 200."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()
    with CaptureQueriesContext(connection) as captured:
        response = call()
    if response.status_code not in OK_STATUSES:
        raise RuntimeError(f"in-process request answered {response.status_code}")
    return len(captured.captured_queries)


def _get(client: Any, url: str, headers: dict[str, str]) -> Callable[[], Any]:
    return lambda: client.get(url, headers=headers)


def list_query_counts(client: Any, token: str) -> dict[str, int]:
    """Queries of the pages whose size grows with the number of drafts."""
    api = {"authorization": f"Token {token}"}
    return {
        "dashboard": count(lambda: client.get("/")),
        "api-list": count(lambda: client.get("/api/v1/agreements/", headers=api)),
    }


def read_query_counts(client: Any, fixture: Fixture) -> dict[str, tuple[int, int]]:
    """Queries per read request: (10-line draft, 60-line draft), or (2 drafts, N drafts)."""
    api = {"authorization": f"Token {fixture.token}"}
    hx = {"hx-request": "true"}
    many = list_query_counts(client, fixture.token)
    counts: dict[str, tuple[int, int]] = {
        name: (fixture.list_queries_two[name], many[name]) for name in many
    }
    catalog = count(lambda: client.get("/api/v1/catalog/items/", headers=api))
    counts["catalog"] = (catalog, catalog)
    for name, path, headers in (
        ("builder", "/drafts/{}/", {}),
        ("panel", "/drafts/{}/score/", hx),
        ("api-detail", "/api/v1/agreements/{}/", api),
    ):
        small, large = (
            count(_get(client, path.format(pk), headers))
            for pk in (fixture.small_id, fixture.large_id)
        )
        counts[name] = (small, large)
    return counts


def patch_query_counts(client: Any, fixture: Fixture) -> tuple[int, int]:
    """Queries of a version-checked line PATCH (10-line, 60-line draft); tasks not eager."""
    from agreements.models import Agreement

    api = {"authorization": f"Token {fixture.token}"}
    result = []
    for pk in (fixture.small_id, fixture.large_id):
        magnitude = iter([0.31, 0.32])

        def patch(pk: int = pk, magnitude: Any = magnitude) -> Any:
            version = Agreement.objects.get(pk=pk).version
            return client.patch(
                f"/api/v1/agreements/{pk}/lines/l1/",
                data=json.dumps({"magnitude": next(magnitude), "version": version}),
                content_type="application/json",
                headers=api,
            )

        # The version lookup is the benchmark's own query, not the request's.
        result.append(count(patch) - 1)
    return result[0], result[1]
