"""Named scenarios (section 16): every draft of a comparison in every world.

A scenario overrides ``dsa`` and ``omega`` (point values; the drafts keep their
half-widths) and shifts parties' trust and capability (added, then clipped to
[0, 1]; keyed by party key). Each world is one ``compare`` of the shifted drafts
with the same seed, so the drafts share their random numbers within and across
worlds. Regret of a draft in a world is the best weighted score there minus its
own (on that world's 0-1 scale); the robust choice has the smallest worst regret.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from .comparison import compare
from .comparison_results import ComparisonResult
from .errors import EngineValidationError
from .params import DEFAULT_PARAMETERS, ParameterSet
from .results import JSON, plain
from .types import Snapshot
from .validation import Collector

MAX_SCENARIOS = 8


def _frozen(values: Mapping[str, float] | None = None) -> Mapping[str, float]:
    return MappingProxyType(dict(values or {}))


@dataclass(frozen=True)
class Scenario:
    """A world: ``None`` keeps each draft's own value."""

    name: str
    dsa: float | None = None
    omega: float | None = None
    trust_shift: Mapping[str, float] = field(default_factory=_frozen)
    capability_shift: Mapping[str, float] = field(default_factory=_frozen)


@dataclass(frozen=True)
class ScenarioCell:
    """One draft in one world."""

    draft: str
    scenario: str
    rank: int
    weighted_score: float
    regret: float
    credibility: float | None
    viability: float | None
    risk_overall: float | None


@dataclass(frozen=True)
class ScenarioComparison:
    """Drafts x worlds: ``best[s]`` is the top draft in world ``s``; ``max_regret[d]`` the
    worst regret of draft ``d`` over the worlds; ``robust`` the draft minimising it."""

    parameter_version: str
    seed: int
    n_samples: int
    labels: tuple[str, ...]
    scenarios: tuple[str, ...]
    cells: tuple[tuple[ScenarioCell, ...], ...]
    """``cells[d][s]``."""
    best: Mapping[str, str]
    max_regret: Mapping[str, float]
    robust: str
    comparisons: tuple[ComparisonResult, ...]

    def to_dict(self) -> JSON:
        out: JSON = plain(self)
        return out


def apply_scenario(snapshot: Snapshot, scenario: Scenario) -> Snapshot:
    """``snapshot`` in the world ``scenario`` (shifts of absent parties do nothing)."""

    def shifted(value: float, shift: float | None) -> float:
        return value if shift is None else min(1.0, max(0.0, value + shift))

    parties = tuple(
        dataclasses.replace(
            p,
            trust=shifted(p.trust, scenario.trust_shift.get(p.key)),
            capability=shifted(p.capability, scenario.capability_shift.get(p.key)),
        )
        for p in snapshot.parties
    )
    return dataclasses.replace(
        snapshot,
        dsa=snapshot.dsa if scenario.dsa is None else scenario.dsa,
        omega=snapshot.omega if scenario.omega is None else scenario.omega,
        parties=parties,
    )


def scenario_errors(
    scenarios: Sequence[Scenario], snapshots: Sequence[Snapshot]
) -> list[tuple[str, str]]:
    """Problems with the scenarios: names, ranges, and parties no draft has."""
    c = Collector()
    if not 1 <= len(scenarios) <= MAX_SCENARIOS:
        c.add("scenarios", f"must hold 1 to {MAX_SCENARIOS} scenarios, got {len(scenarios)}")
    keys = {p.key for s in snapshots for p in s.parties}
    names: set[str] = set()
    for i, sc in enumerate(scenarios):
        where = f"scenarios[{i}]."
        if not sc.name.strip() or sc.name in names:
            c.add(f"{where}name", "every scenario needs its own name")
        names.add(sc.name)
        for name in ("dsa", "omega"):
            if getattr(sc, name) is not None:
                c.number(f"{where}{name}", getattr(sc, name))
        for kind in ("trust_shift", "capability_shift"):
            for key, shift in getattr(sc, kind).items():
                if key not in keys:
                    c.add(f"{where}{kind}.{key}", f"no compared draft has a party {key!r}")
                c.number(f"{where}{kind}.{key}", shift, low=-1.0)
    return c.errors


def scenario_compare(
    snapshots: Sequence[Snapshot],
    scenarios: Sequence[Scenario],
    *,
    n_samples: int | None = None,
    seed: int,
    weights: Mapping[str, float] | None = None,
    weight_intervals: Mapping[str, tuple[float, float]] | None = None,
    power_direction: str = "down",
    params: ParameterSet = DEFAULT_PARAMETERS,
    progress: Callable[[float], None] | None = None,
) -> ScenarioComparison:
    """Compare 2 to 6 drafts in each of 1 to 8 worlds, with the same seed everywhere;
    ``progress`` is called with the share done after each world."""
    errors = scenario_errors(scenarios, snapshots)
    if errors:
        raise EngineValidationError(errors)
    done: list[ComparisonResult] = []
    for sc in scenarios:
        done.append(
            compare(
                [apply_scenario(s, sc) for s in snapshots],
                n_samples=n_samples,
                seed=seed,
                weights=weights,
                weight_intervals=weight_intervals,
                power_direction=power_direction,
                params=params,
            )
        )
        if progress is not None:
            progress(len(done) / len(scenarios))
    results = tuple(done)
    labels = results[0].labels
    cells: list[list[ScenarioCell]] = [[] for _ in labels]
    for sc, res in zip(scenarios, results, strict=True):
        best = max(d.weighted_score for d in res.drafts)
        for a, d in enumerate(res.drafts):
            cells[a].append(
                ScenarioCell(
                    draft=d.label,
                    scenario=sc.name,
                    rank=res.ranking.index(d.label) + 1,
                    weighted_score=d.weighted_score,
                    regret=best - d.weighted_score,
                    credibility=d.scores["credibility"].value,
                    viability=d.scores["viability"].mean,
                    risk_overall=d.scores["risk_overall"].value,
                )
            )
    max_regret = {lbl: max(c.regret for c in row) for lbl, row in zip(labels, cells, strict=True)}
    robust = min(labels, key=lambda lbl: (max_regret[lbl], labels.index(lbl)))
    return ScenarioComparison(
        parameter_version=params.version,
        seed=seed,
        n_samples=results[0].n_samples,
        labels=labels,
        scenarios=tuple(sc.name for sc in scenarios),
        cells=tuple(tuple(row) for row in cells),
        best={sc.name: res.top for sc, res in zip(scenarios, results, strict=True)},
        max_regret=max_regret,
        robust=robust,
        comparisons=results,
    )
