"""Hand-computed checks of the formulas of sections 2 to 6."""

from __future__ import annotations

import math

import pytest

from scoring.engine import (
    AccessMode,
    Alignment,
    BenefitItem,
    Cluster,
    Commitment,
    Condition,
    Covers,
    Disclosure,
    Levers,
    Line,
    Mechanism,
    MechanismType,
    Monitoring,
    OutputControls,
    Party,
    Phase,
    Purpose,
    Role,
    Scope,
    Snapshot,
    Throttling,
    score,
)

CASH = BenefitItem(
    "cash", Cluster.FINANCIAL_RESOURCE, p=0.1, t=0.9, r=0.3, d=0.2, q=0.1, c=0.5, v=0.8, a=0.4
)
MODEL = BenefitItem(
    "model",
    Cluster.FRONTIER_AI,
    p=0.5,
    t=0.6,
    r=0.5,
    d=0.8,
    q=0.2,
    c=0.3,
    v=0.9,
    a=0.9,
    levers_apply=True,
)
TREATY = MechanismType("treaty", 0.5, 0.8)
PARTIES = (
    Party("P", "Provider", Role.PROVIDER),
    Party(
        "A", "Avalon", Role.RECIPIENT, Alignment.NEUTRAL, trust=0.4, capability=0.3, security=0.6
    ),
)


def _single(line: Line, **kw: object) -> Snapshot:
    base: dict[str, object] = {
        "purpose": Purpose.WELFARE,
        "dsa": 0.25,
        "parties": PARTIES,
        "items": (CASH, MODEL),
        "lines": (line,),
        "commitments": (Commitment("pause", 0.5, 0.5, restraint=True, race_framing=0.2),),
        "conditions": (Condition("k", "pause", "A", 0.4, 0.7, reversible=True),),
        "mechanism_types": (TREATY,),
        "mechanisms": (Mechanism("m", "treaty", 0.6, Covers.BOTH),),
    }
    base.update(kw)
    return Snapshot(**base)  # type: ignore[arg-type]


def test_one_line_one_condition_by_hand() -> None:
    result = score(_single(Line("l", "cash", "A", 0.5)))
    s = result.scores
    m, p, t, r, d, q, c, v, a = 0.5, 0.1, 0.9, 0.3, 0.2, 0.1, 0.5, 0.8, 0.4
    value = m * v
    ps = p + (1 - p) * 0.5 * m * v * (1 - r)
    assert s["power_sharing"] == pytest.approx(ps)
    assert s["power_max"] == pytest.approx(ps)
    need = value * (0.5 * (1 - t) + 0.5 * r)
    g = 0.5 + 0.5 * (1 - 0.4)
    sacrifice = 0.4 * (1 - 0.5)
    demand = g * (need + sacrifice) / (value + sacrifice)
    assert s["demand"] == pytest.approx(demand)
    effect = 0.5 * 0.6 * (1 - 0.8 * 0.25)
    assert s["supply_provider"] == pytest.approx(effect)
    assert s["supply_recipients"] == pytest.approx(effect)
    cred = min(1.0, effect / demand)
    assert s["credibility"] == pytest.approx(100 * cred)
    assert s["credibility_gap"] == pytest.approx(max(0.0, demand - effect))
    assert s["assurance"] == pytest.approx(1 - (1 - 0.7) * (1 - effect))
    exposure = 0.5 * (1 - 0.6) + 0.5 * 0.5
    assert s["risk_proliferation"] == pytest.approx(m * d * exposure * (1 - 0.5 * effect))
    # One non-provider party: no selectivity; instability is deterrence only.
    assert s["risk_instability"] == pytest.approx(m * q)
    # All value goes to a restraint recipient; one recipient means psi = 0.
    assert s["risk_perverse"] == pytest.approx(0.3)
    assert s["risk_signalling"] == pytest.approx(1 - math.exp(-0.5 * (value * a + 0.4)))
    assert s["risk_framing"] == pytest.approx(0.4 * 0.2)
    risks = [
        s[k]
        for k in (
            "risk_proliferation",
            "risk_instability",
            "risk_perverse",
            "risk_signalling",
            "risk_framing",
        )
    ]
    assert s["risk_overall"] == pytest.approx(sum(risks) / 5)  # type: ignore[arg-type]
    believed = value - (1 - cred) * need
    assert s["min_net_incentive"] == pytest.approx(believed - 0.4)
    assert s["provider_cost"] == pytest.approx(m * c)
    assert s["leverage"] == pytest.approx(0.4 / (m * c))
    assert result.label == "benefit_sharing"


