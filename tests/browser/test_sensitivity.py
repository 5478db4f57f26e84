"""The compare page's weights panel: elicit weights by answering the pairwise questions and
see the SMAA table change; move a weight slider and see the ranking follow, with no page load."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.factories import make_draft

MARK = "window.__samePage"


def _set_slider(page: Page, name: str, value: str) -> None:
    """Move a range input the way a user does: its value changes and ``input`` fires."""
    page.locator(f'#weights-form input[name="{name}"]').evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }",
        value,
    )


def test_weights_are_elicited_and_walked_without_a_page_load(
    new_page, live_server, catalog, team, analyst, sign_in
):
    big = make_draft(team=team, author=analyst, lines=2, title="Two lines")
    small = make_draft(team=team, author=analyst, lines=1, title="One line")
    page = sign_in(new_page())
    page.goto(f"{live_server.url}/compare/?ids={big.pk}&ids={small.pk}")
    page.locator("#weights-panel").scroll_into_view_if_needed()
    smaa = page.locator("#live-smaa tbody")
    expect(smaa).to_be_visible(timeout=30_000)
    page.evaluate(f"{MARK} = true")
    before = smaa.inner_text()

    # Elicit: credibility matters strongly more than everything, the rest equally.
    page.locator("#ahp summary").click()
    for question in page.locator("#ahp-questions select").all():
        label = question.get_attribute("aria-label") or ""
        question.select_option("5" if label.startswith("Credibility against") else "1")
    with page.expect_response(re.compile(r"/compare/weights/ahp/")) as answer:
        page.get_by_role("button", name="Compute the weights").click()
    assert answer.value.status == 200
    result = page.locator("#ahp-result")
    expect(result).to_contain_text("consistent enough")
    expect(result).to_contain_text("credibility 0.50")
    expect(page.locator('#weights-form input[name="w_leverage"]')).to_have_value("1")
    expect(page.locator("#live-smaa tbody")).not_to_have_text(before)
    assert page.evaluate(MARK) is True  # the same page: swapped in by htmx

    # Walk: move one slider; the ranking re-computes and is swapped in, debounced.
    order = page.locator("#live-order")
    ranked = order.inner_text()
    with page.expect_response(re.compile(r"/compare/weights/\?")) as moved:
        _set_slider(page, "w_credibility", "0")
        _set_slider(page, "w_viability", "10")
    assert moved.value.status == 200
    expect(page.locator("#live-order")).not_to_have_text(ranked)
    assert page.evaluate(MARK) is True
