"""Sweeps, the dsa ranking, variance attribution and named scenarios (section 16)."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from scoring.engine import EngineValidationError, Party, Role, compare, score, simulate
from scoring.engine.attribution import (
    attribute_variance,
    average_ranks,
    simulate_with_attribution,
)
from scoring.engine.core import evaluate
from scoring.engine.model import compile_snapshot
from scoring.engine.params import DEFAULT_PARAMETERS
from scoring.engine.sampling import UniformSource, sample_draws
from scoring.engine.scenarios import Scenario, apply_scenario, scenario_compare
from scoring.engine.sensitivity import HEADLINE_SCORES, dsa_ranking, leader_sentence, sweep
from scoring.engine.types import Snapshot

from .engine_strategies import example_draft

N = 300


def _drafts() -> list[Snapshot]:
    base = example_draft("A")
    weaker = dataclasses.replace(
        base,
        label="B",
        mechanisms=tuple(dataclasses.replace(m, strength=0.2) for m in base.mechanisms),
    )
    richer = dataclasses.replace(
        base,
        label="C",
        lines=tuple(dataclasses.replace(ln, magnitude=1.0) for ln in base.lines),
    )
    return [base, weaker, richer]


# --- Sweeps -------------------------------------------------------------------------------


def test_dsa_sweep_reports_every_headline_score_at_every_point():
    result = sweep(example_draft(), axis="dsa", points=6, n_samples=N, seed=3)
    assert result.xs == (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    assert set(result.scores) == set(HEADLINE_SCORES)
    for points in result.scores.values():
        assert [p.x for p in points] == list(result.xs)
    for p in result.scores["credibility"]:
        assert p.p5 <= p.p50 <= p.p95
    assert result.current == pytest.approx(0.3)


def test_sweep_at_the_drafts_own_value_agrees_with_scoring_it():
    snapshot = dataclasses.replace(example_draft(), dsa=0.4, dsa_uncertainty=0.0)
    result = sweep(snapshot, axis="dsa", points=6, n_samples=N, seed=3)
    at = next(p for p in result.scores["credibility"] if p.x == pytest.approx(0.4))
    assert at.value == pytest.approx(score(snapshot).scores["credibility"])
    # Common random numbers: fixing dsa at its own value reproduces the Monte Carlo run.
    mc = simulate(snapshot, n_samples=N, seed=3).scores["credibility"]
    assert at.mean == pytest.approx(mc.mean)
    assert at.p5 == pytest.approx(mc.p5)


def test_credibility_rises_with_a_recipients_trust():
    result = sweep(example_draft(), axis="trust", party="BRA", points=5, n_samples=N, seed=1)
    values = [p.value for p in result.scores["credibility"]]
    assert all(b > a for a, b in itertools.pairwise(values)), values
    assert result.party_name == "Brazil"


def test_omega_sweep_moves_only_what_omega_touches():
    result = sweep(example_draft(), axis="omega", points=3, n_samples=N, seed=1)
    credibility = {p.value for p in result.scores["credibility"]}
    assert len(credibility) == 1  # omega is the safety value of restraint, not belief


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"axis": "trust_me"}, "axis"),
        ({"axis": "trust"}, "party"),
        ({"axis": "trust", "party": "CHN"}, "party"),  # excluded, not a recipient
        ({"axis": "trust", "party": "XYZ"}, "party"),
        ({"axis": "dsa", "party": "BRA"}, "party"),
        ({"axis": "dsa", "points": 1}, "points"),
        ({"axis": "dsa", "points": 500}, "points"),
    ],
)
def test_bad_sweep_settings_are_refused_by_name(kwargs, field):
    with pytest.raises(EngineValidationError) as info:
        sweep(example_draft(), n_samples=N, seed=1, **kwargs)
    assert info.value.field == field


# --- Ranking along dsa ----------------------------------------------------------------------


def test_ranking_at_each_dsa_is_what_compare_gives_at_that_dsa():
    drafts = _drafts()
    weights = {"credibility": 3.0, "risk_overall": 1.0, "viability": 1.0}
    result = dsa_ranking(drafts, points=3, n_samples=N, seed=5, weights=weights)
    for point in result.points:
        fixed = [dataclasses.replace(s, dsa=point.x, dsa_uncertainty=0.0) for s in drafts]
        expected = compare(fixed, n_samples=N, seed=5, weights=weights)
        assert point.ranking == expected.ranking
        for d in expected.drafts:
            assert point.weighted_scores[d.label] == pytest.approx(d.weighted_score)
        assert sum(point.first_share.values()) == pytest.approx(1.0)


def test_leader_spans_cover_the_axis_and_read_as_a_sentence():
    result = dsa_ranking(_drafts(), points=5, n_samples=N, seed=5)
    assert result.leaders[0].start == 0.0 and result.leaders[-1].end == 1.0
    for a, b in itertools.pairwise(result.leaders):
        assert a.end == b.start and a.label != b.label
    assert result.points[0].ranking[0] == result.leaders[0].label
    assert result.points[-1].ranking[0] == result.leaders[-1].label
    assert result.summary.startswith(result.leaders[0].label)


def test_leader_sentence_names_the_crossing():
    from scoring.engine.sensitivity import LeaderSpan

    spans = [LeaderSpan("A", 0.0, 0.55), LeaderSpan("B", 0.55, 1.0)]
    assert leader_sentence(spans) == "A leads until dsa 0.55, then B."


# --- Variance attribution -------------------------------------------------------------------


def _quiet(snapshot: Snapshot, loud: str) -> Snapshot:
    """Every half-width tiny except the trust of party ``loud``."""
    small = 0.01
    items = tuple(
        dataclasses.replace(it, uncertainty=dict.fromkeys("ptrdqcva", small))
        for it in snapshot.items
    )
    attrs = ("trust", "capability", "security", "need", "threat", "outside_option")
    parties = tuple(
        dataclasses.replace(
            p, uncertainty={**dict.fromkeys(attrs, small), "trust": 0.4 if p.key == loud else small}
        )
        for p in snapshot.parties
    )
    return dataclasses.replace(
        snapshot,
        items=items,
        parties=parties,
        conditions=tuple(
            dataclasses.replace(c, uncertainty={"burden": small, "verifiability": small})
            for c in snapshot.conditions
        ),
        mechanisms=tuple(dataclasses.replace(m, uncertainty=small) for m in snapshot.mechanisms),
        mechanism_types=tuple(
            dataclasses.replace(
                t, uncertainty=dict.fromkeys(("effectiveness", "erosion", "cost"), small)
            )
            for t in snapshot.mechanism_types
        ),
        dsa_uncertainty=small,
        omega_uncertainty=small,
    )


def test_a_dominant_input_is_named_first():
    snapshot = _quiet(example_draft(), "JPN")
    _, attribution = simulate_with_attribution(snapshot, n_samples=1000, seed=2)
    first = attribution.scores["credibility"][0]
    assert (first.kind, first.key, first.attribute) == ("party", "JPN", "trust")
    assert first.label == "Japan's trust in United States"
    assert first.rho > 0 and first.share > 0.5
    assert len(attribution.scores["credibility"]) <= 8
    shares = [d.share for d in attribution.scores["credibility"]]
    assert shares == sorted(shares, reverse=True)


def test_another_dominant_input_moves_to_the_top():
    snapshot = _quiet(example_draft(), "BRA")
    _, attribution = simulate_with_attribution(snapshot, n_samples=1000, seed=2)
    assert attribution.scores["credibility"][0].key == "BRA"


def test_attribution_uses_the_runs_own_samples():
    snapshot = example_draft()
    result, attribution = simulate_with_attribution(snapshot, n_samples=N, seed=9)
    assert result.to_dict() == simulate(snapshot, n_samples=N, seed=9).to_dict()
    model = compile_snapshot(snapshot, DEFAULT_PARAMETERS)
    draws = sample_draws(model, UniformSource(9, N))
    again = attribute_variance(model, draws, evaluate(model, draws), seed=9)
    assert again.to_dict() == attribution.to_dict()
    assert attribution.n_samples == N


def test_average_ranks_share_ties():
    x = np.array([[3.0], [1.0], [3.0], [2.0]])
    assert average_ranks(x)[:, 0].tolist() == [2.5, 0.0, 2.5, 1.0]


# --- Named scenarios ------------------------------------------------------------------------


SCENARIOS = [
    Scenario("Calm"),
    Scenario("Race", dsa=0.9, trust_shift={"BRA": -0.3}),
    Scenario("Détente", dsa=0.1, omega=0.6, capability_shift={"JPN": 0.2}),
]


def test_scenario_compare_matches_separate_comparisons_with_the_same_seed():
    drafts = _drafts()
    result = scenario_compare(drafts, SCENARIOS, n_samples=N, seed=11)
    for s, sc in enumerate(SCENARIOS):
        alone = compare([apply_scenario(d, sc) for d in drafts], n_samples=N, seed=11)
        assert result.comparisons[s].to_dict() == alone.to_dict()
        assert result.best[sc.name] == alone.top
        top = max(d.weighted_score for d in alone.drafts)
        for a, d in enumerate(alone.drafts):
            cell = result.cells[a][s]
            assert cell.rank == alone.ranking.index(d.label) + 1
            assert cell.regret == pytest.approx(top - d.weighted_score)
    assert result.robust == min(result.labels, key=lambda lbl: result.max_regret[lbl])
    assert result.max_regret[result.best["Calm"]] >= 0


def test_scenario_shifts_are_added_and_clipped():
    snapshot = apply_scenario(example_draft(), SCENARIOS[1])
    brazil: Party = next(p for p in snapshot.parties if p.key == "BRA")
    assert brazil.trust == pytest.approx(0.1)
    assert snapshot.dsa == 0.9
    far = apply_scenario(example_draft(), Scenario("x", trust_shift={"BRA": -1.0}))
    assert next(p for p in far.parties if p.role == Role.RECIPIENT).trust == 0.0


def test_a_scenario_naming_an_unknown_party_is_refused():
    with pytest.raises(EngineValidationError) as info:
        scenario_compare(
            _drafts(), [Scenario("Odd", trust_shift={"ATL": 0.1})], n_samples=N, seed=1
        )
    assert info.value.field == "scenarios[0].trust_shift.ATL"
