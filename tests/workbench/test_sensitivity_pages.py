"""The Sensitivity section of the builder and the sensitivity sections of the compare page."""

from __future__ import annotations

import json
import re

import pytest

from agreements import services as agreement_services
from scoring import analysis_jobs, jobs, sensitivity_services
from scoring.models import AnalysisJob, RunStatus, Scenario, WeightProfile
from tests.factories import make_draft

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
LIVE = {**HTMX, "HTTP_HX_TARGET": "live-ranking"}
PAIRS = [
    ("credibility", "risk_overall"),
    ("credibility", "power_sharing"),
    ("credibility", "min_net_incentive"),
    ("credibility", "leverage"),
    ("credibility", "viability"),
    ("risk_overall", "power_sharing"),
    ("risk_overall", "min_net_incentive"),
    ("risk_overall", "leverage"),
    ("risk_overall", "viability"),
    ("power_sharing", "min_net_incentive"),
    ("power_sharing", "leverage"),
    ("power_sharing", "viability"),
    ("min_net_incentive", "leverage"),
    ("min_net_incentive", "viability"),
    ("leverage", "viability"),
]


@pytest.fixture
def draft(catalog, team, analyst):
    return make_draft(team=team, author=analyst, lines=2)


@pytest.fixture
def pair(draft, analyst):
    fork = agreement_services.agreement_fork(agreement=draft, author=analyst, title="Fork")
    return draft, fork


def test_the_builder_loads_its_sensitivity_section_lazily(analyst_client, draft):
    page = analyst_client.get(f"/drafts/{draft.pk}/").content.decode()
    assert f'hx-get="/drafts/{draft.pk}/sensitivity/"' in page
    assert 'hx-trigger="intersect once"' in page


