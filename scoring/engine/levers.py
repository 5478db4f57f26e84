"""Frontier-AI access levers (section 2) as per-line array transforms.

Each lever setting becomes one ``LeverEffect``; a line's seven effects (in
``LEVER_ORDER``) are stacked into arrays so the same code transforms one point
value or a whole Monte Carlo sample matrix of shape ``(N, lines)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from .params import LEVER_ORDER, LeverEffect, ParameterSet
from .types import Levers

FloatArray = NDArray[np.float64]


def line_effects(levers: Levers | None, applies: bool, params: ParameterSet) -> list[LeverEffect]:
    """The effects of a line's lever settings, in application order.

    Items without ``levers_apply`` get no effect at all; a lever-bearing item with
    ``levers=None`` uses the default settings (general, lag 0, API, ...).
    """
    if not applies:
        return [LeverEffect()] * len(LEVER_ORDER)
    lv = levers or Levers()
    out: list[LeverEffect] = []
    for name in LEVER_ORDER:
        if name == "generation_lag":
            g = lv.generation_lag
            lag = params.generation_lag
            out.append(LeverEffect(p_mul=lag.p_mul**g, d_mul=lag.d_mul**g, v_mul=lag.v_mul**g))
        else:
            out.append(params.levers[name][str(getattr(lv, name))])
    return out


@dataclass(frozen=True)
class LeverArrays:
    """Lever effects of all lines: each field has shape ``(steps, lines)``."""

    p_mul: FloatArray
    d_mul: FloatArray
    v_mul: FloatArray
    p_pull: FloatArray
    d_pull: FloatArray
    r_floor: FloatArray
    r_cap: FloatArray

    @classmethod
    def stack(cls, per_line: Sequence[Sequence[LeverEffect]]) -> LeverArrays:
        names = [f.name for f in fields(LeverEffect)]
        rows: dict[int, list[list[float]]] = {}
        table = np.array(
            [
                rows.setdefault(id(effects), [[getattr(e, n) for n in names] for e in effects])
                for effects in per_line
            ],
            dtype=np.float64,
        ).reshape(len(per_line), len(LEVER_ORDER), len(names))
        return cls(**{n: np.ascontiguousarray(table[:, :, k].T) for k, n in enumerate(names)})


def apply_levers(
    arrays: LeverArrays,
    p: FloatArray,
    d: FloatArray,
    r: FloatArray,
    v: FloatArray,
    *,
    in_place: bool = False,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Return ``(p', d', r', v')`` for base values of shape ``(..., lines)``.

    Every step is monotone non-decreasing in its input, and results are clipped
    to [0, 1] after each step. Steps that change no line are skipped. With
    ``in_place`` the inputs are overwritten; otherwise they are never modified and each
    output is a new array once a step changes it (later steps then work in place).
    In place or not, the operations and their order are the same.
    """
    own = [in_place] * 4
    for k in range(len(LEVER_ORDER)):
        p, own[0] = _scale(p, own[0], arrays.p_mul[k], arrays.p_pull[k])
        d, own[1] = _scale(d, own[1], arrays.d_mul[k], arrays.d_pull[k])
        v, own[3] = _scale(v, own[3], arrays.v_mul[k], None)
        for bound, active, fn in (
            (arrays.r_floor[k], arrays.r_floor[k] > 0.0, np.maximum),
            (arrays.r_cap[k], arrays.r_cap[k] < 1.0, np.minimum),
        ):
            if active.any():
                r = fn(r, bound, out=r) if own[2] else fn(r, bound)
                own[2] = True
    return p, d, r, v


def _scale(
    x: FloatArray, owned: bool, mul: FloatArray, pull: FloatArray | None
) -> tuple[FloatArray, bool]:
    """``clip(x * mul)`` pulled towards 1 by ``pull``; inputs and outputs in [0, 1].
    ``owned``: ``x`` may be overwritten. Returns the result and whether it is owned."""
    if (mul != 1.0).any():
        x = np.multiply(x, mul, out=x) if owned else x * mul
        owned = True
        if (mul > 1.0).any() or (mul < 0.0).any():
            np.clip(x, 0.0, 1.0, out=x)
    if pull is not None and (pull != 0.0).any():
        step = np.subtract(1.0, x)
        step *= pull
        x = np.add(x, step, out=x) if owned else x + step
        owned = True
    return x, owned
