"""Point values and Monte Carlo draws, with common random numbers.

Every sampled entity (catalog item, party, condition, mechanism, mechanism type,
scenario value) has an identity such as ``item:weights-frontier`` or
``party:BRA``. ``UniformSource`` derives one uniform stream per identity from the
seed, so the same entity receives the same uniforms in every draft of a
comparison; each draft maps them onto its own range ``clip(x - u + 2uU)``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .model import Entity, Model

FloatArray = NDArray[np.float64]
_TRANSPOSE_BLOCK = 512


@dataclass(frozen=True)
class Draws:
    """Attribute values for ``n`` samples (``n = 1`` for point values).

    Shapes: ``item (8, n, items)`` (one block per attribute),
    ``party (n, recipients + bystanders, 6)``,
    ``condition (n, conditions, 2)``, ``strength (n, mechanisms)``,
    ``mtype (n, types, 3)``, ``dsa (n,)``, ``omega (n,)``; ``staged_on (n,)`` is 1
    except in the leave-one-out rows that switch staged reciprocity off.
    """

    item: FloatArray
    party: FloatArray
    condition: FloatArray
    strength: FloatArray
    mtype: FloatArray
    dsa: FloatArray
    omega: FloatArray
    staged_on: FloatArray

    @property
    def n(self) -> int:
        return int(self.dsa.shape[0])

    def rows(self, start: int, stop: int) -> Draws:
        """Samples ``start`` to ``stop - 1`` (views, no copies)."""
        return Draws(
            item=self.item[:, start:stop],
            party=self.party[start:stop],
            condition=self.condition[start:stop],
            strength=self.strength[start:stop],
            mtype=self.mtype[start:stop],
            dsa=self.dsa[start:stop],
            omega=self.omega[start:stop],
            staged_on=self.staged_on[start:stop],
        )


def _identity_key(identity: str) -> tuple[int, ...]:
    digest = hashlib.sha256(identity.encode("utf-8")).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


class UniformSource:
    """Uniform(0, 1) streams keyed by entity identity, reproducible from ``seed``."""

    def __init__(self, seed: int, n: int) -> None:
        self.seed = seed
        self.n = n
        self._cache: dict[tuple[str, int], FloatArray] = {}

    def uniforms(self, identity: str, width: int) -> FloatArray:
        """An ``(n, width)`` array; identical for the same identity and seed."""
        key = (identity, width)
        if key not in self._cache:
            seq = np.random.SeedSequence(self.seed, spawn_key=_identity_key(identity))
            self._cache[key] = np.random.default_rng(seq).random((self.n, width))
        return self._cache[key]

    def block(self, identities: Sequence[str], width: int) -> FloatArray:
        """``uniforms`` of every identity stacked as ``(identities, n, width)``. Streams not
        yet drawn are generated straight into the block (the same numbers as
        ``uniforms``, without a copy) and cached as views of it."""
        out = np.empty((len(identities), self.n, width), dtype=np.float64)
        for k, identity in enumerate(identities):
            key = (identity, width)
            cached = self._cache.get(key)
            if cached is None:
                seq = np.random.SeedSequence(self.seed, spawn_key=_identity_key(identity))
                np.random.default_rng(seq).random(out=out[k])
                self._cache[key] = out[k]
            else:
                out[k] = cached
        return out

    def generator(self, identity: str) -> np.random.Generator:
        """A generator for draws that are not attribute samples (e.g. SMAA weights)."""
        seq = np.random.SeedSequence(self.seed, spawn_key=_identity_key(identity))
        return np.random.default_rng(seq)


def _points(entities: Sequence[Entity], width: int) -> FloatArray:
    arr = np.array([e.values for e in entities], dtype=np.float64).reshape(1, len(entities), width)
    return arr


def _bounds(entities: Sequence[Entity], width: int) -> tuple[FloatArray, ...]:
    """Point values, half-widths and clip bounds of ``entities`` as ``(entities, width)``."""
    values = np.array([e.values for e in entities], dtype=np.float64).reshape(-1, width)
    u = np.array([e.half_widths for e in entities], dtype=np.float64).reshape(-1, width)
    low = np.array(
        [(0.0,) * width if e.low is None else e.low for e in entities], dtype=np.float64
    ).reshape(-1, width)
    high = np.array(
        [(1.0,) * width if e.high is None else e.high for e in entities], dtype=np.float64
    ).reshape(-1, width)
    return values, u, low, high


def _uniform_block(entities: Sequence[Entity], width: int, source: UniformSource) -> FloatArray:
    """Every entity's uniforms as an ``(entities, n, width)`` block."""
    return source.block([e.identity for e in entities], width)


