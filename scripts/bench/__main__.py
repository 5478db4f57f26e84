"""``python -m scripts.bench``: the same as ``scripts/bench_web.py``."""

import sys

from scripts.bench.web import entry_point

sys.exit(entry_point())
