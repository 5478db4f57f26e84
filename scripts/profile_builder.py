"""CPU per request of the builder page, in-process, next to the Django admin changelist.

Run from the project root with the test settings and a PostgreSQL database of its own
(tables are created there; the script's drafts are reused between runs)::

    DJANGO_SETTINGS_MODULE=windfall.settings.test \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/windfall_profile \\
    .venv/bin/python scripts/profile_builder.py [--requests 50] [--rounds 3] [--profile 25]

Each round renders the builder of a 60-line draft and the admin changelist of 44 drafts
``--requests`` times each with the Django test client, interleaved, and prints CPU
milliseconds per request (``time.process_time``: this process only, so the database's
own CPU is left out), the page size and its share of whitespace, and the SQL queries.
``--profile N`` then prints the top N functions of a cProfile run of the builder;
``--invalid`` counts the failing variable lookups of one render.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "windfall.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402 (after django.setup)
from django.db import connection  # noqa: E402 (after django.setup)
from django.test import Client  # noqa: E402 (after django.setup)
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402 (after django.setup)

ADMIN = "/bench/admin/agreements/agreement/"
DRAFTS, LINES = 44, 60
MARKER = "!!INVALID!!"


def fixture() -> tuple[object, int]:
    """The profiling analyst (staff, for the admin) and its 60-line draft."""
    from django.contrib.auth import get_user_model

    from accounts.models import Role
    from accounts.services import membership_set, team_create
    from agreements.models import Agreement
    from agreements.services import agreement_import
    from catalog.models import BenefitItem
    from catalog.services import catalog_load
    from tests.factories import draft_document

    call_command("migrate", interactive=False, verbosity=0)
    if not BenefitItem.objects.exists():
        catalog_load()
    user, created = get_user_model().objects.get_or_create(
        username="profile-analyst", defaults={"is_staff": True}
    )
    if created:
        team = team_create(name="Profiling team")
        membership_set(team=team, user=user, role=Role.ANALYST)
        for n in range(DRAFTS):
            lines = LINES if n == 0 else 10
            document = draft_document(title=f"Profile {n} ({lines} lines)", lines=lines)
            agreement_import(team=team, author=user, document=document)
    large = Agreement.objects.filter(title__startswith="Profile 0 ").values_list("pk", flat=True)
    return user, large.get()


def cpu_ms(client: Client, url: str, n: int) -> float:
    started = time.process_time()
    for _ in range(n):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return 1000 * (time.process_time() - started) / n


def lookups(client: Client, url: str) -> str:
    """Variable lookups of one render, the failing ones, and the marker's count in the HTML."""
    from django.template import base, engines

    counts = {"all": 0, "failed": 0}
    names: set[str] = set()
    resolve = base.Variable._resolve_lookup

    def counted(self: base.Variable, context: object) -> object:
        counts["all"] += 1
        try:
            return resolve(self, context)
        except base.VariableDoesNotExist:
            counts["failed"] += 1
            names.add(self.var)
            raise

    engine = engines["django"].engine
    before, engine.string_if_invalid = engine.string_if_invalid, MARKER
    base.Variable._resolve_lookup = counted  # type: ignore[method-assign]
    try:
        shown = client.get(url).content.decode().count(MARKER)
    finally:
        base.Variable._resolve_lookup = resolve  # type: ignore[method-assign]
        engine.string_if_invalid = before
    return (
        f"variable lookups: {counts['all']}, failing: {counts['failed']} "
        f"(shown as {MARKER}: {shown}){': ' if names else ''}{', '.join(sorted(names))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="requests per page and round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--profile", type=int, default=0, help="print the top N of cProfile")
    parser.add_argument("--invalid", action="store_true", help="count failing lookups")
    args = parser.parse_args()
    user, pk = fixture()
    builder = f"/drafts/{pk}/"
    with override_settings(ROOT_URLCONF="scripts.bench.peers", ALLOWED_HOSTS=["testserver"]):
        client = Client()
        client.force_login(user)
        response = client.get(builder)
        assert response.status_code == 200, response.status_code
        page = response.content.decode()
        for url in (builder, ADMIN):  # warm the template caches
            cpu_ms(client, url, 3)
        with CaptureQueriesContext(connection) as queries:
            client.get(builder)
        spaces = sum(len(m) for m in re.findall(r"\s{2,}|\n\s*", page))
        print(
            f"builder: {len(page) / 1024:.0f} KB, {100 * spaces / len(page):.0f}% whitespace, "
            f"{len(queries.captured_queries)} queries, {page.count('<form')} forms"
        )
        figures: dict[str, list[float]] = {"builder": [], "admin": []}
        for n in range(args.rounds):
            figures["builder"].append(cpu_ms(client, builder, args.requests))
            figures["admin"].append(cpu_ms(client, ADMIN, args.requests))
            print(
                f"round {n + 1}: builder {figures['builder'][-1]:.1f} ms, "
                f"admin changelist ({DRAFTS} rows) {figures['admin'][-1]:.1f} ms CPU/request"
            )
        b, a = (statistics.median(figures[k]) for k in ("builder", "admin"))
        print(f"median: builder {b:.1f} ms, admin {a:.1f} ms, ratio {b / a:.2f}")
        if args.invalid:
            print(lookups(client, builder))
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                client.get(builder)
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats("tottime")
            stats.print_stats(args.profile)
            stats.sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
