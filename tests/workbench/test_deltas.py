"""After an edit the panel shows how each headline score moved; History shows it per revision."""

from __future__ import annotations

import re

import pytest

from agreements import services
from scoring.models import ScoreRun
from tests.factories import make_draft
from workbench.presenters import SCORES, score_delta

pytestmark = pytest.mark.django_db


@pytest.fixture
def edited(team, analyst, django_capture_on_commit_callbacks):
    """A draft scored at revision 1 and again after a bigger benefit (revision 2)."""
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(team=team, author=analyst, lines=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.part_update(
            agreement_id=draft.pk,
            expected_version=1,
            author=analyst,
            section="lines",
            key="l2",
            changes={"magnitude": 1.0},
        )
    draft.refresh_from_db()
    return draft


def test_a_delta_reads_as_before_after_and_direction():
    assert score_delta("risk_overall", 0.12, 0.09)["text"] == "0.12 → 0.09, down (better)"
    assert score_delta("credibility", 70.2, 74.4)["text"] == "70 → 74, up (better)"
    assert score_delta("power_sharing", 0.2, 0.3)["text"] == "0.20 → 0.30, up"
    assert score_delta("viability", 0.95, 0.90)["text"] == "95% → 90%, down (worse)"
    assert score_delta("risk_overall", 0.121, 0.122)["move"] == "same"  # same as shown
    assert score_delta("risk_overall", None, 0.1) is None


def test_the_panel_shows_every_headline_scores_change(analyst_client, edited):
    runs = {r.revision_number: r.result["scores"] for r in ScoreRun.objects.filter(status="done")}
    assert set(runs) == {1, 2}
    page = analyst_client.get(f"/drafts/{edited.pk}/score/").content.decode()
    assert "Changes are from revision 1." in page
    shown = dict(re.findall(r'data-delta="(\w+)">\s*(.*?)\s*</div>', page, re.S))
    cards = [key for key, _, _ in SCORES if runs[2].get(key) is not None]
    assert set(shown) == set(cards)  # every headline card carries its change
    old = runs[1]["risk_overall"]["value"]
    new = runs[2]["risk_overall"]["value"]
    expected = score_delta("risk_overall", old, new)
    if expected["move"] == "same":
        assert "unchanged since revision 1" in shown["risk_overall"]
    else:
        assert f"{old:.2f} → {new:.2f}, {expected['move']}" in shown["risk_overall"]


def test_history_lists_the_score_change_of_each_revision(
    analyst_client, edited, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        page = analyst_client.get(f"/drafts/{edited.pk}/history/").content.decode()
    row = page[page.index('id="revision-2"') : page.index('id="revision-1"')]
    first = page[page.index('id="revision-1"') :].split("</tr>")[0]
    assert "Score changes in revision 2" in row or "scores unchanged" in row
    assert re.search(
        r"(Credibility|Overall risk|Power-sharing index|Weakest net incentive) "
        r"[\d.]+ → [\d.]+, (up|down)",
        row,
    )
    assert "→" not in first  # nothing to compare revision 1 with
