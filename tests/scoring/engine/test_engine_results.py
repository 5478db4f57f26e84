"""Result layout, Monte Carlo consistency, common random numbers, warnings, coalition."""

from __future__ import annotations

import dataclasses
import json

import pytest

from scoring.engine import (
    DEFAULT_PARAMETERS,
    SCORE_NAMES,
    AccessMode,
    BenefitItem,
    Cluster,
    Condition,
    Covers,
    Levers,
    Line,
    Mechanism,
    MechanismType,
    Phase,
    Purpose,
    Snapshot,
    compare,
    score,
    simulate,
    trajectory,
)
from scoring.engine.analysis import coalition, dominance, flip_points, smaa

from .engine_strategies import example_draft

EXPECTED_SCORES = [
    "credibility", "doubt_discount", "demand", "trust_prior", "supply_provider",
    "supply_recipients", "credibility_gap", "assurance", "power_sharing", "power_max",
    "power_bundle_max", "risk_proliferation", "risk_instability", "risk_perverse",
    "risk_signalling", "risk_framing", "risk_overall", "viability", "provider_cost",
    "provider_cost_signers", "provider_value", "provider_surplus", "leverage",
    "min_net_incentive",
]  # fmt: skip


def _json(data: object) -> object:
    return json.loads(json.dumps(data, allow_nan=False))


def test_score_result_layout_is_plain_json() -> None:
    snap = example_draft()
    heavy = Condition("heavy", "safety-regulation", "BRA", 1.0, 0.5)
    result = simulate(
        dataclasses.replace(snap, conditions=(*snap.conditions, heavy)), n_samples=200, seed=11
    )
    data = result.to_dict()
    assert _json(data) == data
    assert list(data) == [
        "parameter_version", "seed", "n_samples", "label", "label_shares", "scores",
        "contributions", "credibility_explanation", "lines", "recipients", "warnings",
        "trajectory", "coalition", "mechanism_effects", "worst_phases",
    ]  # fmt: skip
    assert data["parameter_version"] == DEFAULT_PARAMETERS.version
    assert data["seed"] == 11
    assert data["n_samples"] == 200
    assert list(data["scores"]) == EXPECTED_SCORES == list(SCORE_NAMES)
    assert set(data["scores"]["credibility"]) == {"value", "mean", "p5", "p50", "p95"}
    assert set(data["contributions"]["demand"][0]) == {"kind", "key", "label", "amount"}
    assert set(data["warnings"][0]) >= {"code", "message", "subject_kind", "subject_key"}
    assert sum(data["label_shares"].values()) == pytest.approx(1.0)
    assert data["coalition"]["members"] == ["BRA", "JPN"]
    assert len(data["trajectory"]) == 2


def test_other_results_are_plain_json() -> None:
    snap = example_draft()
    for data in (
        score(snap).to_dict(),
        compare(
            [snap, dataclasses.replace(snap, label="B", dsa=0.9)], n_samples=100, seed=2
        ).to_dict(),
        smaa([[1, 2], [2, 1]], ["up", "down"], seed=1, n_samples=100).to_dict(),
        dominance([[1, 2], [2, 1]], ["up", "down"]).to_dict(),
        flip_points([[1, 2], [2, 1]], ["up", "up"], [0.5, 0.5]).to_dict(),
        coalition([1, 2, 3], [1, 1, 1]).to_dict(),
        trajectory(snap)[0].to_dict(),
    ):
        assert _json(data) == data


def test_null_scores_are_none_not_nan() -> None:
    snap = dataclasses.replace(example_draft(), conditions=())
    data = simulate(snap, n_samples=50, seed=1).to_dict()
    assert data["scores"]["assurance"] == {
        "value": None,
        "mean": None,
        "p5": None,
        "p50": None,
        "p95": None,
    }


def _certain(snap: Snapshot) -> Snapshot:
    zero_item = dict.fromkeys("ptrdqcva", 0.0)
    return dataclasses.replace(
        snap,
        items=tuple(dataclasses.replace(it, uncertainty=zero_item) for it in snap.items),
        parties=tuple(
            dataclasses.replace(
                p,
                uncertainty=dict.fromkeys(
                    ("trust", "capability", "security", "need", "threat", "outside_option"), 0.0
                ),
            )
            for p in snap.parties
        ),
        conditions=tuple(
            dataclasses.replace(c, uncertainty={"burden": 0.0, "verifiability": 0.0}, phase=None)
            for c in snap.conditions
        ),
        mechanisms=tuple(dataclasses.replace(m, uncertainty=0.0) for m in snap.mechanisms),
        mechanism_types=tuple(
            dataclasses.replace(t, uncertainty={"effectiveness": 0.0, "erosion": 0.0})
            for t in snap.mechanism_types
        ),
        dsa_uncertainty=0.0,
        omega_uncertainty=0.0,
        # The derived phased mechanism always carries the default half-width.
        phases=(),
        lines=tuple(dataclasses.replace(ln, phase=None) for ln in snap.lines),
    )


