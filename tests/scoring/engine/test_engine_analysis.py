"""Raw-number analysis methods: closed forms and a cross-check against scikit-criteria."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import skcriteria as skc  # type: ignore[import-untyped]
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from scoring.engine import EngineValidationError
from scoring.engine.analysis import coalition, dominance, flip_points, smaa
from scoring.engine.coalition import payoffs

from .engine_strategies import ENGINE


@pytest.mark.parametrize("n", range(3, 17))
def test_symmetric_players_form_a_largest_stable_coalition_of_three(n: int) -> None:
    result = coalition([1.0] * n, [2.0] * n)
    assert result.largest_stable_size == 3
    assert result.stable[0].size == 3
    assert all(e.internally_stable and e.externally_stable for e in result.stable)
    # Closed form of the internal margin: -(b^2 / 2c)(m - 1)(m - 3).
    for m in range(1, n + 1):
        entry = [e for e in result.stable if e.size == m]
        if m in (2, 3):
            assert len(entry) == math.comb(n, m)
            expected = -(1.0 / 4.0) * (m - 1) * (m - 3)
            assert entry[0].internal_margins == pytest.approx([expected] * m, abs=1e-9)
        else:
            assert not entry


def test_grand_coalition_transfers_are_the_smallest_that_stabilise_it() -> None:
    b, c = [1.0, 1.2, 0.8, 1.5], [1.0, 2.0, 1.5, 3.0]
    grand = coalition(b, c).grand_coalition
    deficit = sum(max(0.0, -m) for m in grand.internal_margins)
    assert grand.transfer_needed == pytest.approx(deficit)
    with_split = coalition(b, c, transfers=list(grand.transfer_split)).grand_coalition
    if grand.self_financing:
        assert sum(grand.transfer_split) == pytest.approx(0.0, abs=1e-9)
        assert with_split.internally_stable


def test_payoffs_follow_barrett_closed_form() -> None:
    b, c = np.array([1.0, 2.0, 0.5]), np.array([1.0, 1.0, 2.0])
    masks = np.array([[True, True, False]])
    pi = payoffs(b, c, masks)[0]
    q = np.array([3.0, 3.0, 0.25])
    total = q.sum()
    assert pi == pytest.approx(b * total - c / 2 * q**2)


def test_two_criteria_smaa_closed_form() -> None:
    result = smaa([[0.8, 0.2], [0.3, 0.6]], ["up", "up"], n_samples=100_000, seed=7)
    # A wins when w1 > 4/9, so with w1 ~ Uniform(0, 1) A is first with probability 5/9.
    sigma = math.sqrt(5 / 9 * 4 / 9 / 100_000)
    assert abs(result.rank_acceptability[0][0] - 5 / 9) < 4 * sigma
    assert result.pairwise_winning_odds[0][1] == pytest.approx(result.rank_acceptability[0][0])
    assert result.pairwise_winning_odds[0][0] is None
    central = result.central_weights[0]
    assert central is not None
    assert central[0] == pytest.approx((1 + 4 / 9) / 2, abs=0.01)


def test_smaa_rows_and_columns_sum_to_one_with_ties() -> None:
    result = smaa([[1, 2], [1, 2], [0, 0]], ["up", "up"], n_samples=500, seed=1)
    ranks = np.array(result.rank_acceptability)
    assert ranks.sum(axis=0) == pytest.approx(np.ones(3))
    assert ranks.sum(axis=1) == pytest.approx(np.ones(3))
    assert ranks[0][:2] == pytest.approx([0.5, 0.5])
    assert result.pairwise_winning_odds[0][1] == pytest.approx(0.5)


def test_smaa_weight_intervals_restrict_weights() -> None:
    result = smaa(
        [[0.8, 0.2], [0.3, 0.6]],
        ["up", "up"],
        weight_intervals=[(0.6, 1.0), (0.0, 0.4)],
        n_samples=2000,
        seed=3,
    )
    assert result.rank_acceptability[0][0] == 1.0
    central = result.central_weights[0]
    assert central is not None
    assert central[0] >= 0.6
    with pytest.raises(EngineValidationError) as err:
        smaa([[1, 2]], ["up", "up"], weight_intervals=[(0.7, 1.0), (0.7, 1.0)], seed=1)
    assert err.value.field == "weight_intervals"


def test_smaa_weights_are_uniform_on_the_simplex() -> None:
    # Dirichlet(1, 1, 1): each weight has mean 1/3 and variance 1/18.
    from scoring.engine.analysis import sample_weights
    from scoring.engine.params import DEFAULT_PARAMETERS

    w = sample_weights(np.random.default_rng(0), 200_000, 3, None, DEFAULT_PARAMETERS)
    assert w.sum(axis=1) == pytest.approx(np.ones(200_000))
    assert w.mean(axis=0) == pytest.approx([1 / 3] * 3, abs=0.005)
    assert w.var(axis=0) == pytest.approx([1 / 18] * 3, abs=0.002)


@ENGINE
@given(
    st.integers(2, 6).flatmap(
        lambda a: st.integers(1, 4).flatmap(
            lambda c: st.tuples(
                arrays(np.float64, (a, c), elements=st.sampled_from([0.0, 0.25, 0.5, 1.0])),
                st.lists(st.sampled_from(["up", "down"]), min_size=c, max_size=c),
            )
        )
    )
)
def test_dominance_matches_scikit_criteria(case: tuple[np.ndarray, list[str]]) -> None:
    matrix, directions = case
    objectives = [max if d == "up" else min for d in directions]
    dm = skc.mkdm(matrix, objectives)
    expected = dm.dominance.dominance(strict=False).to_numpy()
    result = dominance(matrix, directions)
    assert np.array_equal(np.array(result.dominates), expected)
    assert list(result.dominated) == list(dm.dominance.dominated(strict=False).to_numpy())


def test_flip_point_closed_form() -> None:
    flips = flip_points([[0.8, 0.2], [0.3, 0.6]], ["up", "up"], [0.5, 0.5])
    assert flips.top == 0
    assert flips.runner_up == 1
    assert flips.criteria[0].flip_weight == pytest.approx(4 / 9)
    assert flips.criteria[1].flip_weight == pytest.approx(5 / 9)
    assert flips.criteria[0].keep_top == pytest.approx((4 / 9, 1.0))
    assert flips.smallest is not None
    assert abs(flips.smallest.change or 0) == pytest.approx(1 / 18)


@ENGINE
@given(arrays(np.float64, (4, 3), elements=st.floats(0, 1)), st.integers(0, 2))
def test_keep_top_interval_is_exact(matrix: np.ndarray, k: int) -> None:
    w = np.array([0.3, 0.3, 0.4])
    flips = flip_points(matrix, ["up"] * 3, w)
    lo, hi = flips.criteria[k].keep_top
    assert lo <= w[k] + 1e-12
    assert hi >= w[k] - 1e-12
    for target in np.linspace(0, 1, 21):
        others = np.delete(np.arange(3), k)
        scale = (1 - target) / w[others].sum()
        moved = w.copy()
        moved[others] *= scale
        moved[k] = target
        util = matrix @ moved
        inside = lo + 1e-9 < target < hi - 1e-9
        outside = target < lo - 1e-9 or target > hi + 1e-9
        if inside:
            assert util[flips.top] >= util.max() - 1e-9
        if outside:
            assert util[flips.top] < util.max() + 1e-9


def test_analysis_input_errors_name_the_field() -> None:
    with pytest.raises(EngineValidationError) as err:
        smaa([[1, float("nan")]], ["up", "sideways"], seed=1, n_samples=-5)
    fields = [f for f, _ in err.value.errors]
    assert fields == ["matrix[0][1]", "directions[1]", "n_samples"]
    with pytest.raises(EngineValidationError) as err:
        coalition([1.0] * 17, [1.0] * 17)
    assert err.value.field == "benefits"
    with pytest.raises(EngineValidationError) as err:
        coalition([1.0, 1.0], [1.0, 0.0])
    assert err.value.field == "costs[1]"


def _payoff(b: list[float], c: list[float], members: set[int], i: int) -> float:
    total_b = sum(b[k] for k in members)
    q = [total_b / c[k] if k in members else b[k] / c[k] for k in range(len(b))]
    return b[i] * sum(q) - c[i] / 2 * q[i] ** 2


@ENGINE
@given(
    st.integers(2, 5).flatmap(
        lambda n: st.tuples(
            st.lists(st.floats(0.1, 2.0), min_size=n, max_size=n),
            st.lists(st.floats(0.5, 3.0), min_size=n, max_size=n),
        )
    )
)
def test_enumeration_matches_brute_force(players: tuple[list[float], list[float]]) -> None:
    b, c = players
    n = len(b)
    expected = set()
    for size in range(1, n + 1):
        for combo in itertools.combinations(range(n), size):
            s = set(combo)
            internal = all(_payoff(b, c, s, i) >= _payoff(b, c, s - {i}, i) - 1e-9 for i in s)
            external = all(
                _payoff(b, c, s | {j}, j) <= _payoff(b, c, s, j) + 1e-9
                for j in range(n)
                if j not in s
            )
            if internal and external:
                expected.add(combo)
    result = coalition(b, c)
    assert {e.members for e in result.stable} == expected
