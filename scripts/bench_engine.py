"""Benchmark the scoring engine (``make bench-engine``).

For a synthetic 50-line, 10-recipient draft it prints best-of-k CPU and wall times of
deterministic scoring, Monte Carlo at N = 2,000 and 10,000, the vectorisation ratio
MC(N) / (N x deterministic) and the formula kernel, for this engine and baseline
engines (``--baseline``, git revisions, default the 2026.1 model at commit 156458f), in
interleaved rounds of separate processes; then, for this engine only, SMAA against a
plain numpy SMAA-2 reference (called alternately), a 6-draft comparison at 10,000
samples, coalition enumeration for 16 players and the design assistant's single-edit
suggestions and package search on a 60-line draft. CPU time (``time.process_time``) is the figure to
compare: on a shared machine wall time mostly measures the other processes.

BLAS runs on one thread (``OPENBLAS_NUM_THREADS`` and friends default to 1 before numpy
loads; set them to measure otherwise): the engine's matrix products are small, and on a
shared machine a second BLAS thread mostly waits for a busy core, which made the
ratios swing by 2x between runs. Figures are recorded in docs/performance.md.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import dataclasses
import io
import json
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

# A worker (``--worker TREE``) imports the engine under test from TREE (e.g. a baseline).
sys.path.insert(
    0,
    sys.argv[sys.argv.index("--worker") + 1]
    if "--worker" in sys.argv[:-1]
    else str(Path(__file__).resolve().parent.parent),
)

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
    core,
    score,
    simulate,
)
from scoring.engine.analysis import coalition, smaa
from scoring.engine.model import compile_snapshot
from scoring.engine.sampling import UniformSource, point_draws, sample_draws

ROOT = Path(__file__).resolve().parent.parent
GIT = shutil.which("git") or "git"

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


def best(fn: Callable[[], object], repeat: int, number: int = 1) -> tuple[float, float]:
    """Best-of-``repeat`` (CPU seconds, wall seconds) per call; each minimum on its own."""
    cpu, wall = [], []
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(number):
            fn()
        cpu.append((time.process_time() - c0) / number)
        wall.append((time.perf_counter() - w0) / number)
    return min(cpu), min(wall)


def paired(
    f: Callable[[], object], g: Callable[[], object], repeat: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """``best`` of ``f`` and of ``g``, called alternately so that both see the same load."""
    runs = [(best(f, 1), best(g, 1)) for _ in range(repeat)]
    fa = (min(r[0][0] for r in runs), min(r[0][1] for r in runs))
    ga = (min(r[1][0] for r in runs), min(r[1][1] for r in runs))
    return fa, ga


def measure_models(repeat: int) -> dict[str, tuple[float, float]]:
    """The figures compared between models, for the engine on ``sys.path``."""
    draft = synthetic_draft()
    # Short calls get three times the repeats: a 5 ms batch is easily hit by another process.
    out = {"score": best(lambda: score(draft), 3 * repeat, number=20)}
    for n in (2_000, 10_000):
        simulate(draft, n_samples=n, seed=1)
        out[f"simulate_{n}"] = best(lambda n=n: simulate(draft, n_samples=n, seed=1), repeat)  # type: ignore[misc]
    model = compile_snapshot(draft, DEFAULT_PARAMETERS)
    one = point_draws(model)
    many = sample_draws(model, UniformSource(1, 10_000))
    # The Monte Carlo kernel: blocks of samples where the engine has them.
    kernel = getattr(core, "evaluate_samples", core.evaluate)
    out["kernel_1"] = best(lambda: core.evaluate(model, one), 3 * repeat, number=20)
    out["kernel_10000"] = best(lambda: kernel(model, many), repeat)
    return out


def _row(name: str, cur: tuple[float, float], base: tuple[float, float] | None) -> str:
    text = f"{name:<30} {1e3 * cur[0]:9.2f} {1e3 * cur[1]:9.2f}"
    if base is not None:
        text += f"   {1e3 * base[0]:9.2f} {1e3 * base[1]:9.2f}   {cur[0] / base[0] - 1:+7.0%}"
    return text


_MODEL_ROWS = {
    "score": "deterministic score",
    "simulate_2000": "simulate N=2,000",
    "simulate_10000": "simulate N=10,000",
    "kernel_1": "formula kernel N=1",
    "kernel_10000": "formula kernel N=10,000",
}


def _extract(revision: str, into: str) -> None:
    archive = subprocess.run(  # noqa: S603
        [GIT, "-C", str(ROOT), "archive", revision, "scoring", "scripts"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def _report_round(
    rnd: int, repeat: int, figures: dict[str, dict[str, tuple[float, float]]]
) -> None:
    labels = list(figures)
    first = labels[0]
    print(f"round {rnd}, CPU ms (wall ms), best of {repeat}; last column: this vs {first}")
    print(f"{'':26}" + "".join(f"{lbl:>20}" for lbl in labels) + f"{'this/' + first:>12}")
    for key, name in _MODEL_ROWS.items():
        cells = "".join(
            f"{1e3 * fig[key][0]:>10.2f} ({1e3 * fig[key][1]:6.1f})" for fig in figures.values()
        )
        change = figures["this"][key][0] / figures[first][key][0] - 1
        print(f"{name:<26}{cells}{change:>+12.0%}")
    for n in (2_000, 10_000):
        cells = "".join(
            f"{fig[f'simulate_{n}'][0] / (n * fig['score'][0]):>10.4f} "
            f"({fig[f'simulate_{n}'][1] / (n * fig['score'][1]):.4f})"
            for fig in figures.values()
        )
        print(f"{f'ratio MC/(N x det) N={n:,}':<26}{cells}")


def compare_models(repeat: int, rounds: int, baselines: list[str]) -> None:
    """Interleaved rounds, one process per engine and round (baselines first)."""
    trees: list[tuple[str, str]] = []
    tmp = tempfile.TemporaryDirectory(prefix="bench-baseline-")
    try:
        for k, revision in enumerate(baselines):
            into = str(Path(tmp.name) / str(k))
            _extract(revision, into)
            trees.append((revision, into))
        trees.append(("this", str(ROOT)))
        for rnd in range(1, rounds + 1):
            figures: dict[str, dict[str, tuple[float, float]]] = {}
            for label, tree in trees:
                done = subprocess.run(  # noqa: S603
                    [sys.executable, __file__, "--worker", tree, "--repeat", str(repeat)],
                    capture_output=True,
                    text=True,
                )
                if done.returncode:
                    sys.exit(f"the {label} engine's worker failed:\n{done.stderr}")
                figures[label] = {k: (v[0], v[1]) for k, v in json.loads(done.stdout).items()}
            _report_round(rnd, repeat, figures)
    finally:
        tmp.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7, help="best of this many runs")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved model rounds")
    parser.add_argument(
        "--baseline",
        default="156458f",
        help="git revisions (comma-separated) of the engines to compare with; default "
        "156458f, the 2026.1 model; 'none' for this engine only",
    )
    parser.add_argument("--worker", metavar="TREE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    k = args.repeat
    if args.worker:
        print(json.dumps(measure_models(k)))
        return
    from scoring.engine.analysis import smaa_core
    from scoring.engine.packages import search_packages
    from scoring.engine.suggestions import suggest
    from scripts.bench.engine import smaa_reference

    threads = os.environ.get("OPENBLAS_NUM_THREADS")
    print(f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(f"draft: 50 lines, 10 recipients; BLAS threads {threads}; load {os.getloadavg()[0]:.1f}")
    baselines = [] if args.baseline == "none" else args.baseline.split(",")
    compare_models(k, args.rounds, baselines)
    print(f"this engine only (best of {k}):             cpu ms   wall ms")
    matrix = np.random.default_rng(0).uniform(size=(6, 5))
    t_smaa = best(lambda: smaa(matrix, ["up"] * 5, n_samples=10_000, seed=1), k)
    print(_row("SMAA 6 x 5, 10,000 weights", t_smaa, None) + "  (analysis.smaa)")
    weights = np.random.default_rng(1).dirichlet(np.ones(5), size=10_000)
    values = np.random.default_rng(2).uniform(size=(10_000, 6, 5))
    for shape, v in (("6 x 5", matrix), ("10,000 x 6 x 5", values)):
        fast, ref = paired(
            lambda v=v: smaa_core(v, weights),  # type: ignore[misc]
            lambda v=v: smaa_reference(v, weights),  # type: ignore[misc]
            3 * k,
        )
        print(
            _row(f"SMAA core, values {shape}", fast, None)
            + f"  reference {1e3 * ref[0]:.2f} ms cpu, ratio {fast[0] / ref[0]:.2f}"
        )
    drafts = [dataclasses.replace(synthetic_draft(seed=s), label=f"D{s}") for s in range(6)]
    t_cmp = best(lambda: compare(drafts, n_samples=10_000, seed=1), max(1, k // 2))
    print(_row("compare 6 drafts x 10,000", t_cmp, None) + "  (incl. SMAA)")
    players = np.random.default_rng(1)
    b, c = players.uniform(0.5, 1.5, 16), players.uniform(1.0, 3.0, 16)
    print(_row("coalition 16 players", best(lambda: coalition(b, c), k), None) + "  (65,536 sets)")
    t_sym = best(lambda: coalition([1.0] * 16, [2.0] * 16), k)
    print(_row("  symmetric", t_sym, None) + "  (680 stable sets)")
    big = synthetic_draft(n_lines=60)
    catalog = big.items[:8]
    n_cand = suggest(big, goal="credibility", catalog_items=catalog).candidates
    t_sug = best(lambda: suggest(big, goal="credibility", catalog_items=catalog), max(1, k // 2))
    print(_row(f"suggest 60 lines, {n_cand} edits", t_sug, None) + "  (goal credibility)")
    failing = failing_draft(big)
    found = search_packages(failing, catalog_items=catalog)
    t_pkg = best(lambda: search_packages(failing, catalog_items=catalog), 1)
    print(
        _row(f"package search 60 lines, {found.evaluated} packages", t_pkg, None)
        + f"  ({len(found.package.edits) if found.package else 0} edits found)"
    )


def failing_draft(draft: Snapshot) -> Snapshot:
    """``draft`` as a treaty every recipient must sign, with its six least keen recipients
    0.05 short of signing: the package search's benchmark case."""
    net = {r.key: r.net_incentive for r in score(draft).recipients}
    short = sorted(net, key=net.__getitem__)[:6]
    parties = tuple(
        dataclasses.replace(p, outside_option=max(0.0, net[p.key] + 0.05)) if p.key in short else p
        for p in draft.parties
    )
    return dataclasses.replace(draft, parties=parties, purpose=Purpose.WELFARE)


if __name__ == "__main__":
    main()
