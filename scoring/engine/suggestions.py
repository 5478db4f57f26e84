"""The design assistant, single edits (design section 15, first part).

``suggest`` enumerates candidate single edits of a draft, scores each at its point
values and keeps those that reach a goal within the analyst's bounds:

- ``"sign"``: ``recipient`` would sign after the edit (gain: its net incentive change);
- ``"in_force"``: the draft comes closer to entering into force (every recipient signs;
  in a coalition, enough members for the threshold sign and the signing set is stable);
  gain: the fall in its entry shortfall (the smallest total rise in net incentive, or
  coalition margin, that would bring the missing signers in);
- ``"credibility"``: credibility rises (gain: the rise);
- ``"risk"``: overall risk falls and no recipient that signs now stops signing (gain:
  the fall).

Candidates: a catalog item added to a recipient at magnitude 0.25 / 0.5 / 1 (first
phase, default levers for frontier-AI items); a line's magnitude +-0.25 (kept in
(0, 1]); one lever step either way (the next or previous value in the lever's order;
edits the engine refuses, such as monitored shared weights, are skipped); a mechanism
type added at strength 0.5 in the first phase covering the provider, and another
covering the recipients (not the derived phased type); an existing mechanism +0.25
(capped at 1); a condition's burden -0.1 (floored at 0) or made reversible; a line
moved one phase earlier.

Ranking: candidates that lower or keep provider cost come first, by gain (largest
first); then the others by gain per unit of extra provider cost. Ties keep the order
of enumeration.

Each candidate is scored with the same formulas as ``score`` (one compiled model and
one point evaluation per candidate, no leave-one-out rows or explanations), so every
delta equals ``score(apply(snapshot, edit))`` minus ``score(snapshot)``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .core import LABELS, evaluate
from .deterministic import point_label, point_scores
from .errors import EngineValidationError
from .model import compile_snapshot
from .params import DEFAULT_PARAMETERS, LEVER_ORDER, ParameterSet
from .results import plain
from .sampling import point_draws
from .types import (
    BenefitItem,
    Covers,
    Levers,
    Line,
    Mechanism,
    MechanismType,
    Purpose,
    Role,
    Snapshot,
)
from .validation import snapshot_errors

GOALS: tuple[str, ...] = ("sign", "in_force", "credibility", "risk")

HEADLINE_SCORES: tuple[str, ...] = (
    "credibility",
    "viability",
    "risk_overall",
    "power_sharing",
    "min_net_incentive",
    "leverage",
    "provider_cost",
    "provider_surplus",
)
"""The scores whose change every suggestion reports."""

ADD_MAGNITUDES: tuple[float, ...] = (0.25, 0.5, 1.0)
MAGNITUDE_STEP = 0.25
MECHANISM_STRENGTH = 0.5
MECHANISM_STEP = 0.25
BURDEN_STEP = 0.1
GAIN_FLOOR = 1e-12
"""A gain at or below this is rounding, not an improvement."""


@dataclass(frozen=True)
class Edit:
    """One edit as data, enough to apply it as one revision.

    ``kind`` is one of ``add_line``, ``line_magnitude``, ``line_lever``, ``line_phase``,
    ``add_mechanism``, ``mechanism_strength``, ``condition_burden``,
    ``condition_reversible``. ``section`` is ``lines``, ``mechanisms`` or
    ``conditions``; ``key`` the row's key (for additions: the new row's key). ``field``
    is the edited attribute (``levers.<lever>`` for a lever); ``old`` is ``None`` for
    an addition. ``item`` is the item or mechanism type slug, ``recipient`` the
    recipient of a line or condition, ``covers`` a new mechanism's coverage.
    ``catalog_item`` / ``catalog_mechanism`` carry a catalog entry the snapshot does
    not hold yet (added with the row).
    """

    kind: str
    section: str
    key: str
    field: str
    old: float | str | bool | int | None
    new: float | str | bool | int | None
    item: str | None = None
    recipient: str | None = None
    covers: str | None = None
    catalog_item: BenefitItem | None = None
    catalog_mechanism: MechanismType | None = None


@dataclass(frozen=True)
class Suggestion:
    """One candidate edit that reaches the goal, with its effect."""

    description: str
    edit: Edit
    gain: float
    """Goal measure change: net incentive (sign), credibility rise, or risk fall."""
    cost_change: float
    """Change in provider cost (positive: the edit costs the provider more)."""
    gain_per_cost: float | None
    """``gain / cost_change`` when the edit costs more; ``None`` otherwise."""
    deltas: dict[str, float | None]
    """Change of each ``HEADLINE_SCORES`` entry (``None`` where either is undefined)."""
    label: str
    target_signs: bool | None
    """Whether ``recipient`` signs after the edit (``None`` without a recipient)."""
    in_force: bool
    """Whether the agreement enters into force after the edit (at its point values)."""


@dataclass(frozen=True)
class SuggestionResult:
    """The ranked suggestions for one goal."""

    parameter_version: str
    goal: str
    recipient: str | None
    candidates: int
    """How many valid candidate edits were scored."""
    baseline: dict[str, float | None]
    """The draft's headline scores."""
    baseline_label: str
    target_signs: bool | None
    """Whether ``recipient`` signs as drafted."""
    in_force: bool
    """Whether the agreement enters into force as drafted."""
    shortfall: float
    """The draft's entry shortfall (0 when it enters into force)."""
    suggestions: tuple[Suggestion, ...]

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain data; ``suggestions`` a list of dicts."""
        out: dict[str, Any] = plain(self)
        return out


def _name(obj: Any) -> str:
    return str(getattr(obj, "name", "") or getattr(obj, "slug", "") or getattr(obj, "key", ""))


def _value(x: object) -> float | str | bool | int | None:
    if isinstance(x, Enum):
        return str(x.value)
    if x is None or isinstance(x, bool | int | float | str):
        return x
    raise TypeError(f"unexpected edit value {x!r}")


def _lever_values(name: str, params: ParameterSet) -> list[Any]:
    if name == "generation_lag":
        return list(range(params.max_generation_lag + 1))
    kind: type[Enum] = type(getattr(Levers(), name))
    return list(kind)


def _fresh_key(taken: set[str], stem: str) -> str:
    n = 1
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


def apply(snapshot: Snapshot, edit: Edit) -> Snapshot:
    """``snapshot`` with ``edit`` applied (no validation: ``score`` validates)."""
    if edit.kind == "add_line":
        items = snapshot.items
        if edit.catalog_item is not None and all(it.slug != edit.catalog_item.slug for it in items):
            items = (*items, edit.catalog_item)
        slug = edit.item or ""
        item = next(it for it in items if it.slug == slug)
        assert isinstance(edit.new, float | int)
        line = Line(
            edit.key,
            slug,
            edit.recipient or "",
            float(edit.new),
            None,
            Levers() if item.levers_apply else None,
        )
        return dataclasses.replace(snapshot, items=items, lines=(*snapshot.lines, line))
    if edit.kind == "add_mechanism":
        types = snapshot.mechanism_types
        if edit.catalog_mechanism is not None and all(
            t.slug != edit.catalog_mechanism.slug for t in types
        ):
            types = (*types, edit.catalog_mechanism)
        assert isinstance(edit.new, float | int)
        mech = Mechanism(
            edit.key, edit.item or "", float(edit.new), Covers(edit.covers or Covers.BOTH.value)
        )
        return dataclasses.replace(
            snapshot, mechanism_types=types, mechanisms=(*snapshot.mechanisms, mech)
        )
    rows: tuple[Any, ...] = getattr(snapshot, edit.section)
    out = []
    for row in rows:
        if row.key == edit.key:
            if edit.field.startswith("levers."):
                lever = edit.field.removeprefix("levers.")
                kind = type(getattr(Levers(), lever))
                value = edit.new if lever == "generation_lag" else kind(edit.new)
                row = dataclasses.replace(
                    row, levers=dataclasses.replace(row.levers or Levers(), **{lever: value})
                )
            else:
                row = dataclasses.replace(row, **{edit.field: edit.new})
        out.append(row)
    changes: dict[str, Any] = {edit.section: tuple(out)}
    return dataclasses.replace(snapshot, **changes)


def _candidates(
    snapshot: Snapshot,
    catalog_items: Sequence[BenefitItem],
    catalog_mechanisms: Sequence[MechanismType],
    params: ParameterSet,
) -> Iterator[tuple[str, Edit]]:
    parties = {p.key: p for p in snapshot.parties}
    recipients = [p for p in snapshot.parties if p.role == Role.RECIPIENT]
    items = {it.slug: it for it in snapshot.items}
    line_keys = {ln.key for ln in snapshot.lines}
    # Add a catalog item to a recipient.
    for item in catalog_items:
        extra = None if item.slug in items else item
        for r in recipients:
            for m in ADD_MAGNITUDES:
                key = _fresh_key(line_keys, f"suggested-{item.slug}-{r.key}")
                yield (
                    f"Add {_name(item)} to {r.name} at magnitude {m:g}",
                    Edit("add_line", "lines", key, "magnitude", None, m, item.slug, r.key,
                         catalog_item=extra),
                )  # fmt: skip
    phases = sorted(snapshot.phases, key=lambda ph: ph.order)
    for ln in snapshot.lines:
        who = _name(parties.get(ln.recipient, ln.recipient))
        what = f"{_name(items.get(ln.item, ln.item))} for {who}"
        for step in (MAGNITUDE_STEP, -MAGNITUDE_STEP):
            new = round(min(1.0, ln.magnitude + step), 12)
            if 0.0 < new <= 1.0 and new != ln.magnitude:
                verb = "Raise" if new > ln.magnitude else "Lower"
                yield (
                    f"{verb} the magnitude of {what} from {ln.magnitude:g} to {new:g}",
                    Edit("line_magnitude", "lines", ln.key, "magnitude", ln.magnitude, new,
                         ln.item, ln.recipient),
                )  # fmt: skip
        line_item = items.get(ln.item)
        if line_item is not None and line_item.levers_apply:
            levers = ln.levers or Levers()
            for lever in LEVER_ORDER:
                values = _lever_values(lever, params)
                current = getattr(levers, lever)
                if current not in values:
                    continue
                at = values.index(current)
                for to in (at + 1, at - 1):
                    if not 0 <= to < len(values):
                        continue
                    old, new_v = _value(current), _value(values[to])
                    yield (
                        f"Set {lever.replace('_', ' ')} of {what} from {old} to {new_v}",
                        Edit("line_lever", "lines", ln.key, f"levers.{lever}", old, new_v,
                             ln.item, ln.recipient),
                    )  # fmt: skip
        if phases:
            current_phase = ln.phase or phases[0].key
            idx = next((i for i, ph in enumerate(phases) if ph.key == current_phase), None)
            if idx is not None and idx > 0:
                yield (
                    f"Move {what} from phase {current_phase} to phase {phases[idx - 1].key}",
                    Edit("line_phase", "lines", ln.key, "phase", ln.phase,
                         phases[idx - 1].key, ln.item, ln.recipient),
                )  # fmt: skip
    # Mechanisms: new types, then stronger existing ones.
    known = {t.slug for t in snapshot.mechanism_types}
    types: dict[str, tuple[MechanismType, bool]] = {}
    for t in catalog_mechanisms:
        types.setdefault(t.slug, (t, t.slug not in known))
    for t in snapshot.mechanism_types:
        types.setdefault(t.slug, (t, False))
    mech_keys = {m.key for m in snapshot.mechanisms}
    for slug, (mt, extra_type) in types.items():
        if slug == params.phased_slug:
            continue
        for covers in (Covers.PROVIDER, Covers.RECIPIENTS):
            key = _fresh_key(mech_keys, f"suggested-{slug}-{covers.value}")
            yield (
                f"Add {_name(mt)} at strength {MECHANISM_STRENGTH:g} covering the "
                f"{covers.value}",
                Edit("add_mechanism", "mechanisms", key, "strength", None, MECHANISM_STRENGTH,
                     slug, covers=covers.value, catalog_mechanism=mt if extra_type else None),
            )  # fmt: skip
    mtypes = {t.slug: t for t in snapshot.mechanism_types}
    for mc in snapshot.mechanisms:
        new = round(min(1.0, mc.strength + MECHANISM_STEP), 12)
        if new > mc.strength:
            label = _name(mtypes.get(mc.mechanism_type, mc.mechanism_type))
            yield (
                f"Strengthen {label} from {mc.strength:g} to {new:g}",
                Edit("mechanism_strength", "mechanisms", mc.key, "strength", mc.strength, new,
                     mc.mechanism_type),
            )  # fmt: skip
    commitments = {c.slug: c for c in snapshot.commitments}
    for cd in snapshot.conditions:
        who = _name(parties.get(cd.recipient, cd.recipient))
        what = f"{_name(commitments.get(cd.commitment, cd.commitment))} asked of {who}"
        new = round(max(0.0, cd.burden - BURDEN_STEP), 12)
        if new < cd.burden:
            yield (
                f"Lower the burden of {what} from {cd.burden:g} to {new:g}",
                Edit("condition_burden", "conditions", cd.key, "burden", cd.burden, new,
                     cd.commitment, cd.recipient),
            )  # fmt: skip
        if not cd.reversible:
            yield (
                f"Make {what} reversible",
                Edit("condition_reversible", "conditions", cd.key, "reversible", False, True,
                     cd.commitment, cd.recipient),
            )  # fmt: skip


@dataclass(frozen=True)
class Point:
    """A draft's point evaluation: headline scores, label, who signs and by how much."""

    scores: dict[str, float | None]
    label: str
    signs: dict[str, bool]
    net: dict[str, float]
    shortfall: float
    """How far the draft is from entering into force (value units; 0 when it does)."""

    @property
    def in_force(self) -> bool:
        """Whether the agreement enters into force at the point values (section 6)."""
        return bool(self.scores["viability"])


