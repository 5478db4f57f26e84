"""Input checks. Everything is validated before anything is computed.

Errors are input the formulas cannot use (a value outside [0, 1], a dangling
reference, a duplicate key, shared weights with monitoring or throttling, no
recipient, a bad sample count). Designs that are valid but worrying are reported
as warnings instead (see ``warnings.py``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from .errors import EngineValidationError
from .params import RISK_WEIGHT_KEYS, ParameterSet
from .types import (
    ITEM_ATTRIBUTES,
    AccessMode,
    Alignment,
    Cluster,
    Covers,
    Disclosure,
    Levers,
    Monitoring,
    OutputControls,
    Purpose,
    Role,
    Scope,
    Snapshot,
    Throttling,
)

CRITERIA: tuple[str, ...] = (
    "credibility",
    "risk_overall",
    "power_sharing",
    "min_net_incentive",
    "leverage",
    "viability",
)
"""Comparison criteria (section 8), in this order everywhere."""


class Collector:
    """Gathers ``(field, message)`` problems and raises them together."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.errors: list[tuple[str, str]] = []

    def add(self, name: str, message: str) -> None:
        self.errors.append((f"{self.prefix}{name}", message))

    def number(
        self,
        name: str,
        value: object,
        *,
        low: float = 0.0,
        high: float = 1.0,
        low_open: bool = False,
    ) -> None:
        """Require a finite real number in [low, high] (or (low, high])."""
        if not isinstance(value, bool) and isinstance(value, int | float):
            x = float(value)
            if (low < x if low_open else low <= x) and x <= high and math.isfinite(x):
                return
        rng = f"{'(' if low_open else '['}{_fmt(low)}, {_fmt(high)}]"
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(name, f"must be a number in {rng}, got {value!r}")
        elif math.isnan(value) or math.isinf(value):
            self.add(name, f"must be a finite number in {rng}, got {value!r}")
        else:
            self.add(name, f"must be in {rng}, got {value!r}")

    def numbers(
        self, prefix: str, row: object, attrs: Iterable[str], *, low: float = 0.0, high: float = 1.0
    ) -> None:
        """``number`` for attributes ``attrs`` of ``row``, named ``prefix.attr``.

        A float inside finite bounds passes without a call (NaN fails every comparison
        and infinity fails the upper bound); field names are built only for a problem.
        """
        finite = math.isfinite(high)
        for attr in attrs:
            value = getattr(row, attr)
            if finite and type(value) is float and low <= value <= high:
                continue
            self.number(f"{prefix}.{attr}", value, low=low, high=high)

    def choice(self, name: str, value: object, enum: type[StrEnum]) -> None:
        if isinstance(value, enum):
            return
        allowed = [m.value for m in enum]
        if not isinstance(value, str) or value not in allowed:
            self.add(name, f"must be one of {', '.join(allowed)}, got {value!r}")

    def key(self, name: str, value: object) -> bool:
        if not isinstance(value, str) or not value:
            self.add(name, f"must be a non-empty string, got {value!r}")
            return False
        return True

    def raise_if_any(self) -> None:
        if self.errors:
            raise EngineValidationError(self.errors)


_Q = ITEM_ATTRIBUTES.index("q")
"""Position of the deterrence impact ``q``, in [-1, 1]; the other item attributes are in [0, 1]."""


def _fmt(x: float) -> str:
    return f"{x:g}"


def _unique(c: Collector, section: str, keys: Iterable[object], attr: str) -> set[str]:
    seen: set[str] = set()
    for i, key in enumerate(keys):
        if not c.key(f"{section}[{i}].{attr}", key):
            continue
        assert isinstance(key, str)
        if key in seen:
            c.add(f"{section}[{i}].{attr}", f"duplicate {attr} {key!r}")
        seen.add(key)
    return seen


def _seen(levers: Levers, passed: set[Levers]) -> bool:
    """Whether equal levers already passed ``_check_levers`` (unhashable junk has not)."""
    try:
        return levers in passed
    except TypeError:
        return False


