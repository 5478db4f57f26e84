"""Draft titles are data: a script tag in one shows as text and never runs."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.factories import make_draft

PAYLOAD = "<script>window.__xss = 1</script>"


def _not_run(page: Page) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_a_script_tag_in_a_draft_title_renders_as_text(
    page: Page, live_server, catalog, team, analyst, sign_in
):
    draft = make_draft(team=team, author=analyst, title=PAYLOAD)
    other = make_draft(team=team, author=analyst, title="Plain draft")

    sign_in(page)  # lands on the dashboard
    expect(page.locator("#drafts").get_by_role("link", name=PAYLOAD, exact=True)).to_have_text(
        PAYLOAD
    )
    expect(page.get_by_label(f"Compare {PAYLOAD}", exact=True)).to_be_visible()
    _not_run(page)

    page.goto(f"{live_server.url}/drafts/{draft.pk}/")
    expect(page.locator("#draft-title")).to_have_text(PAYLOAD)
    expect(page).to_have_title(f"{PAYLOAD} · Windfall")
    expect(page.get_by_label("Title of the fork")).to_have_attribute(
        "placeholder", f"{PAYLOAD} (fork)"
    )
    page.locator("#settings summary").click()
    expect(page.locator("#settings").get_by_label("Title")).to_have_value(PAYLOAD)
    _not_run(page)

    page.goto(f"{live_server.url}/drafts/{draft.pk}/briefing/")
    expect(page.locator("article.briefing h1")).to_have_text(PAYLOAD)
    expect(page.locator("article.briefing")).to_contain_text("Draft agreement text")
    _not_run(page)

    page.goto(f"{live_server.url}/compare/?ids={draft.pk}&ids={other.pk}")
    expect(page.locator("#comparison-table thead")).to_contain_text(PAYLOAD)
    _not_run(page)

    page.goto(f"{live_server.url}/drafts/{draft.pk}/history/")
    expect(page.locator("main")).to_contain_text(PAYLOAD)
    _not_run(page)
