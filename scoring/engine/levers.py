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
    plan: tuple[tuple[bool, bool, bool, bool, bool, bool, bool, bool], ...] = ()
    """Per step, which transforms change some line (computed once by ``stack``): p scaled,
    p clipped, p pulled, d scaled, d clipped, d pulled, r floored, r capped. ``v`` is
    checked when applied (it is scaled only)."""

    @classmethod
    def stack(cls, per_line: Sequence[Sequence[LeverEffect]]) -> LeverArrays:
        names = [f.name for f in fields(LeverEffect)]
        # Lines with equal settings share one list of effects: tabulate each list once.
        index: dict[int, int] = {}
        unique: list[list[list[float]]] = []
        line_index: list[int] = []
        for effects in per_line:
            k = index.get(id(effects))
            if k is None:
                k = index[id(effects)] = len(unique)
                unique.append([[getattr(e, n) for n in names] for e in effects])
            line_index.append(k)
        base = np.array(unique, dtype=np.float64).reshape(len(unique), len(LEVER_ORDER), len(names))
        table = base[np.array(line_index, dtype=np.intp)]
        cols = {n: np.ascontiguousarray(table[:, :, k].T) for k, n in enumerate(names)}
        return cls(
            **cols,
            plan=_plan(
                cols["p_mul"],
                cols["p_pull"],
                cols["d_mul"],
                cols["d_pull"],
                cols["r_floor"],
                cols["r_cap"],
            ),
        )


def _plan(
    p_mul: FloatArray,
    p_pull: FloatArray,
    d_mul: FloatArray,
    d_pull: FloatArray,
    r_floor: FloatArray,
    r_cap: FloatArray,
) -> tuple[tuple[bool, bool, bool, bool, bool, bool, bool, bool], ...]:
    """``LeverArrays.plan`` of these arrays (see there)."""

    p_scaled = (p_mul != 1.0).any(axis=1)
    d_scaled = (d_mul != 1.0).any(axis=1)
    flags = [
        p_scaled,
        p_scaled & ((p_mul > 1.0).any(axis=1) | (p_mul < 0.0).any(axis=1)),
        (p_pull != 0.0).any(axis=1),
        d_scaled,
        d_scaled & ((d_mul > 1.0).any(axis=1) | (d_mul < 0.0).any(axis=1)),
        (d_pull != 0.0).any(axis=1),
        (r_floor > 0.0).any(axis=1),
        (r_cap < 1.0).any(axis=1),
    ]
    rows = [f.tolist() for f in flags]
    return tuple(
        (rows[0][k], rows[1][k], rows[2][k], rows[3][k], rows[4][k], rows[5][k], rows[6][k],
         rows[7][k])
        for k in range(len(LEVER_ORDER))
    )  # fmt: skip


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
    a = arrays
    plan = a.plan or _plan(a.p_mul, a.p_pull, a.d_mul, a.d_pull, a.r_floor, a.r_cap)
    for k, (p_mul, p_clip, p_pull, d_mul, d_clip, d_pull, floor, cap) in enumerate(plan):
        p, own[0] = _scale(p, own[0], arrays.p_mul[k], p_mul, p_clip, arrays.p_pull[k], p_pull)
        d, own[1] = _scale(d, own[1], arrays.d_mul[k], d_mul, d_clip, arrays.d_pull[k], d_pull)
        v_mul = arrays.v_mul[k]
        if (v_mul != 1.0).any():
            v_clip = bool((v_mul > 1.0).any() or (v_mul < 0.0).any())
            v, own[3] = _scale(v, own[3], v_mul, True, v_clip, v_mul, False)
        if floor:
            r = (
                np.maximum(r, arrays.r_floor[k], out=r)
                if own[2]
                else np.maximum(r, arrays.r_floor[k])
            )
            own[2] = True
        if cap:
            r = np.minimum(r, arrays.r_cap[k], out=r) if own[2] else np.minimum(r, arrays.r_cap[k])
            own[2] = True
    return p, d, r, v


def _scale(
    x: FloatArray,
    owned: bool,
    mul: FloatArray,
    scale: bool,
    clip: bool,
    pull: FloatArray,
    pulled: bool,
) -> tuple[FloatArray, bool]:
    """``clip(x * mul)`` (when ``scale``; clipped when ``clip``) pulled towards 1 by
    ``pull`` (when ``pulled``); inputs and outputs in [0, 1]. ``owned``: ``x`` may be
    overwritten. Returns the result and whether it is owned."""
    if scale:
        x = np.multiply(x, mul, out=x) if owned else x * mul
        owned = True
        if clip:
            np.clip(x, 0.0, 1.0, out=x)
    if pulled:
        step = np.subtract(1.0, x)
        step *= pull
        x = np.add(x, step, out=x) if owned else x + step
        owned = True
    return x, owned