def _half_widths(
    c: Collector,
    name: str,
    values: Mapping[str, float],
    allowed: Sequence[str],
    wide: Mapping[str, float] | None = None,
) -> None:
    """Half-widths in [0, 1], or in [0, ``wide[attr]``] for attributes in value units."""
    for attr, u in values.items():
        if attr not in allowed:
            c.add(f"{name}.{attr}", f"unknown attribute; expected one of {', '.join(allowed)}")
        else:
            c.number(f"{name}.{attr}", u, high=(wide or {}).get(attr, 1.0))


def _check_levers(c: Collector, name: str, levers: Levers, params: ParameterSet) -> None:
    c.choice(f"{name}.scope", levers.scope, Scope)
    lag = levers.generation_lag
    if (
        isinstance(lag, bool)
        or not isinstance(lag, int)
        or not 0 <= lag <= params.max_generation_lag
    ):
        c.add(
            f"{name}.generation_lag",
            f"must be a whole number from 0 to {params.max_generation_lag}, got {lag!r}",
        )
    c.choice(f"{name}.output_controls", levers.output_controls, OutputControls)
    c.choice(f"{name}.monitoring", levers.monitoring, Monitoring)
    c.choice(f"{name}.access_mode", levers.access_mode, AccessMode)
    c.choice(f"{name}.throttling", levers.throttling, Throttling)
    c.choice(f"{name}.disclosure", levers.disclosure, Disclosure)
    if levers.access_mode == AccessMode.WEIGHTS:
        if levers.monitoring != Monitoring.NONE:
            c.add(
                f"{name}.monitoring",
                "shared weights cannot be monitored; set monitoring to none or use another access "
                "mode",
            )
        if levers.throttling != Throttling.NONE:
            c.add(
                f"{name}.throttling",
                "shared weights cannot be throttled; set throttling to none or use another access "
                "mode",
            )


