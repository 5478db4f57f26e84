"""The design assistant, packages (design section 15, second part).

``search_packages`` looks for up to ``max_edits`` of the single edits of
:mod:`.suggestions` that together bring the agreement into force (every recipient
signs; in a coalition, enough members for its threshold sign and the signing set is
stable) at the least provider cost, within the analyst's bounds on overall risk and on
the label. Every package is scored with the same point evaluation as ``score``.

The search is a beam search with the engine as oracle:

1. every candidate edit is scored alone;
2. the *pool* is every candidate when there are at most ``pool_size`` of them;
   otherwise the ``pool_size`` most useful, taken in turns: those that close most of
   the entry shortfall, and for each recipient short of signing those that raise its
   own net incentive most (cheaper edits first, then by gain per unit of extra
   provider cost); then those that save the most provider cost;
3. level by level, each kept package is extended by one more edit of the pool (never
   two edits of the same field of the same row); of the new packages, the
   ``beam_width`` best are kept for the next level: half the cheapest that already
   work, the rest those closest to entering into force (least shortfall, then least
   cost);
4. the answer is the cheapest package that works and keeps within the bounds (ties:
   fewer edits, then the order of the candidates).

When the pool holds every candidate and no level has more packages than the beam,
nothing is pruned and the answer is the exhaustive optimum (``exhaustive`` is then
true); ``exhaustive_search`` is the reference the tests compare against.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import EngineValidationError
from .params import DEFAULT_PARAMETERS, ParameterSet
from .results import plain
from .suggestions import (
    HEADLINE_SCORES,
    Edit,
    Point,
    _candidates,
    _delta,
    apply,
    edit_errors,
    point,
    validate_request,
)
from .types import BenefitItem, MechanismType, Snapshot

MAX_EDITS = 4
"""The most edits a package may hold."""
BEAM_WIDTH = 24
POOL_SIZE = 24

Progress = Callable[[int, int], None]
"""Called with (packages evaluated, packages to evaluate at most) as the search goes."""

Candidate = tuple[str, Edit]
"""A candidate edit with its description in words."""


@dataclass(frozen=True)
class Package:
    """A set of edits that brings the agreement into force, with its effect."""

    descriptions: tuple[str, ...]
    edits: tuple[Edit, ...]
    scores: dict[str, float | None]
    """The headline scores after every edit of the package."""
    deltas: dict[str, float | None]
    """Change of each ``HEADLINE_SCORES`` entry from the draft."""
    cost_change: float
    label: str
    signs: dict[str, bool]
    """Who signs after the package (recipient key -> would sign)."""


@dataclass(frozen=True)
class PackageResult:
    """The cheapest package found, or why there is none."""

    parameter_version: str
    max_edits: int
    candidates: int
    """How many valid single edits were scored."""
    evaluated: int
    """How many packages (single edits included) were scored in all."""
    exhaustive: bool
    """Whether the search covered every combination (nothing was pruned)."""
    baseline: dict[str, float | None]
    baseline_label: str
    baseline_signs: dict[str, bool]
    in_force: bool
    """Whether the draft already enters into force (then no package is needed)."""
    shortfall: float
    package: Package | None
    reason: str
    """Why there is no package (empty when there is one or none is needed)."""

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain data."""
        out: dict[str, Any] = plain(self)
        return out


def _slot(edit: Edit) -> tuple[str, str, str]:
    """What an edit changes: two edits of one slot cannot share a package."""
    return (edit.section, edit.key, edit.field)


