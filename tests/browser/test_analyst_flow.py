"""The analyst's whole journey in a real browser, as the issue lists it.

Sign in; start from the Chips for Peace template; add a line; watch the score update to
the new revision; fork; change a lever; compare the two; export the briefing. Along the
way the test takes the screenshots in docs/screenshots/ that the README shows.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    clear_score_statuses,
    current_revision,
    expect_current_score,
    expect_same_document,
    mark_document,
    score_statuses,
    watch_score_panel,
)

FORK_TITLE = "Chips for Peace, audited access"
ORIGINAL_TITLE = "Chips for Peace coalition"


def test_analyst_designs_forks_compares_and_briefs(
    page: Page, live_server, team, analyst, reference_templates, scoring, sign_in, screenshot_dir
):
    team.name = "Treaty design unit"  # shown in the screenshots
    team.save(update_fields=["name"])
    polls = watch_score_panel(page)

    # Sign in through the form; the dashboard offers the reference templates.
    sign_in(page)
    page.get_by_role("button", name=f"Start from “{ORIGINAL_TITLE}”").click()

    # The builder of the new draft, at revision 1, is scored (polling first with a worker).
    expect(page).to_have_url(re.compile(r"/drafts/\d+/$"))
    original_url = page.url
    expect(page.locator("#draft-title")).to_have_text(ORIGINAL_TITLE)
    expect(page.locator("#builder-messages")).to_contain_text("Started a draft from")
    assert current_revision(page) == 1
    expect_current_score(page, 1)
    expect(page.locator("#lines tbody.part")).to_have_count(17)

    # Search the catalog as you type; add disaster insurance for India.
    mark_document(page)
    clear_score_statuses(page)
    polls.clear()
    page.locator("#catalog-search").press_sequentially("insurance", delay=20)
    add = page.get_by_role("button", name="Add Disaster insurance")
    expect(add).to_be_visible()
    page.locator("#add-disaster-insurance-recipient").select_option(label="India")
    page.locator("#add-disaster-insurance-magnitude").fill("0.4")
    add.click()

    # The revision shown increments and the new line is in the table.
    expect(page.locator("#current-revision")).to_have_text("2")
    new_line = page.locator("#lines tbody.part").filter(has_text="Disaster insurance")
    expect(new_line).to_contain_text("India")
    expect(new_line.locator("td.num")).to_have_text("0.40")

    # The score panel moves on to revision 2 without a page load, then stops polling.
    expect_current_score(page, 2)
    expect_same_document(page)
    seen = score_statuses(page)
    assert seen[0] == "done:1", seen
    assert seen[-1] == "done:2", seen
    if scoring.real_worker:
        # The panel arrived pending (queued or running: a fast run may finish between two
        # one-second polls), polled, and settled on revision 2.
        assert seen[1].split(":")[0] in {"queued", "running"}, seen
        assert polls, "the panel never polled"
        assert polls[-1].status == 286, [p.status for p in polls]  # htmx: stop polling
    else:
        assert seen == ["done:1", "done:2"], seen  # scored in-process before the response was sent
    # For the README: the top of the builder with the score panel beside it, as a revisit
    # shows it (without the flash message left over from starting the draft). Not full
    # page: the panel is sticky, so a full-page shot puts it wherever the page was scrolled.
    page.reload()
    expect_current_score(page, 2)
    page.evaluate("window.scrollTo(0, 0)")  # a reload keeps the scroll position
    expect(page.locator("#draft-title")).to_be_in_viewport()
    page.screenshot(path=str(screenshot_dir / "builder.png"))

    # Fork from the page header; the fork's builder opens with its own title.
    page.get_by_label("Title of the fork").fill(FORK_TITLE)
    page.get_by_role("button", name="Fork", exact=True).click()
    expect(page.locator("#draft-title")).to_have_text(FORK_TITLE)
    assert page.url != original_url
    fork_url = page.url
    expect(page.locator("#builder-messages")).to_contain_text("Forked into")
    expect(page.locator("#revision-line")).to_contain_text(f"Forked from “{ORIGINAL_TITLE}”")
    expect(page.locator(".page-head").get_by_role("link", name=ORIGINAL_TITLE)).to_have_attribute(
        "href", re.compile(re.escape(original_url.removeprefix(live_server.url)) + "$")
    )
    assert current_revision(page) == 1
    expect_current_score(page, 1)

    # Change the levers of the UK's monitored API access: periodic audits, one generation behind.
    uk_api = page.locator("#line-l1")
    expect(uk_api).to_contain_text("Monitored API access")
    expect(uk_api).to_contain_text("realtime")
    mark_document(page)
    uk_api.get_by_text("Edit", exact=True).click()
    uk_api.get_by_label("Monitoring").select_option("periodic_audit")
    uk_api.get_by_label("Generations behind").select_option("1")
    uk_api.get_by_role("button", name="Save").click()
    expect(page.locator("#current-revision")).to_have_text("2")
    expect(page.locator("#line-l1")).to_contain_text("periodic audit")
    expect_current_score(page, 2)
    expect_same_document(page)

    # Compare the original and the fork from the dashboard.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Drafts").click()
    drafts = page.locator("#drafts")
    expect(drafts.get_by_role("link", name=ORIGINAL_TITLE, exact=True)).to_be_visible()
    expect(drafts.locator("tr").filter(has_text=FORK_TITLE)).to_contain_text("current")
    page.get_by_label(f"Compare {ORIGINAL_TITLE}", exact=True).check()
    page.get_by_label(f"Compare {FORK_TITLE}", exact=True).check()
    page.get_by_role("button", name="Compare selected drafts").click()

    expect(page).to_have_url(re.compile(r"/compare/\?ids=\d+&ids=\d+$"))
    expect(page.get_by_role("heading", name="Side by side")).to_be_visible()
    table = page.locator("#comparison-table")
    expect(table.locator("thead th")).to_have_count(3)
    expect(table.locator("thead")).to_contain_text(ORIGINAL_TITLE)
    expect(table.locator("thead")).to_contain_text(FORK_TITLE)
    expect(table.get_by_role("rowheader", name="Credibility")).to_be_visible()
    charts = page.locator("figure svg")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 4  # the radar and three interval charts
    expect(page.get_by_role("heading", name="Probability that each beats each")).to_be_visible()
    expect(page.locator("#win-matrix tbody tr")).to_have_count(2)
    expect(page.locator("#win-matrix tbody")).to_contain_text("%")
    expect(page.get_by_role("heading", name="Rank acceptability (SMAA)")).to_be_visible()
    expect(page.locator("#smaa-table tbody tr")).to_have_count(2)
    expect(page.get_by_role("heading", name="What differs in the designs")).to_be_visible()
    expect(page.get_by_text("Monitored API access").first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "compare.png"), full_page=True)

    # The fork's briefing: agreement text and the scores of its current revision.
    page.goto(fork_url)
    page.get_by_role("navigation", name="Draft actions").get_by_role(
        "link", name="Briefing"
    ).click()
    expect(page).to_have_url(re.compile(r"/drafts/\d+/briefing/$"))
    briefing = page.locator("article.briefing")
    expect(briefing.get_by_role("heading", name=FORK_TITLE, level=1)).to_be_visible()
    expect(briefing).to_contain_text("revision 2")
    expect(briefing.get_by_role("heading", name="Scores", exact=True)).to_be_visible()
    expect(briefing).to_contain_text("Monte Carlo samples")
    expect(briefing.get_by_role("rowheader", name="Credibility")).to_be_visible()
    expect(briefing.get_by_role("heading", name="Draft agreement text")).to_be_visible()
    expect(briefing.get_by_role("heading", name=re.compile(r"^Article 1\."))).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "briefing.png"), full_page=True)

    # Printed, the briefing drops the site's navigation and buttons.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(briefing.get_by_role("heading", name="Draft agreement text")).to_be_visible()
    page.emulate_media(media="screen")

    # The catalog the analyst searched, for the README.
    page.goto(f"{live_server.url}/catalog/")
    expect(page.get_by_role("heading", name="Benefit catalog")).to_be_visible()
    expect(page.locator("#item-results")).to_contain_text("Disaster insurance")
    page.get_by_label("Search").fill("insurance")  # search as you type swaps the results
    expect(page.locator("#item-results article").first).to_contain_text(
        "insurance", ignore_case=True
    )
    expect(page.locator("#item-results")).to_have_count(1)
    page.get_by_label("Search").fill("")
    expect(page.locator("#item-results")).to_contain_text("Disaster insurance")
    page.screenshot(path=str(screenshot_dir / "catalog.png"), full_page=True)
