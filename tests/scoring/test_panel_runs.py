"""The score panel's one hand-written read of runs gives what the ORM reads would."""

from datetime import timedelta

import pytest

from scoring import selectors
from scoring.models import RunStatus, ScoreRun
from tests.factories import make_draft

pytestmark = pytest.mark.django_db


def _reference(draft):
    """The three reads the panel made with the ORM before (their orders are the spec)."""
    latest = ScoreRun.objects.filter(agreement=draft).order_by("-pk").first()
    score = selectors.score_summary_latest_for_agreement(agreement=draft)
    previous = None
    if score is not None:
        previous = (
            ScoreRun.objects.filter(
                agreement=draft, status=RunStatus.DONE, revision_number__lt=score.revision_number
            )
            .order_by("-revision_number", "-finished_at")
            .first()
        )
    return latest, score, previous


def _same(found, expected):
    assert (found and found.pk) == (expected and expected.pk)
    if expected is None:
        return
    for field in selectors._panel_fields():
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert found.get_deferred_fields() >= {"result", "attribution"}


def _check(draft):
    runs = selectors.score_panel_runs(agreement=draft)
    latest, score, previous = _reference(draft)
    _same(runs.latest, latest)
    _same(runs.score, score)
    _same(runs.previous, previous)
    if score is not None:
        assert runs.score.summary == score.summary
    if previous is not None:
        full = ScoreRun.objects.get(pk=previous.pk).result
        assert runs.previous.summary == {
            k: v for k, v in full.items() if k not in selectors.SUMMARY_OMITS
        }
    return runs


def _copy(run, **changes):
    copy = ScoreRun.objects.get(pk=run.pk)
    copy.pk = None
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    return copy


def test_the_panel_reads_the_runs_the_orm_would_in_one_query(
    team, analyst, django_capture_on_commit_callbacks, django_assert_num_queries
):
    draft = make_draft(team=team, author=analyst, lines=2)
    queued = draft.score_runs.get()
    runs = _check(draft)  # queued, never run: no score yet
    assert runs.latest.pk == queued.pk and runs.score is None and runs.previous is None

    ScoreRun.objects.filter(pk=queued.pk).delete()
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(team=team, author=analyst, lines=3)
    first = draft.score_runs.get()
    with django_assert_num_queries(1):
        selectors.score_panel_runs(agreement=draft)
    runs = _check(draft)
    assert runs.latest.pk == runs.score.pk == first.pk and runs.previous is None

    later = first.finished_at + timedelta(minutes=1)
    second = _copy(first, revision_number=2, finished_at=later)
    pending = _copy(first, revision_number=3, status=RunStatus.QUEUED, finished_at=None)
    runs = _check(draft)
    assert (runs.latest.pk, runs.score.pk, runs.previous.pk) == (pending.pk, second.pk, first.pk)
    assert not hasattr(runs.latest, "summary")  # only finished runs bring one

    rerun = _copy(first, finished_at=later + timedelta(minutes=1))  # revision 1 again, later
    failed = _copy(first, revision_number=3, status=RunStatus.FAILED, error="boom")
    runs = _check(draft)
    assert (runs.latest.pk, runs.score.pk, runs.previous.pk) == (failed.pk, second.pk, rerun.pk)
    assert runs.latest.error == "boom"


def test_other_drafts_runs_are_not_read(team, analyst, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(team=team, author=analyst, lines=2)
        other = make_draft(team=team, author=analyst, lines=2)
    _copy(other.score_runs.get(), revision_number=2)
    runs = _check(draft)
    assert runs.latest.agreement_id == draft.pk and runs.previous is None
