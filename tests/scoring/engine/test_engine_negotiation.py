"""The negotiation view (section 14): each recipient's ZOPA and Nash point."""

from __future__ import annotations

import dataclasses

import pytest

from scoring.engine import BenefitItem, Cluster, Line, score
from scoring.engine.errors import EngineValidationError
from scoring.engine.negotiation import negotiation

from .engine_strategies import example_draft

CASH = BenefitItem("cash", Cluster.FINANCIAL_RESOURCE, 0.0, 1.0, 0.0, 0.0, 0.0, 0.8, 0.6, 0.0)
"""Tangible, irrevocable, no dual use: costs the provider 0.8 per unit, worth 0.6 x mu."""


def _with_cash(snapshot):
    return dataclasses.replace(snapshot, items=(*snapshot.items, CASH))


def test_the_zopa_and_the_nash_point_follow_the_closed_forms():
    snapshot = _with_cash(example_draft())
    result = negotiation(snapshot, transfer_item="cash")
    base = {r.key: r for r in score(snapshot).recipients}
    assert [b.key for b in result.recipients] == list(base)
    for b in result.recipients:
        r = base[b.key]
        assert b.surplus == pytest.approx(r.net_incentive)
        assert b.unit_cost == pytest.approx(0.8)
        # The unit value is the engine's own: the value of a full line of cash for b.
        probe = dataclasses.replace(
            snapshot, lines=(*snapshot.lines, Line("probe", "cash", b.key, 1.0))
        )
        assert b.unit_value == pytest.approx(score(probe).lines[-1].value)
        rho = b.unit_cost / b.unit_value
        low, high = max(0.0, -b.surplus), b.provider_surplus / rho
        if high < low:
            assert b.zopa_low is None and b.nash_transfer is None
            assert b.reason.startswith("No ZOPA")
            continue
        assert (b.zopa_low, b.zopa_high) == (pytest.approx(low), pytest.approx(high))
        nash = min(max((high - b.surplus) / 2, low), high)
        assert b.nash_transfer == pytest.approx(nash)
        assert b.nash_magnitude == pytest.approx(nash / b.unit_value)
        # At the Nash point both sides gain (or break even) and the product is maximal.
        t = b.nash_transfer
        product = (b.surplus + t) * (b.provider_surplus - rho * t)
        for other in (low, high, (low + high) / 2, t * 0.9, min(high, t * 1.1)):
            assert (b.surplus + other) * (b.provider_surplus - rho * other) <= product + 1e-12


def test_a_recipient_who_would_not_sign_gets_a_range_it_can_be_bought_into():
    snapshot = _with_cash(example_draft())
    drafted = negotiation(snapshot, transfer_item="cash")
    gaining = next(b for b in drafted.recipients if b.provider_surplus > 0)
    # Its outside option now leaves it 0.02 short of signing.
    outside = gaining.surplus + 0.02
    parties = tuple(
        dataclasses.replace(p, outside_option=outside) if p.key == gaining.key else p
        for p in snapshot.parties
    )
    short = dataclasses.replace(snapshot, parties=parties)
    assert not next(r for r in score(short).recipients if r.key == gaining.key).would_sign
    bargain = next(
        b for b in negotiation(short, transfer_item="cash").recipients if b.key == gaining.key
    )
    assert bargain.surplus == pytest.approx(-0.02)
    assert bargain.zopa_low == pytest.approx(0.02)
    assert "signs for at least 0.02 more of" in bargain.reason
    # W_j still counts its commitments although, as drafted, it would not sign.
    assert bargain.provider_value == pytest.approx(gaining.provider_value)
    assert bargain.nash_transfer is not None and bargain.nash_transfer >= 0.02


def test_an_unknown_transfer_item_is_refused_by_name():
    with pytest.raises(EngineValidationError) as caught:
        negotiation(example_draft(), transfer_item="gold")
    assert "transfer_item" in str(caught.value)


def test_the_answer_is_plain_json():
    result = negotiation(_with_cash(example_draft()), transfer_item="cash").to_dict()
    assert set(result) == {"parameter_version", "transfer_item", "transfer_name", "recipients"}
    assert {"zopa_low", "zopa_high", "nash_transfer", "nash_magnitude", "reason"} <= set(
        result["recipients"][0]
    )
