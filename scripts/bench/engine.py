"""A plain numpy SMAA-2 for the engine benchmark (``scripts/bench_engine.py``) and its tests."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def smaa_reference(
    values: FloatArray, weights: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Straightforward SMAA-2 without tie handling, for ``values`` (A, C) or (N, A, C)
    (more is better) and ``weights`` (N, C): rank acceptability (A x A), central
    weights (A x C, NaN if never first) and pairwise winning odds (A x A)."""
    n, n_alt = weights.shape[0], values.shape[-2]
    util = weights @ values.T if values.ndim == 2 else np.einsum("nac,nc->na", values, weights)
    rank = np.argsort(np.argsort(-util, axis=1, kind="stable"), axis=1, kind="stable")
    acceptability = np.stack([(rank == r).mean(axis=0) for r in range(n_alt)], axis=1)
    first = rank == 0
    count = first.sum(axis=0)
    central = np.where(
        count[:, None] > 0, (first.T @ weights) / np.maximum(count, 1)[:, None], np.nan
    )
    odds = (util[:, :, None] > util[:, None, :]).sum(axis=0) / n
    return acceptability, np.asarray(central, dtype=np.float64), np.asarray(odds, dtype=np.float64)
