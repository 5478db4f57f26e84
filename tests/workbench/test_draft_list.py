"""The draft list: paginated, searchable and filterable through one FilterSet shared by
the dashboard and the API, with a query count that does not grow with the team."""

from __future__ import annotations

import pytest

from agreements import services
from agreements.models import Agreement
from scoring.models import RunStatus, ScoreRun
from tests.factories import make_draft

pytestmark = pytest.mark.django_db


def _drafts(team, author, count: int, **changes) -> list[Agreement]:
    drafts = []
    for n in range(count):
        draft = make_draft(team=team, author=author, title=f"Draft {n:03d}")
        if changes:
            services.agreement_update(
                agreement_id=draft.pk,
                expected_version=draft.version,
                author=author,
                changes=changes,
            )
        drafts.append(draft)
    return drafts


def _titles(response) -> list[str]:
    return [a.title for a in response.context["agreements"]]


def test_dashboard_pages_by_25_with_links(analyst_client, team, analyst):
    _drafts(team, analyst, 30)
    first = analyst_client.get("/")
    assert len(_titles(first)) == 25
    page = first.content.decode()
    assert "Page 1 of 2 (30 drafts)" in page
    assert 'href="?page=2"' in page
    second = analyst_client.get("/?page=2")
    assert len(_titles(second)) == 5
    assert set(_titles(first)).isdisjoint(_titles(second))
    assert len(_titles(analyst_client.get("/?page=999"))) == 5  # past the end: the last page
    assert len(_titles(analyst_client.get("/?page=abc"))) == 25


def test_dashboard_query_count_does_not_grow_with_the_team(
    analyst_client, team, analyst, django_assert_max_num_queries
):
    _drafts(team, analyst, 3)
    with django_assert_max_num_queries(15) as few:
        analyst_client.get("/?status=draft")
    _drafts(team, analyst, 40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        analyst_client.get("/?status=draft&page=2")


def test_filters_keep_their_values_across_pages(analyst_client, team, analyst):
    _drafts(team, analyst, 27, status="in_review")
    page = analyst_client.get("/?status=in_review").content.decode()
    assert 'href="?status=in_review&amp;archived=false&amp;page=2"' in page or (
        "status=in_review" in page and "page=2" in page
    )


def test_archived_drafts_are_hidden_unless_asked_for(analyst_client, team, analyst):
    (kept,) = _drafts(team, analyst, 1)
    archived = make_draft(team=team, author=analyst, title="Old one")
    services.agreement_update(
        agreement_id=archived.pk, expected_version=1, author=analyst, changes={"status": "archived"}
    )
    assert _titles(analyst_client.get("/")) == [kept.title]
    assert _titles(analyst_client.get("/?archived=true")) == ["Old one"]
    assert set(_titles(analyst_client.get("/?archived=any"))) == {kept.title, "Old one"}


def test_search_status_purpose_template_and_label(analyst_client, api_client, team, analyst):
    chips = make_draft(team=team, author=analyst, title="Chips deal for India")
    other = make_draft(team=team, author=analyst, title="Aid package")
    Agreement.objects.filter(pk=chips.pk).update(template_slug="chips-for-peace")
    services.agreement_update(
        agreement_id=other.pk, expected_version=1, author=analyst, changes={"purpose": "welfare"}
    )
    ScoreRun.objects.filter(agreement=chips).update(status=RunStatus.DONE, label="borderline")
    ScoreRun.objects.filter(agreement=other).update(status=RunStatus.DONE, label="benefit_sharing")
    cases = {
        "q=india+chips": ["Chips deal for India"],
        "q=nothing+like+this": [],
        "purpose=welfare": ["Aid package"],
        "template=chips-for-peace": ["Chips deal for India"],
        "label=borderline": ["Chips deal for India"],
        "label=borderline&label=benefit_sharing": ["Aid package", "Chips deal for India"],
    }
    for query, expected in cases.items():
        assert sorted(_titles(analyst_client.get(f"/?{query}"))) == expected, query
        api = api_client.get(f"/api/v1/agreements/?{query}").json()
        assert sorted(row["title"] for row in api["results"]) == expected, query
    assert "No drafts match these filters." in analyst_client.get("/?q=zzz").content.decode()


def test_bad_filter_values_are_a_clear_error(analyst_client, api_client, team, analyst):
    make_draft(team=team, author=analyst)
    page = analyst_client.get("/?status=bogus&label=nope")
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()
    assert _titles(page) == []
    response = api_client.get("/api/v1/agreements/?status=bogus")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]