@pytest.mark.parametrize(
    ("levers", "expected"),
    [
        (Levers(), {"p": 0.5, "d": 0.8, "r": 0.9, "v": 0.9}),
        (Levers(scope=Scope.NARROW), {"p": 0.3, "d": 0.4, "r": 0.9, "v": 0.63}),
        (
            Levers(generation_lag=2),
            {"p": 0.5 * 0.75**2, "d": 0.8 * 0.8**2, "r": 0.9, "v": 0.9 * 0.85**2},
        ),
        (Levers(output_controls=OutputControls.BOTH), {"d": 0.8 * 0.65}),
        (Levers(monitoring=Monitoring.REALTIME), {"d": 0.8 * 0.6}),
        (Levers(access_mode=AccessMode.WEIGHTS), {"p": 0.75, "d": 0.9, "r": 0.0}),
        (Levers(access_mode=AccessMode.COMPUTE_INFERENCE), {"p": 0.4, "r": 0.8}),
        (
            Levers(access_mode=AccessMode.COMPUTE_TRAINING_GOVERNED),
            {"p": 0.55, "d": 0.88, "r": 0.6},
        ),
        (Levers(throttling=Throttling.STRICT), {"p": 0.375, "v": 0.675}),
        (Levers(disclosure=Disclosure.FULL), {"p": 0.575, "d": 1.0}),
        (
            Levers(
                scope=Scope.NARROW, access_mode=AccessMode.WEIGHTS, disclosure=Disclosure.PARTIAL
            ),
            {"p": (0.3 + 0.7 * 0.5) * 1.05, "d": (0.4 + 0.6 * 0.5) * 1.1, "r": 0.0, "v": 0.63},
        ),
    ],
)
def test_lever_table(levers: Levers, expected: dict[str, float]) -> None:
    line = score(_single(Line("l", "model", "A", 1.0, levers=levers))).lines[0]
    for attr, value in expected.items():
        assert getattr(line, attr) == pytest.approx(value), attr


def test_derived_phased_mechanism_uses_reversible_phase_burden() -> None:
    snap = _single(
        Line("l", "cash", "A", 0.5),
        phases=(Phase("one", 1, reversible=True), Phase("two", 2, reversible=False)),
        conditions=(
            Condition("k1", "pause", "A", 0.3, 0.5, phase="one"),
            Condition("k2", "pause", "A", 0.1, 0.5, phase="two"),
        ),
        mechanisms=(),
    )
    result = score(snap)
    share = 0.3 / 0.4
    expected = 0.5 * share * (1 - 0.4 * 0.25)
    assert result.scores["supply_provider"] == pytest.approx(expected)
    [row] = result.contributions["supply_provider"]
    assert row.key == "phased_reversible"


def test_selectivity_is_the_gini_of_value_over_non_provider_parties() -> None:
    parties = (*PARTIES, Party("B", "Brigadoon", Role.EXCLUDED))
    result = score(_single(Line("l", "cash", "A", 0.5), parties=parties))
    # Values (0.4, 0): Gini = 0.5; deterrence 0.05.
    assert result.scores["risk_instability"] == pytest.approx(1 - (1 - 0.05) * (1 - 0.6 * 0.5))


def test_perverse_incentive_uses_capability_value_correlation() -> None:
    parties = (
        Party("P", "Provider", Role.PROVIDER),
        Party("A", "Avalon", Role.RECIPIENT, capability=0.2),
        Party("B", "Brigadoon", Role.RECIPIENT, capability=0.8),
    )
    snap = _single(
        Line("l1", "cash", "A", 0.25),
        parties=parties,
        lines=(Line("l1", "cash", "A", 0.25), Line("l2", "cash", "B", 0.75)),
        conditions=(Condition("k", "pause", "B", 0.4, 0.7),),
    )
    # Correlation of (0.2, 0.8) with (0.2, 0.6) is 1; eta = 0.6 / 0.8.
    assert score(snap).scores["risk_perverse"] == pytest.approx(0.75 * (0.3 + 0.7))