def entry_shortfall(
    net: list[float], margin: list[float], signs: list[bool], members: list[bool], needed: int
) -> float:
    """The smallest total rise in net incentive (or coalition margin) that would bring
    ``needed`` more recipients to sign: the sum of the ``needed`` smallest gaps."""
    gaps = sorted(
        max(0.0, -min(n, m))
        for n, m, s, member in zip(net, margin, signs, members, strict=True)
        if member and not s
    )
    return float(sum(gaps[: max(0, needed)]))


def point(snapshot: Snapshot, params: ParameterSet) -> Point:
    """Row 0 of ``score``: the same compiled model evaluated at its point values."""
    model = compile_snapshot(snapshot, params)
    ev = evaluate(model, point_draws(model))
    keys = [p.key for p in model.recipients]
    signs = [bool(s > 0) for s in ev.signs_j[0].tolist()]
    net = ev.net_j[0].tolist()
    margin = ev.margin_j[0].tolist()
    if snapshot.purpose == Purpose.COALITION:
        members = [bool(x) for x in model.member.tolist()]
        signing = sum(s and m for s, m in zip(signs, members, strict=True))
        needed = max(1, snapshot.min_participation) - signing
    else:
        members = [True] * len(keys)
        needed = len(keys) - sum(signs) if keys else 0
    scores = point_scores(ev)
    shortfall = 0.0 if scores["viability"] else entry_shortfall(net, margin, signs, members, needed)
    return Point(
        scores,
        point_label(model, ev),
        dict(zip(keys, signs, strict=True)),
        dict(zip(keys, net, strict=True)),
        shortfall,
    )