def _sampled(entities: Sequence[Entity], width: int, source: UniformSource) -> FloatArray:
    """``clip(x + u (2U - 1), low, high)`` for every entity, shape ``(n, entities, width)``;
    one vectorised pass, element by element the same arithmetic as one entity at a time."""
    values, u, low, high = _bounds(entities, width)
    out = np.empty((source.n, len(entities), width), dtype=np.float64)
    np.multiply(np.moveaxis(_uniform_block(entities, width, source), 0, 1), 2.0, out=out)
    out -= 1.0
    out *= u
    out += values
    return np.clip(out, low, high, out=out)


def _sampled_by_attribute(
    entities: Sequence[Entity], width: int, source: UniformSource
) -> FloatArray:
    """Like ``_sampled`` but laid out ``(width, n, entities)``, so that each attribute is
    one contiguous (samples x entities) block: one transposing copy of the small
    per-entity array saves one of the larger per-line array in the formulas."""
    values, u, low, high = (x.T[:, None, :] for x in _bounds(entities, width))
    uniforms = _uniform_block(entities, width, source).transpose(2, 1, 0)
    out = np.empty((width, source.n, len(entities)), dtype=np.float64)
    # In blocks of samples: the transposing pass over all samples at once jumps by a
    # whole stream (n x width values) on its innermost reads, about 4 times slower, and
    # the other passes then find the block in the cache.
    for start in range(0, source.n, _TRANSPOSE_BLOCK):
        block = out[:, start : start + _TRANSPOSE_BLOCK]
        np.multiply(uniforms[:, start : start + _TRANSPOSE_BLOCK], 2.0, out=block)
        block -= 1.0
        block *= u
        block += values
        np.clip(block, low, high, out=block)
    return out


def point_draws(model: Model, *, leave_one_out: bool = False) -> Draws:
    """The deterministic point values as a one-sample ``Draws``.

    With ``leave_one_out`` the draws have ``1 + M + 1`` rows: row 0 the point values,
    row ``1 + k`` the same without mechanism ``k`` (strength 0), the last row without
    staged reciprocity. One vectorised evaluation then explains every mechanism.
    """
    n_mech = len(model.mechanism_entities)
    strength = _points(model.mechanism_entities, 1)[:, :, 0]
    rows = 1
    staged_on = np.ones(1)
    if leave_one_out:
        rows = n_mech + 2
        strength = np.repeat(strength, rows, axis=0)
        strength[np.arange(1, n_mech + 1), np.arange(n_mech)] = 0.0
        staged_on = np.ones(rows)
        staged_on[-1] = 0.0

    def rep(x: FloatArray) -> FloatArray:
        return np.repeat(x, rows, axis=0) if rows > 1 else x

    return Draws(
        item=np.moveaxis(rep(_points(model.item_entities, 8)), -1, 0),
        party=rep(_points(model.party_entities, 6)),
        condition=rep(_points(model.condition_entities, 2)),
        strength=strength,
        mtype=rep(_points(model.type_entities, 3)),
        dsa=np.full(rows, model.dsa_entity.values[0]),
        omega=np.full(rows, model.omega_entity.values[0]),
        staged_on=staged_on,
    )


def sample_draws(model: Model, source: UniformSource) -> Draws:
    """``source.n`` Monte Carlo samples of every attribute that has a half-width."""
    return Draws(
        item=_sampled_by_attribute(model.item_entities, 8, source),
        party=_sampled(model.party_entities, 6, source),
        condition=_sampled(model.condition_entities, 2, source),
        strength=_sampled(model.mechanism_entities, 1, source)[:, :, 0],
        mtype=_sampled(model.type_entities, 3, source),
        dsa=_sampled([model.dsa_entity], 1, source)[:, 0, 0],
        omega=_sampled([model.omega_entity], 1, source)[:, 0, 0],
        staged_on=np.ones(source.n),
    )
