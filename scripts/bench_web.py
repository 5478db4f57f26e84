"""Benchmark the web tier and the Celery workers: ``make bench-web``.

Run from the project root: ``.venv/bin/python scripts/bench_web.py [--quick]``; ``--help``
lists the options. The benchmark itself is the package ``scripts/bench/`` (its entry
point: ``scripts/bench/web.py``; also ``python -m scripts.bench``).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root

from scripts.bench.web import entry_point

if __name__ == "__main__":
    sys.exit(entry_point())
