"""Browser tests: Playwright drives Debian's headless Chromium against pytest-django's live server.

``playwright install`` cannot download browsers here, so the launch points at the system
Chromium (``WINDFALL_CHROMIUM``, default ``/usr/bin/chromium``). Without it these tests skip
on a laptop and fail in CI (``WINDFALL_REQUIRE_SERVICES=1``).

Scoring: with Redis and PostgreSQL a real Celery worker scores each revision, so the score
panel really polls queued -> running -> done; otherwise tasks run in-process (the test
default) and the same flow still runs.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.services import REQUIRE_SERVICES, service_missing

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API
# Playwright's driver keeps a small ``.links`` file under its browsers path: keep it out of $HOME.
os.environ.setdefault(
    "PLAYWRIGHT_BROWSERS_PATH", str(Path(tempfile.gettempdir()) / f"windfall-pw-{os.getuid()}")
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("WINDFALL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 1000}
PASSWORD = "correct horse battery"  # tests.factories.UserFactory

expect.set_options(timeout=10_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this directory is a browser test."""
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def chromium_executable() -> str:
    """The system Chromium; skip (or fail in CI) when it is missing."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        service_missing(
            f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set WINDFALL_CHROMIUM)"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict, chromium_executable: str, tmp_path_factory
) -> dict:
    """Launch Debian's Chromium (``--browser-channel`` cannot point at it)."""
    env = dict(os.environ)
    # Chromium writes crash reports and a dconf cache under the XDG dirs (CI sets them).
    xdg = tmp_path_factory.mktemp("chromium-xdg")
    env.setdefault("XDG_CONFIG_HOME", str(xdg / "config"))
    env.setdefault("XDG_CACHE_HOME", str(xdg / "cache"))
    return {
        **browser_type_launch_args,
        "executable_path": chromium_executable,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
        "env": env,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """A fixed viewport, so screenshots are stable."""
    return {**browser_context_args, "viewport": VIEWPORT, "locale": "en-GB"}


@pytest.fixture
def new_page(browser: Browser, browser_context_args: dict) -> Callable[[], Page]:
    """Open pages in fresh browser contexts (separate cookies: a second session)."""
    contexts = []

    def open_page() -> Page:
        context = browser.new_context(**browser_context_args)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def reference_templates(catalog) -> None:
    """The shipped reference templates (a transactional test flushes them afterwards)."""
    from agreements.services import templates_load

    templates_load()


@pytest.fixture
def sign_in(live_server) -> Callable[..., Page]:
    """Sign in through the real sign-in form; lands on the dashboard."""

    def do_sign_in(page: Page, username: str = "ana", password: str = PASSWORD) -> Page:
        page.goto(f"{live_server.url}/accounts/sign-in/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(f"{live_server.url}/")
        expect(page.get_by_role("heading", name="Your team's drafts")).to_be_visible()
        return page

    return do_sign_in


@dataclass(frozen=True)
class Scoring:
    """How score runs execute during a browser test."""

    mode: str  # "worker" (real Celery worker on Redis + PostgreSQL) or "in-process"

    @property
    def real_worker(self) -> bool:
        return self.mode == "worker"


def _services_available() -> bool:
    import redis
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        return False
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False
    return True


@pytest.fixture
def scoring(request: pytest.FixtureRequest, transactional_db) -> Iterator[Scoring]:
    """A real Celery worker when Redis and PostgreSQL are there (required in CI), else in-process.

    The worker pauses a moment inside each run (longer than the panel's 1 s poll), so the
    panel is seen "running" while it polls.
    """
    if not (REQUIRE_SERVICES or _services_available()):
        yield Scoring("in-process")
        return
    pool = request.getfixturevalue("celery_workers")  # fails in CI if a service is missing
    worker = pool.start(WINDFALL_TEST_SCORE_DELAY="1.5")
    yield Scoring("worker")
    # The test waited for every run it started; skip the worker's slow warm shutdown.
    worker.kill()


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    """docs/screenshots when refreshing them (``make screenshots``), else a temp folder.

    Every run scores with a new seed, so screenshots always differ a little; writing
    them only on request keeps ``make test`` from changing tracked files.
    """
    if os.environ.get("WINDFALL_SCREENSHOTS") != "1":
        return tmp_path
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
