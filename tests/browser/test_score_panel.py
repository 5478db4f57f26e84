"""The score panel after an edit: each score's change, in reach at 1400x900 and on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from agreements.models import ReferenceTemplate
from agreements.services import agreement_start_from_template
from tests.browser.helpers import expect_current_score


@pytest.fixture
def chips_draft(reference_templates, team, analyst):
    template = ReferenceTemplate.objects.get(slug="chips-for-peace")
    return agreement_start_from_template(template=template, team=team, author=analyst)


def test_the_panel_shows_each_change_and_fits_the_window(
    page: Page, live_server, chips_draft, scoring, sign_in
):
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in(page)
    page.goto(f"{live_server.url}{chips_draft.get_absolute_url()}")
    expect_current_score(page, 1)
    line = page.locator("#line-l10")
    line.locator("summary", has_text="Edit").click()
    line.locator("#line-l10-magnitude").fill("0.9")
    line.get_by_role("button", name="Save").click()
    expect_current_score(page, 2)
    # The analysis section below follows the new scores (the finished panel loads it).
    expect(page.locator("#analysis-heading")).to_contain_text("of revision 2")
    expect(page.locator("#score-analysis figure svg").first).to_be_visible()

    panel = page.locator("#score-panel")
    expect(panel.locator("#score-deltas")).to_have_text("Changes are from revision 1.")
    cards = panel.locator(".score-grid .score")
    assert cards.count() >= 6
    for index in range(cards.count()):
        expect(cards.nth(index).locator("[data-delta]")).to_have_text(
            # "74 → 73, down (worse)" or "unchanged since revision 1"
            re.compile(r"(→ .*, (up|down))|unchanged since revision 1")
        )

    # The page at the top: the whole panel box is on screen and scrolls on its own.
    page.evaluate("window.scrollTo(0, 0)")
    aside = page.locator("aside.panel-sticky")
    box = aside.bounding_box()
    assert box["y"] + box["height"] <= 900
    assert aside.evaluate("el => el.scrollHeight > el.clientHeight")
    last = panel.get_by_role("link", name="Risks, drivers, phases and coalition stability ↓")
    aside.evaluate("el => el.scrollTo(0, el.scrollHeight)")
    assert page.evaluate("window.scrollY") == 0  # the page did not move
    last_box = last.bounding_box()
    assert last_box["y"] >= 0 and last_box["y"] + last_box["height"] <= 900
    # Further down the page the panel stays in view (sticky).
    page.evaluate("window.scrollTo(0, 3000)")
    box = aside.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 900
    # Sections fold away.
    warnings = panel.locator("#panel-warnings")
    warnings.locator("summary").click()
    expect(warnings).not_to_have_attribute("open", "")

    # On a phone: a bar at the foot of the screen with the headline scores opens the panel.
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("window.scrollTo(0, 0)")
    bar = page.locator("#score-bar")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("Credibility")
    bar_box = bar.bounding_box()
    assert bar_box["y"] + bar_box["height"] <= 844 and bar_box["y"] > 600
    bar.click()
    panel_top = panel.bounding_box()["y"]
    assert -2 <= panel_top < 844  # the panel comes to the top of the screen