def test_without_uncertainty_every_sample_equals_the_point_value() -> None:
    params = dataclasses.replace(DEFAULT_PARAMETERS, default_half_width=0.0)
    result = simulate(example_draft(), n_samples=20, seed=5, params=params)
    also = simulate(_certain(example_draft()), n_samples=20, seed=5)
    for res in (result, also):
        for name, s in res.scores.items():
            if s.value is None:
                continue
            assert s.mean == pytest.approx(s.value, abs=1e-12), name
            assert s.p5 == pytest.approx(s.value, abs=1e-12)
            assert s.p95 == pytest.approx(s.value, abs=1e-12)


def test_summaries_are_ordered_and_reproducible() -> None:
    a = simulate(example_draft(), n_samples=500, seed=3)
    b = simulate(example_draft(), n_samples=500, seed=4)
    assert a.to_dict() != b.to_dict()
    for s in a.scores.values():
        if s.mean is not None:
            assert s.p5 <= s.p50 <= s.p95  # type: ignore[operator]


def test_common_random_numbers_across_drafts() -> None:
    a = example_draft("A")
    same = dataclasses.replace(a, label="A again")
    stronger = dataclasses.replace(
        a, label="A + escrow", mechanisms=(*a.mechanisms, Mechanism("esc", "escrow", 0.5))
    )
    result = compare([a, same, stronger], n_samples=400, seed=9)
    alone = simulate(a, n_samples=400, seed=9)
    assert result.drafts[0].scores == alone.scores
    assert result.drafts[1].scores == alone.scores
    for crit, matrix in result.win_probabilities.items():
        assert matrix[0][1] == pytest.approx(0.5), crit
    # With the same draws, more supply can never lose on credibility in any sample.
    assert (result.win_probabilities["credibility"][0][2] or 0.0) <= 0.5
    assert result.overall_winning_odds[0][1] == pytest.approx(0.5)


def test_parties_are_matched_by_key_across_drafts() -> None:
    a = example_draft("A")
    renamed = dataclasses.replace(
        a, label="B", parties=tuple(dataclasses.replace(p, name=p.name.upper()) for p in a.parties)
    )
    result = compare([a, renamed], n_samples=300, seed=1)
    assert result.drafts[0].scores == result.drafts[1].scores


def test_comparison_ranks_and_flags_dominated_draft() -> None:
    a = example_draft("A")
    worse = dataclasses.replace(a, label="Worse", dsa=1.0)
    result = compare([a, worse], n_samples=500, seed=2)
    assert result.drafts[1].dominated_by == ("A",)
    assert "dominated_draft" in [w.code for w in result.warnings]
    assert result.top == "A"
    assert result.ranking == ("A", "Worse")
    assert result.drafts[0].rank_acceptability[0] >= 0.5
    assert sum(result.drafts[0].rank_acceptability) == pytest.approx(1.0)
    pair = result.pairs[0]
    assert pair.criteria["credibility"] > 0  # type: ignore[operator]
    assert pair.drivers["supply_provider"][0].kind == "mechanism"
    flips = {f.criterion: f for f in result.flip_points}
    assert set(flips) == {
        "credibility",
        "risk_overall",
        "power_sharing",
        "min_net_incentive",
        "leverage",
        "viability",
    }
    for f in flips.values():
        assert f.keep_top[0] <= f.weight <= f.keep_top[1]


def test_power_direction_flips_the_power_criterion() -> None:
    a = example_draft("A")
    more_power = dataclasses.replace(
        a,
        label="B",
        lines=tuple(
            dataclasses.replace(ln, levers=Levers(access_mode=AccessMode.WEIGHTS))
            if ln.item == "model-access"
            else ln
            for ln in a.lines
        ),
    )
    down = compare([a, more_power], n_samples=200, seed=1)
    up = compare([a, more_power], n_samples=200, seed=1, power_direction="up")
    assert down.win_probabilities["power_sharing"][0][1] == 1.0
    assert up.win_probabilities["power_sharing"][0][1] == 0.0


