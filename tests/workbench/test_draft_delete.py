"""Deleting a draft from the dashboard: a confirmation page that says what goes, a POST
with the version the analyst saw, team-scoped; archiving instead keeps everything."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from agreements import services
from agreements.models import Agreement, Revision
from scoring.models import ScoreRun
from tests.factories import make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(team, analyst):
    draft = make_draft(team=team, author=analyst, title="Chips deal")
    services.agreement_update(
        agreement_id=draft.pk, expected_version=1, author=analyst, changes={"notes": "Second"}
    )
    draft.refresh_from_db()
    return draft


def test_the_dashboard_links_each_draft_the_analyst_may_delete(analyst_client, draft):
    page = analyst_client.get("/").content.decode()
    assert f'href="/drafts/{draft.pk}/delete/"' in page


def test_viewers_see_no_delete_link_and_cannot_delete(client, viewer, draft):
    client.force_login(viewer)
    assert f"/drafts/{draft.pk}/delete/" not in client.get("/").content.decode()
    assert client.get(f"/drafts/{draft.pk}/delete/").status_code == 403
    assert client.post(f"/drafts/{draft.pk}/delete/", {"version": 2}).status_code == 403
    assert Agreement.objects.filter(pk=draft.pk).exists()


def test_the_confirmation_says_what_is_removed_and_deletes_nothing(analyst_client, draft, analyst):
    fork = services.agreement_fork(agreement=draft, author=analyst, title="Its fork")
    response = analyst_client.get(f"/drafts/{draft.pk}/delete/")
    assert response.status_code == 200
    text = re.sub(r"\s+", " ", response.content.decode())
    runs = ScoreRun.objects.filter(agreement=draft).count()
    assert runs > 0
    assert "all 2 revisions in its history" in text
    assert f"{runs} score run{'s' if runs != 1 else ''} with their results" in text
    assert "0 design-assistant answers" in text
    assert "1 other draft forked from this one stays" in text
    assert "Archive instead" in text
    assert 'name="version" value="2"' in text
    assert Agreement.objects.filter(pk=draft.pk).exists()
    assert Agreement.objects.filter(pk=fork.pk).exists()


def test_confirming_deletes_the_draft_its_revisions_and_scores(analyst_client, draft):
    response = analyst_client.post(f"/drafts/{draft.pk}/delete/", {"version": 2}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "Deleted “Chips deal” with its 2 revisions" in response.content.decode()
    assert not Agreement.objects.filter(pk=draft.pk).exists()
    assert not Revision.objects.filter(agreement_id=draft.pk).exists()
    assert not ScoreRun.objects.filter(agreement_id=draft.pk).exists()


def test_a_draft_changed_since_the_confirmation_is_not_deleted(analyst_client, draft, analyst):
    services.agreement_update(
        agreement_id=draft.pk, expected_version=2, author=analyst, changes={"notes": "Third"}
    )
    response = analyst_client.post(f"/drafts/{draft.pk}/delete/", {"version": 2})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Not deleted." in page
    assert 'name="version" value="3"' in page  # confirming again names the new version
    assert Agreement.objects.filter(pk=draft.pk).exists()
    for bad in ({}, {"version": "two"}, {"version": "-1"}):
        analyst_client.post(f"/drafts/{draft.pk}/delete/", bad)
        assert Agreement.objects.filter(pk=draft.pk).exists()


def test_another_teams_draft_is_404_and_stays(client, outsider, draft):
    client.force_login(outsider)
    assert client.get(f"/drafts/{draft.pk}/delete/").status_code == 404
    assert client.post(f"/drafts/{draft.pk}/delete/", {"version": 2}).status_code == 404
    assert client.post(f"/drafts/{draft.pk}/archive/", {"version": 2}).status_code == 404
    assert Agreement.objects.get(pk=draft.pk).status == "draft"


def test_deleting_needs_the_csrf_token(analyst, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    assert client.post(f"/drafts/{draft.pk}/delete/", {"version": 2}).status_code == 403
    assert Agreement.objects.filter(pk=draft.pk).exists()


def test_archive_instead_hides_the_draft_and_keeps_its_history(analyst_client, draft):
    response = analyst_client.post(f"/drafts/{draft.pk}/archive/", {"version": 2}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "Archived “Chips deal”" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "archived" and draft.version == 3
    assert [a.title for a in response.context["agreements"]] == []
    again = analyst_client.post(f"/drafts/{draft.pk}/archive/", {"version": 3}, follow=True)
    assert "already archived" in again.content.decode()
    page = analyst_client.get(f"/drafts/{draft.pk}/delete/").content.decode()
    assert "Archive instead" not in page
