"""Every analyst page fits the screen: wide tables scroll inside their box, never the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from agreements.models import ReferenceTemplate
from agreements.services import agreement_start_from_template
from catalog.models import BenefitItem

# Elements reaching past the right edge of the window, unless a scrolling box holds them.
SPILLING = """
() => {
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  const held = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) if (scrolls(p)) return true;
    return false;
  };
  return [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !held(el))
    .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className}`)
    .slice(0, 10);
}
"""


@pytest.mark.parametrize("width", [390, 1024], ids=["phone", "projector"])
def test_no_page_is_wider_than_the_screen(
    page: Page, live_server, reference_templates, team, analyst, sign_in, width: int
):
    chips, marshall = (
        agreement_start_from_template(
            template=ReferenceTemplate.objects.get(slug=slug), team=team, author=analyst
        )
        for slug in ("chips-for-peace", "marshall-plan")
    )
    item = BenefitItem.objects.get(slug="monitored-api-access")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page)
    paths = [
        "/",
        "/?archived=any&q=a",  # the filtered list, with its Delete links' hidden titles
        chips.get_absolute_url(),  # builder with its scored panel and analysis
        f"{chips.get_absolute_url()}history/",
        f"{chips.get_absolute_url()}delete/",
        f"{chips.get_absolute_url()}briefing/",
        f"/compare/?ids={chips.pk}&ids={marshall.pk}",
        "/catalog/",
        item.get_absolute_url(),
    ]
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        assert page.evaluate(SPILLING) == [], path