def test_no_net_incentive_warning_names_the_state() -> None:
    snap = example_draft()
    heavy = dataclasses.replace(
        snap,
        conditions=(*snap.conditions, Condition("heavy", "safety-regulation", "BRA", 1.0, 0.5)),
    )
    result = score(heavy)
    [warning] = [w for w in result.warnings if w.code == "no_net_incentive"]
    assert warning.message.startswith("Neutral state Brazil has no net incentive to sign:")
    assert (warning.subject_kind, warning.subject_key) == ("party", "BRA")


def test_hidden_power_sharing_line_is_flagged() -> None:
    snap = example_draft()
    cash = BenefitItem(
        "cash", Cluster.FINANCIAL_RESOURCE, p=0.05, t=0.9, r=0.9, d=0, q=0, c=0.5, v=0.9, a=0.1
    )
    seat = BenefitItem(
        "veto", Cluster.SEATS_AT_TABLE, p=0.62, t=0.9, r=0.9, d=0, q=0, c=0.1, v=0.1, a=0.1
    )
    snap = dataclasses.replace(
        snap,
        items=(cash, seat),
        lines=(
            Line("cash", "cash", "BRA", 1.0),
            Line("veto", "veto", "JPN", 0.2),
            Line("cash-jpn", "cash", "JPN", 1.0),
        ),
    )
    result = score(snap)
    assert result.label == "benefit_sharing"
    [warning] = [w for w in result.warnings if w.code == "hidden_power_sharing"]
    assert warning.subject_key == "veto"


def test_coalition_member_that_would_leave_gets_a_transfer() -> None:
    snap = example_draft()
    heavy = dataclasses.replace(
        snap,
        conditions=(*snap.conditions, Condition("heavy", "safety-regulation", "BRA", 1.0, 0.5)),
    )
    result = simulate(heavy, n_samples=300, seed=1)
    assert result.coalition is not None
    bra = next(m for m in result.coalition.margins if m.key == "BRA")
    assert not bra.stays
    # One rule: the transfer makes both N_j and M_j non-negative (M_j >= N_j under 10a).
    assert bra.transfer_needed == pytest.approx(-min(bra.margin, bra.net_incentive))
    assert bra.margin >= bra.net_incentive
    assert not result.coalition.stable
    assert result.coalition.total_transfer_needed == pytest.approx(bra.transfer_needed)
    split = result.coalition.transfer_split
    assert split["BRA"] == pytest.approx(bra.transfer_needed)
    assert (
        -split["JPN"] <= next(m.margin for m in result.coalition.margins if m.key == "JPN") + 1e-12
    )
    codes = [w.code for w in result.warnings]
    assert "coalition_member_leaves" in codes
    assert result.coalition.free_riders[0].key == "CHN"


def test_pivotal_members_lose_everyones_restraint() -> None:
    snap = dataclasses.replace(example_draft(), min_participation=2)
    result = simulate(snap, n_samples=100, seed=1)
    assert result.coalition is not None
    assert all(m.pivotal and m.payoff_out == 0.0 for m in result.coalition.margins)


def test_a_coalition_below_its_threshold_is_not_in_force_and_not_stable() -> None:
    snap = dataclasses.replace(example_draft(), min_participation=3)
    result = simulate(snap, n_samples=200, seed=1)
    assert result.coalition is not None
    assert all(m.margin > 0 for m in result.coalition.margins)  # members would stay...
    assert not result.coalition.in_force  # ...in a deal that never starts
    assert not result.coalition.stable
    assert result.coalition.stability_likelihood == 0.0
    assert "coalition_below_threshold" in {w.code for w in result.warnings}


def _in_one_phase(snap: Snapshot) -> Snapshot:
    return dataclasses.replace(
        snap,
        lines=tuple(dataclasses.replace(ln, phase="p1") for ln in snap.lines),
        conditions=tuple(dataclasses.replace(c, phase="p1") for c in snap.conditions),
    )


def _staged(snap: Snapshot) -> Snapshot:
    """Brazil's reversible safety regulation moved after its first benefit."""
    return dataclasses.replace(
        snap,
        conditions=tuple(
            dataclasses.replace(c, phase="p2") if c.key == "reg-bra" else c for c in snap.conditions
        ),
    )


