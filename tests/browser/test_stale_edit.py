"""Two analysts edit the same draft: the later edit is refused and says why."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from accounts.models import Role
from tests.factories import MembershipFactory, UserFactory, make_draft


def _open_line_editor(page: Page, magnitude: str) -> None:
    row = page.locator("#line-l1")
    row.get_by_text("Edit", exact=True).click()
    row.get_by_label("Magnitude (above 0, at most 1)").fill(magnitude)


def test_a_stale_edit_is_refused_with_who_changed_what_and_a_reload_link(
    new_page, live_server, catalog, team, analyst, sign_in
):
    MembershipFactory(team=team, user=UserFactory(username="bea"), role=Role.ANALYST)
    draft = make_draft(team=team, author=analyst, lines=2)
    url = f"{live_server.url}{draft.get_absolute_url()}"

    first, second = new_page(), new_page()
    sign_in(first, "ana")
    sign_in(second, "bea")
    for page in (first, second):
        page.goto(url)
        expect(page.locator("#current-revision")).to_have_text("1")

    # Ana saves first.
    _open_line_editor(first, "0.7")
    first.locator("#line-l1").get_by_role("button", name="Save").click()
    expect(first.locator("#current-revision")).to_have_text("2")
    expect(first.locator("#line-l1 td.num")).to_have_text("0.70")

    # Bea's page still says revision 1; her edit is refused, naming Ana's change.
    expect(second.locator("#current-revision")).to_have_text("1")
    _open_line_editor(second, "0.3")
    second.locator("#line-l1").get_by_role("button", name="Save").click()
    refusal = second.locator("#builder-messages .message-error")
    expect(refusal).to_contain_text("Your change was not saved")
    expect(refusal).to_contain_text("changed since you loaded version 1 (now version 2)")
    expect(refusal).to_contain_text("revision 2 by ana")
    expect(refusal).to_contain_text("Changed magnitude of benefit “")
    reload = refusal.get_by_role("link", name="Reload the latest version")
    expect(reload).to_be_visible()

    reload.click()
    expect(second.locator("#current-revision")).to_have_text("2")
    expect(second.locator("#line-l1 td.num")).to_have_text("0.70")
    expect(second.locator("#builder-messages .message-error")).to_have_count(0)
    draft.refresh_from_db()
    assert draft.version == 2
