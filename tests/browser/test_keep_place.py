"""The builder keeps the analyst's place: a line save leaves scroll and the other forms
alone, unsaved input is guarded on leaving, and the last change can be undone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, Page, expect

from agreements.models import Line, ReferenceTemplate
from agreements.services import agreement_start_from_template
from tests.browser.helpers import current_revision, expect_same_document, mark_document


@pytest.fixture
def chips_draft(reference_templates, team, analyst):
    template = ReferenceTemplate.objects.get(slug="chips-for-peace")
    return agreement_start_from_template(template=template, team=team, author=analyst)


def _open_edit(page: Page, key: str):
    line = page.locator(f"#line-{key}")
    line.locator("summary", has_text="Edit").click()
    return line


def test_saving_a_line_keeps_scroll_and_unsaved_input_and_undo_restores_it(
    page: Page, live_server, chips_draft, sign_in
):
    original = Line.objects.get(agreement=chips_draft, key="l10").magnitude
    sign_in(page)
    page.goto(f"{live_server.url}{chips_draft.get_absolute_url()}")
    assert current_revision(page) == 1

    # Unsaved input in another line's form (line 3), then an edit of line 10.
    other = _open_edit(page, "l3")
    other.locator("#line-l3-magnitude").fill("0.77")
    line = _open_edit(page, "l10")
    line.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 200)")
    line.locator("#line-l10-magnitude").fill("0.33")
    before = page.evaluate("window.scrollY")
    assert before > 1000  # far down the page
    mark_document(page)
    line.get_by_role("button", name="Save").click()

    expect(page.locator("#current-revision")).to_have_text("2")
    expect(page.locator("#line-l10")).to_contain_text("Saved as revision 2")
    expect(page.locator("#line-l10 td.num")).to_have_text("0.33")
    expect_same_document(page)
    assert abs(page.evaluate("window.scrollY") - before) <= 50
    # The other line's form is as it was left: open, with the typed value.
    expect(page.locator("#line-l3-magnitude")).to_have_value("0.77")
    expect(page.locator("#line-l3-magnitude")).to_be_visible()
    # Every form now edits revision 2 (a save elsewhere would not be refused as stale).
    versions = page.locator('#builder input[name="version"]').evaluate_all(
        "els => [...new Set(els.map(e => e.value))]"
    )
    assert versions == ["2"]

    # Undo: the previous values come back, as revision 3; the line stays where it was on
    # screen (the page scrolls by the height of the message that appears above).
    undo = page.locator("#line-l10").get_by_role("button", name="Undo this change")
    undo.scroll_into_view_if_needed()
    on_screen = page.locator("#line-l10").bounding_box()["y"]
    undo.click()
    expect(page.locator("#current-revision")).to_have_text("3")
    expect(page.locator("#revision-line")).to_contain_text("Undid “Changed magnitude of benefit")
    expect(page.locator("#line-l10 td.num")).to_have_text(f"{original:.2f}")
    expect(page.locator("#line-l3-magnitude")).to_have_value("0.77")  # still unsaved
    assert abs(page.locator("#line-l10").bounding_box()["y"] - on_screen) <= 50
    assert Line.objects.get(agreement=chips_draft, key="l10").magnitude == original
    assert chips_draft.revisions.count() == 3


def test_leaving_with_unsaved_input_asks_first(page: Page, live_server, chips_draft, sign_in):
    sign_in(page)
    page.goto(f"{live_server.url}{chips_draft.get_absolute_url()}")
    dialogs: list[str] = []

    def stay(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    # Nothing typed: leaving asks nothing.
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    assert dialogs == []
    page.go_back()
    _open_edit(page, "l3").locator("#line-l3-magnitude").fill("0.61")
    page.get_by_role("link", name="History").click(no_wait_after=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    expect(page.locator("#line-l3-magnitude")).to_have_value("0.61")  # still on the builder
