"""A saved line edit swaps only that line; undo brings the previous revision back as a new one."""

from __future__ import annotations

import pytest

from agreements import services
from agreements.models import Agreement, Line
from tests.factories import make_draft

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(team, analyst, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_draft(team=team, author=analyst, lines=3)


def test_a_saved_line_edit_answers_with_that_line_only(
    analyst_client, draft, django_assert_max_num_queries
):
    with django_assert_max_num_queries(50):
        response = analyst_client.post(
            f"/drafts/{draft.pk}/lines/l2/edit/", {"version": 1, "magnitude": 0.65}, **HTMX
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#builder-messages"
    assert response["HX-Reswap"] == "innerHTML"
    assert 'id="line-l2"' in page and 'id="line-l1"' not in page and 'id="line-l3"' not in page
    assert 'id="builder"' not in page  # the rest of the builder is left alone
    assert 'id="revision-line"' in page and 'hx-swap-oob="true"' in page
    assert 'id="score-panel"' in page
    assert "0.65" in page
    assert Line.objects.get(agreement=draft, key="l2").magnitude == 0.65


def test_a_refused_line_edit_still_redraws_the_builder_with_what_was_typed(analyst_client, draft):
    response = analyst_client.post(
        f"/drafts/{draft.pk}/lines/l2/edit/", {"version": 1, "magnitude": 3}, **HTMX
    )
    page = response.content.decode()
    assert "HX-Retarget" not in response
    assert 'id="builder"' in page
    assert 'data-unsaved="true"' in page  # the page guards it on leaving


def test_undo_restores_the_previous_revision_as_a_new_one(analyst_client, draft, analyst):
    services.part_update(
        agreement_id=draft.pk,
        expected_version=1,
        author=analyst,
        section="lines",
        key="l2",
        changes={"magnitude": 0.9},
    )
    response = analyst_client.post(f"/drafts/{draft.pk}/undo/", {"version": 2}, **HTMX)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.version == 3
    latest = draft.revisions.get(number=3)
    assert latest.document == draft.revisions.get(number=1).document
    assert latest.message.startswith("Undid “Changed magnitude of benefit")
    assert Line.objects.get(agreement=draft, key="l2").magnitude != 0.9
    assert "Undid" in response.content.decode()


def test_undo_of_a_stale_version_is_refused_and_changes_nothing(analyst_client, draft, analyst):
    services.part_update(
        agreement_id=draft.pk,
        expected_version=1,
        author=analyst,
        section="lines",
        key="l2",
        changes={"magnitude": 0.9},
    )
    response = analyst_client.post(f"/drafts/{draft.pk}/undo/", {"version": 1}, **HTMX)
    assert "Your change was not saved" in response.content.decode()
    assert Agreement.objects.get(pk=draft.pk).version == 2


def test_nothing_to_undo_on_a_new_draft(analyst_client, draft):
    response = analyst_client.post(f"/drafts/{draft.pk}/undo/", {"version": 1}, **HTMX)
    assert "Nothing was undone: There is no earlier revision" in response.content.decode()
    assert Agreement.objects.get(pk=draft.pk).version == 1


def test_undo_needs_write_access_and_the_team(client, draft, django_user_model):
    outsider = django_user_model.objects.create_user("olga", password="x")
    client.force_login(outsider)
    assert client.post(f"/drafts/{draft.pk}/undo/", {"version": 1}).status_code == 404
