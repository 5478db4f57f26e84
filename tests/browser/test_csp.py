"""The Content Security Policy holds on every page: no inline script or handler is
blocked, so nothing the pages rely on needed them (issue 10)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from accounts.services import curator_grant
from tests.factories import make_draft

COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} ${event.blockedURI} ${event.lineNumber}`);
});
"""


def test_no_page_breaks_the_policy(page: Page, live_server, catalog, team, analyst, sign_in):
    curator_grant(user=analyst)
    draft = make_draft(team=team, author=analyst, lines=3)
    other = make_draft(team=team, author=analyst, title="Other draft")
    page.add_init_script(COLLECT)
    sign_in(page)
    paths = [
        "/",
        "/catalog/",
        "/catalog/items/datasets/",
        "/catalog/reference/",
        f"/drafts/{draft.pk}/",
        f"/drafts/{draft.pk}/history/",
        f"/drafts/{draft.pk}/briefing/",
        f"/compare/?ids={draft.pk}&ids={other.pk}",
        "/admin/",
        "/admin/catalog/benefititem/",
        "/admin/catalog/benefititem/import/",
        "/api/v1/docs/",
    ]
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.ok, path
        assert "script-src 'self'" in (response.headers.get("content-security-policy") or ""), path
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [], path
    # The Print button works without an inline handler.
    page.goto(f"{live_server.url}/drafts/{draft.pk}/briefing/")
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="Print").click()
    expect(page.locator("body")).to_be_visible()
    assert page.evaluate("window.__printed") is True
