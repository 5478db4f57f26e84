"""The design assistant, packages (section 15): beam search against exhaustive search,
the analyst's bounds, and bad input."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.engine import BenefitItem, Cluster, MechanismType, Purpose, score
from scoring.engine.core import LABELS
from scoring.engine.errors import EngineValidationError
from scoring.engine.packages import exhaustive_search, search_packages
from scoring.engine.suggestions import _candidates, apply
from scoring.engine.types import Alignment, Condition, Line, Party, Role

from .engine_strategies import example_draft

CASH = BenefitItem(
    "cash", Cluster.FINANCIAL_RESOURCE, 0.0, 1.0, 0.0, 0.0, 0.0, 0.8, 0.6, 0.0, name="Cash"
)
BOND = MechanismType("bond", 0.7, 0.4, cost=0.1, name="Performance bond")


def _three_recipients(short: dict[str, float]) -> dict:
    """A welfare draft with Brazil, Japan and India; each recipient in ``short`` is that
    much short of signing."""
    base = example_draft()
    india = Party("IND", "India", Role.RECIPIENT, Alignment.NEUTRAL, 0.5, 0.5, 0.5)
    snapshot = dataclasses.replace(
        base,
        purpose=Purpose.WELFARE,
        parties=(*base.parties, india),
        lines=(*base.lines, Line("aid-ind", "aid", "IND", 0.5, "p1")),
        conditions=(
            *base.conditions,
            Condition("reg-ind", "safety-regulation", "IND", 0.4, 0.6, phase="p1"),
        ),
    )
    net = {r.key: r.net_incentive for r in score(snapshot).recipients}
    parties = tuple(
        dataclasses.replace(p, outside_option=max(0.0, net[p.key] + short[p.key]))
        if p.key in short
        else p
        for p in snapshot.parties
    )
    return dataclasses.replace(snapshot, parties=parties)


def _small_candidates(snapshot, n: int):
    """``n`` candidate edits of ``snapshot``: additions of cash first, then the rest."""
    everything = list(_candidates(snapshot, (CASH,), (BOND,), DEFAULT))
    cash = [c for c in everything if c[1].item == "cash"]
    others = [c for c in everything if c[1].item != "cash"]
    return (cash + others)[:n]


from scoring.engine.params import DEFAULT_PARAMETERS as DEFAULT  # noqa: E402


def _combo(result):
    return None if result.package is None else tuple(result.package.descriptions)


def test_beam_search_equals_exhaustive_search_on_a_small_candidate_set():
    snapshot = _three_recipients({"BRA": 0.05, "IND": 0.03})
    assert not all(r.would_sign for r in score(snapshot).recipients)
    candidates = _small_candidates(snapshot, 7)
    beam = search_packages(snapshot, candidates=candidates)
    reference = exhaustive_search(snapshot, candidates)
    assert beam.exhaustive
    assert reference.package is not None
    assert _combo(beam) == _combo(reference)
    assert beam.package.scores == reference.package.scores
    # The package really works: applied to the draft, every recipient signs.
    after = snapshot
    for edit in beam.package.edits:
        after = apply(after, edit)
    scored = score(after)
    assert all(r.would_sign for r in scored.recipients)
    assert scored.scores["provider_cost"] == pytest.approx(beam.package.scores["provider_cost"])
    # And it is the cheapest working combination.
    assert beam.package.scores["provider_cost"] == min(
        reference.package.scores["provider_cost"], beam.package.scores["provider_cost"]
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    short_bra=st.floats(0.0, 0.3),
    short_ind=st.floats(0.0, 0.3),
    n=st.integers(3, 7),
    risk_max=st.one_of(st.none(), st.floats(0.0, 1.0)),
    keep_label=st.one_of(st.none(), st.sampled_from(LABELS)),
    max_edits=st.integers(1, 3),
)
def test_beam_search_matches_exhaustive_and_keeps_the_bounds(
    short_bra, short_ind, n, risk_max, keep_label, max_edits
):
    snapshot = _three_recipients({"BRA": short_bra, "IND": short_ind})
    candidates = _small_candidates(snapshot, n)
    kwargs = {"max_edits": max_edits, "risk_max": risk_max, "keep_label": keep_label}
    beam = search_packages(snapshot, candidates=candidates, **kwargs)
    reference = exhaustive_search(snapshot, candidates, **kwargs)
    assert beam.exhaustive
    assert _combo(beam) == _combo(reference)
    if beam.package is not None:
        assert len(beam.package.edits) <= max_edits
        assert all(beam.package.signs.values())
        if risk_max is not None:
            assert beam.package.scores["risk_overall"] <= risk_max
        if keep_label is not None:
            assert beam.package.label == keep_label
    elif not beam.in_force:
        assert "No package of up to" in beam.reason


def test_a_pruned_search_still_returns_only_packages_within_the_bounds():
    snapshot = _three_recipients({"BRA": 0.05, "JPN": 0.02, "IND": 0.04})
    seen = []
    result = search_packages(
        snapshot,
        catalog_items=(CASH,),
        catalog_mechanisms=(BOND,),
        risk_max=0.9,
        beam_width=8,
        pool_size=10,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert not result.exhaustive
    assert result.package is not None
    assert result.package.scores["risk_overall"] <= 0.9
    assert all(result.package.signs.values())
    assert seen and seen[-1][0] == seen[-1][1] == result.evaluated
    assert all(done <= total for done, total in seen)


def test_a_draft_in_force_needs_no_package():
    snapshot = _three_recipients({})
    assert all(r.would_sign for r in score(snapshot).recipients)
    result = search_packages(snapshot, catalog_items=(CASH,))
    assert result.in_force and result.package is None and result.reason == ""


def test_bounds_no_package_can_meet_are_explained():
    snapshot = _three_recipients({"BRA": 0.05})
    result = search_packages(snapshot, catalog_items=(CASH,), risk_max=0.0)
    assert result.package is None
    assert result.reason == (
        "No package of up to 4 edits brings the agreement into force within overall risk at most 0."
    )


def test_a_coalition_needs_only_its_threshold():
    snapshot = dataclasses.replace(
        _three_recipients({"BRA": 0.2, "JPN": 0.2, "IND": 0.2}),
        purpose=Purpose.COALITION,
        min_participation=2,
    )
    result = search_packages(snapshot, catalog_items=(CASH,), catalog_mechanisms=(BOND,))
    assert not result.in_force
    assert result.package is not None
    assert sum(result.package.signs.values()) >= 2
    assert result.package.scores["viability"] == 1.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"max_edits": 0}, "max_edits"),
        ({"max_edits": 5}, "max_edits"),
        ({"max_edits": True}, "max_edits"),
        ({"risk_max": 1.5}, "risk_max"),
        ({"keep_label": "treaty"}, "keep_label"),
        ({"beam_width": 0}, "beam_width"),
    ],
)
def test_bad_bounds_are_refused_by_name(kwargs, field):
    with pytest.raises(EngineValidationError) as exc:
        search_packages(example_draft(), **kwargs)
    assert field in exc.value.by_field()
