"""The properties of section 12 of the scoring model, as hypothesis tests."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scoring.engine import (
    AccessMode,
    Cluster,
    Covers,
    Levers,
    Line,
    Mechanism,
    Monitoring,
    Role,
    Scope,
    Snapshot,
    Throttling,
    score,
    simulate,
)
from scoring.engine.core import evaluate
from scoring.engine.model import compile_snapshot
from scoring.engine.params import DEFAULT_PARAMETERS, RISK_NAMES
from scoring.engine.sampling import UniformSource, sample_draws

from .engine_strategies import ENGINE, MECHANISM_TYPES, items, levers, snapshots

TOL = 1e-12
UNIT_SCORES = (
    "demand",
    "supply_provider",
    "supply_recipients",
    "credibility_gap",
    "assurance",
    "power_sharing",
    "power_max",
    *RISK_NAMES,
    "risk_overall",
)


def _lever_lines(snap: Snapshot) -> list[int]:
    applies = {it.slug: it.levers_apply for it in snap.items}
    return [i for i, ln in enumerate(snap.lines) if applies[ln.item]]


def _with_line(snap: Snapshot, i: int, line: Line) -> Snapshot:
    lines = list(snap.lines)
    lines[i] = line
    return dataclasses.replace(snap, lines=tuple(lines))


@ENGINE
@given(snapshots(), st.integers(0, 2**32))
def test_same_input_and_seed_give_identical_output(snap: Snapshot, seed: int) -> None:
    first = simulate(snap, n_samples=64, seed=seed).to_dict()
    assert simulate(snap, n_samples=64, seed=seed).to_dict() == first
    assert score(snap).to_dict() == score(snap).to_dict()


_STRICTER: dict[str, list[Any]] = {
    "monitoring": [Monitoring.NONE, Monitoring.PERIODIC_AUDIT, Monitoring.REALTIME],
    "throttling": [Throttling.NONE, Throttling.MODERATE, Throttling.STRICT],
    "scope": [Scope.GENERAL, Scope.NARROW],
}


@st.composite
def lever_tightenings(draw: st.DrawFn) -> tuple[Snapshot, int, Levers]:
    """A draft with a frontier-AI line, that line's index and one lever one step stricter.

    Built directly (no filtering): every example tests a real tightening.
    """
    snap = draw(snapshots())
    item = dataclasses.replace(
        draw(items("lever-item")), cluster=Cluster.FRONTIER_AI, levers_apply=True
    )
    lever = draw(st.sampled_from(["monitoring", "throttling", "scope", "generation_lag"]))
    base = draw(levers())
    if lever in ("monitoring", "throttling") and base.access_mode == AccessMode.WEIGHTS:
        base = dataclasses.replace(base, access_mode=AccessMode.API)  # weights cannot be
    if lever == "generation_lag":  # monitored or throttled
        lag = draw(st.integers(0, 2))
        base = dataclasses.replace(base, generation_lag=lag)
        stricter = dataclasses.replace(base, generation_lag=lag + 1)
    else:
        order = _STRICTER[lever]
        pos = draw(st.integers(0, len(order) - 2))
        base = dataclasses.replace(base, **{lever: order[pos]})
        stricter = dataclasses.replace(base, **{lever: order[pos + 1]})
    recipient = draw(st.sampled_from([p.key for p in snap.parties if p.role == Role.RECIPIENT]))
    line = Line("lever-line", item.slug, recipient, draw(st.floats(0.01, 1.0)), None, base)
    snap = dataclasses.replace(snap, items=(*snap.items, item), lines=(*snap.lines, line))
    return snap, len(snap.lines) - 1, stricter


@settings(ENGINE, max_examples=150)  # every example is a real tightening; catches a wrong constant
@given(lever_tightenings())
def test_stricter_levers_never_raise_power_share_dual_use_or_proliferation(
    case: tuple[Snapshot, int, Levers],
) -> None:
    snap, i, stricter = case
    line = snap.lines[i]
    before = score(snap)
    after = score(_with_line(snap, i, dataclasses.replace(line, levers=stricter)))
    assert after.lines[i].power_share <= before.lines[i].power_share + TOL
    assert after.lines[i].d <= before.lines[i].d + TOL
    prolif_after, prolif_before = (
        after.scores["risk_proliferation"],
        before.scores["risk_proliferation"],
    )
    assert prolif_after is not None
    assert prolif_before is not None
    assert prolif_after <= prolif_before + TOL


@ENGINE
@given(
    snapshots(),
    st.sampled_from(MECHANISM_TYPES),
    st.floats(0, 1),
    st.sampled_from(list(Covers)),
    st.floats(0, 1),
)
def test_mechanisms_add_supply_and_dsa_erodes_it(
    snap: Snapshot, mtype: object, strength: float, covers: Covers, dsa: float
) -> None:
    assert hasattr(mtype, "slug")
    before = score(snap).scores
    extra = Mechanism("extra", mtype.slug, strength, covers)
    added = score(dataclasses.replace(snap, mechanisms=(*snap.mechanisms, extra))).scores
    for name in ("supply_provider", "supply_recipients"):
        assert added[name] >= before[name] - TOL  # type: ignore[operator]
    lower, higher = sorted((snap.dsa, dsa))
    at_low = score(dataclasses.replace(snap, dsa=lower)).scores
    at_high = score(dataclasses.replace(snap, dsa=higher)).scores
    for name in ("supply_provider", "supply_recipients"):
        assert at_high[name] <= at_low[name] + TOL  # type: ignore[operator]


@ENGINE
@given(snapshots(), st.data())
def test_less_revocable_or_larger_lines_never_lower_power_share(
    snap: Snapshot, data: st.DataObject
) -> None:
    assume(snap.lines)
    i = data.draw(st.integers(0, len(snap.lines) - 1))
    line = snap.lines[i]
    before = score(snap).lines
    bigger = data.draw(st.floats(line.magnitude, 1.0))
    grown = score(_with_line(snap, i, dataclasses.replace(line, magnitude=bigger))).lines
    assert grown[i].power_share >= before[i].power_share - TOL
    item = next(it for it in snap.items if it.slug == line.item)
    lower_r = data.draw(st.floats(0.0, item.r))
    items = tuple(dataclasses.replace(it, r=lower_r) if it is item else it for it in snap.items)
    firmer = score(dataclasses.replace(snap, items=items)).lines
    for k, ln in enumerate(snap.lines):
        if ln.item == item.slug:
            assert firmer[k].power_share >= before[k].power_share - TOL


@ENGINE
@given(snapshots(), st.data())
def test_shared_weights_are_at_least_borderline(snap: Snapshot, data: st.DataObject) -> None:
    candidates = _lever_lines(snap)
    assume(candidates)
    i = data.draw(st.sampled_from(candidates))
    lv = snap.lines[i].levers or Levers()
    weights = dataclasses.replace(
        lv,
        scope=Scope.GENERAL,
        access_mode=AccessMode.WEIGHTS,
        monitoring=Monitoring.NONE,
        throttling=Throttling.NONE,
    )
    result = score(_with_line(snap, i, dataclasses.replace(snap.lines[i], levers=weights)))
    assert result.lines[i].power_share >= DEFAULT_PARAMETERS.line_borderline
    assert result.lines[i].label in ("borderline", "power_sharing")


@ENGINE
@given(snapshots(), st.data())
def test_more_trust_never_raises_demand(snap: Snapshot, data: st.DataObject) -> None:
    recipients = [k for k, p in enumerate(snap.parties) if p.role == "recipient"]
    k = data.draw(st.sampled_from(recipients))
    party = snap.parties[k]
    trust = data.draw(st.floats(party.trust, 1.0))
    parties = list(snap.parties)
    parties[k] = dataclasses.replace(party, trust=trust)
    raised = score(dataclasses.replace(snap, parties=tuple(parties))).scores["demand"]
    assert raised <= score(snap).scores["demand"] + TOL  # type: ignore[operator]


@ENGINE
@given(snapshots(), st.data())
def test_adding_a_line_never_lowers_recipient_value(snap: Snapshot, data: st.DataObject) -> None:
    item = data.draw(st.sampled_from(snap.items))
    recipient = data.draw(st.sampled_from([p.key for p in snap.parties if p.role == "recipient"]))
    new = Line("added", item.slug, recipient, data.draw(st.floats(0.01, 1.0)))
    before = {r.key: r.value for r in score(snap).recipients}
    after = score(dataclasses.replace(snap, lines=(*snap.lines, new)))
    for rec in after.recipients:
        assert rec.value >= before[rec.key] - TOL
    for name in (*RISK_NAMES, "risk_overall"):
        assert 0.0 <= after.scores[name] <= 1.0  # type: ignore[operator]


@ENGINE
@given(snapshots(), st.integers(0, 1000))
def test_risks_stay_in_unit_interval_in_every_sample(snap: Snapshot, seed: int) -> None:
    result = simulate(snap, n_samples=32, seed=seed)
    for name in (*RISK_NAMES, "risk_overall"):
        s = result.scores[name]
        for v in (s.value, s.mean, s.p5, s.p50, s.p95):
            assert v is not None
            assert 0.0 <= v <= 1.0


@ENGINE
@given(snapshots())
def test_contributions_add_up_to_each_score(snap: Snapshot) -> None:
    result = score(snap)
    for name, rows in result.contributions.items():
        value = result.scores[name]
        if value is None:
            continue
        assert math.isclose(sum(c.amount for c in rows), value, abs_tol=1e-9), (name, snap)
    # The credibility shortfall decomposes exactly over lines and conditions.
    gap = result.contributions["credibility_gap"]
    assert {c.kind for c in gap} <= {"line", "condition"}
    expl = result.credibility_explanation
    assert expl.supply == result.scores["supply_provider"]
    assert expl.demand == result.scores["demand"]
    assert expl.credibility == result.scores["credibility"]


def _samples(snap: Snapshot, n: int, seed: int) -> dict[str, np.ndarray]:
    model = compile_snapshot(snap, DEFAULT_PARAMETERS)
    return evaluate(model, sample_draws(model, UniformSource(seed, n))).scores


@settings(ENGINE, max_examples=8)
@given(snapshots(max_lines=6), st.integers(0, 1000))
def test_monte_carlo_median_converges_at_2000_samples(snap: Snapshot, seed: int) -> None:
    reported = simulate(snap, n_samples=2000, seed=seed).scores
    small = _samples(snap, 2000, seed)
    large = _samples(snap, 100_000, seed + 1)
    for name in (*UNIT_SCORES, "credibility"):
        scale = 100.0 if name == "credibility" else 1.0
        x, y = small[name], large[name]
        x, y = x[~np.isnan(x)] / scale, y[~np.isnan(y)] / scale
        if reported[name].p50 is None:
            assert x.size == 0
            continue
        a = float(np.median(x))
        assert reported[name].p50 == pytest.approx(a * scale)
        b = float(np.median(y))
        if abs(a - b) <= 0.02:
            continue
        # A gap in the distribution at its median: no median estimator converges there.
        # Then the small-run median must sit within the large run's 47th-53rd percentile band.
        low, high = np.percentile(y, [47, 53])
        assert low - 0.02 <= a <= high + 0.02, name
