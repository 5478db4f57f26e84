"""The data the benchmark measures: the catalog, an analyst and N scored drafts."""

from __future__ import annotations

import copy
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scripts.bench.common import LARGE_LINES, SMALL_LINES, say
from scripts.bench.options import Options
from scripts.bench.queries import list_query_counts


@dataclass
class Fixture:
    """The benchmark analyst, its token and drafts."""

    username: str
    password: str
    user: Any
    token: str
    small_id: int
    large_id: int
    agreement_ids: list[int]
    list_queries_two: dict[str, int]
    setup_seconds: float


def grown(document: dict[str, Any], size: int, title: str) -> dict[str, Any]:
    """``document`` with ``size`` lines: its own lines, repeated under new keys."""
    result = copy.deepcopy(document)
    base = document["lines"]
    lines = []
    for n in range(size):
        row = copy.deepcopy(base[n % len(base)])
        if n >= len(base):
            row["key"] = f"bench-{n}"
            row["magnitude"] = round(0.2 + 0.6 * ((n * 37) % 100) / 100, 2)
        lines.append(row)
    result["lines"] = lines
    result["title"] = title
    return result


def build_fixture(options: Options, client_factory: Callable[[], Any]) -> Fixture:
    """Migrate, load data, create the analyst and N drafts (scored in-process, eagerly)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from accounts.models import Role
    from accounts.services import membership_set, team_create
    from agreements.models import ReferenceTemplate
    from agreements.services import agreement_import, templates_load
    from catalog.services import catalog_load
    from scoring.models import RunStatus, ScoreRun
    from tests.factories import draft_document

    began = time.perf_counter()
    say("migrating and collecting static files")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    catalog_load()
    templates_load()
    username, password = "bench-analyst", secrets.token_urlsafe(16)
    user = get_user_model().objects.create_user(username, password=password)
    team = team_create(name="Benchmark team")
    membership_set(team=team, user=user, role=Role.ANALYST)
    token = Token.objects.create(user=user).key

    say(f"creating and scoring {options.drafts} drafts")
    small = agreement_import(
        team=team,
        author=user,
        document=draft_document(title=f"Bench {SMALL_LINES} lines", lines=SMALL_LINES),
    )
    large = agreement_import(
        team=team,
        author=user,
        document=draft_document(title=f"Bench {LARGE_LINES} lines", lines=LARGE_LINES),
    )
    client = client_factory()
    client.force_login(user)
    list_queries_two = list_query_counts(client, token)
    templates = list(ReferenceTemplate.objects.order_by("position"))
    ids = [small.pk, large.pk]
    rest = options.drafts - 2
    for i in range(rest):
        size = SMALL_LINES + round((LARGE_LINES - SMALL_LINES) * i / max(1, rest - 1))
        template = templates[i % len(templates)]
        document = grown(template.document, size, f"{template.title} ({size} lines)")
        ids.append(agreement_import(team=team, author=user, document=document).pk)
    scored = ScoreRun.objects.filter(agreement_id__in=ids, status=RunStatus.DONE).count()
    if scored != len(ids):
        raise RuntimeError(f"only {scored} of {len(ids)} drafts were scored")
    return Fixture(
        username=username,
        password=password,
        user=user,
        token=token,
        small_id=small.pk,
        large_id=large.pk,
        agreement_ids=ids,
        list_queries_two=list_queries_two,
        setup_seconds=time.perf_counter() - began,
    )
