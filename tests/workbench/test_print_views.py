"""The print views: the briefing's charts carry headings and name the phases; the compare
page's sections that load on scroll print nothing until they have loaded."""

from __future__ import annotations

import re

import pytest

from agreements import services
from agreements.models import ReferenceTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def marshall(catalog, team, analyst, django_capture_on_commit_callbacks):
    services.templates_load()
    template = ReferenceTemplate.objects.get(slug="marshall-plan")
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.agreement_start_from_template(template=template, team=team, author=analyst)
    draft.refresh_from_db()
    return draft


def _trajectory_svg(page: str) -> str:
    heading = page.index("Scores if the deal stops after each phase</h3>")
    return page[heading : page.index("</svg>", heading)]


def test_the_briefing_charts_have_headings_and_phase_names(
    analyst_client, marshall, django_assert_max_num_queries
):
    # The phase names cost one, on a cache miss; the treaty articles read the catalog and
    # the clause templates.
    with django_assert_max_num_queries(20):
        page = analyst_client.get(f"/drafts/{marshall.pk}/briefing/").content.decode()
    assert "<h3>Risks with their 90% intervals</h3>" in page
    svg = _trajectory_svg(page)
    names = [p["name"] for p in marshall.revisions.get().document["phases"]]
    for name in names:
        assert f">{name}<" in svg
    assert not re.search(r">Phase \d<", svg)


def test_a_renamed_phase_shows_in_the_next_runs_chart(
    analyst_client, marshall, django_capture_on_commit_callbacks
):
    phase = marshall.revisions.get().document["phases"][0]
    with django_capture_on_commit_callbacks(execute=True):
        analyst_client.post(
            f"/drafts/{marshall.pk}/phases/{phase['key']}/edit/",
            {"version": marshall.version, "name": "Relief", "reversible": "on"},
        )
    page = analyst_client.get(f"/drafts/{marshall.pk}/briefing/").content.decode()
    svg = _trajectory_svg(page)
    assert ">Relief<" in svg and f">{phase['name']}<" not in svg


def test_the_compare_pages_lazy_sections_print_only_once_loaded(
    analyst_client, marshall, team, analyst, django_capture_on_commit_callbacks
):
    template = ReferenceTemplate.objects.get(slug="cern-for-ai")
    with django_capture_on_commit_callbacks(execute=True):
        cern = services.agreement_start_from_template(template=template, team=team, author=analyst)
    query = f"ids={marshall.pk}&ids={cern.pk}"
    page = analyst_client.get(f"/compare/?{query}").content.decode()
    for section in ("weights-panel", "dsa-ranking", "scenario-table"):
        tag = re.search(rf'<section id="{section}"[^>]*>', page).group(0)
        assert "print-pending" in tag, section
    loaded = analyst_client.get(f"/compare/scenarios/?{query}").content.decode()
    assert 'id="scenario-table"' in loaded and "print-pending" not in loaded
