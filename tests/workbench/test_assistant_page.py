"""The design assistant's section of the builder: ask, watch progress, apply (htmx and
plain forms), with form errors for bad bounds and the outdated notice after an edit."""

import pytest

from scoring.models import AssistantRun, ScoreRun

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _ask(client, draft, capture, **data):
    with capture(execute=True):
        response = client.post(f"/drafts/{draft.pk}/assistant/", data, **HTMX)
    assert response.status_code == 200, response.content.decode()[:2000]
    return AssistantRun.objects.latest("pk")


def test_the_section_offers_every_goal_in_words(analyst_client, restraint):
    page = analyst_client.get(f"/drafts/{restraint.pk}/assistant/", **HTMX).content.decode()
    assert "Make China sign" in page
    assert "Bring it into force" in page
    assert "Find a package" in page


def test_single_edits_shown_then_one_applied_makes_china_sign(
    analyst_client, restraint, django_capture_on_commit_callbacks
):
    run = _ask(
        analyst_client,
        restraint,
        django_capture_on_commit_callbacks,
        kind="suggestions",
        goal="sign:cn",
        max_edits=4,
    )
    answer = analyst_client.get(f"/drafts/{restraint.pk}/assistant/{run.pk}/", **HTMX)
    html = answer.content.decode()
    assert 'id="suggestions-table"' in html and "hx-trigger" not in html  # done: no polling
    top = run.result["suggestions"][0]["description"]
    assert top in html
    with django_capture_on_commit_callbacks(execute=True):
        applied = analyst_client.post(
            f"/drafts/{restraint.pk}/assistant/{run.pk}/apply/",
            {"version": 1, "suggestion": 0},
            **HTMX,
        )
    assert applied.status_code == 200 and applied["HX-Redirect"] == f"/drafts/{restraint.pk}/"
    restraint.refresh_from_db()
    assert restraint.version == 2
    scored = ScoreRun.objects.get(agreement=restraint, revision_number=2)
    assert next(r for r in scored.result["recipients"] if r["key"] == "cn")["would_sign"]
    builder = analyst_client.get(f"/drafts/{restraint.pk}/").content.decode()
    assert f"Suggestion: {top}" in builder  # the flash message names it

    # The answer is for revision 1: it now says so and offers no Apply button.
    stale = analyst_client.get(f"/drafts/{restraint.pk}/assistant/{run.pk}/", **HTMX)
    assert 'id="assistant-outdated"' in stale.content.decode()
    assert "Apply</button>" not in stale.content.decode()


def test_a_package_with_its_scores_and_apply_all(
    analyst_client, restraint, django_capture_on_commit_callbacks
):
    run = _ask(
        analyst_client,
        restraint,
        django_capture_on_commit_callbacks,
        kind="package",
        goal="in_force",
        max_edits=4,
    )
    html = analyst_client.get(
        f"/drafts/{restraint.pk}/assistant/{run.pk}/", **HTMX
    ).content.decode()
    assert 'id="package-scores"' in html and "China signs" in html
    assert 'id="apply-package"' in html
    with django_capture_on_commit_callbacks(execute=True):
        analyst_client.post(
            f"/drafts/{restraint.pk}/assistant/{run.pk}/apply/", {"version": 1}, **HTMX
        )
    scored = ScoreRun.objects.get(agreement=restraint, revision_number=2)
    assert scored.result["scores"]["viability"]["value"] == 1.0


def test_a_pending_answer_shows_progress_and_polls(analyst_client, restraint, analyst):
    run = AssistantRun.objects.create(
        agreement=restraint,
        revision=restraint.revisions.get(number=1),
        revision_number=1,
        kind="package",
        options={"max_edits": 4, "risk_max": None, "keep_label": None},
        options_key="x",
        parameter_version="2027.1.0",
        progress_done=120,
        progress_total=480,
    )
    html = analyst_client.get(
        f"/drafts/{restraint.pk}/assistant/{run.pk}/", **HTMX
    ).content.decode()
    assert "120 of at most 480 evaluated" in html
    assert 'value="25"' in html and "hx-trigger" in html


def test_bad_bounds_get_form_errors_and_store_nothing(analyst_client, restraint):
    response = analyst_client.post(
        f"/drafts/{restraint.pk}/assistant/",
        {"kind": "package", "goal": "in_force", "risk_max": "2", "max_edits": 9},
        **HTMX,
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ensure this value is less than or equal to 1" in html
    assert "Ensure this value is less than or equal to 4" in html
    assert not AssistantRun.objects.exists()


def test_a_viewer_cannot_apply_and_other_teams_get_404(
    client, restraint, viewer, outsider, analyst_client, django_capture_on_commit_callbacks
):
    run = _ask(
        analyst_client,
        restraint,
        django_capture_on_commit_callbacks,
        kind="package",
        goal="in_force",
        max_edits=4,
    )
    client.force_login(viewer)
    assert (
        client.post(f"/drafts/{restraint.pk}/assistant/{run.pk}/apply/", {"version": 1}).status_code
        == 403
    )
    client.force_login(outsider)
    assert client.get(f"/drafts/{restraint.pk}/assistant/").status_code == 404
    assert client.get(f"/drafts/{restraint.pk}/assistant/{run.pk}/").status_code == 404


def test_the_answer_partial_costs_a_constant_number_of_queries(
    analyst_client, restraint, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    run = _ask(
        analyst_client,
        restraint,
        django_capture_on_commit_callbacks,
        kind="package",
        goal="in_force",
        max_edits=4,
    )
    with django_assert_max_num_queries(10):
        analyst_client.get(f"/drafts/{restraint.pk}/assistant/{run.pk}/", **HTMX)