def snapshot_errors(
    snapshot: Snapshot, params: ParameterSet, prefix: str = ""
) -> list[tuple[str, str]]:
    """Every problem of ``snapshot`` as ``(field, message)``; empty when valid."""
    c = Collector(prefix)
    s: Any = snapshot
    c.choice("purpose", s.purpose, Purpose)
    c.number("dsa", s.dsa)
    for name in ("dsa_uncertainty", "omega", "omega_uncertainty"):
        if getattr(s, name) is not None:
            c.number(name, getattr(s, name))
    mp = s.min_participation
    if isinstance(mp, bool) or not isinstance(mp, int) or mp < 0:
        c.add("min_participation", f"must be a whole number >= 0, got {mp!r}")
    if s.risk_weights is not None:
        for k, w in s.risk_weights.items():
            if k not in RISK_WEIGHT_KEYS:
                c.add(
                    f"risk_weights.{k}",
                    f"unknown risk; expected one of {', '.join(RISK_WEIGHT_KEYS)}",
                )
            else:
                c.number(f"risk_weights.{k}", w, high=math.inf)
        total = sum(float(w) for w in s.risk_weights.values() if isinstance(w, int | float))
        if not total > 0:
            c.add("risk_weights", "at least one risk weight must be positive")

    # Parties.
    party_keys = _unique(c, "parties", (p.key for p in s.parties), "key")
    roles: dict[str, str] = {}
    for i, p in enumerate(s.parties):
        c.choice(f"parties[{i}].role", p.role, Role)
        c.choice(f"parties[{i}].alignment", p.alignment, Alignment)
        if not isinstance(p.name, str) or not p.name:
            c.add(f"parties[{i}].name", f"must be a non-empty string, got {p.name!r}")
        c.numbers(f"parties[{i}]", p, ("trust", "capability", "security", "need", "threat"))
        c.number(
            f"parties[{i}].outside_option",
            p.outside_option,
            low=params.outside_option_low,
            high=params.outside_option_high,
        )
        clusters = [m.value for m in Cluster]
        for cl, mu in p.multipliers.items():
            if cl not in clusters:
                c.add(
                    f"parties[{i}].multipliers.{cl}",
                    f"unknown cluster; expected one of {', '.join(clusters)}",
                )
            else:
                c.number(
                    f"parties[{i}].multipliers.{cl}",
                    mu,
                    low=params.multiplier_low,
                    high=params.multiplier_high,
                )
        _half_widths(
            c,
            f"parties[{i}].uncertainty",
            p.uncertainty,
            ("trust", "capability", "security", "need", "threat", "outside_option"),
            {"outside_option": params.max_value_half_width},
        )
        if isinstance(p.key, str):
            roles[p.key] = p.role
    providers = [p for p in s.parties if p.role == Role.PROVIDER]
    if len(providers) != 1:
        c.add("parties", f"must contain exactly one provider, found {len(providers)}")
    if not any(p.role == Role.RECIPIENT for p in s.parties):
        c.add("parties", "must contain at least one recipient")

    # Catalog rows.
    item_keys = _unique(c, "items", (it.slug for it in s.items), "slug")
    for i, it in enumerate(s.items):
        c.choice(f"items[{i}].cluster", it.cluster, Cluster)
        c.numbers(f"items[{i}]", it, ITEM_ATTRIBUTES[:_Q])
        c.numbers(f"items[{i}]", it, ("q",), low=-1.0)
        c.numbers(f"items[{i}]", it, ITEM_ATTRIBUTES[_Q + 1 :])
        _half_widths(c, f"items[{i}].uncertainty", it.uncertainty, ITEM_ATTRIBUTES)
    commitment_keys = _unique(c, "commitments", (cm.slug for cm in s.commitments), "slug")
    for i, cm in enumerate(s.commitments):
        c.numbers(f"commitments[{i}]", cm, ("burden", "verifiability", "race_framing"))
        c.number(
            f"commitments[{i}].provider_value", cm.provider_value, high=params.max_provider_value
        )
        if not isinstance(cm.capability_scaled, bool):
            c.add(
                f"commitments[{i}].capability_scaled",
                f"must be true or false, got {cm.capability_scaled!r}",
            )
    type_keys = _unique(c, "mechanism_types", (mt.slug for mt in s.mechanism_types), "slug")
    for i, mt in enumerate(s.mechanism_types):
        c.numbers(f"mechanism_types[{i}]", mt, ("effectiveness", "erosion"))
        c.number(f"mechanism_types[{i}].cost", mt.cost, high=params.max_mechanism_cost)
        _half_widths(
            c,
            f"mechanism_types[{i}].uncertainty",
            mt.uncertainty,
            ("effectiveness", "erosion", "cost"),
            {"cost": params.max_mechanism_cost},
        )

    # Phases.
    phase_keys = _unique(c, "phases", (ph.key for ph in s.phases), "key")
    orders: set[int] = set()
    for i, ph in enumerate(s.phases):
        o = ph.order
        if isinstance(o, bool) or not isinstance(o, int) or o < 1:
            c.add(f"phases[{i}].order", f"must be a whole number >= 1, got {o!r}")
        elif o in orders:
            c.add(f"phases[{i}].order", f"duplicate order {o}")
        else:
            orders.add(o)
        if ph.duration_months is not None:
            c.number(f"phases[{i}].duration_months", ph.duration_months, high=math.inf)

    def recipient_ref(row: str, key: object) -> None:
        if key not in party_keys:
            c.add(f"{row}.recipient", f"no party with key {key!r}")
        elif roles.get(str(key)) != Role.RECIPIENT:
            c.add(
                f"{row}.recipient", f"party {key!r} is not a recipient (role {roles.get(str(key))})"
            )

    def phase_ref(row: str, key: object) -> None:
        if key is not None and key not in phase_keys:
            c.add(f"{row}.phase", f"no phase with key {key!r}")

    # Row sections: the common case (every reference resolves, every number in range)
    # is checked before a field name is formatted.
    recipients = {k for k, role in roles.items() if role == Role.RECIPIENT}
    phase_refs = {None, *phase_keys}
    items = {it.slug: it for it in s.items}
    levers_ok: set[Levers] = set()
    _unique(c, "lines", (ln.key for ln in s.lines), "key")
    for i, ln in enumerate(s.lines):
        m = ln.magnitude
        if not (
            ln.item in item_keys
            and ln.recipient in recipients
            and ln.phase in phase_refs
            and type(m) is float
            and 0.0 < m <= 1.0
        ):
            row = f"lines[{i}]"
            if ln.item not in item_keys:
                c.add(f"{row}.item", f"no catalog item with slug {ln.item!r}")
            recipient_ref(row, ln.recipient)
            c.number(f"{row}.magnitude", m, low_open=True)
            phase_ref(row, ln.phase)
        item = items.get(ln.item)
        levers = ln.levers
        if (
            levers is not None
            and not _seen(levers, levers_ok)
            and (item is None or item.levers_apply)
        ):
            before = len(c.errors)
            _check_levers(c, f"lines[{i}].levers", levers, params)
            if len(c.errors) == before:
                levers_ok.add(levers)

    _unique(c, "conditions", (cd.key for cd in s.conditions), "key")
    for i, cd in enumerate(s.conditions):
        row = f"conditions[{i}]"
        if cd.commitment not in commitment_keys:
            c.add(f"{row}.commitment", f"no commitment with slug {cd.commitment!r}")
        recipient_ref(row, cd.recipient)
        c.numbers(row, cd, ("burden", "verifiability"))
        phase_ref(row, cd.phase)
        if cd.uncertainty:
            _half_widths(c, f"{row}.uncertainty", cd.uncertainty, ("burden", "verifiability"))

    _unique(c, "mechanisms", (mc.key for mc in s.mechanisms), "key")
    for i, mc in enumerate(s.mechanisms):
        row = f"mechanisms[{i}]"
        if mc.mechanism_type == params.phased_slug:
            c.add(
                f"{row}.mechanism_type",
                f"{params.phased_slug} is derived from the phases and cannot be attached by hand",
            )
        elif mc.mechanism_type not in type_keys:
            c.add(f"{row}.mechanism_type", f"no mechanism type with slug {mc.mechanism_type!r}")
        c.numbers(row, mc, ("strength",))
        c.choice(f"{row}.covers", mc.covers, Covers)
        phase_ref(row, mc.phase)
        if mc.uncertainty is not None:
            c.number(f"{row}.uncertainty", mc.uncertainty)
    return c.errors


