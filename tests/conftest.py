"""Shared fixtures: users, teams, API clients and real Celery workers."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import curator_grant
from catalog.models import BenefitItem
from catalog.services import catalog_load
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.services import postgres_or_skip, redis_url_or_skip, service_missing
from tests.workers import RedisServer, WorkerPool

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Throttle, lockout and chart caches start empty in every test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the shipped catalog once per test database."""
    with django_db_blocker.unblock():
        catalog_load()


@pytest.fixture
def catalog(db) -> None:
    """The shipped catalog (reloaded when a transactional test flushed it)."""
    if not BenefitItem.objects.exists():
        catalog_load()


@pytest.fixture
def curator(db):
    user = UserFactory(username="cura")
    curator_grant(user=user)
    return user


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def analyst(team):
    """A user with the analyst role in ``team``."""
    user = UserFactory(username="ana")
    MembershipFactory(team=team, user=user, role=Role.ANALYST)
    return user


@pytest.fixture
def viewer(team):
    """A user with the viewer role in ``team``."""
    user = UserFactory(username="vic")
    MembershipFactory(team=team, user=user, role=Role.VIEWER)
    return user


@pytest.fixture
def outsider(db):
    """A user in another team."""
    user = UserFactory(username="otto")
    MembershipFactory(user=user, role=Role.ANALYST)
    return user


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def restraint(catalog, team, analyst, django_capture_on_commit_callbacks):
    """The narrow-models-for-restraint template started as a scored draft (China, as
    shipped, would not sign: the design assistant's standing example)."""
    from agreements import services
    from agreements.models import ReferenceTemplate

    services.templates_load()
    template = ReferenceTemplate.objects.get(slug="narrow-models-for-restraint")
    with django_capture_on_commit_callbacks(execute=True):
        return services.agreement_start_from_template(template=template, team=team, author=analyst)


@pytest.fixture
def api_client(analyst) -> APIClient:
    api = APIClient()
    api.force_authenticate(analyst)
    return api


@pytest.fixture
def celery_workers(transactional_db, tmp_path: Path) -> Iterator[WorkerPool]:
    """Start real Celery workers (``.start()``) on Redis against the test database."""
    redis_url = redis_url_or_skip()
    postgres_or_skip()
    pool = WorkerPool(redis_url=redis_url, log_dir=tmp_path)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def celery_worker(celery_workers: WorkerPool):
    """One real Celery worker, already consuming."""
    return celery_workers.start()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of the test's own on a free port, to stop and start (an outage)."""
    if shutil.which("redis-server") is None:
        service_missing("redis-server is not installed (the outage test starts its own)")
    server = RedisServer(directory=tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def private_redis_workers(
    transactional_db, tmp_path: Path, private_redis: RedisServer
) -> Iterator[WorkerPool]:
    """Real Celery workers (and beat) on ``private_redis`` against the test database."""
    postgres_or_skip()
    pool = WorkerPool(redis_url=private_redis.url, log_dir=tmp_path)
    try:
        yield pool
    finally:
        pool.close()
