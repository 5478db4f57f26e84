"""The engine's speed shortcuts give the numbers of the straightforward code."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import given
from numpy.typing import NDArray

from scoring.engine import DEFAULT_PARAMETERS, core, score
from scoring.engine.analysis import _tied_ranks, smaa_core
from scoring.engine.core import MonteCarloSamples, evaluate, evaluate_samples, sample_chunks
from scoring.engine.levers import LeverArrays, apply_levers
from scoring.engine.model import Entity, compile_snapshot
from scoring.engine.results import Contribution, LineResult, contribution
from scoring.engine.sampling import UniformSource, sample_draws
from scoring.engine.types import Snapshot
from scripts.bench.engine import smaa_reference

from .engine_strategies import ENGINE, example_draft, snapshots


def _reference_sampled(
    entities: tuple[Entity, ...], width: int, source: UniformSource
) -> NDArray[np.float64]:
    """One entity at a time, as the engine sampled before it was vectorised."""
    out = np.empty((source.n, len(entities), width))
    for k, e in enumerate(entities):
        u = np.asarray(e.half_widths)
        low = 0.0 if e.low is None else np.asarray(e.low)
        high = 1.0 if e.high is None else np.asarray(e.high)
        uniforms = UniformSource(source.seed, source.n).uniforms(e.identity, width)
        out[:, k, :] = np.clip(np.asarray(e.values) + u * (2.0 * uniforms - 1.0), low, high)
    return out


def _check_sampling(snapshot: Snapshot, n: int) -> None:
    model = compile_snapshot(snapshot, DEFAULT_PARAMETERS)
    draws = sample_draws(model, UniformSource(7, n))
    items = _reference_sampled(model.item_entities, 8, UniformSource(7, n))
    assert np.array_equal(draws.item, np.moveaxis(items, -1, 0))
    parties = _reference_sampled(model.party_entities, 6, UniformSource(7, n))
    assert np.array_equal(draws.party, parties)
    conditions = _reference_sampled(model.condition_entities, 2, UniformSource(7, n))
    assert np.array_equal(draws.condition, conditions)
    types = _reference_sampled(model.type_entities, 3, UniformSource(7, n))
    assert np.array_equal(draws.mtype, types)


def test_vectorised_sampling_equals_one_entity_at_a_time() -> None:
    _check_sampling(example_draft(), 300)


@ENGINE
@given(snapshots())
def test_vectorised_sampling_equals_one_entity_at_a_time_on_random_drafts(
    snapshot: Snapshot,
) -> None:
    _check_sampling(snapshot, 50)


def test_cached_streams_are_the_same_in_every_block() -> None:
    source = UniformSource(3, 40)
    first = source.block(["a", "b"], 4)
    assert np.array_equal(source.block(["b", "c", "a"], 4)[2], first[0])
    assert np.array_equal(UniformSource(3, 40).uniforms("c", 4), source.uniforms("c", 4))


@ENGINE
@given(snapshots())
def test_levers_in_place_equal_levers_on_copies(snapshot: Snapshot) -> None:
    model = compile_snapshot(snapshot, DEFAULT_PARAMETERS)
    rng = np.random.default_rng(0)
    base = [rng.uniform(size=(5, len(model.lines))) for _ in range(4)]
    kept = [b.copy() for b in base]
    copies = apply_levers(model.levers, *base)
    assert all(np.array_equal(b, k) for b, k in zip(base, kept, strict=True))
    in_place = apply_levers(model.levers, *[b.copy() for b in base], in_place=True)
    no_plan = apply_levers(dataclasses.replace(model.levers, plan=()), *base)
    for a, b, c in zip(copies, in_place, no_plan, strict=True):
        assert np.array_equal(a, b) and np.array_equal(a, c)
    assert isinstance(model.levers, LeverArrays)


def test_fast_rows_equal_the_dataclass_constructors() -> None:
    row = contribution("line", "l1", "Aid for Brazil", 0.25)
    assert row == Contribution("line", "l1", "Aid for Brazil", 0.25)
    assert hash(row) == hash(Contribution("line", "l1", "Aid for Brazil", 0.25))
    assert set(vars(row)) == {f.name for f in dataclasses.fields(Contribution)}
    result = score(example_draft())
    names = {f.name for f in dataclasses.fields(LineResult)}
    for line in result.lines:
        assert set(vars(line)) == names
        assert line == LineResult(**{name: getattr(line, name) for name in names})
    for rows in result.contributions.values():
        for c in rows:
            assert c == Contribution(c.kind, c.key, c.label, c.amount)


def _check_blocks(snapshot: Snapshot, n: int) -> None:
    """Block-by-block Monte Carlo gives each sample the numbers of one pass over all."""
    model = compile_snapshot(snapshot, DEFAULT_PARAMETERS)
    draws = sample_draws(model, UniformSource(5, n))
    whole = evaluate(model, draws)
    blocks = evaluate_samples(model, draws)
    assert blocks.draws is draws
    assert set(blocks.scores) == set(whole.scores)
    for name, values in blocks.scores.items():
        np.testing.assert_allclose(values, whole.scores[name], rtol=1e-12, atol=1e-12)
    for f in dataclasses.fields(MonteCarloSamples)[2:]:
        got, want = getattr(blocks, f.name), getattr(whole, f.name)
        assert got.shape == want.shape, f.name
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, err_msg=f.name)
    assert np.array_equal(blocks.signs_j, whole.signs_j)


def test_sample_blocks_cover_every_sample_once() -> None:
    for n, lines in ((1, 50), (10_000, 50), (10_001, 50), (2_000, 3), (999, 400)):
        chunks = sample_chunks(n, lines)
        assert chunks[0][0] == 0 and chunks[-1][1] == n
        assert all(a[1] == b[0] for a, b in itertools.pairwise(chunks))
        sizes = [stop - start for start, stop in chunks]
        assert max(sizes) - min(sizes) <= 1
    assert len(sample_chunks(10_000, 50)) > 1


def test_monte_carlo_blocks_equal_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    _check_blocks(example_draft(), 3_001)
    monkeypatch.setattr(core, "_MIN_CHUNK", 7)
    monkeypatch.setattr(core, "_CHUNK_CELLS", 100)
    _check_blocks(example_draft(), 301)


@ENGINE
@given(snapshots())
def test_monte_carlo_blocks_equal_one_pass_on_random_drafts(snapshot: Snapshot) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(core, "_MIN_CHUNK", 5)
        mp.setattr(core, "_CHUNK_CELLS", 60)
        _check_blocks(snapshot, 83)


def _pairwise_smaa(
    values: NDArray[np.float64], weights: NDArray[np.float64]
) -> tuple[NDArray[np.float64], ...]:
    """``smaa_core`` with every sample on the pairwise (tie-sharing) path."""
    n, n_alt = weights.shape[0], values.shape[-2]
    util = np.einsum("nac,nc->na", values, weights) if values.ndim == 3 else weights @ values.T
    scale = 1e-12 * (1.0 + np.abs(util).max(axis=-1, keepdims=True))
    ranks, wins = np.zeros((n_alt, n_alt)), np.zeros((n_alt, n_alt))
    first = _tied_ranks(util, scale, ranks, wins)
    count = first.sum(axis=0)
    central = np.where(
        count[:, None] > 0, (first.T @ weights) / np.maximum(count, 1)[:, None], np.nan
    )
    return ranks / n, central, wins / n


@pytest.mark.parametrize("shape", [(6, 5), (4_000, 6, 5), (2, 3), (3_000, 9, 2)])
def test_smaa_fast_path_equals_the_numpy_reference(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(len(shape) * 10 + shape[-2])
    weights = rng.dirichlet(np.ones(shape[-1]), size=4_000 if len(shape) == 2 else shape[0])
    values = rng.uniform(size=shape)
    ranks, central, odds = smaa_core(values, weights)
    ref_ranks, ref_central, ref_odds = smaa_reference(values, weights)
    assert np.array_equal(ranks, ref_ranks)
    np.testing.assert_allclose(central, ref_central, rtol=1e-12, equal_nan=True)
    off = ~np.eye(shape[-2], dtype=bool)
    assert np.array_equal(odds[off], ref_odds[off])
    assert np.allclose(np.diag(odds), 0.5)  # an alternative ties itself; callers blank it
    pairwise = _pairwise_smaa(values, weights)
    for fast, slow in zip((ranks, central, odds), pairwise, strict=True):
        np.testing.assert_allclose(fast, slow, rtol=1e-12, equal_nan=True)


def test_smaa_ties_share_ranks_on_the_pairwise_path() -> None:
    rng = np.random.default_rng(3)
    weights = rng.dirichlet(np.ones(4), size=3_000)
    values = rng.uniform(size=(3_000, 5, 4))
    values[:, 3] = values[:, 1]  # always tied
    values[:1_000, 4] = values[:1_000, 0]  # tied in a third of the samples
    ranks, central, odds = smaa_core(values, weights)
    for fast, slow in zip((ranks, central, odds), _pairwise_smaa(values, weights), strict=True):
        np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-15, equal_nan=True)
    assert np.allclose(ranks[1], ranks[3]) and odds[1, 3] == 0.5
    assert np.allclose(ranks.sum(axis=0), 1.0) and np.allclose(ranks.sum(axis=1), 1.0)
