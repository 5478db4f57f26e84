"""Smaller items of the first-time analyst's review, in the browser: a save in flight
says so, and the skip links take the keyboard straight to the scores and the benefits."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from agreements.models import ReferenceTemplate
from agreements.services import agreement_start_from_template

# At the moment htmx sends a request, what the form's submit button says.
RECORD_BUTTON_WHILE_SENDING = """
() => {
  window.__sending = [];
  document.addEventListener("htmx:beforeSend", (event) => {
    const form = event.detail.elt.closest("form");
    const button = form && form.querySelector('button[type="submit"]');
    if (button) window.__sending.push({
      text: button.textContent.trim(), disabled: button.disabled,
      busy: form.getAttribute("aria-busy"),
    });
  });
}
"""


@pytest.fixture
def chips_draft(reference_templates, team, analyst):
    template = ReferenceTemplate.objects.get(slug="chips-for-peace")
    return agreement_start_from_template(template=template, team=team, author=analyst)


def test_a_save_in_flight_says_so_and_cannot_be_sent_twice(
    page: Page, live_server, chips_draft, sign_in
):
    sign_in(page)
    page.goto(f"{live_server.url}{chips_draft.get_absolute_url()}")
    page.evaluate(RECORD_BUTTON_WHILE_SENDING)
    page.locator("#settings summary").click()
    page.get_by_label("Notes").fill("Checked by the minister's adviser.")
    page.get_by_role("button", name="Save draft settings").click()
    expect(page.locator("#current-revision")).to_have_text(str(chips_draft.version + 1))
    assert page.evaluate("window.__sending") == [
        {"text": "Saving…", "disabled": True, "busy": "true"}
    ]


@pytest.mark.parametrize(
    ("link", "inside"), [("Skip to the scores", "#score-panel"), ("Skip to the benefits", "#lines")]
)
def test_skip_links_reach_the_scores_and_the_benefits_in_a_few_key_presses(
    page: Page, live_server, chips_draft, sign_in, link: str, inside: str
):
    sign_in(page)
    page.goto(f"{live_server.url}{chips_draft.get_absolute_url()}")
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == link:
            break
    else:
        raise AssertionError(f"“{link}” is not among the first Tab stops")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate(f"!!document.activeElement.closest('{inside}')"), page.evaluate(
        "document.activeElement.outerHTML.slice(0, 120)"
    )
