"""Bad input raises one EngineValidationError naming every field, before any work."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

import pytest

from scoring.engine import (
    AccessMode,
    EngineValidationError,
    Levers,
    Line,
    Mechanism,
    Monitoring,
    Phase,
    Role,
    Snapshot,
    Throttling,
    compare,
    score,
    simulate,
    trajectory,
)

from .engine_strategies import example_draft


def _replace_line(snap: Snapshot, i: int, **changes: Any) -> Snapshot:
    lines = list(snap.lines)
    lines[i] = dataclasses.replace(lines[i], **changes)
    return dataclasses.replace(snap, lines=tuple(lines))


def _replace_party(snap: Snapshot, i: int, **changes: Any) -> Snapshot:
    parties = list(snap.parties)
    parties[i] = dataclasses.replace(parties[i], **changes)
    return dataclasses.replace(snap, parties=tuple(parties))


def _error(fn: Callable[[], object]) -> EngineValidationError:
    with pytest.raises(EngineValidationError) as err:
        fn()
    assert isinstance(err.value, ValueError)
    return err.value


BASE = example_draft()


@pytest.mark.parametrize(
    ("snapshot", "field", "message"),
    [
        (_replace_line(BASE, 2, magnitude=1.4), "lines[2].magnitude", "must be in (0, 1], got 1.4"),
        (_replace_line(BASE, 0, magnitude=0.0), "lines[0].magnitude", "must be in (0, 1], got 0.0"),
        (
            _replace_party(BASE, 1, trust=float("nan")),
            "parties[1].trust",
            "must be a finite number",
        ),
        (_replace_party(BASE, 2, security=-0.1), "parties[2].security", "must be in [0, 1]"),
        (_replace_line(BASE, 1, item="nope"), "lines[1].item", "no catalog item with slug 'nope'"),
        (_replace_line(BASE, 1, recipient="XXX"), "lines[1].recipient", "no party with key 'XXX'"),
        (_replace_line(BASE, 1, recipient="CHN"), "lines[1].recipient", "is not a recipient"),
        (_replace_line(BASE, 1, phase="p9"), "lines[1].phase", "no phase with key 'p9'"),
        (
            _replace_line(
                BASE,
                1,
                levers=Levers(access_mode=AccessMode.WEIGHTS, monitoring=Monitoring.REALTIME),
            ),
            "lines[1].levers.monitoring",
            "shared weights cannot be monitored",
        ),
        (
            _replace_line(
                BASE, 1, levers=Levers(access_mode=AccessMode.WEIGHTS, throttling=Throttling.STRICT)
            ),
            "lines[1].levers.throttling",
            "shared weights cannot be throttled",
        ),
        (
            _replace_line(BASE, 1, levers=Levers(generation_lag=4)),
            "lines[1].levers.generation_lag",
            "0 to 3",
        ),
        (_replace_line(BASE, 1, key="aid-bra"), "lines[1].key", "duplicate key 'aid-bra'"),
        (
            dataclasses.replace(
                BASE, parties=tuple(p for p in BASE.parties if p.role != Role.RECIPIENT)
            ),
            "lines[0].recipient",
            "no party",
        ),
        (dataclasses.replace(BASE, dsa=2.0), "dsa", "must be in [0, 1], got 2.0"),
        (
            dataclasses.replace(BASE, mechanisms=(Mechanism("x", "phased_reversible", 0.5),)),
            "mechanisms[0].mechanism_type",
            "derived",
        ),
        (
            dataclasses.replace(BASE, phases=(Phase("p1", 1), Phase("p2", 1))),
            "phases[1].order",
            "duplicate order 1",
        ),
        (dataclasses.replace(BASE, risk_weights={"fun": 1.0}), "risk_weights.fun", "unknown risk"),
        (dataclasses.replace(BASE, min_participation=-1), "min_participation", ">= 0"),
    ],
)
def test_bad_snapshot_names_the_field(snapshot: Snapshot, field: str, message: str) -> None:
    def run(s: Snapshot) -> object:
        return simulate(s, seed=1, n_samples=10)

    runners: list[Callable[[Snapshot], object]] = [score, trajectory, run]
    for fn in runners:
        err = _error(functools.partial(fn, snapshot))
        assert field in [f for f, _ in err.errors]
        text = dict(err.errors)[field]
        assert message in text
        assert f"{field}: {text}" in str(err)


def test_zero_recipients_is_reported_on_parties() -> None:
    snap = dataclasses.replace(
        BASE,
        parties=tuple(p for p in BASE.parties if p.role != Role.RECIPIENT),
        lines=(),
        conditions=(),
    )
    err = _error(lambda: score(snap))
    assert err.field == "parties"
    assert "at least one recipient" in str(err)


def test_every_problem_is_listed_and_the_first_is_the_field() -> None:
    snap = _replace_line(_replace_party(BASE, 1, trust=3.0), 0, magnitude=1.4)
    err = _error(lambda: simulate(snap, seed=-1, n_samples=10))
    fields = [f for f, _ in err.errors]
    assert fields == ["parties[1].trust", "lines[0].magnitude", "seed"]
    assert err.field == "parties[1].trust"
    assert str(err).startswith("parties[1].trust: must be in [0, 1], got 3.0; lines[0].magnitude")


@pytest.mark.parametrize(
    ("n", "text"), [(-5, "got -5"), (0, "got 0"), (100_001, "got 100001"), (2.5, "2.5")]
)
def test_sample_count_must_be_in_range(n: Any, text: str) -> None:
    err = _error(lambda: simulate(BASE, seed=1, n_samples=n))
    assert err.field == "n_samples"
    assert text in str(err)


def test_nothing_is_computed_before_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    import scoring.engine.comparison as compare_module
    import scoring.engine.deterministic as det_module
    import scoring.engine.montecarlo as mc_module

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed before validating")

    for module in (mc_module, det_module, compare_module):
        monkeypatch.setattr(module, "compile_snapshot", boom)
    bad = _replace_line(BASE, 0, magnitude=7.0)
    _error(lambda: score(bad))
    _error(lambda: simulate(bad, seed=1))
    _error(lambda: compare([BASE, dataclasses.replace(bad, label="B")], seed=1))


def test_compare_checks_every_draft_and_its_own_arguments() -> None:
    other = dataclasses.replace(_replace_line(BASE, 0, magnitude=1.4), label="B")
    err = _error(
        lambda: compare(
            [BASE, other, dataclasses.replace(BASE)],
            seed=1,
            weights={"credibility": -1.0, "speed": 1.0},
            power_direction="sideways",
        )
    )
    fields = [f for f, _ in err.errors]
    assert "snapshots[1].lines[0].magnitude" in fields
    assert "snapshots[2].label" in fields
    assert "weights.credibility" in fields
    assert "weights.speed" in fields
    assert "power_direction" in fields
    assert _error(lambda: compare([BASE], seed=1)).field == "snapshots"
    assert _error(lambda: compare([BASE] * 7, seed=1)).field == "snapshots"
    unlabeled = dataclasses.replace(BASE, label="")
    assert _error(lambda: compare([unlabeled, BASE], seed=1)).field == "snapshots[0].label"


def test_weight_intervals_must_leave_room() -> None:
    b = dataclasses.replace(BASE, label="B")
    err = _error(
        lambda: compare(
            [BASE, b], seed=1, weight_intervals={"credibility": (0.8, 0.9), "leverage": (0.5, 1.0)}
        )
    )
    assert err.field == "weight_intervals"
    err = _error(lambda: compare([BASE, b], seed=1, weight_intervals={"credibility": (0.9, 0.2)}))
    assert err.field == "weight_intervals.credibility"


def test_levers_on_non_frontier_items_are_a_warning_not_an_error() -> None:
    snap = _replace_line(
        BASE, 0, levers=Levers(access_mode=AccessMode.WEIGHTS, monitoring=Monitoring.REALTIME)
    )
    codes = [w.code for w in score(snap).warnings]
    assert "levers_ignored" in codes


def test_empty_draft_scores_with_an_info_warning() -> None:
    snap = dataclasses.replace(BASE, lines=(), conditions=())
    result = score(snap)
    assert result.scores["power_sharing"] == 0.0
    assert result.scores["credibility"] == 100.0
    assert result.scores["assurance"] is None
    assert result.scores["leverage"] is None
    assert "no_lines" in [w.code for w in result.warnings]


def test_new_line_referencing_unknown_item_in_compare_is_prefixed() -> None:
    broken = dataclasses.replace(
        BASE, label="B", lines=(*BASE.lines, Line("z", "ghost", "BRA", 0.5))
    )
    err = _error(lambda: compare([BASE, broken], seed=3))
    assert err.field == "snapshots[1].lines[3].item"


def _replace_item(snap: Snapshot, i: int, **changes: Any) -> Snapshot:
    items = list(snap.items)
    items[i] = dataclasses.replace(items[i], **changes)
    return dataclasses.replace(snap, items=tuple(items))


def _replace_commitment(snap: Snapshot, i: int, **changes: Any) -> Snapshot:
    rows = list(snap.commitments)
    rows[i] = dataclasses.replace(rows[i], **changes)
    return dataclasses.replace(snap, commitments=tuple(rows))


def _replace_type(snap: Snapshot, i: int, **changes: Any) -> Snapshot:
    rows = list(snap.mechanism_types)
    rows[i] = dataclasses.replace(rows[i], **changes)
    return dataclasses.replace(snap, mechanism_types=tuple(rows))


def _replace_mechanism(snap: Snapshot, i: int, **changes: Any) -> Snapshot:
    rows = list(snap.mechanisms)
    rows[i] = dataclasses.replace(rows[i], **changes)
    return dataclasses.replace(snap, mechanisms=tuple(rows))


@pytest.mark.parametrize(
    ("snapshot", "field", "message"),
    [
        (_replace_item(BASE, 0, q=-1.2), "items[0].q", "must be in [-1, 1]"),
        (_replace_item(BASE, 0, q=1.5), "items[0].q", "must be in [-1, 1]"),
        (_replace_item(BASE, 0, p=-0.1), "items[0].p", "must be in [0, 1]"),
        (_replace_party(BASE, 1, need=1.1), "parties[1].need", "must be in [0, 1]"),
        (_replace_party(BASE, 1, threat=-0.1), "parties[1].threat", "must be in [0, 1]"),
        (
            _replace_party(BASE, 1, outside_option=11.0),
            "parties[1].outside_option",
            "must be in [-5, 10]",
        ),
        (
            _replace_party(BASE, 1, multipliers={"nonsense": 1.0}),
            "parties[1].multipliers.nonsense",
            "unknown cluster",
        ),
        (
            _replace_party(BASE, 1, multipliers={"frontier_ai": 3.0}),
            "parties[1].multipliers.frontier_ai",
            "must be in [0.25, 2]",
        ),
        (
            _replace_party(BASE, 1, uncertainty={"outside_option": -1.0}),
            "parties[1].uncertainty.outside_option",
            "must be in [0, 5]",
        ),
        (
            _replace_party(BASE, 1, uncertainty={"need": 2.0}),
            "parties[1].uncertainty.need",
            "must be in [0, 1]",
        ),
        (
            _replace_commitment(BASE, 0, provider_value=6.0),
            "commitments[0].provider_value",
            "must be in [0, 5]",
        ),
        (_replace_type(BASE, 0, cost=-0.5), "mechanism_types[0].cost", "must be in [0, 5]"),
        (
            _replace_type(BASE, 0, uncertainty={"cost": 9.0}),
            "mechanism_types[0].uncertainty.cost",
            "must be in [0, 5]",
        ),
        (_replace_mechanism(BASE, 0, phase="p9"), "mechanisms[0].phase", "no phase with key 'p9'"),
        (
            dataclasses.replace(
                BASE, phases=(Phase("p1", 1, duration_months=-1.0), BASE.phases[1])
            ),
            "phases[0].duration_months",
            "must be in [0, inf]",
        ),
        (
            dataclasses.replace(
                BASE, phases=(Phase("p1", 1, duration_months=float("inf")), BASE.phases[1])
            ),
            "phases[0].duration_months",
            "finite",
        ),
    ],
)
def test_bad_2027_fields_name_the_field(snapshot: Snapshot, field: str, message: str) -> None:
    err = _error(functools.partial(score, snapshot))
    assert field in [f for f, _ in err.errors]
    assert message in dict(err.errors)[field]


def test_2027_fields_at_their_bounds_are_accepted() -> None:
    snap = _replace_item(BASE, 0, q=-1.0)
    snap = _replace_party(
        snap,
        1,
        need=1.0,
        threat=0.0,
        outside_option=-5.0,
        multipliers={"frontier_ai": 0.25, "financial_resource": 2.0},
        uncertainty={"need": 0.2, "threat": 0.2, "outside_option": 0.5},
    )
    snap = _replace_commitment(snap, 0, provider_value=5.0, capability_scaled=True)
    snap = _replace_type(snap, 0, cost=5.0, uncertainty={"cost": 0.5})
    snap = _replace_mechanism(snap, 0, phase="p2")
    snap = dataclasses.replace(
        snap, phases=(Phase("p1", 1, duration_months=0.0), Phase("p2", 2, False, 12.0))
    )
    score(snap)
    simulate(snap, seed=1, n_samples=20)