def test_staged_reciprocity_needs_a_reversible_condition_after_a_benefit() -> None:
    spread = _staged(example_draft())
    squeezed = _in_one_phase(spread)
    no_phases = dataclasses.replace(
        squeezed,
        phases=(),
        lines=tuple(dataclasses.replace(ln, phase=None) for ln in squeezed.lines),
        conditions=tuple(dataclasses.replace(c, phase=None) for c in squeezed.conditions),
    )

    def mechanisms(snap: Snapshot) -> set[str]:
        return {c.key for c in score(snap).contributions["supply_provider"]}

    assert "staged_reciprocity:BRA" in mechanisms(spread)
    assert "staged_reciprocity:JPN" not in mechanisms(spread)  # irreversible: no credit
    assert not any(k.startswith("staged") for k in mechanisms(squeezed))
    assert score(squeezed).scores == score(no_phases).scores
    bra = next(r for r in score(spread).recipients if r.key == "BRA")
    # Strength = the staged share of Brazil's effective burden (all of it here).
    prm = DEFAULT_PARAMETERS
    assert bra.staged_reciprocity == pytest.approx(
        prm.staged_effectiveness * 1.0 * (1 - prm.staged_erosion * 0.3)
    )


def test_the_catalog_phased_row_is_ignored_in_favour_of_the_parameters() -> None:
    snap = _staged(example_draft())
    weak = MechanismType(DEFAULT_PARAMETERS.phased_slug, 0.05, 0.9, name="Phased")
    strong = MechanismType(DEFAULT_PARAMETERS.phased_slug, 0.95, 0.0, name="Phased")
    base = score(snap).scores
    for row in (weak, strong):
        other = score(dataclasses.replace(snap, mechanism_types=(*snap.mechanism_types, row)))
        assert other.scores == base


def test_erosion_is_reported_for_every_mechanism_it_weakens() -> None:
    snap = dataclasses.replace(
        example_draft(),
        dsa=1.0,
        mechanisms=(Mechanism("iaea", "verification_body", 1.0, Covers.RECIPIENTS),),
    )
    result = score(snap)
    eroded = {w.subject_key for w in result.warnings if w.code == "mechanism_eroded"}
    assert "iaea" in eroded
    stronger = score(dataclasses.replace(snap, dsa=0.0)).scores["supply_recipients"]
    assert result.scores["supply_recipients"] < stronger


def test_trajectory_is_cumulative_and_ends_at_the_full_draft() -> None:
    snap = example_draft()
    steps = trajectory(snap)
    assert [s.phase_key for s in steps] == ["p1", "p2"]
    full = score(snap).scores
    assert steps[-1].scores.keys() == full.keys()
    for name, value in full.items():
        assert steps[-1].scores[name] == pytest.approx(value, abs=1e-12), name
    assert steps[0].scores["provider_cost"] < steps[1].scores["provider_cost"]  # type: ignore[operator]
    assert {e.key for e in steps[0].exposures} == {"USA", "BRA", "JPN"}
    single = dataclasses.replace(
        snap,
        phases=(),
        lines=tuple(dataclasses.replace(ln, phase=None) for ln in snap.lines),
        conditions=tuple(dataclasses.replace(c, phase=None) for c in snap.conditions),
    )
    assert len(trajectory(single)) == 1


def test_leave_one_out_matches_scoring_without_the_mechanism() -> None:
    snap = _staged(example_draft())
    result = score(snap)
    effects = {m.key: m for m in result.mechanism_effects}
    assert set(effects) == {"treaty", "iaea", "staged_reciprocity"}
    for k, mech in enumerate(snap.mechanisms):
        without = dataclasses.replace(
            snap, mechanisms=tuple(m for i, m in enumerate(snap.mechanisms) if i != k)
        )
        cred = score(without).scores["credibility"]
        assert effects[mech.key].credibility_without == pytest.approx(cred, abs=1e-9)
        assert effects[mech.key].credibility_drop == pytest.approx(
            result.scores["credibility"] - cred, abs=1e-9
        )
    assert effects["staged_reciprocity"].credibility_drop > 0
    assert effects["iaea"].credibility_drop == pytest.approx(0.0)  # covers recipients only


def test_sign_probabilities_and_viability_come_from_the_same_samples() -> None:
    snap = dataclasses.replace(example_draft(), purpose=Purpose.WELFARE)
    snap = dataclasses.replace(
        snap,
        parties=tuple(
            dataclasses.replace(p, outside_option=0.2, uncertainty={"outside_option": 0.3})
            if p.key == "JPN"
            else p
            for p in snap.parties
        ),
    )
    result = simulate(snap, n_samples=400, seed=3)
    probs = {r.key: r.sign_probability for r in result.recipients}
    viability = result.scores["viability"].mean
    assert viability is not None
    assert 0.0 < probs["JPN"] < 1.0  # type: ignore[operator]
    assert viability <= min(p for p in probs.values() if p is not None) + 1e-12
    assert viability > 0