ROW_SECTIONS: tuple[str, ...] = ("lines", "conditions", "mechanisms")


def edit_errors(candidate: Snapshot, edit: Edit, params: ParameterSet) -> list[tuple[str, str]]:
    """The engine's validation problems of ``candidate``, a valid snapshot with ``edit``
    applied, checking only what the edit can break.

    Every check of ``snapshot_errors`` is row by row, except key uniqueness (new rows get
    fresh keys) and the party roles (never edited), so it suffices to check the catalog
    and the edited row alone: the other row sections are left out. A test checks this
    against the full validation for every candidate.
    """
    keep: dict[str, Any] = {
        name: tuple(r for r in getattr(candidate, name) if r.key == edit.key)
        if name == edit.section
        else ()
        for name in ROW_SECTIONS
    }
    return snapshot_errors(dataclasses.replace(candidate, **keep), params)


def _delta(after: float | None, before: float | None) -> float | None:
    if after is None or before is None:
        return None
    return after - before


def validate_request(
    snapshot: Snapshot,
    goal: str,
    recipient: str | None,
    risk_max: float | None,
    keep_label: str | None,
    limit: int,
    params: ParameterSet = DEFAULT_PARAMETERS,
) -> None:
    """Raise ``EngineValidationError`` naming each bad field of a request to ``suggest``
    (or, with goal ``"in_force"``, to the package search), the snapshot's included."""
    errors = snapshot_errors(snapshot, params)
    if risk_max is not None and (
        isinstance(risk_max, bool)
        or not isinstance(risk_max, int | float)
        or not 0.0 <= risk_max <= 1.0
    ):
        errors.append(("risk_max", f"must be a number in [0, 1], got {risk_max!r}"))
    if keep_label is not None and keep_label not in LABELS:
        errors.append(("keep_label", f"must be one of {', '.join(LABELS)}, got {keep_label!r}"))
    if goal not in GOALS:
        errors.append(("goal", f"must be one of {', '.join(GOALS)}, got {goal!r}"))
    if recipient is not None:
        party = next((p for p in snapshot.parties if p.key == recipient), None)
        if party is None:
            errors.append(("recipient", f"no party with key {recipient!r}"))
        elif party.role != Role.RECIPIENT:
            errors.append(("recipient", f"{recipient!r} is a {party.role.value}, not a recipient"))
    elif goal == "sign":
        errors.append(("recipient", 'is required for goal "sign"'))
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        errors.append(("limit", f"must be a whole number of at least 1, got {limit!r}"))
    if errors:
        raise EngineValidationError(errors)


