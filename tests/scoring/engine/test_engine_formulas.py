"""Hand-computed checks of the formulas of sections 2 to 6."""

from __future__ import annotations

import dataclasses
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
    tau, kappa, sigma, nu, h, dsa = 0.4, 0.3, 0.6, 0.5, 0.5, 0.25
    shared = m * v
    value = shared * (0.8 + nu)  # financial multiplier
    bundle = p + (1 - p) * 0.7 * (1 - math.exp(-shared * (1 - r) / 2))
    assert s["power_sharing"] == pytest.approx(bundle)
    assert s["power_bundle_max"] == pytest.approx(bundle)
    assert s["power_max"] == pytest.approx(p)
    burden = 0.4 * (1 - 0.25)  # reversible: rho_rev
    sacrifice = burden * (1 - 0.5)
    effect = 0.5 * 0.6 * (1 - 0.8 * dsa)
    prior = tau * (1 - 0.5 * dsa)
    belief = 1 - (1 - prior) * (1 - effect)
    need = value * (0.5 * (1 - t) + 0.5 * r)
    demand = need + sacrifice
    doubt = need * (1 - belief) + sacrifice * (1 - belief)
    assert s["credibility"] == pytest.approx(100 * (1 - doubt / demand))
    assert s["credibility_gap"] == pytest.approx(doubt / demand)
    assert s["doubt_discount"] == pytest.approx(doubt / (value + sacrifice))
    assert s["demand"] == pytest.approx(demand / (value + sacrifice))
    assert s["trust_prior"] == pytest.approx(prior)
    assert s["supply_provider"] == pytest.approx(effect)
    assert s["supply_recipients"] == pytest.approx(effect)
    assert s["assurance"] == pytest.approx(1 - (1 - 0.7) * (1 - effect))
    exposure = 1 - (1 - h * (0.5 + 0.5 * kappa)) * (1 - 0.6 * (1 - sigma))
    zeta = 0.3 + 0.6 * r
    assert s["risk_proliferation"] == pytest.approx(m * d * exposure * (1 - zeta * effect))
    # One recipient, no bystander: instability is deterrence only.
    assert s["risk_instability"] == pytest.approx(m * q)
    eta = 1.0 * (1 - math.exp(-shared / 2))
    assert s["risk_perverse"] == pytest.approx(eta * (0.3 + 0.7 * kappa))
    assert s["risk_signalling"] == pytest.approx(1 - math.exp(-0.5 * (shared * a + 0.4)))
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
    believed = value - need * (1 - belief)
    assert s["min_net_incentive"] == pytest.approx(believed - burden)
    assert believed - burden > 0
    assert s["viability"] == 1.0
    assert s["provider_cost"] == pytest.approx(m * c)
    assert s["provider_value"] == pytest.approx(burden * 1.0)
    assert s["provider_surplus"] == pytest.approx(burden - m * c)
    assert s["leverage"] == pytest.approx(burden / (m * c))
    rec = result.recipients[0]
    assert rec.believed_value == pytest.approx(believed)
    assert rec.credibility == pytest.approx(100 * (1 - doubt / demand))
    assert rec.would_sign
    assert result.label == "benefit_sharing"


def test_mechanism_cost_phase_and_outside_option_by_hand() -> None:
    costly = MechanismType("escrow", 0.8, 0.5, cost=0.2)
    snap = _single(
        Line("l", "cash", "A", 0.5, "two"),
        phases=(Phase("one", 1), Phase("two", 2)),
        mechanism_types=(TREATY, costly),
        mechanisms=(
            Mechanism("m", "treaty", 0.6, Covers.PROVIDER, phase="two"),
            Mechanism("e", "escrow", 0.5, Covers.PROVIDER, phase="one"),
        ),
        parties=(PARTIES[0], dataclasses.replace(PARTIES[1], outside_option=0.1)),
    )
    s = score(snap).scores
    e1, e2 = 0.5 * 0.6 * (1 - 0.8 * 0.25), 0.8 * 0.5 * (1 - 0.5 * 0.25)
    supply = 1 - (1 - e1) * (1 - e2)  # both in force at phase two
    assert s["supply_provider"] == pytest.approx(supply)
    prior = 0.4 * (1 - 0.5 * 0.25) * (1 - 0.2)  # a later line rests more on words
    belief = 1 - (1 - prior) * (1 - supply)
    value, need = 0.4 * 1.3, 0.4 * 1.3 * 0.2
    assert s["min_net_incentive"] == pytest.approx(value - need * (1 - belief) - 0.3 - 0.1)
    assert s["provider_cost"] == pytest.approx(0.25 + 0.5 * 0.2)
    # Recipient-covering supply: none at all (both cover the provider only).
    assert s["supply_recipients"] == 0.0