def validate_snapshot(snapshot: Snapshot, params: ParameterSet) -> None:
    """Raise ``EngineValidationError`` listing every problem of ``snapshot``."""
    errors = snapshot_errors(snapshot, params)
    if errors:
        raise EngineValidationError(errors)


def run_errors(n_samples: object, seed: object, params: ParameterSet) -> list[tuple[str, str]]:
    """Problems with a Monte Carlo sample count and seed."""
    c = Collector()
    n = n_samples
    if isinstance(n, bool) or not isinstance(n, int):
        c.add("n_samples", f"must be a whole number from 1 to {params.max_samples}, got {n!r}")
    elif not 1 <= n <= params.max_samples:
        c.add("n_samples", f"must be from 1 to {params.max_samples}, got {n}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        c.add("seed", f"must be a whole number >= 0, got {seed!r}")
    return c.errors


def weight_errors(
    weights: Mapping[str, float] | None,
    intervals: Mapping[str, tuple[float, float]] | None,
    criteria: Sequence[str],
) -> list[tuple[str, str]]:
    """Problems with analyst weights (non-negative, positive sum) and weight intervals."""
    c = Collector()
    if weights is not None:
        for k, w in weights.items():
            if k not in criteria:
                c.add(f"weights.{k}", f"unknown criterion; expected one of {', '.join(criteria)}")
            else:
                c.number(f"weights.{k}", w, high=math.inf)
        if not sum(float(w) for w in weights.values() if isinstance(w, int | float)) > 0:
            c.add("weights", "at least one weight must be positive")
    if intervals is not None:
        lows = highs = 0.0
        for name in criteria:
            lo, hi = intervals.get(name, (0.0, 1.0))
            field = f"weight_intervals.{name}"
            c.number(f"{field}[0]", lo)
            c.number(f"{field}[1]", hi)
            if isinstance(lo, int | float) and isinstance(hi, int | float):
                if lo > hi:
                    c.add(field, f"lower bound {lo} is above upper bound {hi}")
                lows += float(lo)
                highs += float(hi)
        for k in intervals:
            if k not in criteria:
                c.add(
                    f"weight_intervals.{k}",
                    f"unknown criterion; expected one of {', '.join(criteria)}",
                )
        if not c.errors and (lows > 1.0 + 1e-12 or highs < 1.0 - 1e-12):
            c.add("weight_intervals", "no weights summing to 1 fit these intervals")
    return c.errors
