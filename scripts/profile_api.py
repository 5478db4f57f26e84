"""CPU per request of the drafts API (detail and list), in-process, next to a plain DRF
``ModelViewSet`` of the same model (``scripts/bench/peers.py``).

Run from the project root with the test settings and a PostgreSQL database of its own
(tables are created there; the script's drafts are reused between runs)::

    DJANGO_SETTINGS_MODULE=windfall.settings.test \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/windfall_profile \\
    .venv/bin/python scripts/profile_api.py [--requests 200] [--rounds 3] [--profile 30]

The fixture is the web benchmark's peer case in small: one analyst with an API token and
ten scored drafts, one of 60 lines. Each round reads the plain DRF detail, the API detail
of the 60-line draft, the plain DRF list and the API list ``--requests`` times each with
the Django test client (token authentication, as the benchmark), interleaved, and prints
CPU milliseconds per request: this process (``time.process_time``) plus the PostgreSQL
backend serving it (from ``/proc`` when the server runs on this machine; 10 ms ticks, so
read it over many requests), and the SQL queries of one request. ``--profile N`` then
prints the top N functions of a cProfile run of ``--target`` (detail or list).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
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

DRAFTS, LARGE, SMALL = 10, 60, 10
USERNAME = "profile-api-analyst"


def fixture() -> tuple[str, int]:
    """The profiling analyst's token and the id of its 60-line draft (all drafts scored)."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

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
    user, created = get_user_model().objects.get_or_create(username=USERNAME)
    if created:
        team = team_create(name="API profiling team")
        membership_set(team=team, user=user, role=Role.ANALYST)
        for n in range(DRAFTS):
            lines = LARGE if n == 0 else SMALL
            document = draft_document(title=f"API profile {n} ({lines} lines)", lines=lines)
            agreement_import(team=team, author=user, document=document)  # scored eagerly
    token, _ = Token.objects.get_or_create(user=user)
    large = Agreement.objects.filter(title__startswith="API profile 0 ")
    return token.key, large.values_list("pk", flat=True).get()


def backend_seconds(pid: int | None) -> float:
    """CPU seconds of the PostgreSQL backend ``pid`` so far (0 when it is not local)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_pid() -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("select pg_backend_pid()")
        return int(cursor.fetchone()[0])


def cpu_ms(client: Client, url: str, n: int, headers: dict[str, str]) -> float:
    pid = backend_pid()
    started, db = time.process_time(), backend_seconds(pid)
    for _ in range(n):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
    used = time.process_time() - started + backend_seconds(pid) - db
    return 1000 * used / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per URL and round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--profile", type=int, default=0, help="print the top N of cProfile")
    parser.add_argument("--target", choices=["detail", "list"], default="detail")
    args = parser.parse_args()
    token, pk = fixture()
    headers = {"Authorization": f"Token {token}"}
    urls = {
        "plain detail": f"/bench/drf/agreements/{pk}/",
        "API detail": f"/api/v1/agreements/{pk}/",
        "plain list": "/bench/drf/agreements/",
        "API list": "/api/v1/agreements/",
    }
    with override_settings(ROOT_URLCONF="scripts.bench.peers", ALLOWED_HOSTS=["testserver"]):
        client = Client()
        for name, url in urls.items():  # warm up; one request's queries and size
            cpu_ms(client, url, 5, headers)
            with CaptureQueriesContext(connection) as queries:
                size = len(client.get(url, headers=headers).content)
            print(f"{name}: {len(queries.captured_queries)} queries, {size / 1024:.1f} KB")
        figures: dict[str, list[float]] = {name: [] for name in urls}
        for n in range(args.rounds):
            for name, url in urls.items():
                figures[name].append(cpu_ms(client, url, args.requests, headers))
            print(
                f"round {n + 1}: "
                + ", ".join(f"{name} {values[-1]:.2f}" for name, values in figures.items())
                + " ms CPU/request"
            )
        median = {name: statistics.median(values) for name, values in figures.items()}
        print(
            "median: "
            + ", ".join(f"{name} {value:.2f} ms" for name, value in median.items())
            + f"; detail ratio {median['API detail'] / median['plain detail']:.2f}"
            + f", list ratio {median['API list'] / median['plain list']:.2f}"
        )
        if args.profile:
            url = urls["API detail" if args.target == "detail" else "API list"]
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                client.get(url, headers=headers)
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats("tottime")
            stats.print_stats(args.profile)
            stats.sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
