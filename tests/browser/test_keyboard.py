"""The builder works from the keyboard, and every control on it has an accessible name."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from agreements.models import ReferenceTemplate
from agreements.services import agreement_start_from_template
from tests.browser.helpers import current_revision
from tests.factories import make_draft

# Inputs, selects and text areas that nothing names: no <label> (for= or wrapping),
# no aria-label, no aria-labelledby. Hidden inputs are not controls.
UNLABELLED = """
() => [...document.querySelectorAll("input, select, textarea")]
  .filter((el) => el.type !== "hidden")
  .filter((el) => !(el.labels && el.labels.length))
  .filter((el) => !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
  .map((el) => el.outerHTML.slice(0, 160))
"""
# What has the keyboard focus: its id, else its aria-label, else its tag.
ACTIVE = """
() => {
  const el = document.activeElement;
  return el.id || el.getAttribute("aria-label") || el.tagName;
}
"""


@pytest.fixture
def chips_draft(reference_templates, team, analyst):
    template = ReferenceTemplate.objects.get(slug="chips-for-peace")
    return agreement_start_from_template(template=template, team=team, author=analyst)


def _tab_to(page: Page, wanted, *, limit: int) -> str:
    """Press Tab until ``wanted(name of the focused element)``; fail after ``limit`` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(ACTIVE)
        if wanted(focused):
            return focused
    raise AssertionError(f"not reached with {limit} presses of Tab")


def test_keyboard_alone_adds_a_benefit_from_the_catalog_search(
    page: Page, live_server, catalog, team, analyst, sign_in
):
    draft = make_draft(team=team, author=analyst, lines=1)
    sign_in(page)
    page.goto(f"{live_server.url}{draft.get_absolute_url()}")
    assert current_revision(page) == 1
    rows = page.locator("#lines tbody.part")
    expect(rows).to_have_count(1)

    # From the top of the page, past the header, parties and phases, to the search box.
    _tab_to(page, lambda name: name == "catalog-search", limit=150)
    page.keyboard.type("insurance")
    expect(page.get_by_role("button", name="Add Disaster insurance")).to_be_visible()
    expect(page.locator("#catalog-search")).to_be_focused()  # results arrive without moving focus
    _tab_to(page, lambda name: name == "Add Disaster insurance", limit=20)
    page.keyboard.press("Enter")

    expect(page.locator("#current-revision")).to_have_text("2")
    expect(page.locator("#revision-line")).to_be_focused()  # the confirmation, not <body>
    expect(page.locator("#revision-line")).to_contain_text("Added benefit “Disaster insurance")
    expect(rows).to_have_count(2)
    expect(rows.last).to_contain_text("Disaster insurance")


# Clicks the add button of a search result in the same task that inserts it into the page.
CLICK_ADD_ON_ARRIVAL = """
(label) => {
  const observer = new MutationObserver(() => {
    const button = document.querySelector(`button[aria-label="${label}"]`);
    if (button) { observer.disconnect(); button.click(); }
  });
  observer.observe(document.getElementById("builder"), { childList: true, subtree: true });
}
"""


def test_a_search_result_can_be_added_the_moment_it_appears(
    page: Page, live_server, catalog, team, analyst, sign_in
):
    """No window in which a result shows but htmx has not yet taken over its form.

    With htmx's default 20 ms settle delay, a quick keyboard user's Enter posted the form as a
    plain page load: the line was added, but the page reloaded and focus was lost.
    """
    draft = make_draft(team=team, author=analyst, lines=1)
    sign_in(page)
    page.goto(f"{live_server.url}{draft.get_absolute_url()}")
    posts: list[str | None] = []
    page.on(
        "request",
        lambda r: posts.append(r.headers.get("hx-request")) if r.method == "POST" else None,
    )
    page.evaluate(CLICK_ADD_ON_ARRIVAL, "Add Disaster insurance")
    page.locator("#catalog-search").fill("insurance")

    expect(page.locator("#current-revision")).to_have_text("2")
    expect(page.locator("#revision-line")).to_be_focused()
    assert posts == ["true"]  # one htmx request, not a page load


def test_every_input_on_the_builder_has_an_accessible_label(
    page: Page, live_server, chips_draft, sign_in
):
    sign_in(page)
    page.goto(f"{live_server.url}{chips_draft.get_absolute_url()}")
    # Also check the search results' add forms, which arrive with htmx.
    page.locator("#catalog-search").fill("access")
    expect(page.locator("#catalog-results form").first).to_be_visible()
    # The Edit, add and settings forms load when their <details> opens: open them all.
    page.evaluate("document.querySelectorAll('#builder details').forEach(d => { d.open = true; })")
    expect(page.locator("#builder .form-slot")).to_have_count(0)
    assert page.locator("select").count() > 20  # the lever, phase and role selects are there
    unlabelled = page.evaluate(UNLABELLED)
    assert unlabelled == [], "controls without an accessible label:\n" + "\n".join(unlabelled)