@pytest.mark.parametrize("kappa", [0.2, 0.9])
def test_capability_scaled_burden_and_frontier_value(kappa: float) -> None:
    snap = _single(
        Line("l", "model", "A", 1.0),
        commitments=(Commitment("pause", 0.5, 0.5, restraint=True, capability_scaled=True),),
        conditions=(Condition("k", "pause", "A", 0.4, 0.7),),
        parties=(PARTIES[0], dataclasses.replace(PARTIES[1], capability=kappa)),
    )
    result = score(snap)
    assert result.recipients[0].burden == pytest.approx(0.4 * (1 + (kappa - 0.5)))
    assert result.lines[0].value == pytest.approx(0.9 * (1.5 - kappa))


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


@pytest.mark.parametrize("reversible", [True, False])
def test_staged_reciprocity_by_hand(reversible: bool) -> None:
    snap = _single(
        Line("l", "cash", "A", 0.5),
        phases=(Phase("one", 1, reversible=True), Phase("two", 2, reversible=False)),
        conditions=(
            Condition("k1", "pause", "A", 0.3, 0.5, phase="one"),
            Condition("k2", "pause", "A", 0.1, 0.5, reversible=reversible, phase="two"),
        ),
        mechanisms=(),
    )
    result = score(snap)
    if not reversible:  # an irreversible commitment earns nothing
        assert result.scores["supply_provider"] == 0.0
        assert result.contributions["supply_provider"] == ()
        return
    late = 0.1 * (1 - 0.25)
    share = late / (0.3 + late)
    expected = 0.4 * share * (1 - 0.4 * 0.25)
    assert result.scores["supply_provider"] == pytest.approx(expected)
    [row] = result.contributions["supply_provider"]
    assert row.key == "staged_reciprocity:A"
    assert row.amount == pytest.approx(expected)


def test_excluded_capable_party_resents_and_weak_one_does_not() -> None:
    strong = Party("B", "Brigadoon", Role.EXCLUDED, capability=0.8)
    weak = Party("W", "Weakland", Role.EXCLUDED, capability=0.3)
    result = score(_single(Line("l", "cash", "A", 0.5), parties=(*PARTIES, strong, weak)))
    shared = 0.4
    resent = ((0.8 - 0.3) / 0.7) ** 2 * 0.5 * (1 - math.exp(-shared / 3))
    assert result.scores["risk_instability"] == pytest.approx(1 - (1 - 0.05) * (1 - resent))


def test_inequality_and_perverse_incentives_by_hand() -> None:
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
    s = score(snap).scores
    x_a, x_b = 0.2, 0.6
    s_a, s_b = x_a / 0.8, x_b / 0.8
    g = 2 * s_a * s_b * abs(x_a - x_b) / (2 * (s_a * x_a + s_b * x_b))
    det = 1 - (1 - 0.25 * 0.1) * (1 - 0.75 * 0.1)
    assert s["risk_instability"] == pytest.approx(1 - (1 - det) * (1 - 0.3 * g))
    eta = (x_b / 0.8) * (1 - math.exp(-x_b / 2))
    assert s["risk_perverse"] == pytest.approx(eta * (0.3 + 0.7 * 0.8))


def test_stabilising_item_lowers_deterrence_risk() -> None:
    shield = BenefitItem(
        "pledge", Cluster.NATIONAL_SECURITY, p=0.1, t=0.5, r=0.5, d=0.0, q=-0.5, c=0.1, v=0.5, a=0.1
    )
    snap = _single(
        Line("l", "cash", "A", 0.5),
        items=(CASH, MODEL, shield),
        lines=(Line("l", "cash", "A", 0.5), Line("s", "pledge", "A", 0.4)),
    )
    result = score(snap)
    assert result.scores["risk_instability"] == pytest.approx(0.05 * (1 - 0.4 * 0.5))
    rows = {c.key: c.amount for c in result.contributions["risk_instability"]}
    assert rows["s"] < 0 < rows["l"]
