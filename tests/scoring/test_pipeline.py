"""The scoring pipeline with tasks run in-process: lifecycle, supersede, claims, sweep."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from agreements import services
from catalog.models import BenefitItem, MechanismType
from catalog.services import catalog_entry_save_curated
from scoring import engine
from scoring.models import RunStatus, ScoreRun
from scoring.services import score_run_execute, score_runs_sweep
from tests.factories import draft_document, make_draft

pytestmark = pytest.mark.django_db


def test_a_new_revision_queues_a_run_sent_on_commit(
    team, analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        draft = make_draft(team=team, author=analyst)
    run = ScoreRun.objects.get(agreement=draft)
    assert (run.status, run.revision_number, run.parameter_version) == (
        RunStatus.QUEUED,
        1,
        engine.DEFAULT_PARAMETERS.version,
    )
    assert len(callbacks) == 1  # the task is sent only after the commit


def test_run_completes_with_scores_for_its_revision(
    team, analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(team=team, author=analyst, lines=3)
    run = ScoreRun.objects.get(agreement=draft)
    assert run.status == RunStatus.DONE
    assert run.attempts == 1
    assert run.result["seed"] == run.seed
    assert run.result["n_samples"] == run.n_samples
    assert run.credibility == run.result["scores"]["credibility"]["value"]
    assert run.started_at <= run.finished_at
    assert run.duration_ms is not None


def test_same_seed_same_result(team, analyst, django_capture_on_commit_callbacks):
    from scoring.services import score_run_request_latest

    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(team=team, author=analyst, lines=3)
    first = ScoreRun.objects.get(agreement=draft)
    with django_capture_on_commit_callbacks(execute=True):
        again = score_run_request_latest(agreement=draft, seed=first.seed)
    again.refresh_from_db()
    assert again.pk != first.pk
    assert again.result == first.result


def test_newer_revision_supersedes_queued_runs(team, analyst, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        draft = make_draft(team=team, author=analyst, lines=2)
        for version in (1, 2):
            services.part_update(
                agreement_id=draft.pk,
                expected_version=version,
                author=analyst,
                section="lines",
                key="l1",
                changes={"magnitude": 0.1 * (version + 1)},
            )
    statuses = dict(
        ScoreRun.objects.filter(agreement=draft).values_list("revision_number", "status")
    )
    assert statuses == {1: RunStatus.SUPERSEDED, 2: RunStatus.SUPERSEDED, 3: RunStatus.QUEUED}


def test_a_draft_that_cannot_be_scored_queues_nothing(team, analyst):
    draft = services.agreement_create(team=team, author=analyst, title="Empty")
    assert not ScoreRun.objects.filter(agreement=draft).exists()


def test_claims_are_exclusive(team, analyst):
    draft = make_draft(team=team, author=analyst)
    run = ScoreRun.objects.get(agreement=draft)
    now = timezone.now()
    ScoreRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, attempts=1, heartbeat_at=now
    )
    # Another message (duplicate or redelivered) never runs a run whose worker beats;
    # one that stopped beating is taken over (tests/scoring/test_recovery.py).
    assert score_run_execute(run_id=run.pk).startswith("skipped")
    ScoreRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED)
    assert score_run_execute(run_id=run.pk) == "done"
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.DONE, 2)
    # Once done, any further message changes nothing.
    assert score_run_execute(run_id=run.pk).startswith("skipped")


def test_a_deleted_run_is_skipped_cleanly():
    assert score_run_execute(run_id=987654).startswith("skipped")


def test_engine_rejection_fails_the_run_with_a_message(team, analyst):
    draft = make_draft(team=team, author=analyst)
    run = ScoreRun.objects.get(agreement=draft)
    document = run.revision.document
    document["lines"][0]["magnitude"] = 7  # bypassing validation, as a corrupted row would
    type(run.revision).objects.filter(pk=run.revision_id).update(document=document)
    score_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "lines[0].magnitude" in run.error


def test_catalog_change_marks_scores_stale_and_rescores(
    team, analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        using = make_draft(team=team, author=analyst, lines=1)  # monetary aid
        other = services.agreement_create(team=team, author=analyst, title="Unrelated")
    item = BenefitItem.objects.get(slug="monetary-aid-governments")
    item.v = 0.95
    with django_capture_on_commit_callbacks(execute=True):
        catalog_entry_save_curated(entry=item)
    runs = list(ScoreRun.objects.filter(agreement=using).order_by("pk"))
    assert [r.stale for r in runs] == [True, False]
    assert runs[1].status == RunStatus.DONE
    assert runs[1].reason == "catalog_changed"
    assert runs[1].revision_number == 1
    cost = [r.result["scores"]["provider_cost"]["value"] for r in runs]
    assert cost[0] == cost[1]  # cost did not change, value did
    assert runs[1].result["lines"][0]["v"] == pytest.approx(0.95)
    assert not ScoreRun.objects.filter(agreement=other).exists()


def test_sweep_requeues_stuck_runs(team, analyst, settings, django_capture_on_commit_callbacks):
    """A run with no heartbeat (claimed by an older version) after the stuck time."""
    draft = make_draft(team=team, author=analyst)
    run = ScoreRun.objects.get(agreement=draft)
    long_ago = timezone.now() - timezone.timedelta(
        seconds=settings.WINDFALL_STUCK_AFTER_SECONDS + 5
    )
    ScoreRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, updated_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        counts = score_runs_sweep()
    run.refresh_from_db()
    assert counts["requeued"] == 1
    assert run.status == RunStatus.DONE


def test_sweep_rescores_drafts_scored_with_old_parameters(
    team, analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(team=team, author=analyst)
    ScoreRun.objects.filter(agreement=draft).update(parameter_version="2025.0")
    with django_capture_on_commit_callbacks(execute=True):
        counts = score_runs_sweep()
    assert counts["rescored"] == 1
    newest = ScoreRun.objects.filter(agreement=draft).latest("pk")
    assert (newest.parameter_version, newest.reason) == (
        engine.DEFAULT_PARAMETERS.version,
        "parameters_changed",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert score_runs_sweep() == {"requeued": 0, "rescored": 0}


def test_staged_reciprocity_comes_from_the_draft_and_its_catalog_row_is_fixed(
    team, analyst, curator, django_capture_on_commit_callbacks
):
    curator_api = APIClient()
    curator_api.force_authenticate(curator)
    staged = draft_document(lines=2)
    # Japan's reversible condition comes after the benefit it receives: staged reciprocity.
    staged["conditions"][0].update(phase="p2", reversible=True)
    with django_capture_on_commit_callbacks(execute=True):
        phased = services.agreement_import(team=team, author=analyst, document=staged)
        plain = services.agreement_import(
            team=team, author=analyst, document=draft_document(lines=2)
        )
    recipients = {
        draft: {r["key"]: r for r in draft.score_runs.get().result["recipients"]}
        for draft in (phased, plain)
    }
    assert recipients[phased]["jp"]["staged_reciprocity"] > 0
    assert recipients[plain]["jp"]["staged_reciprocity"] == 0
    assert recipients[phased]["jp"]["credibility"] > recipients[plain]["jp"]["credibility"]

    url = f"/api/v1/catalog/mechanism-types/{engine.DEFAULT_PARAMETERS.phased_slug}/"
    etag = curator_api.get(url)["ETag"]
    refused = curator_api.patch(url, {"effectiveness": 0.9}, format="json", HTTP_IF_MATCH=etag)
    assert refused.status_code == 400
    assert "effectiveness" in refused.json()["errors"]
    row = MechanismType.objects.get(slug=engine.DEFAULT_PARAMETERS.phased_slug)
    assert (row.effectiveness, row.erosion) == (
        engine.DEFAULT_PARAMETERS.staged_effectiveness,
        engine.DEFAULT_PARAMETERS.staged_erosion,
    )
