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
    k = parser.parse_args().repeat
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
    print(f"load average after: {_load()}", flush=True)


def _load() -> str:
    """The 1, 5 and 15 minute load averages (the machine may be shared)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
