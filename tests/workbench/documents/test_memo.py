"""The decision memo: its statements come from the score run it names."""

from __future__ import annotations

import re

import pytest

from agreements import services
from scoring.models import ScoreRun
from tests.factories import make_draft
from workbench.documents.bands import CREDIBILITY, RISK, VIABILITY
from workbench.documents.memo import RISKS
from workbench.documents.selectors import memo_for_agreement

pytestmark = pytest.mark.django_db


def _run(agreement) -> ScoreRun:
    return ScoreRun.objects.filter(agreement=agreement, status="done").latest("pk")


def test_the_memo_names_its_run_and_its_sentences_agree_with_it(start_scored):
    agreement = start_scored("narrow-models-for-restraint")
    run = _run(agreement)
    scores = run.result["scores"]
    memo = memo_for_agreement(agreement=agreement)
    assert memo.run is not None and memo.run.run == run.pk and memo.run.current
    assert memo.model_version == run.parameter_version

    credibility = scores["credibility"]
    text = " ".join(memo.scores)
    assert (
        f"Credibility is {CREDIBILITY.word(credibility['value'])} at "
        f"{credibility['value']:.0f} out of 100 (90% interval {credibility['p5']:.0f} to "
        f"{credibility['p95']:.0f}"
    ) in text
    viability = scores["viability"]["mean"]
    assert f"{VIABILITY.word(viability)}: it does in {viability:.0%}" in text
    largest = sorted(RISKS, key=lambda r: -scores[r[0]]["value"])[:2]
    for key, name in largest:
        value = scores[key]["value"]
        assert f"The risk of {name} is {RISK.word(value)} at {value:.2f}" in text
    for key, name in RISKS:
        if (key, name) not in largest:
            assert f"The risk of {name} is" not in text

    # the restraint deal is the one the calibration says China would not sign
    assert credibility["value"] < 60 and viability < 0.4
    assert memo.bottom_line.startswith("Do not table this draft")
    assert "China would not sign" in memo.bottom_line
    china = next(p for p in memo.positions if p.key == "cn")
    # the template states the halt's scope and length: the memo quotes them
    assert "Halt frontier development (10,000 accelerators per training run, for 24 months)" in (
        china.gives
    )
    assert china.verdict.startswith("would not sign")
    annex = {row.key: row for row in memo.annex}
    assert annex["credibility"].value == credibility["value"]
    assert annex["credibility"].p95 == credibility["p95"]


def test_a_viable_template_gets_a_recommendation_to_proceed(start_scored):
    agreement = start_scored("marshall-plan")
    memo = memo_for_agreement(agreement=agreement)
    assert memo.bottom_line.startswith("Proceed")
    provider = next(p for p in memo.positions if p.role == "provider")
    assert any("to France" in g for g in provider.gives)
    assert any("Commitments asked as permanent steps" in r for r in memo.red_lines)
    assert not any("Irreversible phases" in r for r in memo.red_lines)  # both phases reversible


def test_an_unscored_draft_gets_a_memo_that_says_so_without_numbers(team, analyst):
    agreement = make_draft(team=team, author=analyst)  # no on_commit: never scored
    memo = memo_for_agreement(agreement=agreement)
    assert not memo.scored and memo.annex == ()
    assert memo.unscored in (
        "This draft has not been scored yet.",
        "A score run is still in progress.",
    )
    assert "No recommendation yet" in memo.bottom_line
    for text in (memo.bottom_line, *memo.scores):
        assert not re.search(r"\d", text), text
    blank = services.agreement_create(team=team, author=analyst, title="Empty")
    memo = memo_for_agreement(agreement=blank)
    assert "add a provider party" in memo.bottom_line


def test_a_memo_made_from_a_comparison_compares_the_options(start_scored):
    marshall = start_scored("marshall-plan")
    restraint = start_scored("narrow-models-for-restraint")
    memo = memo_for_agreement(agreement=restraint, compare_with=[marshall])
    text = " ".join(memo.options)
    assert "comes first in" in text
    assert "flips" in text
    assert "Options compared" in memo.headings()
    assert "Options compared" not in memo_for_agreement(agreement=restraint).headings()
