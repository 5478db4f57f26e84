"""The command line of the web benchmark."""

from __future__ import annotations

import argparse
from dataclasses import dataclass


@dataclass(frozen=True)
class Options:
    """What to run, with ``--quick`` defaults applied."""

    quick: bool
    database_url: str | None
    redis_url: str
    drafts: int
    duration: float
    warmup: float
    rounds: int
    connections: int
    writes: int
    runs: int
    load_generator: str
    scale: tuple[int, ...] = ()
    cpu_rounds: int = 5
    cpu_seconds: float = 3.0
    fresh: int = 40


def parser() -> argparse.ArgumentParser:
    """The argument parser (also for ``--help``)."""
    parser = argparse.ArgumentParser(
        description="Benchmark the web tier (gunicorn) and the Celery workers.",
    )
    parser.add_argument("--quick", action="store_true", help="short smoke run")
    parser.add_argument(
        "--database-url",
        help="postgres://user@host:port/db: the server to use; a scratch database "
        "windfall_bench_<random> is created there and dropped at the end (the named database "
        "is only used to connect). Default: a temporary SQLite file.",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--drafts",
        type=int,
        help="drafts to create (default 44, the admin changelist of issue 14; quick 10)",
    )
    parser.add_argument(
        "--duration", type=float, help="seconds per endpoint and round (default 5; quick 2)"
    )
    parser.add_argument("--warmup", type=float, help="seconds per endpoint (default 2; quick 1)")
    parser.add_argument("--rounds", type=int, help="rounds over all endpoints (default 3; quick 1)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--writes", type=int, help="PATCHes per draft (default 200; quick 20)")
    parser.add_argument(
        "--runs",
        type=int,
        help="score runs per worker batch, over the drafts (default 60; quick 10)",
    )
    parser.add_argument(
        "--load-generator",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="auto: wrk when installed, else the Python fallback",
    )
    parser.add_argument(
        "--scale",
        help="draft counts of the data-scale case, comma-separated (default 1000,100000; "
        "quick 200,2000; 'none' skips it; PostgreSQL only)",
    )
    parser.add_argument(
        "--cpu-rounds", type=int, help="rounds of the peer and scale CPU case (default 5)"
    )
    parser.add_argument(
        "--cpu-seconds", type=float, help="seconds per endpoint and CPU round (default 3)"
    )
    parser.add_argument(
        "--fresh",
        type=int,
        help="edits per mode of the edit -> fresh score case, one worker (default 40; quick 10)",
    )
    return parser


def _sizes(text: str | None, quick: bool) -> tuple[int, ...]:
    if text is None:
        return (200, 2000) if quick else (1000, 100_000)
    if text.strip().lower() == "none":
        return ()
    sizes = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    if len(sizes) < 2 or sizes[0] < 60:
        raise SystemExit("--scale needs two or more sizes of at least 60 drafts")
    return sizes


def parse_args(argv: list[str] | None = None) -> Options:
    """Read the command line."""
    args = parser().parse_args(argv)
    quick = bool(args.quick)
    drafts = max(3, args.drafts or (10 if quick else 44))
    return Options(
        quick=quick,
        database_url=args.database_url,
        redis_url=args.redis_url,
        drafts=drafts,
        duration=args.duration or (2.0 if quick else 5.0),
        warmup=args.warmup if args.warmup is not None else (1.0 if quick else 2.0),
        rounds=max(1, args.rounds or (1 if quick else 3)),
        connections=max(1, args.connections),
        writes=max(1, args.writes or (20 if quick else 200)),
        runs=max(1, args.runs or (10 if quick else 60)),
        load_generator=args.load_generator,
        scale=_sizes(args.scale, quick),
        cpu_rounds=max(1, args.cpu_rounds or (1 if quick else 5)),
        cpu_seconds=args.cpu_seconds or (1.0 if quick else 3.0),
        fresh=max(1, args.fresh or (10 if quick else 40)),
    )