def test_the_section_shows_six_sweeps_and_what_drives_them(
    analyst_client, draft, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        response = analyst_client.get(f"/drafts/{draft.pk}/sensitivity/", **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="chart chart-sweep"') == 6
    assert 'class="chart chart-tornado"' in html
    assert "<html" not in html  # a partial


def test_a_trust_sweep_of_a_recipient_and_of_a_stranger(analyst_client, draft):
    ok = analyst_client.get(f"/drafts/{draft.pk}/sensitivity/?axis=trust:br", **HTMX)
    assert ok.status_code == 200 and "trust of" in ok.content.decode()
    bad = analyst_client.get(f"/drafts/{draft.pk}/sensitivity/?axis=trust:zz", **HTMX)
    assert bad.status_code == 400 and "no recipient" in bad.content.decode()
    odd = analyst_client.get(f"/drafts/{draft.pk}/sensitivity/?axis=wind")
    assert odd.status_code == 400 and "<html" in odd.content.decode()


def test_another_teams_draft_is_not_found(client, outsider, draft):
    client.force_login(outsider)
    assert client.get(f"/drafts/{draft.pk}/sensitivity/").status_code == 404
    assert client.get(f"/compare/weights/?ids={draft.pk}&ids={draft.pk}").status_code == 404


def test_the_compare_page_includes_the_sensitivity_sections(analyst_client, pair):
    a, b = pair
    page = analyst_client.get(f"/compare/?ids={a.pk}&ids={b.pk}").content.decode()
    for name in ("compare-weights", "compare-dsa", "compare-scenarios"):
        assert f"/compare/{name.split('-')[1]}/?ids={a.pk}&amp;ids={b.pk}" in page


def _live_scores(html: str) -> list[str]:
    return re.findall(r"weighted score ([0-9.]+)", html)


def test_moving_a_weight_re_ranks_without_the_page(
    analyst_client, pair, django_assert_max_num_queries
):
    a, b = pair
    base = f"/compare/weights/?ids={a.pk}&ids={b.pk}"
    with django_assert_max_num_queries(20):
        first = analyst_client.get(base, **LIVE)
    assert first.status_code == 200
    html = first.content.decode()
    assert html.strip().startswith('<div id="live-ranking"') and 'id="live-smaa"' in html
    moved = analyst_client.get(f"{base}&w_credibility=10&w_viability=0", **LIVE).content.decode()
    assert _live_scores(moved) != _live_scores(html)


def test_bad_weights_are_named(analyst_client, pair):
    a, b = pair
    response = analyst_client.get(f"/compare/weights/?ids={a.pk}&ids={b.pk}&w_leverage=99", **LIVE)
    assert "Fix the weights" in response.content.decode()


def _answers(value: str) -> dict[str, str]:
    return {f"q_{x}__{y}": value for x, y in PAIRS}


def test_consistent_answers_set_the_weights_and_save_a_profile(analyst_client, pair, team):
    a, b = pair
    answers = {**_answers("1"), "q_credibility__viability": "1", "spread": "0.2"}
    answers.update({f"q_credibility__{y}": "3" for x, y in PAIRS if x == "credibility"})
    answers.update({"profile_name": "Credibility first", "team": str(team.pk)})
    response = analyst_client.post(f"/compare/weights/ahp/?ids={a.pk}&ids={b.pk}", answers, **HTMX)
    assert response.status_code == 200, response.content.decode()[:2000]
    html = response.content.decode()
    assert 'id="ahp-result"' in html and "Saved as the profile" in html
    profile = WeightProfile.objects.get(name="Credibility first")
    assert profile.weights["credibility"] == pytest.approx(3 / 8)
    assert profile.intervals["credibility"] == pytest.approx([0.175, 0.575])


def test_contradictory_answers_get_a_message_and_nothing_is_saved(analyst_client, pair, team):
    a, b = pair
    answers = _answers("9")  # each criterion "extremely more" than every later one ...
    answers["q_credibility__viability"] = "1/9"  # ... yet viability far above credibility
    answers["q_risk_overall__viability"] = "1/9"
    answers.update({"profile_name": "Muddled", "team": str(team.pk)})
    response = analyst_client.post(f"/compare/weights/ahp/?ids={a.pk}&ids={b.pk}", answers, **HTMX)
    assert response.status_code == 400
    assert "Revise them" in response.content.decode()
    assert not WeightProfile.objects.exists()


def test_an_answer_off_the_scale_is_named_and_nothing_is_saved(analyst_client, pair, team):
    a, b = pair
    answers = {**_answers("1"), "q_credibility__leverage": "4", "q_leverage__viability": ""}
    answers.update({"profile_name": "Odd", "team": str(team.pk)})
    response = analyst_client.post(f"/compare/weights/ahp/?ids={a.pk}&ids={b.pk}", answers, **HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Answer how Credibility compares with Leverage." in html
    assert not WeightProfile.objects.exists()


def test_the_dsa_ranking_says_who_leads(analyst_client, pair):
    a, b = pair
    response = analyst_client.get(f"/compare/dsa/?ids={a.pk}&ids={b.pk}", **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="dsa-summary"' in html and "leads" in html
    assert html.count("<tr>") == 12  # the header and 11 points


def test_the_scenario_table_shows_drafts_in_each_world(analyst_client, pair, team):
    a, b = pair
    Scenario.objects.create(team=team, name="Race", dsa=0.9, trust_shifts={"br": -0.2})
    Scenario.objects.create(team=team, name="Calm", dsa=0.1)
    response = analyst_client.get(f"/compare/scenarios/?ids={a.pk}&ids={b.pk}", **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="scenario-matrix"' in html and "Race" in html and "Calm" in html
    assert 'id="robust-draft"' in html


def test_without_scenarios_the_table_says_how_to_make_them(analyst_client, pair):
    a, b = pair
    html = analyst_client.get(f"/compare/scenarios/?ids={a.pk}&ids={b.pk}", **HTMX).content
    assert b'id="no-scenarios"' in html and b'href="/scenarios/"' in html


# --- Large comparisons: a worker computes them while the section polls its job ----------------


@pytest.fixture
def many(catalog, team, analyst):
    """Six drafts: 6 x 11 points x 1,000 samples is above what a request computes."""
    return [make_draft(team=team, author=analyst, lines=1 + n % 3, title=f"D{n}") for n in range(6)]


def _ids(drafts) -> str:
    return "&".join(f"ids={d.pk}" for d in drafts)


def _poll_url(html: str) -> str | None:
    found = re.search(r'hx-get="([^"]*job=[0-9]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_a_large_dsa_ranking_is_a_job_the_section_polls_until_done(
    analyst_client, many, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks(execute=False) as sent:
        first = analyst_client.get(f"/compare/dsa/?{_ids(many)}", **HTMX)
    assert first.status_code == 200
    html = first.content.decode()
    job = AnalysisJob.objects.get()
    assert len(sent) == 1 and job.status == RunStatus.QUEUED and job.kind == "dsa_ranking"
    assert 'id="dsa-progress"' in html and 'id="dsa-summary"' not in html
    poll = _poll_url(html)
    assert poll is not None and f"job={job.pk}" in poll and 'hx-trigger="load delay' in html

    assert analysis_jobs.analysis_job_execute(job_id=job.pk) == "done"
    with django_assert_max_num_queries(6):
        done = analyst_client.get(poll, **HTMX)
    html = done.content.decode()
    assert done.status_code == 200 and 'id="dsa-summary"' in html and "leads" in html
    assert _poll_url(html) is None, "a finished job stops the polling"
    assert html.count("<tr>") == 12
    expected = sensitivity_services.dsa_ranking_run(agreements=many, points=11, n_samples=1000)
    job.refresh_from_db()
    assert job.result == json.loads(json.dumps(expected))

    with django_capture_on_commit_callbacks(execute=False) as again:
        cached = analyst_client.get(f"/compare/dsa/?{_ids(many)}", **HTMX).content.decode()
    assert not again and AnalysisJob.objects.count() == 1 and 'id="dsa-summary"' in cached


def test_in_process_mode_answers_the_polled_job_at_once(
    analyst_client, many, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the eager worker runs on commit
        first = analyst_client.get(f"/compare/dsa/?{_ids(many)}", **HTMX).content.decode()
    assert AnalysisJob.objects.get().status == RunStatus.DONE
    html = analyst_client.get(_poll_url(first), **HTMX).content.decode()
    assert 'id="dsa-summary"' in html and _poll_url(html) is None


def test_a_small_ranking_stays_in_the_request(analyst_client, pair):
    a, b = pair
    html = analyst_client.get(f"/compare/dsa/?ids={a.pk}&ids={b.pk}", **HTMX).content.decode()
    assert 'id="dsa-summary"' in html and not AnalysisJob.objects.exists()


def test_a_large_scenario_comparison_is_a_job_with_progress(
    analyst_client, many, team, django_capture_on_commit_callbacks
):
    worlds = [
        Scenario.objects.create(team=team, name=n, dsa=d)
        for n, d in (("Calm", 0.1), ("Drift", 0.5), ("Race", 0.9))
    ]
    url = f"/compare/scenarios/?{_ids(many)}&" + "&".join(f"scenarios={w.pk}" for w in worlds)
    with django_capture_on_commit_callbacks(execute=False):
        html = analyst_client.get(url, **HTMX).content.decode()
    job = AnalysisJob.objects.get(kind="scenarios")
    assert 'id="scenario-progress"' in html and "waiting for one to start" in html
    assert [s["name"] for s in job.request["scenarios"]] == ["Calm", "Drift", "Race"]
    assert jobs.claim(job)
    AnalysisJob.objects.filter(pk=job.pk).update(progress=0.5)
    running = analyst_client.get(_poll_url(html), **HTMX).content.decode()
    assert "50% done" in running and _poll_url(running) is not None
    AnalysisJob.objects.filter(pk=job.pk).update(status=RunStatus.QUEUED)
    assert analysis_jobs.analysis_job_execute(job_id=job.pk) == "done"
    done = analyst_client.get(_poll_url(html), **HTMX).content.decode()
    assert 'id="scenario-matrix"' in done and 'id="robust-draft"' in done
    assert done.count('<th scope="row">') == 6


def test_a_failed_job_says_why_and_stops_polling(analyst_client, many):
    html = analyst_client.get(f"/compare/dsa/?{_ids(many)}", **HTMX).content.decode()
    job = AnalysisJob.objects.get()
    assert jobs.claim(job)
    analysis_jobs.analysis_job_fail(job_id=job.pk, error="The computation took too long.")
    failed = analyst_client.get(_poll_url(html), **HTMX).content.decode()
    assert "took too long" in failed and _poll_url(failed) is None


def test_a_job_of_other_drafts_or_another_team_is_not_found(analyst_client, many, client, outsider):
    html = analyst_client.get(f"/compare/dsa/?{_ids(many)}", **HTMX).content.decode()
    job = AnalysisJob.objects.get()
    other = f"/compare/dsa/?{_ids(many[:5])}&job={job.pk}"
    assert analyst_client.get(other, **HTMX).status_code == 404
    client.force_login(outsider)
    assert client.get(_poll_url(html), **HTMX).status_code == 404


def _edit(draft, analyst) -> None:
    draft.refresh_from_db()
    agreement_services.agreement_update(
        agreement_id=draft.pk,
        expected_version=draft.version,
        author=analyst,
        changes={"notes": f"Edited while the worker computed (revision {draft.version + 1})."},
    )


def _notice(html: str) -> str:
    found = re.search(r'id="(?:dsa|scenario)-outdated">\s*<p>(.*?)</p>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split()) if found else ""


def test_an_answer_for_drafts_edited_meanwhile_is_outdated_not_current(
    analyst_client, many, analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        html = analyst_client.get(f"/compare/dsa/?{_ids(many)}", **HTMX).content.decode()
    job = AnalysisJob.objects.get()
    assert job.request["revisions"] == [1] * 6
    _edit(many[2], analyst)
    assert analysis_jobs.analysis_job_execute(job_id=job.pk) == "done"  # for revision 1
    done = analyst_client.get(_poll_url(html), **HTMX).content.decode()
    assert _notice(done) == (
        "Outdated: “D2” changed since this comparison was asked for (revision 1 → 2). "
        "Its answer is not shown: recompute it for the drafts as they are now."
    )
    assert 'id="dsa-summary"' not in done and 'id="dsa-ranking-table"' not in done
    assert _poll_url(done) is None, "an outdated job stops the polling"
    recompute = re.search(r'href="([^"]+)"\s+hx-get="\1"\s+hx-target="closest section"', done)
    url = recompute.group(1).replace("&amp;", "&")
    assert url == f"/compare/dsa/?{_ids(many)}"  # the same question, without the old job
    with django_capture_on_commit_callbacks(execute=False):
        again = analyst_client.get(url, **HTMX).content.decode()
    new = AnalysisJob.objects.exclude(pk=job.pk).get()
    assert new.request["revisions"] == [1, 1, 2, 1, 1, 1]
    assert _notice(again) == "" and 'id="dsa-progress"' in again
    assert f"job={new.pk}" in _poll_url(again)


def test_a_pending_job_whose_drafts_changed_says_so_at_once_and_stops_polling(
    analyst_client, many, team, analyst, django_capture_on_commit_callbacks
):
    worlds = [
        Scenario.objects.create(team=team, name=n, dsa=d)
        for n, d in (("A", 0.1), ("B", 0.5), ("C", 0.9))
    ]
    url = f"/compare/scenarios/?{_ids(many)}&" + "&".join(f"scenarios={w.pk}" for w in worlds)
    with django_capture_on_commit_callbacks(execute=False):
        html = analyst_client.get(url, **HTMX).content.decode()
    job = AnalysisJob.objects.get(kind="scenarios")
    assert jobs.claim(job)  # running
    _edit(many[0], analyst)
    _edit(many[5], analyst)
    _edit(many[5], analyst)
    polled = analyst_client.get(_poll_url(html), **HTMX).content.decode()
    assert _notice(polled).startswith(
        "Outdated: “D0” changed since this comparison was asked for (revision 1 → 2); "
        "“D5” changed since this comparison was asked for (revision 1 → 3)."
    )
    assert 'id="scenario-progress"' not in polled and _poll_url(polled) is None
    assert 'id="scenario-matrix"' not in polled
