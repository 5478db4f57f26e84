"""What the browser tests check on the builder's score panel, and how they watch it poll."""

from __future__ import annotations

import re

from playwright.sync_api import Page, Response, expect

SCORING_TIMEOUT = 30_000  # ms: a real worker scores a revision in well under this

# Runs in every page before its own scripts: note each status the score panel shows.
# htmx swaps the whole panel (outerHTML), so watch the document, not the element.
RECORD_SCORE_STATUSES = """
(() => {
  window.__scoreStatuses = [];
  const note = () => {
    const panel = document.getElementById("score-panel");
    if (!panel) return;
    const seen = `${panel.dataset.status}:${panel.dataset.scoreRevision || ""}`;
    const all = window.__scoreStatuses;
    if (all[all.length - 1] !== seen) all.push(seen);
  };
  document.addEventListener("DOMContentLoaded", () => {
    note();
    new MutationObserver(note).observe(document.body, {
      subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"],
    });
  });
})();
"""


def watch_score_panel(page: Page) -> list[Response]:
    """Record the panel's statuses (``window.__scoreStatuses``) and its poll responses."""
    page.add_init_script(RECORD_SCORE_STATUSES)
    polls: list[Response] = []
    score_url = re.compile(r"/drafts/\d+/score/(\?.*)?$")
    page.on("response", lambda r: polls.append(r) if score_url.search(r.url) else None)
    return polls


def score_statuses(page: Page) -> list[str]:
    return page.evaluate("window.__scoreStatuses.slice()")


def clear_score_statuses(page: Page) -> None:
    """Forget the statuses seen so far, except the one shown now."""
    page.evaluate("window.__scoreStatuses.splice(0, window.__scoreStatuses.length - 1)")


def current_revision(page: Page) -> int:
    return int(page.locator("#current-revision").inner_text())


def expect_current_score(page: Page, revision: int) -> None:
    """The panel shows finished scores of ``revision``, the current one, and polls no more."""
    panel = page.locator("#score-panel")
    expect(panel).to_have_attribute("data-score-revision", str(revision), timeout=SCORING_TIMEOUT)
    expect(panel).to_have_attribute("data-status", "done", timeout=SCORING_TIMEOUT)
    expect(panel.locator("#score-revision")).to_contain_text(
        f"Scores of revision {revision}, the current one."
    )
    expect(panel.locator("#score-credibility .value")).to_have_text(re.compile(r"\d"))
    # A finished panel carries no polling trigger (htmx also got a 286 "stop polling").
    expect(panel).not_to_have_attribute("hx-trigger", re.compile(".*"))
    expect(page.locator(".spinner")).to_have_count(0)


def mark_document(page: Page) -> None:
    """Set a flag that a full page load would wipe."""
    page.evaluate("window.__sameDocument = true")


def expect_same_document(page: Page) -> None:
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"
