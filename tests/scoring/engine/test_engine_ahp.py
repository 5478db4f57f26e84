"""Weight elicitation by pairwise comparison (AHP)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from scoring.engine import EngineValidationError
from scoring.engine.ahp import (
    Judgement,
    ahp,
    ahp_from_matrix,
    require_consistent,
    weight_intervals,
)

CRITERIA = ("credibility", "risk_overall", "viability", "leverage")


def _judgements(weights: dict[str, float]) -> list[Judgement]:
    return [Judgement(a, b, weights[a] / weights[b]) for a, b in itertools.combinations(weights, 2)]


def test_a_consistent_matrix_gives_back_its_generating_weights():
    weights = {"credibility": 0.4, "risk_overall": 0.3, "viability": 0.2, "leverage": 0.1}
    result = ahp(CRITERIA, _judgements(weights))
    for name, w in weights.items():
        assert result.weights[name] == pytest.approx(w, abs=1e-9)
    assert result.lambda_max == pytest.approx(4.0)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-9)
    assert result.consistent


def test_saatys_house_example_has_its_published_consistency_ratio():
    """T. L. Saaty, "How to make a decision: The analytic hierarchy process", European
    Journal of Operational Research 48 (1990) 9-26, the house example (eight criteria:
    size, transportation, neighbourhood, age, yard space, modern facilities, general
    condition, financing), table 2: lambda_max = 9.669, C.I. = 0.238, C.R. = 0.169, and
    priorities .173 .054 .188 .018 .031 .036 .167 .333."""
    m = np.array(
        [
            [1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
            [1 / 5, 1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
            [1 / 3, 3, 1, 6, 3, 4, 6, 1 / 5],
            [1 / 7, 1 / 5, 1 / 6, 1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
            [1 / 6, 1 / 3, 1 / 3, 3, 1, 1 / 2, 1 / 5, 1 / 6],
            [1 / 6, 1 / 3, 1 / 4, 4, 2, 1, 1 / 5, 1 / 6],
            [3, 5, 1 / 6, 7, 5, 5, 1, 1 / 2],
            [4, 7, 5, 8, 6, 6, 2, 1],
        ]
    )
    names = (
        "size",
        "transport",
        "neighbourhood",
        "age",
        "yard",
        "facilities",
        "condition",
        "financing",
    )
    result = ahp_from_matrix(names, m)
    assert result.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert result.consistency_index == pytest.approx(0.238, abs=5e-4)
    assert result.consistency_ratio == pytest.approx(0.169, abs=5e-4)
    published = (0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333)
    for name, w in zip(names, published, strict=True):
        assert result.weights[name] == pytest.approx(w, abs=5e-4)
    assert not result.consistent
    assert (result.worst.a, result.worst.b, result.worst.given) == ("neighbourhood", "condition", 6)
    assert result.worst.suggested == pytest.approx(0.5)
    assert "above 0.10" in result.message
    with pytest.raises(EngineValidationError) as info:
        require_consistent(result)
    assert info.value.field == "judgements"


def test_the_most_inconsistent_judgement_is_named():
    weights = {"credibility": 0.4, "risk_overall": 0.3, "viability": 0.2, "leverage": 0.1}
    judgements = _judgements(weights)
    # Turn one judgement round: leverage now "matters 5 times more" than credibility.
    judgements[2] = Judgement("credibility", "leverage", 1 / 5)
    result = ahp(CRITERIA, judgements)
    assert not result.consistent
    assert {result.worst.a, result.worst.b} == {"credibility", "leverage"}
    assert result.worst.given == pytest.approx(0.2)
    assert result.worst.suggested > 1
    assert "credibility against leverage" in result.message


@pytest.mark.parametrize(
    ("judgements", "field"),
    [
        ([], "judgements"),
        ([Judgement("credibility", "risk_overall", 3)], "judgements"),  # pairs missing
        ([Judgement("credibility", "charm", 3)], "judgements[0].b"),
        ([Judgement("credibility", "credibility", 3)], "judgements[0]"),
        ([Judgement("credibility", "risk_overall", 12)], "judgements[0].value"),
        ([Judgement("credibility", "risk_overall", 0)], "judgements[0].value"),
    ],
)
def test_bad_judgements_are_refused_by_name(judgements, field):
    with pytest.raises(EngineValidationError) as info:
        ahp(CRITERIA, judgements)
    assert info.value.field == field


def test_a_pair_judged_twice_is_refused():
    judgements = [
        *_judgements(dict.fromkeys(CRITERIA, 1.0)),
        Judgement("leverage", "credibility", 2),
    ]
    with pytest.raises(EngineValidationError) as info:
        ahp(CRITERIA, judgements)
    assert "compared twice" in str(info.value)


def test_weight_intervals_spread_around_the_weights():
    box = weight_intervals({"credibility": 0.5, "risk_overall": 0.5}, 0.2)
    assert box == pytest.approx({"credibility": (0.3, 0.7), "risk_overall": (0.3, 0.7)})
    with pytest.raises(EngineValidationError):
        weight_intervals({"credibility": 1.0}, 1.5)
