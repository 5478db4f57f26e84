"""Benchmark the scoring engine (``make bench-engine``).

Prints best-of-k wall times for a synthetic 50-line, 10-recipient draft:
deterministic scoring, Monte Carlo at N = 2,000 and 10,000, the vectorisation
ratio MC(N) / (N x deterministic), SMAA over 6 drafts x 10,000 samples, and
coalition enumeration for 16 players, and the design assistant's single-edit
suggestions on a 60-line draft (about 500 candidates). Figures are recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import platform
import sys
import timeit
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring.engine import (
    DEFAULT_PARAMETERS,
    AccessMode,
    Alignment,
    BenefitItem,
    Cluster,
    Commitment,
    Condition,
    Covers,
    Levers,
    Line,
    Mechanism,
    MechanismType,
    Monitoring,
    Party,
    Phase,
    Purpose,
    Role,
    Snapshot,
    compare,
    score,
    simulate,
)
from scoring.engine.analysis import coalition, smaa
from scoring.engine.core import evaluate
from scoring.engine.model import compile_snapshot
from scoring.engine.sampling import UniformSource, point_draws, sample_draws
from scoring.engine.suggestions import suggest

MECHANISMS = (
    ("track_record", 0.35, 0.9),
    ("verification_body", 0.60, 0.6),
    ("peer_evaluation", 0.40, 0.7),
    ("treaty", 0.50, 0.8),
    ("prespecified_consequences", 0.45, 0.9),
    ("escrow", 0.80, 0.5),
    ("hardware_governance", 0.65, 0.3),
)


def synthetic_draft(
    n_lines: int = 50, n_recipients: int = 10, seed: int = 0, label: str = "bench"
) -> Snapshot:
    """A reproducible random draft with ``n_lines`` lines over ``n_recipients`` recipients."""
    rng = np.random.default_rng(seed)
    clusters = list(Cluster)
    items = []
    for k in range(20):
        p, t, r, d, q, c, v, a = (float(x) for x in rng.uniform(0.05, 0.95, 8))
        cluster = clusters[k % len(clusters)]
        items.append(
            BenefitItem(
                f"item-{k}", cluster, p, t, r, d, q, c, v, a, cluster == Cluster.FRONTIER_AI
            )
        )
    alignments = list(Alignment)
    parties = (
        Party("PRV", "Provider", Role.PROVIDER),
        *(
            Party(
                f"R{j}",
                f"Recipient {j}",
                Role.RECIPIENT,
                alignments[j % 3],
                float(rng.uniform(0.1, 0.9)),
                float(rng.uniform(0.1, 0.9)),
                float(rng.uniform(0.1, 0.9)),
            )
            for j in range(n_recipients)
        ),
        Party("X1", "Outsider", Role.EXCLUDED, Alignment.COMPETITOR),
    )
    phases = (Phase("p1", 1), Phase("p2", 2), Phase("p3", 3, reversible=False))
    lines = tuple(
        Line(
            key=f"l{i}",
            item=f"item-{rng.integers(20)}",
            recipient=f"R{i % n_recipients}",
            magnitude=float(rng.uniform(0.1, 1.0)),
            phase=phases[i % 3].key,
            levers=Levers(
                generation_lag=int(rng.integers(4)),
                monitoring=Monitoring.PERIODIC_AUDIT,
                access_mode=AccessMode.API,
            ),
        )
        for i in range(n_lines)
    )
    commitments = (
        Commitment("restraint", 0.5, 0.6, restraint=True),
        Commitment("export-controls", 0.3, 0.5, race_framing=0.5),
    )
    conditions = tuple(
        Condition(
            f"c{j}",
            commitments[j % 2].slug,
            f"R{j}",
            float(rng.uniform(0.1, 0.6)),
            float(rng.uniform(0.3, 0.9)),
            reversible=bool(j % 2),
            phase=phases[j % 3].key,
        )
        for j in range(n_recipients)
    )
    types = tuple(MechanismType(s, e, eps) for s, e, eps in MECHANISMS)
    mechanisms = tuple(
        Mechanism(f"m{k}", types[k].slug, float(rng.uniform(0.3, 0.9)), list(Covers)[k % 3])
        for k in range(5)
    )
    return Snapshot(
        purpose=Purpose.COALITION,
        dsa=0.3,
        parties=parties,
        items=tuple(items),
        lines=lines,
        commitments=commitments,
        conditions=conditions,
        mechanism_types=types,
        mechanisms=mechanisms,
        phases=phases,
        label=label,
    )


def best(fn: Callable[[], object], repeat: int, number: int = 1) -> float:
    """Best-of-``repeat`` seconds per call."""
    return min(timeit.repeat(fn, repeat=repeat, number=number)) / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="best of this many runs")
    args = parser.parse_args()
    k = args.repeat
    draft = synthetic_draft()
    print(f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(f"draft: {len(draft.lines)} lines, 10 recipients; best of {k}")
    det = best(lambda: score(draft), k, number=20)
    print(f"deterministic score:           {1e3 * det:9.2f} ms")
    for n in (2_000, 10_000):
        mc = best(lambda n=n: simulate(draft, n_samples=n, seed=1), k)  # type: ignore[misc]
        ratio = mc / (n * det)
        print(
            f"simulate N={n:>6,}:            {1e3 * mc:9.2f} ms   ratio MC/(N x det) = {ratio:.5f}"
        )
    model = compile_snapshot(draft, DEFAULT_PARAMETERS)
    one = point_draws(model)
    many = sample_draws(model, UniformSource(1, 10_000))
    k1 = best(lambda: evaluate(model, one), k, number=20)
    kn = best(lambda: evaluate(model, many), k)
    print(
        f"formula kernel only: N=1 {1e3 * k1:.2f} ms, N=10,000 {1e3 * kn:.2f} ms, "
        f"ratio {kn / (10_000 * k1):.5f}"
    )
    drafts = [dataclasses.replace(synthetic_draft(seed=s), label=f"D{s}") for s in range(6)]
    matrix = np.random.default_rng(0).uniform(size=(6, 5))
    t_smaa = best(lambda: smaa(matrix, ["up"] * 5, n_samples=10_000, seed=1), k)
    print(f"SMAA 6 alternatives x 10,000:  {1e3 * t_smaa:9.2f} ms  (analysis.smaa on raw numbers)")
    t_cmp = best(lambda: compare(drafts, n_samples=10_000, seed=1), max(1, k // 2))
    print(f"compare 6 drafts x 10,000:     {1e3 * t_cmp:9.2f} ms  (full comparison incl. SMAA)")
    players = np.random.default_rng(1)
    b, c = players.uniform(0.5, 1.5, 16), players.uniform(1.0, 3.0, 16)
    t_coal = best(lambda: coalition(b, c), k)
    print(f"coalition 16 players (65,536): {1e3 * t_coal:9.2f} ms")
    t_sym = best(lambda: coalition([1.0] * 16, [2.0] * 16), k)
    print(f"  symmetric (680 stable sets): {1e3 * t_sym:9.2f} ms")
    big = synthetic_draft(n_lines=60)
    catalog = big.items[:8]
    n_cand = suggest(big, goal="credibility", catalog_items=catalog).candidates
    t_sug = best(lambda: suggest(big, goal="credibility", catalog_items=catalog), max(1, k // 2))
    print(f"suggest 60 lines, {n_cand} candidates: {1e3 * t_sug:9.2f} ms  (goal credibility)")


if __name__ == "__main__":
    main()
