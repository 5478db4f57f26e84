"""The negotiation view (design section 14): each recipient's bargaining range.

For recipient ``j`` the deterministic score gives its believed value ``B_j``, burden
``K_j``, outside option ``o_j`` and surplus ``N_j = B_j - K_j - o_j``, and the provider's
value ``W_j`` of ``j``'s commitments and cost ``Kp_j`` of ``j``'s lines. An extra
transfer of ``t`` value units of one item, which costs the provider ``rho`` per unit of
value to ``j``, is acceptable to ``j`` when ``N_j + t >= 0`` and to the provider when
``W_j - Kp_j - rho t >= 0``: the ZOPA is ``[max(0, -N_j), (W_j - Kp_j) / rho]``. The Nash
bargaining point maximises ``(N_j + t)(W_j - Kp_j - rho t)``:
``t* = ((W_j - Kp_j) / rho - N_j) / 2``, kept inside the ZOPA and shown as a magnitude of
the item (``t / u_j``, ``u_j`` the value to ``j`` of one full unit of the item).

``u_j`` is the engine's own valuation: the value of a line of the item at magnitude 1
for ``j``, after levers and ``j``'s valuation multiplier. Doubt is not applied to the
transfer (the ZOPA is in believed value for ``N_j`` and in face value for ``t``); an item
that needs belief is a weaker transfer than its ZOPA suggests, which the methodology
notes.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from .deterministic import score
from .errors import EngineValidationError
from .params import DEFAULT_PARAMETERS, ParameterSet
from .results import plain
from .types import Line, Role, Snapshot


@dataclass(frozen=True)
class Bargain:
    """One recipient's bargaining range for an extra transfer of one item."""

    key: str
    name: str
    believed_value: float
    burden: float
    outside_option: float
    surplus: float
    """``N_j``: positive means it would sign as drafted."""
    provider_value: float
    """``W_j``: what ``j``'s commitments are worth to the provider if ``j`` signs."""
    provider_cost: float
    """``Kp_j``: what ``j``'s lines cost the provider."""
    provider_surplus: float
    """``W_j - Kp_j``: what the provider gains from ``j`` if it signs."""
    unit_value: float
    """``u_j``: value to ``j`` of the item at magnitude 1."""
    unit_cost: float
    """Provider cost of the item at magnitude 1."""
    zopa_low: float | None
    """Smallest acceptable transfer in value units (``None``: no ZOPA)."""
    zopa_high: float | None
    nash_transfer: float | None
    nash_magnitude: float | None
    """The Nash point as a magnitude of the item (may exceed 1: more than one item)."""
    reason: str
    """The range in words, or why there is none."""


@dataclass(frozen=True)
class NegotiationResult:
    """Every recipient's bargaining range for transfers of ``transfer_item``."""

    parameter_version: str
    transfer_item: str
    transfer_name: str
    recipients: tuple[Bargain, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"parameter_version", "transfer_item", "transfer_name", "recipients": [...]}``."""
        out: dict[str, Any] = plain(self)
        return out


def _most_the_provider_gives(b: Bargain) -> float:
    """The largest transfer (value units) the provider could make and still gain."""
    if b.unit_cost <= 0:
        return math.inf
    return max(0.0, b.provider_surplus) * b.unit_value / b.unit_cost


def _words(b: Bargain, item: str) -> str:
    if b.zopa_low is None:
        if b.unit_value <= 0:
            return f"No ZOPA: {b.name} puts no value on {item}; choose another item."
        if b.provider_surplus <= 0:
            return (
                f"No ZOPA: the provider already spends more on {b.name}'s lines than its "
                f"commitments are worth to it ({b.provider_surplus:.2f}), so more {item} "
                "cannot help; change the terms instead."
            )
        return (
            f"No ZOPA: {b.name} needs {-b.surplus:.2f} more to sign, but the provider can "
            f"give at most {_most_the_provider_gives(b):.2f} of {item} before it loses."
        )
    if b.surplus >= 0:
        most = "any amount" if b.zopa_high is None else f"up to {b.zopa_high:.2f}"
        return f"{b.name} would sign as drafted; the provider could add {most} of {item}."
    assert b.nash_transfer is not None and b.nash_magnitude is not None
    high = "any amount" if b.zopa_high is None else f"{b.zopa_high:.2f}"
    return (
        f"{b.name} signs for at least {b.zopa_low:.2f} more of {item}; the provider still "
        f"gains up to {high}. The even split (Nash) is {b.nash_transfer:.2f}, a magnitude "
        f"of {b.nash_magnitude:.2f}."
    )


def negotiation(
    snapshot: Snapshot, *, transfer_item: str, params: ParameterSet = DEFAULT_PARAMETERS
) -> NegotiationResult:
    """Each recipient's ZOPA and Nash point for extra transfers of ``transfer_item``.

    ``transfer_item`` must be a slug in ``snapshot.items``.
    """
    item = next((it for it in snapshot.items if it.slug == transfer_item), None)
    if item is None:
        raise EngineValidationError([("transfer_item", f"unknown benefit item {transfer_item!r}")])
    base = score(snapshot, params)
    # One probe scores what the ZOPA needs beyond the draft's own answer: a full unit of
    # the item to each recipient (its value to them, u_j), with every outside option at
    # its lowest, so that each recipient signs and W_j counts its commitments even when
    # it would not sign as drafted (W_j does not depend on the outside option).
    parties = tuple(
        dataclasses.replace(p, outside_option=params.outside_option_low)
        if p.role == Role.RECIPIENT
        else p
        for p in snapshot.parties
    )
    probes = tuple(
        Line(f"probe-{i}", item.slug, p.key, 1.0)
        for i, p in enumerate(snapshot.parties)
        if p.role == Role.RECIPIENT
    )
    probed = score(
        dataclasses.replace(snapshot, parties=parties, lines=(*snapshot.lines, *probes)), params
    )
    unit_values = {ln.recipient: ln.value for ln in probed.lines[len(snapshot.lines) :]}
    commitment_values = {r.key: r.provider_value for r in probed.recipients}
    bargains = []
    for r in base.recipients:
        unit_value = float(unit_values.get(r.key, 0.0))
        unit_cost = float(item.c)
        provider_value = float(commitment_values.get(r.key, r.provider_value))
        gain = provider_value - r.provider_cost
        rho = unit_cost / unit_value if unit_value > 0 else math.inf
        low = max(0.0, -r.net_incentive)
        high = gain / rho if rho > 0 else (math.inf if gain >= 0 else -math.inf)
        has_zopa = unit_value > 0 and high >= low
        nash = None
        if has_zopa:
            raw = (high - r.net_incentive) / 2 if math.isfinite(high) else low
            nash = min(max(raw, low), high)
        provisional = Bargain(
            key=r.key,
            name=r.name,
            believed_value=r.believed_value,
            burden=r.burden,
            outside_option=r.outside_option,
            surplus=r.net_incentive,
            provider_value=provider_value,
            provider_cost=r.provider_cost,
            provider_surplus=gain,
            unit_value=unit_value,
            unit_cost=unit_cost,
            zopa_low=low if has_zopa else None,
            zopa_high=(high if math.isfinite(high) else None) if has_zopa else None,
            nash_transfer=nash,
            nash_magnitude=None if nash is None else nash / unit_value,
            reason="",
        )
        bargains.append(
            dataclasses.replace(provisional, reason=_words(provisional, item.name or item.slug))
        )
    return NegotiationResult(
        parameter_version=params.version,
        transfer_item=item.slug,
        transfer_name=item.name or item.slug,
        recipients=tuple(bargains),
    )
