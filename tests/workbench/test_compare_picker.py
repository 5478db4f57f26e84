"""The compare page's draft picker: the chosen drafts plus the 30 updated most recently,
a search (the dashboard's) that finds the others, with htmx or as a plain form, and a
query count that does not grow with the team."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from agreements.models import Agreement
from tests.factories import MembershipFactory, TeamFactory, make_draft
from workbench.views.compare import CHOICES

pytestmark = pytest.mark.django_db


def _bulk_drafts(team, author, titles: list[str]) -> list[Agreement]:
    """Draft rows (no parts: the picker reads none), the first the oldest, a second apart."""
    drafts = Agreement.objects.bulk_create(
        Agreement(team=team, title=title, version=1, created_by=author, updated_by=author)
        for title in titles
    )
    base = timezone.now() - timedelta(days=1)
    for n, draft in enumerate(drafts):  # auto_now: set afterwards
        draft.updated_at = base + timedelta(seconds=n)
    Agreement.objects.bulk_update(drafts, ["updated_at"])
    return drafts


def _boxes(body: str) -> dict[int, bool]:
    """The picker's checkboxes: draft id -> ticked."""
    return {
        int(pk): bool(ticked)
        for pk, ticked in re.findall(
            r'<input type="checkbox" name="ids" value="(\d+)"( checked)?>', body
        )
    }


def _status(body: str) -> str:
    match = re.search(r'id="draft-choices-status"[^>]*>(.*?)</p>', body, re.S)
    return " ".join(match.group(1).split()) if match else ""


def test_the_picker_offers_the_newest_drafts_and_search_finds_an_old_one(
    analyst_client, team, analyst
):
    old, *newer = _bulk_drafts(
        team, analyst, ["Zanzibar accord", *(f"Draft {n:03d}" for n in range(CHOICES + 5))]
    )
    body = analyst_client.get("/compare/").content.decode()
    boxes = _boxes(body)
    assert list(boxes) == [d.pk for d in reversed(newer)][:CHOICES]  # newest first
    assert old.pk not in boxes and "Zanzibar" not in body
    assert _status(body) == (
        f"The {CHOICES} drafts updated most recently; search to find older ones."
    )
    found = analyst_client.get("/compare/?q=zanzibar").content.decode()
    assert _boxes(found) == {old.pk: False}
    assert _status(found) == "1 draft matches “zanzibar”."
    none = analyst_client.get("/compare/?q=nowhere").content.decode()
    assert _boxes(none) == {} and _status(none) == "No draft matches “nowhere”."


def test_the_htmx_search_gets_only_the_choices_and_keeps_the_chosen_ones(
    analyst_client, team, analyst
):
    old, *_newer = _bulk_drafts(
        team, analyst, ["Zanzibar accord", *(f"Draft {n:03d}" for n in range(CHOICES + 5))]
    )
    chosen = make_draft(team=team, author=analyst, title="Chosen")  # newest; no match
    older = make_draft(team=team, author=analyst, title="Zanzibar annex")
    Agreement.objects.filter(pk=older.pk).update(updated_at=old.updated_at - timedelta(days=1))
    page = analyst_client.get(f"/compare/?ids={chosen.pk}").content.decode()
    assert 'hx-target="#draft-choices"' in page and 'id="draft-search"' in page
    assert '<label for="draft-search">' in page
    response = analyst_client.get(
        f"/compare/?q=zanzibar&ids={chosen.pk}&ids={older.pk}",
        headers={"HX-Request": "true", "HX-Target": "draft-choices"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "HX-Request" in response["Vary"]
    assert body.lstrip().startswith('<div class="grid grid-3" id="draft-choices">')
    assert "<html" not in body and "Your weights" not in body
    # The chosen drafts first and ticked (a match among them is not offered twice).
    assert _boxes(body) == {chosen.pk: True, older.pk: True, old.pk: False}
    # The status line, swapped into the live region the page keeps (so it is announced).
    oob = re.search(r'hx-swap-oob="innerHTML:#draft-choices-status">(.*?)</div>', body, re.S)
    assert " ".join(oob.group(1).split()) == "1 other draft matches “zanzibar”."
    # The same form without JavaScript: the whole page, with the same choices.
    plain = analyst_client.get(f"/compare/?q=zanzibar&ids={chosen.pk}&ids={older.pk}")
    plain_body = plain.content.decode()
    assert "<html" in plain_body and 'value="zanzibar"' in plain_body
    assert _boxes(plain_body) == {chosen.pk: True, older.pk: True, old.pk: False}


def test_the_picker_offers_no_other_teams_drafts(analyst_client, team, analyst):
    (mine,) = _bulk_drafts(team, analyst, ["Ours"])
    other_team = TeamFactory()
    MembershipFactory(team=other_team)
    _bulk_drafts(other_team, analyst, ["Theirs"])
    assert _boxes(analyst_client.get("/compare/").content.decode()) == {mine.pk: False}
    assert _boxes(analyst_client.get("/compare/?q=theirs").content.decode()) == {}


def test_a_search_too_long_is_said_so(analyst_client, team, analyst):
    _bulk_drafts(team, analyst, ["Ours"])
    body = analyst_client.get("/compare/?q=" + "a" * 201).content.decode()
    assert _boxes(body) == {}
    assert "at most 200 characters" in _status(body)


@pytest.mark.parametrize("query", ["", "q=draft", "q=draft+zanzibar", "one", "htmx"])
def test_the_picker_query_count_does_not_grow_with_the_team(
    analyst_client, team, analyst, django_assert_max_num_queries, query
):
    chosen = make_draft(team=team, author=analyst, title="Chosen draft")
    _bulk_drafts(team, analyst, [f"Draft {n:03d}" for n in range(3)])
    headers = {}
    if query == "one":
        query = f"ids={chosen.pk}"
    elif query == "htmx":
        query = f"q=draft&ids={chosen.pk}"
        headers = {"HX-Request": "true", "HX-Target": "draft-choices"}
    url = f"/compare/?{query}"
    with django_assert_max_num_queries(6) as few:
        analyst_client.get(url, headers=headers)
    baseline = len(few.captured_queries)
    _bulk_drafts(team, analyst, [f"Draft {n:03d}" for n in range(3, 3 + 3 * CHOICES)])
    with django_assert_max_num_queries(baseline):
        response = analyst_client.get(url, headers=headers)
    offered = [pk for pk, ticked in _boxes(response.content.decode()).items() if not ticked]
    assert len(offered) == (0 if "zanzibar" in query else CHOICES)
