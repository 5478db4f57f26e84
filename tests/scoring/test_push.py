"""Score push: a waiting page or API client learns that a run ended without polling."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest
from rest_framework.test import APIClient

from scoring import push, queue
from scoring.engine import attribution as engine_attribution
from scoring.models import RunStatus, ScoreRun
from scoring.sensitivity_services import attribution_for_run
from scoring.services import score_run_execute
from tests.factories import draft_document, make_draft
from tests.services import redis_url_or_skip

HTMX = {"HTTP_HX_REQUEST": "true"}


class Flag:
    """A pending state that another thread ends, counting how often it was read."""

    def __init__(self) -> None:
        self.pending = True
        self.reads = 0

    def read(self) -> bool:
        self.reads += 1
        return self.pending


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [(None, 0.0), ("", 0.0), ("x", 0.0), ("nan", 0.0), ("-3", 0.0), ("2.5", 2.5), ("999", 5.0)],
)
def test_wait_seconds_reads_the_query_within_the_configured_cap(raw, seconds, settings):
    settings.WINDFALL_SCORE_WAIT_MAX = 5
    assert push.wait_seconds(raw) == seconds


def test_without_redis_nothing_waits_and_the_caller_is_told_to_poll(settings):
    settings.REDIS_URL = None
    flag = Flag()
    started = time.monotonic()
    value, live = push.wait_for(1, flag.read, bool, timeout=5)
    assert (value, live, flag.reads) == (True, False, 1)
    assert time.monotonic() - started < 1
    push.announce(1)  # a no-op, not an error


def test_with_redis_down_the_wait_ends_at_once_and_announcing_only_logs(settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    flag = Flag()
    started = time.monotonic()
    value, live = push.wait_for(2, flag.read, bool, timeout=5)
    assert (value, live) == (True, False)
    assert time.monotonic() - started < 3
    push.announce(2)
    assert "could not announce" in caplog.text


@pytest.mark.services
def test_an_announcement_wakes_the_waiter_long_before_its_timeout():
    redis_url_or_skip()
    flag = Flag()
    agreement_id = 987_654  # a channel no other test uses

    def finish_soon() -> None:
        time.sleep(0.3)
        flag.pending = False
        push.announce(agreement_id)

    threading.Thread(target=finish_soon).start()
    started = time.monotonic()
    value, live = push.wait_for(agreement_id, flag.read, bool, timeout=5)
    elapsed = time.monotonic() - started
    assert (value, live) == (False, True)
    assert 0.25 < elapsed < 2.0
    assert flag.reads == 2  # read once before waiting, once when woken


@pytest.mark.services
def test_without_an_announcement_the_wait_lasts_its_timeout():
    redis_url_or_skip()
    flag = Flag()
    started = time.monotonic()
    value, live = push.wait_for(987_655, flag.read, bool, timeout=0.4)
    assert (value, live, flag.reads) == (True, True, 1)
    assert 0.35 < time.monotonic() - started < 2.0


@pytest.mark.services
def test_the_panel_and_the_api_answer_as_soon_as_the_worker_finishes(
    celery_worker, catalog, team, analyst, client
):
    api = APIClient()
    api.force_authenticate(analyst)
    created = api.post(
        "/api/v1/agreements/import/",
        {"team": team.slug, "document": draft_document(lines=3)},
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    first = ScoreRun.objects.get(agreement_id=pk, revision_number=1)
    run = api.get(f"/api/v1/score-runs/{first.pk}/?wait=5").json()
    assert run["status"] == "done"  # answered when the worker finished, not after 5 s

    edited = api.patch(
        f"/api/v1/agreements/{pk}/lines/l1/", {"version": 1, "magnitude": 0.4}, format="json"
    )
    assert edited.status_code == 200
    client.force_login(analyst)
    started = time.monotonic()
    panel = client.get(f"/drafts/{pk}/score/?wait=5", **HTMX)
    elapsed = time.monotonic() - started
    assert panel.status_code == 286  # done: htmx stops asking
    assert "Scores of revision <strong>2</strong>, the current one." in panel.content.decode()
    assert elapsed < 4.5


def test_the_api_refuses_a_wait_that_is_not_a_number_of_seconds(
    api_client, team, analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(team=team, author=analyst, lines=1)
    run = ScoreRun.objects.get(agreement=draft)
    for bad in ("x", "-1", "26", ""):
        response = api_client.get(f"/api/v1/score-runs/{run.pk}/?wait={bad}")
        assert response.status_code == 400, bad
        assert "wait" in response.json()["errors"]


def _queued_run(team, analyst, monkeypatch) -> ScoreRun:
    """A queued run of a new draft; nothing sends or scores it (the test does)."""
    monkeypatch.setattr(queue, "score_run_send_on_commit", lambda run_id: None)
    return ScoreRun.objects.get(agreement=make_draft(team=team, author=analyst, lines=3))


@pytest.mark.django_db(transaction=True)  # autocommit, as in a worker: announced at once
def test_the_scores_are_announced_before_the_attribution_is_computed(
    team, analyst, catalog, monkeypatch
):
    """The waiting panel needs the scores, not what drives them (section 16): the worker
    stores and announces the scores first, then computes and stores the attribution."""
    run = _queued_run(team, analyst, monkeypatch)
    at_announcement: list[dict[str, object]] = []

    def record(agreement_id: int) -> None:
        row = ScoreRun.objects.get(pk=run.pk)
        at_announcement.append(
            {"status": row.status, "scored": row.result is not None, "attribution": row.attribution}
        )

    monkeypatch.setattr(push, "announce", record)
    assert score_run_execute(run_id=run.pk) == "done"
    assert at_announcement == [{"status": RunStatus.DONE, "scored": True, "attribution": None}]
    run.refresh_from_db()
    assert run.attribution is not None
    stored = attribution_for_run(run=run)
    ScoreRun.objects.filter(pk=run.pk).update(attribution=None)
    run.refresh_from_db()
    recomputed = attribution_for_run(run=run)  # what a reader gets before it is stored
    assert (stored.pop("stored"), recomputed.pop("stored")) == (True, False)
    assert stored == recomputed


@pytest.mark.django_db(transaction=True)
def test_a_failed_attribution_leaves_the_run_scored_and_is_recomputed_when_asked(
    team, analyst, catalog, monkeypatch, caplog
):
    run = _queued_run(team, analyst, monkeypatch)
    real = engine_attribution.simulate_then_attribute

    def broken_attribution(*args, **kwargs):
        result, _ = real(*args, **kwargs)
        return result, lambda: 1 / 0

    monkeypatch.setattr(engine_attribution, "simulate_then_attribute", broken_attribution)
    assert score_run_execute(run_id=run.pk) == "done"
    run.refresh_from_db()
    assert (run.status, run.attribution) == (RunStatus.DONE, None)
    assert run.result["scores"]["credibility"]["value"] == run.credibility
    assert "could not store its variance attribution" in caplog.text
    monkeypatch.undo()
    answer = attribution_for_run(run=run)
    assert answer["stored"] is False and answer["scores"]


def test_a_woken_panel_reads_the_run_again_but_not_the_users_role(
    client, team, analyst, monkeypatch, django_capture_on_commit_callbacks
):
    """The panel reads once, waits, and reads the run again when woken: what it knew
    before waiting (the draft, whether the user may edit it) it does not ask again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from agreements import services as agreement_services

    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(team=team, author=analyst, lines=2)
    agreement_services.part_update(
        agreement_id=draft.pk,
        expected_version=1,
        author=analyst,
        section="lines",
        key="l1",
        changes={"magnitude": 0.3},
    )  # revision 2: its run is queued, never sent
    pending = ScoreRun.objects.get(agreement=draft, revision_number=2)

    class RunEndsWhileWaiting:
        live = True

        def __init__(self) -> None:
            self.woken = False
            self.worker_queries = (0, 0)  # the run's own queries, in the captured list

        def wait(self, timeout: float) -> bool:
            if self.woken:
                return False
            self.woken = True
            began = len(connection.queries_log)
            score_run_execute(run_id=pending.pk)  # a worker finishes it meanwhile
            self.worker_queries = (began, len(connection.queries_log))
            return True

    listener = RunEndsWhileWaiting()

    @contextlib.contextmanager
    def listen(agreement_id, *, enabled=True):
        yield listener

    monkeypatch.setattr(push, "listen", listen)
    client.force_login(analyst)
    with CaptureQueriesContext(connection) as queries:
        panel = client.get(f"/drafts/{draft.pk}/score/?wait=5", **HTMX)
    assert listener.woken
    assert panel.status_code == 286
    assert "Scores of revision <strong>2</strong>, the current one." in panel.content.decode()
    began, ended = (n - queries.initial_queries for n in listener.worker_queries)
    captured = queries.captured_queries
    sql = [q["sql"] for q in captured[:began] + captured[ended:]]
    assert sum("FROM scoring_scorerun r" in s for s in sql) == 2  # read before and after
    role = 'SELECT "accounts_membership"."role"'  # can_edit_team's question
    assert not any(s.startswith(role) for s in sql)  # the role comes with the draft, once
    drafts = [s for s in sql if 'FROM "agreements_agreement"' in s]
    assert len(drafts) == 1
    assert 'AS "user_role"' in drafts[0]