class _Search:
    """One search: the draft, its candidates and a cache of scored packages."""

    def __init__(
        self,
        snapshot: Snapshot,
        candidates: Sequence[Candidate],
        *,
        risk_max: float | None,
        keep_label: str | None,
        params: ParameterSet,
        progress: Progress | None,
    ) -> None:
        self.snapshot = snapshot
        self.params = params
        self.risk_max = risk_max
        self.keep_label = keep_label
        self.progress = progress
        self.base = point(snapshot, params)
        self.candidates: list[Candidate] = []
        for description, edit in candidates:
            if not edit_errors(apply(snapshot, edit), edit, params):
                self.candidates.append((description, edit))
        self.scored: dict[tuple[int, ...], Point | None] = {}
        self.total = 0

    def evaluate(self, combo: tuple[int, ...]) -> Point | None:
        """The point evaluation of the candidates ``combo`` applied together (``None``
        when the combination is not a valid draft)."""
        if combo in self.scored:
            return self.scored[combo]
        edits = [self.candidates[i][1] for i in combo]
        draft = self.snapshot
        for edit in edits:
            draft = apply(draft, edit)
        # Each candidate is valid alone and validation is row by row (``edit_errors``):
        # only a row that several edits touch needs checking again.
        rows = [(e.section, e.key) for e in edits]
        valid = all(
            rows.count((e.section, e.key)) == 1 or not edit_errors(draft, e, self.params)
            for e in edits
        )
        result = point(draft, self.params) if valid else None
        self.scored[combo] = result
        if self.progress is not None:
            self.progress(len(self.scored), max(self.total, len(self.scored)))
        return result

    def works(self, pt: Point | None) -> bool:
        """Whether a scored package enters into force within the analyst's bounds."""
        if pt is None or not pt.in_force:
            return False
        if self.risk_max is not None:
            risk = pt.scores["risk_overall"]
            if risk is None or risk > self.risk_max:
                return False
        return self.keep_label is None or pt.label == self.keep_label

    def cost(self, pt: Point) -> float:
        value = pt.scores["provider_cost"]
        return math.inf if value is None else value

    def compatible(self, combo: tuple[int, ...], extra: int) -> bool:
        taken = {_slot(self.candidates[i][1]) for i in combo}
        return extra not in combo and _slot(self.candidates[extra][1]) not in taken

    def best(self, combos: Iterable[tuple[int, ...]]) -> tuple[int, ...] | None:
        """The cheapest working package of ``combos`` (ties: fewer edits, then order)."""
        working = [c for c in combos if self.works(self.scored.get(c))]
        if not working:
            return None
        return min(working, key=lambda c: (self.cost(self.scored[c]), len(c), c))  # type: ignore[arg-type]

    def package(self, combo: tuple[int, ...]) -> Package:
        pt = self.scored[combo]
        assert pt is not None
        deltas = {n: _delta(pt.scores[n], self.base.scores[n]) for n in HEADLINE_SCORES}
        return Package(
            descriptions=tuple(self.candidates[i][0] for i in combo),
            edits=tuple(self.candidates[i][1] for i in combo),
            scores={n: pt.scores[n] for n in HEADLINE_SCORES},
            deltas=deltas,
            cost_change=deltas["provider_cost"] or 0.0,
            label=pt.label,
            signs=dict(pt.signs),
        )


def _rank(gain: float, extra_cost: float) -> tuple[int, float]:
    """The ranking rule of single edits: cheaper ones by gain, the others by gain per
    unit of extra provider cost."""
    return (0, -gain) if extra_cost <= 0 else (1, -gain / extra_cost)


