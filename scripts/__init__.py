"""Developer scripts (benchmarks); a package so that ``scripts.bench`` is importable."""
