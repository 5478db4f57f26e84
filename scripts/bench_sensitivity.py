"""Benchmark the sensitivity engine (design section 16); figures go in docs/performance.md.

Best-of-k CPU and wall times (each minimum on its own) on the synthetic 50-line draft of
``bench_engine.py``: a dsa sweep of 11 points x 2,000 samples, variance attribution next
to the plain Monte Carlo run it adds to, the dsa ranking of 6 drafts, and 6 drafts x 4
scenarios at 2,000 samples. The load averages before and after are printed: the machine
may be shared.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring.engine import simulate
from scoring.engine.ahp import ahp_from_matrix
from scoring.engine.attribution import simulate_with_attribution
from scoring.engine.scenarios import Scenario, scenario_compare
from scoring.engine.sensitivity import dsa_ranking, sweep
from scripts.bench_engine import best, synthetic_draft


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="best of K runs (default 3)")
    parser.add_argument(
        "--worker",
        action="store_true",
        help="also time the worker's job path (needs DATABASE_URL; creates and deletes rows)",
    )
    args = parser.parse_args()
    k = args.repeat
    draft = synthetic_draft()
    drafts = [synthetic_draft(seed=s, label=f"D{s}") for s in range(6)]
    worlds = [
        Scenario("As drafted"),
        Scenario("Race", dsa=0.9, trust_shift={"R1": -0.3}),
        Scenario("Détente", dsa=0.1, omega=0.5),
        Scenario("Capable rivals", capability_shift={"R2": 0.3, "R3": 0.3}),
    ]
    import numpy as np

    rows = [
        ("dsa sweep, 11 points x 2,000 samples", lambda: sweep(draft, axis="dsa", seed=1)),
        (
            "trust sweep, 11 points x 2,000 samples",
            lambda: sweep(draft, axis="trust", party="R0", seed=1),
        ),
        ("simulate, N = 2,000", lambda: simulate(draft, seed=1)),
        (
            "simulate + variance attribution, N = 2,000",
            lambda: simulate_with_attribution(draft, seed=1),
        ),
        ("dsa ranking, 6 drafts x 11 points x 2,000", lambda: dsa_ranking(drafts, seed=1)),
        (
            "scenarios, 6 drafts x 4 worlds x 2,000",
            lambda: scenario_compare(drafts, worlds, seed=1),
        ),
        ("AHP, 8 x 8 matrix", lambda: ahp_from_matrix(list("abcdefgh"), np.full((8, 8), 1.0))),
    ]
    print(f"load average before: {_load()}", flush=True)
    print(f"{'measurement':<48} {'CPU ms':>9} {'wall ms':>9}")
    for name, fn in rows:
        cpu, wall = best(fn, k)
        print(f"{name:<48} {1000 * cpu:9.1f} {1000 * wall:9.1f}", flush=True)
    if args.worker:
        worker_figures(k)
    print(f"load average after: {_load()}", flush=True)


def worker_figures(k: int) -> None:
    """Wall time of ``analysis_job_execute`` (what the Celery task runs: claim, heartbeat,
    reads, the engine, progress writes, the result row) for 6 shipped templates grown to
    50 lines each: 4 scenarios at 2,000 samples, and 11 dsa points at 2,000 samples."""
    import secrets

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "windfall.settings.test")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from accounts.models import Role
    from accounts.services import membership_set, team_create
    from agreements.models import ReferenceTemplate
    from agreements.services import agreement_import, templates_load
    from catalog.services import catalog_load
    from scoring import analysis_jobs, queue
    from scoring.models import AnalysisJob
    from scoring.models import Scenario as NamedScenario
    from scripts.bench.fixture import grown

    call_command("migrate", interactive=False, verbosity=0)
    catalog_load()
    templates_load()
    queue.score_run_send_on_commit = lambda run_id: None  # drafts need no score runs here
    sent: list[int] = []
    analysis_jobs.queue.analysis_job_send_on_commit = sent.append  # the bench runs them
    token = secrets.token_hex(4)
    user = get_user_model().objects.create_user(f"bench-sens-{token}")
    team = team_create(name=f"Bench sensitivity {token}")
    membership_set(team=team, user=user, role=Role.ANALYST)
    try:
        templates = list(ReferenceTemplate.objects.order_by("slug")[:6])
        drafts = [
            agreement_import(
                team=team, author=user, document=grown(t.document, 50, f"{t.title} (50 lines)")
            )
            for t in templates
        ]
        worlds = [
            NamedScenario.objects.create(team=team, name="As drafted"),
            NamedScenario.objects.create(
                team=team, name="Race", dsa=0.9, trust_shifts={"cn": -0.3}
            ),
            NamedScenario.objects.create(team=team, name="Détente", dsa=0.1, omega=0.5),
            NamedScenario.objects.create(team=team, name="Capable", capability_shifts={"cn": 0.3}),
        ]
        for name, kind, options, scenarios in (
            (f"job: scenarios, {len(drafts)} drafts x 4 worlds x 2,000", "scenarios", {}, worlds),
            (
                f"job: dsa ranking, {len(drafts)} drafts x 11 x 2,000",
                "dsa_ranking",
                {"points": 11},
                [],
            ),
        ):
            walls = []
            for seed in range(1, k + 1):  # a new seed is a new question: no cached answer
                job = analysis_jobs.analysis_job_request(
                    kind=kind,
                    agreements=drafts,
                    options={**options, "n_samples": 2000, "seed": seed},
                    scenarios=scenarios,
                    user=user,
                )
                began = time.perf_counter()
                outcome = analysis_jobs.analysis_job_execute(job_id=job.pk)
                walls.append(time.perf_counter() - began)
                if outcome != "done":
                    raise SystemExit(
                        f"{name}: {outcome} {AnalysisJob.objects.get(pk=job.pk).error}"
                    )
            print(f"{name:<48} {'':>9} {1000 * min(walls):9.1f}", flush=True)
    finally:
        team.delete()
        user.delete()


def _load() -> str:
    """The 1, 5 and 15 minute load averages (the machine may be shared)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