def _pool(search: _Search, pool_size: int) -> list[int]:
    """The candidates the search extends packages with (every one when few enough).

    Otherwise, in turns until the pool is full: the edits that close most of the entry
    shortfall, and for each recipient short of signing the edits that raise its own net
    incentive most (both by the ranking rule); then the edits that save most provider
    cost without losing a signer."""
    n = len(search.candidates)
    if n <= pool_size:
        return list(range(n))
    base = search.base
    short = [k for k, signs in base.signs.items() if not signs]
    lists: list[list[tuple[tuple[int, float], int]]] = [[] for _ in range(1 + len(short))]
    saving: list[tuple[float, int]] = []
    for i in range(n):
        pt = search.scored.get((i,))
        if pt is None:
            continue
        extra = search.cost(pt) - search.cost(base)
        closed = base.shortfall - pt.shortfall
        if closed > 0:
            lists[0].append((_rank(closed, extra), i))
        for slot, key in enumerate(short, start=1):
            rise = pt.net[key] - base.net[key]
            if rise > 0:
                lists[slot].append((_rank(rise, extra), i))
        if extra < 0 and closed >= 0 and all(pt.signs[k] for k, s in base.signs.items() if s):
            saving.append((extra, i))
    for ranked in lists:
        ranked.sort()
    saving.sort()
    chosen: list[int] = []
    room = pool_size - min(len(saving), pool_size // 6)
    queues = [[i for _, i in ranked] for ranked in lists]
    while len(chosen) < room and any(queues):
        for queue in queues:
            while queue and queue[0] in chosen:
                queue.pop(0)
            if queue and len(chosen) < room:
                chosen.append(queue.pop(0))
    chosen += [i for _, i in saving if i not in chosen][: pool_size - len(chosen)]
    return sorted(chosen)


def _keep(search: _Search, combos: list[tuple[int, ...]], beam_width: int) -> list[tuple[int, ...]]:
    """The packages to extend at the next level: all when they fit in the beam."""
    if len(combos) <= beam_width:
        return combos
    working = sorted(
        (c for c in combos if search.works(search.scored[c])),
        key=lambda c: (search.cost(search.scored[c]), c),  # type: ignore[arg-type]
    )
    kept = working[: beam_width // 2]
    chosen = set(kept)

    def closeness(c: tuple[int, ...]) -> tuple[float, float, tuple[int, ...]]:
        pt = search.scored[c]
        assert pt is not None
        return (pt.shortfall, search.cost(pt), c)

    rest = sorted((c for c in combos if c not in chosen), key=closeness)
    return kept + rest[: beam_width - len(kept)]


def check_bounds(max_edits: int, beam_width: int = BEAM_WIDTH, pool_size: int = POOL_SIZE) -> None:
    """Raise ``EngineValidationError`` naming ``max_edits`` (1 to 4), ``beam_width`` or
    ``pool_size`` (at least 1) when out of range."""
    errors = []
    if isinstance(max_edits, bool) or not isinstance(max_edits, int):
        errors.append(("max_edits", f"must be a whole number, got {max_edits!r}"))
    elif not 1 <= max_edits <= MAX_EDITS:
        errors.append(("max_edits", f"must be between 1 and {MAX_EDITS}, got {max_edits}"))
    for name, value in (("beam_width", beam_width), ("pool_size", pool_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            errors.append((name, f"must be a whole number of at least 1, got {value!r}"))
    if errors:
        raise EngineValidationError(errors)


def _result(
    search: _Search, best: tuple[int, ...] | None, max_edits: int, exhaustive: bool
) -> PackageResult:
    base = search.base
    if base.in_force:
        reason = ""
    elif best is None:
        bounds = []
        if search.risk_max is not None:
            bounds.append(f"overall risk at most {search.risk_max:g}")
        if search.keep_label is not None:
            bounds.append(f"the label {search.keep_label!r}")
        within = f" within {' and '.join(bounds)}" if bounds else ""
        reason = f"No package of up to {max_edits} edits brings the agreement into force{within}."
    else:
        reason = ""
    return PackageResult(
        parameter_version=search.params.version,
        max_edits=max_edits,
        candidates=len(search.candidates),
        evaluated=len(search.scored),
        exhaustive=exhaustive,
        baseline={n: base.scores[n] for n in HEADLINE_SCORES},
        baseline_label=base.label,
        baseline_signs=dict(base.signs),
        in_force=base.in_force,
        shortfall=base.shortfall,
        package=None if best is None else search.package(best),
        reason=reason,
    )


def search_packages(
    snapshot: Snapshot,
    *,
    catalog_items: Iterable[BenefitItem] = (),
    catalog_mechanisms: Iterable[MechanismType] = (),
    candidates: Sequence[Candidate] | None = None,
    max_edits: int = MAX_EDITS,
    risk_max: float | None = None,
    keep_label: str | None = None,
    beam_width: int = BEAM_WIDTH,
    pool_size: int = POOL_SIZE,
    params: ParameterSet = DEFAULT_PARAMETERS,
    progress: Progress | None = None,
) -> PackageResult:
    """The cheapest package of at most ``max_edits`` edits found by the beam search.

    ``candidates`` replaces the single edits of :mod:`.suggestions` (tests use small
    sets). Raises ``EngineValidationError`` naming the field for an invalid snapshot,
    ``risk_max`` outside [0, 1], an unknown ``keep_label``, or ``max_edits`` outside
    1 to 4. A draft already in force gets no package and ``in_force`` true.
    """
    validate_request(snapshot, "in_force", None, risk_max, keep_label, 1, params)
    check_bounds(max_edits, beam_width, pool_size)
    if candidates is None:
        candidates = list(
            _candidates(snapshot, tuple(catalog_items), tuple(catalog_mechanisms), params)
        )
    search = _Search(
        snapshot,
        candidates,
        risk_max=risk_max,
        keep_label=keep_label,
        params=params,
        progress=progress,
    )
    n = len(search.candidates)
    search.total = n + (max_edits - 1) * beam_width * min(pool_size, n)
    if search.base.in_force:
        return _result(search, None, max_edits, True)
    level: list[tuple[int, ...]] = [(i,) for i in range(n)]
    for combo in level:
        search.evaluate(combo)
    found = search.best(level)
    pool = _pool(search, pool_size)
    exhaustive = len(pool) == n
    beam = _keep(search, [c for c in level if c[0] in set(pool)], beam_width)
    exhaustive = exhaustive and len(beam) == len(level)
    for _ in range(max_edits - 1):
        seen: set[tuple[int, ...]] = set()
        nxt: list[tuple[int, ...]] = []
        for combo in beam:
            for extra in pool:
                if not search.compatible(combo, extra):
                    continue
                grown = tuple(sorted((*combo, extra)))
                if grown in seen:
                    continue
                seen.add(grown)
                if search.evaluate(grown) is not None:
                    nxt.append(grown)
        if not nxt:
            break
        candidate = search.best(nxt)
        if candidate is not None and (
            found is None
            or (search.cost(search.scored[candidate]), len(candidate), candidate)  # type: ignore[arg-type]
            < (search.cost(search.scored[found]), len(found), found)  # type: ignore[arg-type]
        ):
            found = candidate
        beam = _keep(search, nxt, beam_width)
        exhaustive = exhaustive and len(beam) == len(nxt)
    if progress is not None:
        progress(len(search.scored), len(search.scored))
    return _result(search, found, max_edits, exhaustive)


def exhaustive_search(
    snapshot: Snapshot,
    candidates: Sequence[Candidate],
    *,
    max_edits: int = MAX_EDITS,
    risk_max: float | None = None,
    keep_label: str | None = None,
    params: ParameterSet = DEFAULT_PARAMETERS,
) -> PackageResult:
    """Every combination of at most ``max_edits`` of ``candidates`` scored: the
    reference the beam search must match on small candidate sets."""
    validate_request(snapshot, "in_force", None, risk_max, keep_label, 1, params)
    check_bounds(max_edits, 1, 1)
    search = _Search(
        snapshot, candidates, risk_max=risk_max, keep_label=keep_label, params=params, progress=None
    )
    if search.base.in_force:
        return _result(search, None, max_edits, True)
    combos = []
    for size in range(1, max_edits + 1):
        for combo in itertools.combinations(range(len(search.candidates)), size):
            slots = {_slot(search.candidates[i][1]) for i in combo}
            if len(slots) == size and search.evaluate(combo) is not None:
                combos.append(combo)
    return _result(search, search.best(combos), max_edits, True)
