"""Properties 10-20 of section 12 (model 2027.1), as hypothesis tests.

Each is one that model 2026.1 broke: capped credibility, need-blind value, Gini over
bystanders, free mechanisms, leverage counting recipients who would not sign, and a
participation warning that disagreed with the coalition panel.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scoring.engine import (
    Alignment,
    BenefitItem,
    Cluster,
    Commitment,
    Condition,
    Line,
    Mechanism,
    MechanismType,
    Party,
    Purpose,
    Role,
    Snapshot,
    score,
    simulate,
)
from scoring.engine.params import RISK_NAMES

from .engine_strategies import ENGINE, snapshots

TOL = 1e-12


def _party(snap: Snapshot, key: str, **changes: Any) -> Snapshot:
    parties = tuple(dataclasses.replace(p, **changes) if p.key == key else p for p in snap.parties)
    return dataclasses.replace(snap, parties=parties)


def _recipients(snap: Snapshot) -> list[str]:
    return [p.key for p in snap.parties if p.role == Role.RECIPIENT]


def _cred(snap: Snapshot) -> float:
    value = score(snap).scores["credibility"]
    assert value is not None
    return value


@ENGINE
@given(snapshots(), st.floats(0.0, 0.9), st.floats(0.05, 0.5))
def test_10_credibility_is_graded_falls_with_dsa_and_rises_with_trust(
    snap: Snapshot, dsa: float, step: float
) -> None:
    # Every recipient has some trust, none has total trust; no supply is total (every
    # mechanism type has e < 1).
    for key in _recipients(snap):
        party = next(p for p in snap.parties if p.key == key)
        snap = _party(snap, key, trust=min(0.9, max(0.1, party.trust)))
    result = score(dataclasses.replace(snap, dsa=dsa))
    assume(result.contributions["credibility_gap"])
    demand = sum(r.demand for r in result.recipients)
    assume(demand > 1e-9)
    low = result.scores["credibility"]
    assert low is not None
    assert low < 100.0
    higher = _cred(dataclasses.replace(snap, dsa=min(1.0, dsa + step)))
    assert higher < low
    key = _recipients(snap)[0]
    trusted = _cred(_party(dataclasses.replace(snap, dsa=dsa), key, trust=1.0))
    assert trusted >= low - TOL


@ENGINE
@given(snapshots(), st.data())
def test_11_mechanisms_and_phases_never_buy_credibility_for_free(
    snap: Snapshot, data: st.DataObject
) -> None:
    base = _cred(snap)
    assert _cred(dataclasses.replace(snap, mechanisms=())) <= base + 1e-9
    # Irreversible commitments earn no staged reciprocity.
    firm = dataclasses.replace(
        snap,
        conditions=tuple(dataclasses.replace(c, reversible=False) for c in snap.conditions),
    )
    rows = score(firm).contributions["supply_provider"]
    assert not any(c.key.startswith("staged_reciprocity") for c in rows)
    # Moving a line later (every mechanism is in force from the first phase here, and
    # a later benefit cannot create staging) never raises credibility.
    phases = sorted(snap.phases, key=lambda ph: ph.order)
    assume(snap.lines and len(phases) >= 2)
    i = data.draw(st.integers(0, len(snap.lines) - 1))
    line = snap.lines[i]
    rank = {ph.key: k for k, ph in enumerate(phases)}
    now = 0 if line.phase is None else rank[line.phase]
    assume(now + 1 < len(phases))
    later = data.draw(st.sampled_from(phases[now + 1 :]))
    lines = list(snap.lines)
    lines[i] = dataclasses.replace(line, phase=later.key)
    assert _cred(dataclasses.replace(snap, lines=tuple(lines))) <= base + 1e-9


@ENGINE
@given(snapshots(), st.data())
def test_12_capability_raises_burden_and_exposure_and_lowers_frontier_value(
    snap: Snapshot, data: st.DataObject
) -> None:
    snap = dataclasses.replace(
        snap,
        commitments=tuple(
            dataclasses.replace(c, capability_scaled=c.restraint) for c in snap.commitments
        ),
    )
    restrained = sorted(
        {c.recipient for c in snap.conditions if c.commitment == "restraint" and c.burden > 1e-6}
    )
    assume(restrained)
    key = data.draw(st.sampled_from(restrained))
    party = next(p for p in snap.parties if p.key == key)
    assume(party.capability < 0.95)
    raised = data.draw(st.floats(party.capability + 0.01, 1.0))
    before, after = score(snap), score(_party(snap, key, capability=raised))
    rb = next(r for r in before.recipients if r.key == key)
    ra = next(r for r in after.recipients if r.key == key)
    assert ra.burden > rb.burden
    assert ra.exposure > rb.exposure
    frontier = {it.slug for it in snap.items if it.cluster == Cluster.FRONTIER_AI}
    for lb, la, ln in zip(before.lines, after.lines, snap.lines, strict=True):
        if ln.recipient == key and ln.item in frontier and lb.value > 1e-9:
            assert la.value < lb.value


@ENGINE
@given(snapshots(), st.data())
def test_13_a_recipient_worth_eps_moves_every_risk_by_at_most_eps(
    snap: Snapshot, data: st.DataObject
) -> None:
    eps = 0.05
    item = data.draw(st.sampled_from(snap.items))
    newcomer = Party(
        "NEW",
        "Newcomer",
        Role.RECIPIENT,
        data.draw(st.sampled_from(list(Alignment))),
        capability=data.draw(st.floats(0, 1)),
    )
    grown = dataclasses.replace(
        snap,
        parties=(*snap.parties, newcomer),
        lines=(*snap.lines, Line("eps", item.slug, "NEW", eps)),
    )
    before, after = score(snap).scores, score(grown).scores
    for name in RISK_NAMES:
        # O(eps): the line's own deterrence (<= eps) plus the inequality it adds.
        assert abs(after[name] - before[name]) <= 2 * eps + 1e-9, name  # type: ignore[operator]


@ENGINE
@given(snapshots(), st.floats(-1.0, -0.01), st.floats(0.01, 1.0), st.data())
def test_14_a_stabilising_item_never_raises_instability(
    snap: Snapshot, q: float, magnitude: float, data: st.DataObject
) -> None:
    shield = BenefitItem(
        "shield", Cluster.NATIONAL_SECURITY, p=0.1, t=0.5, r=0.5, d=0.1, q=q, c=0.2, v=0.5, a=0.3
    )
    key = data.draw(st.sampled_from(_recipients(snap)))
    grown = dataclasses.replace(
        snap,
        items=(*snap.items, shield),
        lines=(*snap.lines, Line("shield", "shield", key, magnitude)),
    )
    before = score(snap).scores["risk_instability"]
    after = score(grown).scores["risk_instability"]
    assert after <= before + TOL  # type: ignore[operator]


@ENGINE
@given(
    snapshots(),
    st.sampled_from([Role.OBSERVER, Role.EXCLUDED]),
    st.floats(0.0, 0.3),
    st.sampled_from(list(Alignment)),
)
def test_15_a_bystander_far_from_the_frontier_barely_moves_instability(
    snap: Snapshot, role: Role, kappa: float, alignment: Alignment
) -> None:
    extra = Party("FAR", "Faraway", role, alignment, capability=kappa)
    grown = dataclasses.replace(snap, parties=(*snap.parties, extra))
    before = score(snap).scores["risk_instability"]
    after = score(grown).scores["risk_instability"]
    assert abs(after - before) <= 0.02  # type: ignore[operator]


@ENGINE
@given(snapshots(), st.data())
def test_16_recipients_who_would_not_sign_add_nothing(snap: Snapshot, data: st.DataObject) -> None:
    key = data.draw(st.sampled_from(_recipients(snap)))
    snap = _party(snap, key, outside_option=10.0)
    result = score(snap)
    rec = next(r for r in result.recipients if r.key == key)
    assume(not rec.would_sign)
    heavier = dataclasses.replace(
        snap,
        conditions=tuple(
            dataclasses.replace(c, burden=min(1.0, c.burden * 1.5 + 0.1))
            if c.recipient == key
            else c
            for c in snap.conditions
        ),
    )
    other = score(heavier)
    assume(not next(r for r in other.recipients if r.key == key).would_sign)
    for name in ("provider_value", "leverage", "provider_cost_signers"):
        assert other.scores[name] == result.scores[name] or (
            other.scores[name] is not None
            and abs(other.scores[name] - result.scores[name]) <= 1e-12  # type: ignore[operator]
        ), name
    assert rec.provider_value == 0.0


@ENGINE
@given(snapshots(), st.floats(0.01, 5.0), st.floats(0.01, 1.0))
def test_17_a_costly_mechanism_raises_provider_cost(
    snap: Snapshot, cost: float, strength: float
) -> None:
    paid = MechanismType("inspectorate", 0.5, 0.5, cost=cost)
    grown = dataclasses.replace(
        snap,
        mechanism_types=(*snap.mechanism_types, paid),
        mechanisms=(*snap.mechanisms, Mechanism("insp", "inspectorate", strength)),
    )
    before = score(snap).scores["provider_cost"]
    after = score(grown).scores["provider_cost"]
    assert after > before  # type: ignore[operator]
    assert after == __import__("pytest").approx(before + cost * strength)  # type: ignore[operator]


@ENGINE
@given(snapshots(), st.data())
def test_18_need_threat_and_distance_from_the_frontier_raise_value(
    snap: Snapshot, data: st.DataObject
) -> None:
    assume(snap.lines)
    key = data.draw(st.sampled_from(_recipients(snap)))
    party = next(p for p in snap.parties if p.key == key)
    clusters = {it.slug: it.cluster for it in snap.items}
    base = score(snap).lines
    cases = [
        ("need", Cluster.FINANCIAL_RESOURCE, min(1.0, party.need + 0.3)),
        ("threat", Cluster.NATIONAL_SECURITY, min(1.0, party.threat + 0.3)),
        ("capability", Cluster.FRONTIER_AI, max(0.0, party.capability - 0.3)),
    ]
    for attr, cluster, new in cases:
        if abs(new - getattr(party, attr)) < 1e-6 or cluster in party.multipliers:
            continue  # no real change, or the party's own multiplier overrides the default
        changed = score(_party(snap, key, **{attr: new})).lines
        for lb, la, ln in zip(base, changed, snap.lines, strict=True):
            if ln.recipient == key and clusters[ln.item] == cluster and lb.value > 1e-9:
                assert la.value > lb.value, attr


@settings(ENGINE, max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.floats(0.0, 0.3), st.floats(0.0, 1.0), st.floats(0.0, 0.4), st.floats(0.6, 1.0)
        ),
        min_size=6,
        max_size=6,
    )
)
def test_19_six_financial_items_at_full_magnitude_are_at_least_borderline(
    values: list[tuple[float, float, float, float]],
) -> None:
    items = tuple(
        BenefitItem(f"fin-{k}", Cluster.FINANCIAL_RESOURCE, p, t, r, 0.0, 0.0, 0.5, v, 0.1)
        for k, (p, t, r, v) in enumerate(values)
    )
    snap = Snapshot(
        purpose=Purpose.WELFARE,
        dsa=0.2,
        parties=(Party("P", "Provider", Role.PROVIDER), Party("A", "Avalon", Role.RECIPIENT)),
        items=items,
        lines=tuple(Line(f"l{k}", it.slug, "A", 1.0) for k, it in enumerate(items)),
    )
    assert score(snap).label in ("borderline", "power_sharing")


@settings(ENGINE, max_examples=30)
@given(snapshots(purpose=Purpose.COALITION), st.integers(0, 100))
def test_20_warnings_and_the_coalition_view_agree(snap: Snapshot, seed: int) -> None:
    snap = dataclasses.replace(
        snap,
        commitments=(
            *snap.commitments,
            Commitment("unused", 0.1, 0.1, name="Unused"),
        ),
        conditions=(*snap.conditions, Condition("cx", "compact", _recipients(snap)[0], 0.3, 0.5)),
    )
    result = simulate(snap, n_samples=16, seed=seed)
    assert result.coalition is not None
    warned = {w.subject_key for w in result.warnings if w.code == "no_net_incentive"}
    for m in result.coalition.margins:
        assert m.stays == (m.key not in warned), m.key
    signs = {r.key: r.would_sign for r in result.recipients}
    for m in result.coalition.margins:
        assert m.stays == signs[m.key]
