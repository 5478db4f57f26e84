"""axe-core finds no violation, of any impact, on any page an analyst or a curator opens,
and the keyboard focus ring stands out (at least 3:1 against what surrounds it)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import Browser, Page, expect

from agreements import services
from agreements.models import Agreement, ReferenceTemplate
from agreements.services import agreement_start_from_template
from catalog.models import BenefitItem
from tests.browser.conftest import PASSWORD
from tests.factories import UserFactory

AXE = Path(axe_playwright_python.__file__).with_name("axe.min.js")
# Every rule axe runs by default (all WCAG A/AA rules and its best practices), every impact.
RUN_AXE = """
async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
  }));
}
"""


def axe_violations(page: Page) -> list[str]:
    """What axe-core finds wrong on the page as it is now, one line per rule."""
    page.add_script_tag(path=str(AXE))
    return [
        f"{v['id']} ({v['impact']}): {v['help']}; " + " | ".join(v["nodes"])
        for v in page.evaluate(RUN_AXE)
    ]


@pytest.fixture
def axe_page(browser: Browser, browser_context_args: dict) -> Page:
    """A page whose Content Security Policy lets the test inject axe-core (the site's own
    scripts run as they always do)."""
    context = browser.new_context(**browser_context_args, bypass_csp=True)
    yield context.new_page()
    context.close()


def _bad_csv() -> io.BytesIO:
    from tests.catalog.test_import import _csv, _exported_rows

    rows = _exported_rows()[:3]
    rows[1]["d"] = "2.5"
    rows[2]["v"] = "lots of it"
    upload = io.BytesIO(_csv(rows).encode())
    return upload


def _drafts(team, analyst) -> dict[str, Agreement]:
    chips, marshall = (
        agreement_start_from_template(
            template=ReferenceTemplate.objects.get(slug=slug), team=team, author=analyst
        )
        for slug in ("chips-for-peace", "marshall-plan")
    )
    services.agreement_update(
        agreement_id=chips.pk,
        expected_version=chips.version,
        author=analyst,
        changes={"notes": "A second revision, for the diff."},
    )
    return {"chips": chips, "marshall": marshall}


def _conflict(page: Page, url: str, drafts: dict[str, Agreement], analyst) -> None:
    """The builder after an edit that someone else's newer revision refused."""
    chips = Agreement.objects.get(pk=drafts["chips"].pk)
    page.goto(url)
    services.agreement_update(
        agreement_id=chips.pk,
        expected_version=chips.version,
        author=analyst,
        changes={"notes": "Changed in another tab."},
    )
    page.locator("#settings summary").click()
    page.get_by_role("button", name="Save draft settings").click()
    expect(page.locator("#builder-messages .message-error")).to_contain_text("not saved")


def _compare_search(page: Page, url: str, drafts: dict[str, Agreement], analyst) -> None:
    """The compare page after the picker's search swapped in other choices (htmx), one of
    them ticked, then a search that finds nothing: the ticked draft stays."""
    page.goto(url)
    search = page.get_by_label("Find drafts by title, notes or party")
    search.fill("marshall")
    marshall = page.locator("#draft-choices").get_by_label(re.compile("Marshall"))
    marshall.check()
    with page.expect_response(re.compile(r"/compare/\?")):
        search.fill("nothing like it")
    expect(page.locator("#draft-choices-status")).to_contain_text("No other draft matches")
    expect(marshall).to_be_checked()


def _import_errors(page: Page, url: str, drafts, analyst) -> None:
    page.goto(url)
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "items.csv", "mimeType": "text/csv", "buffer": _bad_csv().getvalue()}],
    )
    page.locator("select[name=format]").select_option(label="csv")
    page.locator("input[type=submit], button[type=submit]").last.click()
    expect(page.locator("ol.import-errors li").first).to_be_visible()
    # The rows' table scrolls inside its box: the page itself is no wider than the window.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# Each page: (who opens it, its path from the drafts, what to do there before axe runs).