def test_mechanisms_enter_into_force_by_phase_and_exposure_months() -> None:
    snap = example_draft()
    late = dataclasses.replace(
        snap,
        mechanisms=tuple(dataclasses.replace(m, phase="p2") for m in snap.mechanisms),
        phases=(Phase("p1", 1, duration_months=6.0), Phase("p2", 2, False, 12.0)),
    )
    early = dataclasses.replace(late, mechanisms=snap.mechanisms)
    assert score(late).scores["credibility"] < score(early).scores["credibility"]  # type: ignore[operator]
    steps = trajectory(late)
    assert steps[0].scores["supply_provider"] == 0.0
    assert steps[1].scores["supply_provider"] > 0.0  # type: ignore[operator]
    for step, months in zip(steps, (6.0, 12.0), strict=True):
        for ex in step.exposures:
            assert ex.exposure_months == pytest.approx(ex.exposure * months)
    result = simulate(late, n_samples=50, seed=1)
    worst = {w.key: w for w in result.worst_phases}
    assert set(worst) == {"USA", "BRA", "JPN"}
    for key, w in worst.items():
        exposures = [next(e for e in s.exposures if e.key == key).exposure for s in steps]
        assert w.exposure == max(exposures)
        assert w.total_exposure_months == pytest.approx(6.0 * exposures[0] + 12.0 * exposures[1])


def test_largest_stable_subset_exact_and_greedy_agree() -> None:
    snap = example_draft()
    heavy = dataclasses.replace(
        snap,
        conditions=(*snap.conditions, Condition("heavy", "safety-regulation", "BRA", 1.0, 0.5)),
    )
    exact = simulate(heavy, n_samples=50, seed=1).coalition
    greedy_params = dataclasses.replace(DEFAULT_PARAMETERS, max_exact_subset=0)
    greedy = simulate(heavy, n_samples=50, seed=1, params=greedy_params).coalition
    assert exact is not None and greedy is not None
    a, b = exact.largest_stable_subset, greedy.largest_stable_subset
    assert a is not None and b is not None
    assert (a.method, b.method) == ("exact", "greedy")
    assert a.members == b.members == ("JPN",)
    bra = next(m for m in exact.margins if m.key == "BRA")
    assert a.transfers_to_keep["BRA"] == pytest.approx(-min(bra.net_incentive, bra.margin))


def test_comparison_has_viability_confidence_factors_and_mechanisms() -> None:
    a = example_draft("A")
    b = dataclasses.replace(
        a, label="B", mechanisms=(*a.mechanisms, Mechanism("esc", "escrow", 0.5))
    )
    result = compare([a, b], n_samples=300, seed=2)
    assert "viability" in result.criteria
    for d in result.drafts:
        if d.central_weights is not None:
            assert d.confidence_factor is not None
            assert 0.0 <= d.confidence_factor <= 1.0
    keys = {m.key: m for m in result.pairs[0].mechanisms}
    assert keys["esc"].a is None
    assert keys["esc"].b is not None and keys["esc"].b > 0


def test_no_incentive_warning_speaks_of_doubt_only_when_there_is_doubt() -> None:
    snap = dataclasses.replace(example_draft(), purpose=Purpose.WELFARE)
    # Japan believes the provider almost fully, but its outside option beats the deal.
    snap = dataclasses.replace(
        snap,
        dsa=0.0,
        parties=tuple(
            dataclasses.replace(p, trust=1.0, outside_option=2.0) if p.key == "JPN" else p
            for p in snap.parties
        ),
    )
    result = score(snap)
    jpn = next(r for r in result.recipients if r.key == "JPN")
    assert not jpn.would_sign and jpn.credibility > 95
    [warning] = [
        w for w in result.warnings if w.code == "no_net_incentive" and w.subject_key == "JPN"
    ]
    assert "doubt" not in warning.message
    assert "outside option is worth 2.00" in warning.message
    assert f"{jpn.net_incentive:+.2f}" in warning.message
    # Brazil at low trust: the doubt it writes off is named with its credibility.
    snap = dataclasses.replace(
        snap,
        parties=tuple(
            dataclasses.replace(p, trust=0.0, outside_option=1.0) if p.key == "BRA" else p
            for p in snap.parties
        ),
    )
    result = score(snap)
    bra = next(r for r in result.recipients if r.key == "BRA")
    [warning] = [
        w for w in result.warnings if w.code == "no_net_incentive" and w.subject_key == "BRA"
    ]
    assert "for doubt" in warning.message
    assert f"credibility {bra.credibility:.0f}" in warning.message
