"""The smaller workbench items of the first-time analyst's review, each checked on the page
it was found on (issue 15, "Smaller")."""

from __future__ import annotations

import re

import pytest
from django.utils import formats

from agreements import services
from catalog.models import BenefitItem
from scoring.models import RunReason, ScoreRun
from scoring.services import scores_refresh_for_catalog
from tests.factories import make_draft

pytestmark = pytest.mark.django_db


def _add_form(client, draft, section: str) -> str:
    """The HTML of the builder's "add" form of ``section``, as the builder loads it when
    the analyst opens it."""
    page = client.get(f"{draft.get_absolute_url()}{section}/add/", HTTP_HX_REQUEST="true")
    match = re.search(
        rf'<form[^>]*action="[^"]*/{section}/add/"(.*?)</form>', page.content.decode(), re.S
    )
    assert match, section
    return match[1]


def _selected_role(form: str) -> str:
    select = re.search(r'<select name="role"(.*?)</select>', form, re.S)
    assert select
    chosen = re.findall(r'<option value="(\w+)"[^>]*selected', select[1])
    return chosen[0] if chosen else ""


def test_a_new_phase_is_not_reversible_unless_ticked(analyst_client, team, catalog):
    draft = services.agreement_create(team=team, author=None, title="Blank", purpose="other")
    form = _add_form(analyst_client, draft, "phases")
    box = re.search(r'<input type="checkbox" name="reversible"[^>]*>', form)
    assert box and "checked" not in box[0]


def test_a_new_party_is_a_provider_until_there_is_one(analyst_client, team, analyst, catalog):
    blank = services.agreement_create(team=team, author=analyst, title="Blank", purpose="other")
    assert _selected_role(_add_form(analyst_client, blank, "parties")) == "provider"
    with_provider = make_draft(team=team, author=analyst)
    assert _selected_role(_add_form(analyst_client, with_provider, "parties")) != "provider"


def test_a_blank_draft_does_not_point_at_a_search_box_it_lacks(analyst_client, team, analyst):
    blank = services.agreement_create(team=team, author=analyst, title="Blank", purpose="other")
    page = analyst_client.get(blank.get_absolute_url()).content.decode()
    assert 'id="catalog-search"' not in page
    assert "search the catalog below" not in page
    assert "Add a recipient under Parties first" in page
    ready = make_draft(team=team, author=analyst)
    page = analyst_client.get(ready.get_absolute_url()).content.decode()
    assert 'id="catalog-search"' in page


def test_a_catalog_change_says_when_it_re_scored_the_draft(
    analyst_client, team, analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(team=team, author=analyst)
    panel = analyst_client.get(f"/drafts/{draft.pk}/score/").content.decode()
    assert "the current one" in panel and "catalog change" not in panel
    item = BenefitItem.objects.get(slug=draft.lines.first().item.slug)
    with django_capture_on_commit_callbacks(execute=True):
        assert scores_refresh_for_catalog(item_slugs=[item.slug]) == 1
    run = ScoreRun.objects.filter(agreement=draft).latest("pk")
    assert run.reason == RunReason.CATALOG_CHANGED and run.status == "done"
    panel = analyst_client.get(f"/drafts/{draft.pk}/score/").content.decode()
    when = formats.date_format(run.finished_at, "j M Y")
    assert f"Re-scored after a catalog change on {when}." in " ".join(panel.split())


def test_the_builder_offers_skip_links_to_the_scores_and_the_benefits(
    analyst_client, team, analyst
):
    draft = make_draft(team=team, author=analyst)
    page = analyst_client.get(draft.get_absolute_url()).content.decode()
    for target in ("score-panel", "lines"):
        assert re.search(rf'<a class="skip-link" href="#{target}">', page), target
        assert f'id="{target}"' in page