Step = Callable[[Page, str, dict, object], None] | None
ANALYST_PAGES: dict[str, tuple[Callable[[dict], str], Step]] = {
    "dashboard": (lambda d: "/", None),
    "dashboard-filtered": (lambda d: "/?q=chips&archived=any&status=draft", None),
    "builder": (lambda d: d["chips"].get_absolute_url(), None),
    "conflict": (lambda d: d["chips"].get_absolute_url(), _conflict),
    "history": (lambda d: f"{d['chips'].get_absolute_url()}history/?a=1&b=2", None),
    "compare": (lambda d: f"/compare/?ids={d['chips'].pk}&ids={d['marshall'].pk}", None),
    "compare-search": (lambda d: f"/compare/?ids={d['chips'].pk}", _compare_search),
    "sensitivity": (lambda d: f"{d['chips'].get_absolute_url()}sensitivity/", None),
    "negotiation": (lambda d: f"{d['chips'].get_absolute_url()}negotiation/", None),
    "assistant": (lambda d: f"{d['chips'].get_absolute_url()}assistant/", None),
    "delete": (lambda d: f"{d['chips'].get_absolute_url()}delete/", None),
    "briefing": (lambda d: f"{d['chips'].get_absolute_url()}briefing/", None),
    "memo": (lambda d: f"{d['chips'].get_absolute_url()}memo/", None),
    "treaty": (lambda d: f"{d['chips'].get_absolute_url()}treaty/", None),
    "scenarios": (lambda d: "/scenarios/", None),
    "catalog": (lambda d: "/catalog/", None),
    "catalog-item": (
        lambda d: BenefitItem.objects.get(slug="monitored-api-access").get_absolute_url(),
        None,
    ),
    "catalog-reference": (lambda d: "/catalog/reference/", None),
    "not-found": (lambda d: "/drafts/999999999/", None),
}
ADMIN_PAGES: dict[str, tuple[Callable[[dict], str], Step]] = {
    "admin-teams": (lambda d: "/admin/accounts/team/", None),
    "admin-team-change": (lambda d: f"/admin/accounts/team/{d['chips'].team_id}/change/", None),
}
CURATOR_PAGES: dict[str, tuple[Callable[[dict], str], Step]] = {
    "admin-index": (lambda d: "/admin/", None),
    "admin-items": (lambda d: "/admin/catalog/benefititem/", None),
    "admin-commitments": (lambda d: "/admin/catalog/commitment/", None),
    "admin-mechanisms": (lambda d: "/admin/catalog/mechanismtype/", None),
    "admin-risks": (lambda d: "/admin/catalog/riskkind/", None),
    "admin-actors": (lambda d: "/admin/catalog/actor/", None),
    "admin-clauses": (lambda d: "/admin/catalog/clausetemplate/", None),
    "admin-item-change": (
        lambda d: (
            f"/admin/catalog/benefititem/"
            f"{BenefitItem.objects.get(slug='monitored-api-access').pk}/change/"
        ),
        None,
    ),
    "admin-import": (lambda d: "/admin/catalog/benefititem/import/", None),
    "admin-import-errors": (lambda d: "/admin/catalog/benefititem/import/", _import_errors),
}


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


@pytest.mark.parametrize("path", ["/accounts/sign-in/", "/admin/login/"])
def test_the_sign_in_pages_have_no_axe_violations(axe_page: Page, live_server, path: str):
    axe_page.goto(f"{live_server.url}{path}")
    found = axe_violations(axe_page)
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("who", "name"),
    [("ana", name) for name in ANALYST_PAGES]
    + [("cura", name) for name in CURATOR_PAGES]
    + [("root", name) for name in ADMIN_PAGES],
)
def test_no_page_has_any_axe_violation(
    axe_page: Page, live_server, reference_templates, team, analyst, who: str, name: str
):
    drafts = _drafts(team, analyst)
    if who == "cura":
        from accounts.services import curator_grant

        curator_grant(user=UserFactory(username="cura"))
    if who == "root":
        UserFactory(username="root", is_staff=True, is_superuser=True)
    path, step = (ANALYST_PAGES | CURATOR_PAGES | ADMIN_PAGES)[name]
    _sign_in(axe_page, live_server.url, who)
    url = f"{live_server.url}{path(drafts)}"
    if step is None:
        axe_page.goto(url)
    else:
        step(axe_page, url, drafts, analyst)
    axe_page.wait_for_load_state("networkidle")
    found = axe_violations(axe_page)
    assert not found, "\n".join([name, *found])


# The focused element's outline colour and the colour of what surrounds it (the first
# ancestor with an opaque background), as [r, g, b].
FOCUS_COLOURS = """
() => {
  const el = document.activeElement;
  const rgb = (text) => text.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const style = getComputedStyle(el);
  let behind = [255, 255, 255];
  for (let p = el.parentElement; p; p = p.parentElement) {
    const c = rgb(getComputedStyle(p).backgroundColor);
    if (c.length < 4 || c[3] > 0.99) { behind = c.slice(0, 3); break; }
  }
  return {
    name: el.id || el.textContent.trim().slice(0, 40) || el.tagName,
    visible: el.matches(":focus-visible"),
    style: style.outlineStyle,
    width: parseFloat(style.outlineWidth),
    ring: rgb(style.outlineColor).slice(0, 3),
    behind,
  };
}
"""


def _luminance(rgb: list[float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: list[float], b: list[float]) -> float:
    """WCAG contrast ratio of two colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_is_the_wcag_ratio():
    assert contrast([0, 0, 0], [255, 255, 255]) == pytest.approx(21)
    assert contrast([255, 191, 71], [255, 255, 255]) == pytest.approx(1.64, abs=0.01)  # old amber


def test_the_focus_ring_has_at_least_3_to_1_contrast(
    page: Page, live_server, reference_templates, team, analyst, sign_in
):
    drafts = _drafts(team, analyst)
    sign_in(page)
    for path in ("/", drafts["chips"].get_absolute_url()):
        page.goto(f"{live_server.url}{path}")
        seen: set[str] = set()
        for _ in range(40):  # links, buttons, inputs and selects in the header and the page
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement === document.body"):
                continue  # the first press may land on the document itself
            focus = page.evaluate(FOCUS_COLOURS)
            assert focus["style"] != "none" and focus["width"] >= 2, focus
            ratio = contrast(focus["ring"], focus["behind"])
            assert ratio >= 3, focus
            seen.add(page.evaluate("document.activeElement.tagName"))
        assert {"A", "BUTTON"} <= seen, path
