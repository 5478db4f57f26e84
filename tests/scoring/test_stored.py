"""The typed shapes of stored results mirror what the engine writes, key by key."""

from typing import get_type_hints

import pytest

from scoring import selectors, stored
from tests.factories import make_draft

pytestmark = pytest.mark.django_db


def _keys(shape: type) -> set[str]:
    return set(get_type_hints(shape))


def test_a_stored_result_has_exactly_the_typed_keys(
    team, analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(team=team, author=analyst, lines=2)  # a coalition draft
    run = draft.score_runs.get()
    result = stored.stored_result(run)
    assert result is not None
    assert set(result) == _keys(stored.ScoreResult)
    assert set(result["scores"]["credibility"]) == _keys(stored.ScoreSummary)
    assert set(result["recipients"][0]) == _keys(stored.Recipient)
    assert set(result["lines"][0]) == _keys(stored.Line)
    assert set(result["credibility_explanation"]) == _keys(stored.CredibilityExplanation)
    assert set(result["mechanism_effects"][0]) == _keys(stored.MechanismEffect)
    assert set(result["trajectory"][0]) == _keys(stored.TrajectoryStep)
    assert set(result["trajectory"][0]["exposures"][0]) == _keys(stored.PartyExposure)
    assert set(result["worst_phases"][0]) == _keys(stored.WorstPhase)
    assert set(result["warnings"][0]) == _keys(stored.EngineWarning)
    coalition = result["coalition"]
    assert coalition is not None
    assert set(coalition) == _keys(stored.Coalition)
    assert set(coalition["margins"][0]) == _keys(stored.MemberMargin)
    assert set(coalition["largest_stable_subset"]) == _keys(stored.StableSubset)
    contribution = next(iter(result["contributions"].values()))[0]
    assert set(contribution) == _keys(stored.Contribution)


def test_a_run_without_a_result_reads_as_none(team, analyst):
    draft = make_draft(team=team, author=analyst)
    run = draft.score_runs.get()
    run.result = None
    assert stored.stored_result(run) is None
    assert stored.stored_result(None) is None


def test_a_summary_read_leaves_out_the_per_line_detail(
    team, analyst, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(team=team, author=analyst, lines=3)
    with django_assert_num_queries(1):
        run = selectors.score_summary_latest_for_agreement(agreement=draft)
    assert run is not None
    full = draft.score_runs.get().result
    assert set(run.summary) == set(full) - set(selectors.SUMMARY_OMITS)
    assert run.summary["scores"] == full["scores"]
    with django_assert_num_queries(1):  # the whole result, deferred, loads on access
        assert run.result == full


def test_json_without_refuses_what_it_cannot_write():
    from core.expressions import JSONWithout

    with pytest.raises(ValueError, match="plain key names"):
        JSONWithout("result", "a' || 'b")