def suggest(
    snapshot: Snapshot,
    *,
    goal: str,
    recipient: str | None = None,
    catalog_items: Iterable[BenefitItem] = (),
    catalog_mechanisms: Iterable[MechanismType] = (),
    risk_max: float | None = None,
    keep_label: str | None = None,
    limit: int = 20,
    params: ParameterSet = DEFAULT_PARAMETERS,
) -> SuggestionResult:
    """The best single edits of ``snapshot`` for ``goal``, at most ``limit`` of them.

    Raises ``EngineValidationError`` naming the field for an unknown goal, an unknown
    recipient or one that is not a recipient, ``"sign"`` without a recipient, a
    ``risk_max`` outside [0, 1], a ``keep_label`` that is not an engine label, a
    ``limit`` below 1, or an invalid snapshot. For ``"sign"`` a recipient that already
    signs gets no suggestions (``target_signs`` says so).
    """
    validate_request(snapshot, goal, recipient, risk_max, keep_label, limit, params)
    base = point(snapshot, params)
    target_before = base.signs.get(recipient) if recipient is not None else None
    scored = 0
    kept: list[tuple[int, Suggestion]] = []
    for order, (description, edit) in enumerate(
        _candidates(snapshot, tuple(catalog_items), tuple(catalog_mechanisms), params)
    ):
        candidate = apply(snapshot, edit)
        if edit_errors(candidate, edit, params):
            continue
        after = point(candidate, params)
        scored += 1
        if risk_max is not None:
            risk = after.scores["risk_overall"]
            if risk is None or risk > risk_max:
                continue
        if keep_label is not None and after.label != keep_label:
            continue
        if goal == "sign":
            assert recipient is not None
            if not after.signs[recipient] or target_before:
                continue
            gain: float | None = after.net[recipient] - base.net[recipient]
        elif goal == "in_force":
            gain = base.shortfall - after.shortfall
        elif goal == "credibility":
            gain = _delta(after.scores["credibility"], base.scores["credibility"])
        else:
            if any(s and not after.signs[k] for k, s in base.signs.items()):
                continue
            fall = _delta(after.scores["risk_overall"], base.scores["risk_overall"])
            gain = None if fall is None else -fall
        if gain is None or not math.isfinite(gain) or (goal != "sign" and gain <= GAIN_FLOOR):
            continue
        deltas = {n: _delta(after.scores[n], base.scores[n]) for n in HEADLINE_SCORES}
        cost = deltas["provider_cost"] or 0.0
        kept.append(
            (
                order,
                Suggestion(
                    description=description,
                    edit=edit,
                    gain=gain,
                    cost_change=cost,
                    gain_per_cost=gain / cost if cost > 0 else None,
                    deltas=deltas,
                    label=after.label,
                    target_signs=after.signs[recipient] if recipient is not None else None,
                    in_force=after.in_force,
                ),
            )
        )
    kept.sort(key=lambda pair: (*rank_key(pair[1]), pair[0]))
    return SuggestionResult(
        parameter_version=params.version,
        goal=goal,
        recipient=recipient,
        candidates=scored,
        baseline={n: base.scores[n] for n in HEADLINE_SCORES},
        baseline_label=base.label,
        target_signs=target_before,
        in_force=base.in_force,
        shortfall=base.shortfall,
        suggestions=tuple(s for _, s in kept[:limit]),
    )


def rank_key(s: Suggestion) -> tuple[int, float]:
    """Sort key of the ranking rule: cost-neutral or cheaper edits first by gain, then
    the others by gain per unit of extra provider cost (both descending)."""
    if s.cost_change <= 0:
        return (0, -s.gain)
    assert s.gain_per_cost is not None
    return (1, -s.gain_per_cost)
