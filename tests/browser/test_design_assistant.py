"""An analyst opens a failing draft, asks the design assistant what would make China
sign, applies the top edit with one click, and the score panel confirms it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from agreements import services
from agreements.models import ReferenceTemplate
from tests.browser.helpers import expect_current_score


def test_the_top_single_edit_applied_from_the_builder_makes_china_sign(
    page: Page, live_server, team, analyst, reference_templates, scoring, sign_in
):
    template = ReferenceTemplate.objects.get(slug="narrow-models-for-restraint")
    draft = services.agreement_start_from_template(template=template, team=team, author=analyst)
    sign_in(page)
    page.goto(f"{live_server.url}{draft.get_absolute_url()}")
    expect_current_score(page, 1)
    expect(page.locator("#recipient-cn")).to_contain_text("would not sign")

    # The section loads when scrolled to; ask for single edits that make China sign.
    page.locator("#assistant").scroll_into_view_if_needed()
    goal = page.locator("#assistant-form select[name=goal]")
    expect(goal).to_be_visible()
    goal.select_option(label="Make China sign")
    page.get_by_role("button", name="Find single edits").click()
    table = page.locator("#suggestions-table")
    expect(table).to_be_visible(timeout=30_000)
    top = table.locator("tbody tr").first.locator("td").first.inner_text()

    # One click applies it as revision 2, named after the suggestion.
    table.locator("tbody tr").first.get_by_role("button", name="Apply").click()
    expect(page.locator("#current-revision")).to_have_text("2")
    expect(page.locator("#builder-messages")).to_contain_text(f"Suggestion: {top}")
    expect_current_score(page, 2)
    expect(page.locator("#recipient-cn")).to_contain_text("would sign")
    expect(page.locator("#recipient-cn")).not_to_contain_text("would not sign")
