"""The workbench pages through Django's test client (htmx requests send HX-Request)."""

import csv
import html
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements import services
from agreements.models import Agreement, Line
from scoring.models import ScoreRun
from tests.factories import draft_document, make_draft

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(team, analyst, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_draft(team=team, author=analyst, lines=3)


def test_dashboard_lists_drafts_with_score_status(analyst_client, draft):
    page = analyst_client.get("/").content.decode()
    assert "Test draft" in page
    assert "current" in page
    assert "Start a blank draft" in page


def test_dashboard_query_count_is_constant(
    analyst_client, team, analyst, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_draft(team=team, author=analyst)
    with django_assert_max_num_queries(12) as few:
        analyst_client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(6):
            make_draft(team=team, author=analyst, lines=5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        analyst_client.get("/")


def test_create_a_blank_draft(analyst_client, team):
    response = analyst_client.post(
        "/drafts/new/", {"title": "Fresh", "purpose": "welfare", "team": team.pk}
    )
    agreement = Agreement.objects.get(title="Fresh")
    assert response.status_code == 302
    assert response["Location"] == f"/drafts/{agreement.pk}/"


def test_create_with_bad_input_keeps_what_was_typed(analyst_client, team):
    response = analyst_client.post(
        "/drafts/new/", {"title": "", "purpose": "conquest", "team": team.pk}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in page
    assert "Select a valid choice" in page
    assert not Agreement.objects.exists()


def test_start_from_a_template(analyst_client, team):
    services.templates_load()
    response = analyst_client.post("/drafts/templates/chips-for-peace/start/", {"team": team.pk})
    agreement = Agreement.objects.get(template_slug="chips-for-peace")
    assert response["Location"] == f"/drafts/{agreement.pk}/"


def test_import_round_trips_and_bad_files_are_explained(analyst_client, team, draft):
    exported = analyst_client.get(f"/drafts/{draft.pk}/export.json")
    assert exported["Content-Disposition"].startswith("attachment")
    upload = SimpleUploadedFile("draft.json", exported.content, content_type="application/json")
    response = analyst_client.post("/drafts/import/", {"file": upload, "team": team.pk})
    copy = Agreement.objects.exclude(pk=draft.pk).get()
    assert response.status_code == 302
    original = json.loads(exported.content)
    assert copy.revisions.get().document == {**original, "title": "Test draft (imported)"}

    bad = draft_document()
    bad["lines"][0]["magnitude"] = 9
    upload = SimpleUploadedFile("bad.json", json.dumps(bad).encode())
    response = analyst_client.post("/drafts/import/", {"file": upload, "team": team.pk})
    assert response.status_code == 400
    assert "lines[0].magnitude" in response.content.decode()
    garbage = SimpleUploadedFile("x.json", b"{not json")
    response = analyst_client.post("/drafts/import/", {"file": garbage, "team": team.pk})
    assert "This is not a JSON file" in response.content.decode()
    foreign = SimpleUploadedFile("x.json", b'{"name": "someone else\'s data", "rows": []}')
    response = analyst_client.post("/drafts/import/", {"file": foreign, "team": team.pk})
    assert "not a Windfall draft" in response.content.decode()
    assert "This field is required" not in response.content.decode()


def test_builder_shows_every_part_and_the_score(analyst_client, draft):
    page = analyst_client.get(f"/drafts/{draft.pk}/").content.decode()
    for text in (
        "Japan",
        "Brazil",
        "Monetary aid to governments",
        "Domestic safety regulation",
        "International verification body",
        "Trust building",
        "Scores of revision",
    ):
        assert text in page


def test_builder_query_count_stays_constant_as_lines_grow(
    analyst_client, team, analyst, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        small = make_draft(team=team, author=analyst, lines=1)
        large = make_draft(team=team, author=analyst, lines=40)
    with django_assert_max_num_queries(30) as baseline:
        analyst_client.get(f"/drafts/{small.pk}/")
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        analyst_client.get(f"/drafts/{large.pk}/")


def test_adding_a_line_with_htmx_returns_the_builder_at_the_new_revision(analyst_client, draft):
    response = analyst_client.post(
        f"/drafts/{draft.pk}/lines/add/",
        {"version": 1, "item": "datasets", "recipient": "jp", "magnitude": 0.4},
        **HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="builder"')
    assert 'id="current-revision">2<' in page
    assert 'id="score-panel"' in page and 'hx-swap-oob="true"' in page
    assert Line.objects.filter(agreement=draft, item__slug="datasets").exists()


def test_a_bad_line_shows_errors_next_to_fields_and_keeps_the_input(analyst_client, draft):
    response = analyst_client.post(
        f"/drafts/{draft.pk}/lines/add/",
        {
            "version": 1,
            "item": "datasets",
            "recipient": "jp",
            "magnitude": 3,
            "note": "typed by hand",
        },
        **HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 1.0." in page
    assert "typed by hand" in page
    draft.refresh_from_db()
    assert draft.version == 1


def test_business_rule_errors_come_back_on_the_field(analyst_client, draft):
    response = analyst_client.post(
        f"/drafts/{draft.pk}/lines/add/",
        {
            "version": 1,
            "item": "model-weights",
            "recipient": "jp",
            "magnitude": 0.5,
            "access_mode": "weights",
            "monitoring": "realtime",
        },
        **HTMX,
    )
    assert "cannot be monitored or throttled" in response.content.decode()
    assert not Line.objects.filter(agreement=draft, item__slug="model-weights").exists()


def test_a_stale_edit_says_who_changed_what_and_offers_to_reload(analyst_client, draft, analyst):
    services.part_update(
        agreement_id=draft.pk,
        expected_version=1,
        author=analyst,
        section="lines",
        key="l1",
        changes={"magnitude": 0.2},
    )
    response = analyst_client.post(
        f"/drafts/{draft.pk}/lines/l1/edit/", {"version": 1, "magnitude": 0.9}, **HTMX
    )
    page = response.content.decode()
    assert "Your change was not saved" in page
    assert "revision 2 by ana: Changed magnitude of benefit “" in page
    assert "Reload the latest version" in page
    assert Line.objects.get(agreement=draft, key="l1").magnitude == 0.2


def _edit_form(page: str, part_id: str) -> str:
    """The HTML of one part's tbody (its row and its Edit form)."""
    start = re.search(rf'<tbody class="part"\s+id="{part_id}"', page).start()
    return page[start : page.index("</tbody>", start)]


def _add_frontier_line(draft, analyst, *, key: str, item: str) -> None:
    """Revision 2 of ``draft``: a frontier-AI line (it has levers) for Japan."""
    services.part_add(
        agreement_id=draft.pk,
        expected_version=1,
        author=analyst,
        section="lines",
        data={"key": key, "item": item, "recipient": "jp", "magnitude": 0.4},
    )


def test_a_refused_inline_edit_keeps_what_was_typed_with_the_error_beside_the_field(
    analyst_client, draft, analyst
):
    _add_frontier_line(draft, analyst, key="api", item="monitored-api-access")
    typed = {"version": 2, "magnitude": "1.5", "phase": "p2", "monitoring": "periodic_audit"}
    for headers in ({}, HTMX):
        response = analyst_client.post(f"/drafts/{draft.pk}/lines/api/edit/", typed, **headers)
        form = _edit_form(response.content.decode(), "line-api")
        assert "<details open>" in form
        assert 'value="1.5"' in form
        assert 'id="line-api-magnitude_error"' in form
        assert 'aria-invalid="true"' in form
        assert re.search(r'value="p2"\s+selected', form)
        assert re.search(r'value="periodic_audit"\s+selected', form)
        assert '<td class="num">0.40</td>' in form  # the table still shows what is saved
    draft.refresh_from_db()
    assert draft.version == 2

    response = analyst_client.post(
        f"/drafts/{draft.pk}/parties/jp/edit/", {"version": 2, "role": "recipient", "trust": "3"}
    )
    form = _edit_form(response.content.decode(), "party-jp")
    assert 'value="3"' in form
    assert 'id="party-jp-trust_error"' in form


def test_without_javascript_a_good_edit_redirects(analyst_client, draft):
    response = analyst_client.post(f"/drafts/{draft.pk}/phases/p2/move/up/", {"version": 1})
    assert response.status_code == 302
    assert [p["key"] for p in draft.revisions.get(number=2).document["phases"]] == ["p2", "p1"]


def test_viewers_read_but_cannot_change(client, viewer, draft):
    client.force_login(viewer)
    page = client.get(f"/drafts/{draft.pk}/").content.decode()
    assert "only the team's analysts can change it" in page
    assert "Add a party" not in page
    response = client.post(f"/drafts/{draft.pk}/lines/l1/remove/", {"version": 1})
    assert response.status_code == 403
    assert Line.objects.filter(agreement=draft, key="l1").exists()


@pytest.mark.parametrize(
    "path",
    ["", "history/", "briefing/", "export.json", "scores.csv", "catalog-search/?q=aid"],
)
def test_another_teams_pages_are_404(client, outsider, draft, path):
    client.force_login(outsider)
    assert client.get(f"/drafts/{draft.pk}/{path}").status_code == 404
    assert client.get(f"/drafts/{draft.pk}/score/").status_code in (404,)


def test_another_teams_draft_cannot_be_changed(client, outsider, draft):
    client.force_login(outsider)
    response = client.post(f"/drafts/{draft.pk}/lines/l1/remove/", {"version": 1})
    assert response.status_code == 404
    assert client.get(f"/compare/?ids={draft.pk}&ids={draft.pk}").status_code == 404


def test_score_panel_polls_while_pending_and_stops_when_done(analyst_client, draft, analyst):
    services.part_update(
        agreement_id=draft.pk,
        expected_version=1,
        author=analyst,
        section="lines",
        key="l1",
        changes={"magnitude": 0.3},
    )  # queued, not executed
    pending = analyst_client.get(f"/drafts/{draft.pk}/score/", **HTMX)
    assert pending.status_code == 200
    assert 'hx-trigger="load delay:' in pending.content.decode()
    assert "Scoring revision 2" in pending.content.decode()
    assert 'id="score-analysis"' not in pending.content.decode()  # polls stay light
    from scoring.services import score_run_execute

    score_run_execute(run_id=ScoreRun.objects.get(revision_number=2).pk)
    done = analyst_client.get(f"/drafts/{draft.pk}/score/", **HTMX)
    assert done.status_code == 286  # htmx stops polling
    html = done.content.decode()
    panel = re.search(r'<section id="score-panel"[^>]*>', html)
    assert panel and "hx-trigger" not in panel.group(0)
    assert "Scores of revision <strong>2</strong>, the current one." in html
    # The new scores come at once; the analysis section follows in a request of its own.
    assert 'id="score-analysis"' not in html
    loader = re.search(r'<div hidden\s+id="score-analysis-loader"[^>]*>', html)
    assert loader, "the finished panel loads the analysis section"
    assert 'hx-trigger="load"' in loader.group(0)
    assert 'hx-target="#score-analysis"' in loader.group(0)
    url = re.search(r'hx-get="([^"]+)"', loader.group(0)).group(1)
    analysis = analyst_client.get(url, **HTMX).content.decode()
    assert analysis.lstrip().startswith('<section id="score-analysis"')
    assert "hx-swap-oob" not in analysis  # it is the request's target, not out of band
    assert "of revision 2" in analysis and "Risks with 90% intervals" in analysis


def test_the_analysis_section_shows_what_the_builder_shows_below_the_panel(
    analyst_client, draft, django_assert_max_num_queries
):
    page = analyst_client.get(f"/drafts/{draft.pk}/").content.decode()
    inline = re.search(r'<section id="score-analysis".*?</section>', page, re.S).group(0)
    with django_assert_max_num_queries(5):  # session, user, draft, score, phase names
        loaded = analyst_client.get(f"/drafts/{draft.pk}/score/analysis/", **HTMX)
    assert loaded.status_code == 200
    assert loaded.content.decode().strip() == inline.strip()


def test_the_analysis_section_of_a_draft_never_scored_says_so(analyst_client, team, analyst):
    unscored = make_draft(team=team, author=analyst)  # its run is queued, never run
    html = analyst_client.get(f"/drafts/{unscored.pk}/score/analysis/", **HTMX).content.decode()
    assert "No scores yet." in html


def test_the_finished_panel_reads_few_queries(analyst_client, draft, django_assert_max_num_queries):
    # session, user, draft, latest run, latest score, role, previous scores
    with django_assert_max_num_queries(7):
        done = analyst_client.get(f"/drafts/{draft.pk}/score/", **HTMX)
    assert done.status_code == 286


def test_another_teams_analysis_section_is_404(client, outsider, draft):
    client.force_login(outsider)
    assert client.get(f"/drafts/{draft.pk}/score/analysis/").status_code == 404


def test_history_diff_and_restore(analyst_client, draft, analyst):
    services.part_update(
        agreement_id=draft.pk,
        expected_version=1,
        author=analyst,
        section="lines",
        key="l1",
        changes={"magnitude": 0.2},
    )
    page = analyst_client.get(f"/drafts/{draft.pk}/history/?from=1&to=2").content.decode()
    assert "Changed magnitude of benefit “" in page
    assert "Benefit: Monetary aid to governments for Japan" in page
    response = analyst_client.post(f"/drafts/{draft.pk}/revisions/1/restore/", {"version": 2})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.version == 3
    assert Line.objects.get(agreement=draft, key="l1").magnitude == 0.5


def test_exports_csv_and_briefing(analyst_client, draft):
    csv_text = analyst_client.get(f"/drafts/{draft.pk}/scores.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("draft,revision,parameter_version")
    assert ",credibility," in csv_text
    briefing = analyst_client.get(f"/drafts/{draft.pk}/briefing/").content.decode()
    assert "Draft agreement text" in briefing
    assert "Article 1" in briefing
    assert "Undertakings of Japan" in briefing  # the treaty text's articles


def test_compare_two_drafts_page(analyst_client, draft, analyst):
    fork = services.agreement_fork(agreement=draft, author=analyst, title="Variant")
    page = analyst_client.get(f"/compare/?ids={draft.pk}&ids={fork.pk}").content.decode()
    for text in (
        "Side by side",
        "Probability that each beats each",
        "Rank acceptability",
        "How robust is the top place?",
        "Why does one draft beat another?",
        "<svg",
    ):
        assert text in page
    one = analyst_client.get(f"/compare/?ids={draft.pk}")  # "Compare with…" from the builder
    assert one.status_code == 200
    assert "Choose one to five drafts to compare with" in one.content.decode()
    unknown = analyst_client.get("/compare/?ids=x")
    assert "Choose between 2 and 6 drafts" in unknown.content.decode()


def test_a_comparison_exports_as_json_and_csv(analyst_client, draft, analyst):
    fork = services.agreement_fork(agreement=draft, author=analyst, title="Variant")
    query = f"ids={draft.pk}&ids={fork.pk}&credibility=2&risk_overall=1"
    page = analyst_client.get(f"/compare/?{query}").content.decode()
    assert f'href="?ids={draft.pk}&amp;ids={fork.pk}&amp;credibility=2' in page

    exported = analyst_client.get(f"/compare/?{query}&format=json")
    assert exported["Content-Disposition"] == 'attachment; filename="comparison.json"'
    data = json.loads(exported.content)
    assert [a["id"] for a in data["agreements"]] == [draft.pk, fork.pk]
    assert data["weights"]["credibility"] > data["weights"]["risk_overall"]

    rows = list(
        csv.DictReader(
            io.StringIO(analyst_client.get(f"/compare/?{query}&format=csv").content.decode())
        )
    )
    measures = {(row["draft"], row["measure"]) for row in rows}
    assert ("Variant", "credibility") in measures
    assert ("Variant", "rank_1_probability") in measures
    assert ("Test draft", "beats:Variant") in measures
    first = [float(r["value"]) for r in rows if r["measure"] == "rank_1_probability"]
    assert sum(first) == pytest.approx(1.0)


def test_a_script_in_a_title_is_shown_as_text(analyst_client, team, analyst):
    evil = make_draft(team=team, author=analyst, title='<script>alert("x")</script>')
    for path in (f"/drafts/{evil.pk}/", "/", f"/drafts/{evil.pk}/briefing/"):
        page = analyst_client.get(path).content.decode()
        assert '<script>alert("x")</script>' not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_a_run_waiting_long_for_a_worker_says_so(analyst_client, draft, analyst):
    from django.utils import timezone

    services.part_update(
        agreement_id=draft.pk,
        expected_version=1,
        author=analyst,
        section="lines",
        key="l1",
        changes={"magnitude": 0.3},
    )
    ScoreRun.objects.filter(revision_number=2).update(
        created_at=timezone.now() - timezone.timedelta(seconds=125)
    )
    page = analyst_client.get(f"/drafts/{draft.pk}/score/", **HTMX).content.decode()
    assert "Still waiting for a worker after 2 min 5 s" in page
    assert "The scores below are from revision 1." in page
    assert 'hx-trigger="load delay:' in page  # it keeps polling; the sweep will resend the task


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("lines/add/", {"version": "x"}),
        ("lines/add/", {"version": 999, "item": "datasets", "recipient": "jp", "magnitude": 0.5}),
        ("lines/l99/edit/", {"version": 1, "magnitude": 0.5}),
        ("lines/l1/edit/", {"version": 1, "magnitude": "lots"}),
        ("lines/l1/edit/", {"version": 1, "magnitude": 0.5, "access_mode": "teleport"}),
        ("nonsense/add/", {"version": 1}),
        ("phases/p1/move/sideways/", {"version": 1}),
        ("phases/p9/move/up/", {"version": 1}),
        ("phases/p1/move/up/", {"version": 999}),
        ("parties/jp/remove/", {}),
        ("conditions/c1/edit/", {"version": 1, "burden": "-3"}),
        ("mechanisms/m1/edit/", {"version": 1, "strength": 2, "covers": "everyone"}),
        ("settings/", {"version": 1, "title": "", "dsa": "NaN"}),
        ("revisions/77/restore/", {"version": 1}),
        ("settings/", {"version": 1, "title": "a\x00b", "dsa": 0.3}),
    ],
)
def test_bad_input_never_gives_a_server_error(analyst_client, draft, path, data):
    for headers in ({}, HTMX):
        response = analyst_client.post(f"/drafts/{draft.pk}/{path}", data, **headers)
        assert response.status_code < 500, (path, data, response.status_code)
    draft.refresh_from_db()
    assert draft.version == 1


@pytest.mark.parametrize(
    "url",
    [
        "/compare/?ids=abc&ids=1e9",
        "/compare/?ids={pk}&ids={pk}&credibility=lots&power_direction=sideways",
        "/drafts/{pk}/history/?from=x&to=99999",
        "/drafts/{pk}/history/?from=1&to=1",
        "/drafts/{pk}/catalog-search/?q=" + "x" * 500,
        "/catalog/?tangibility=extreme&label=",
        "/drafts/999999/",
        "/compare/?ids=%C2%B2&ids={pk}",
        "/compare/?ids={pk}&ids=" + "9" * 5000,
        "/drafts/{pk}/history/?from=%C2%B2&to=%C2%B3",
        "/catalog/?q=%00&cluster=%00",
        "/drafts/{pk}/catalog-search/?q=a%00b",
        "/api/v1/catalog/items/?q=%00",
        "/api/v1/agreements/?title=%00&status=%00",
    ],
)
def test_odd_query_strings_never_give_a_server_error(analyst_client, draft, url):
    assert analyst_client.get(url.format(pk=draft.pk)).status_code < 500


def test_fork_title_with_a_null_character_is_refused_with_a_message(analyst_client, draft):
    response = analyst_client.post(f"/drafts/{draft.pk}/fork/", {"title": "a\x00b"}, follow=True)
    assert response.status_code == 200
    assert "Not forked. Title of the fork: Null characters are not allowed." in (
        response.content.decode()
    )
    assert Agreement.objects.count() == 1


def _odd_document(change) -> bytes:
    document = draft_document()
    change(document)
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "This JSON file is nested too deeply."),
        (
            _odd_document(lambda d: d["lines"][0].update(magnitude=10**400)),
            "lines[0].magnitude",
        ),
        (_odd_document(lambda d: d["lines"][0].update(item=["datasets"])), "lines[0].item"),
        (_odd_document(lambda d: d.update(title="a\x00b")), "Null characters are not allowed"),
    ],
    ids=["deeply-nested", "huge-integer", "list-for-slug", "null-character"],
)
def test_import_of_pathological_json_is_explained(analyst_client, team, content, message):
    upload = SimpleUploadedFile("odd.json", content, content_type="application/json")
    response = analyst_client.post("/drafts/import/", {"file": upload, "team": team.pk})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Agreement.objects.exists()


def test_the_score_panel_says_why_the_current_revision_has_no_score(analyst_client, draft):
    analyst_client.post(f"/drafts/{draft.pk}/parties/us/remove/", {"version": 1}, **HTMX)
    draft.refresh_from_db()
    assert draft.version == 2
    panel = analyst_client.get(f"/drafts/{draft.pk}/score/", **HTMX).content.decode()
    assert "Add a provider party to get a score." in panel
    assert "outdated" in panel  # the last scores stay visible, marked as older


def test_exported_csv_cells_never_start_a_spreadsheet_formula(
    analyst_client, team, analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # scored
        risky = make_draft(team=team, author=analyst, title='=HYPERLINK("http://x.example")')
        other = make_draft(team=team, author=analyst, title="-2+3")
    rows = list(
        csv.reader(
            io.StringIO(analyst_client.get(f"/drafts/{risky.pk}/scores.csv").content.decode())
        )
    )
    assert rows[1][0] == '\'=HYPERLINK("http://x.example")'
    compared = analyst_client.get(f"/compare/?ids={risky.pk}&ids={other.pk}&format=csv")
    titles = {row[1] for row in list(csv.reader(io.StringIO(compared.content.decode())))[1:]}
    assert titles == {'\'=HYPERLINK("http://x.example")', "'-2+3"}


def _autofocused(page: str) -> list[str]:
    """The tags carrying autofocus in an htmx response."""
    return re.findall(r"<[^>]*\bautofocus\b[^>]*>", page)


def test_focus_after_an_htmx_edit_goes_to_what_the_analyst_needs_next(
    analyst_client, draft, analyst
):
    saved = analyst_client.post(
        f"/drafts/{draft.pk}/lines/l1/edit/", {"version": 1, "magnitude": 0.6}, **HTMX
    ).content.decode()
    # A saved line: focus goes to its confirmation in place (windfall.js, without scrolling).
    assert _autofocused(saved) == []
    assert "data-focus-here" in saved
    assert "Saved as revision 2" in saved

    refused_add = analyst_client.post(
        f"/drafts/{draft.pk}/lines/add/",
        {"version": 2, "item": "datasets", "recipient": "jp", "magnitude": 7},
        **HTMX,
    ).content.decode()
    (tag,) = _autofocused(refused_add)
    assert 'name="magnitude"' in tag and 'aria-invalid="true"' in tag

    refused_edit = analyst_client.post(
        f"/drafts/{draft.pk}/parties/jp/edit/",
        {"version": 2, "role": "recipient", "trust": "3", "security": "9"},
        **HTMX,
    ).content.decode()
    (tag,) = _autofocused(refused_edit)  # one field only: the first invalid one
    assert 'id="party-jp-trust"' in tag

    stale = analyst_client.post(
        f"/drafts/{draft.pk}/lines/l1/edit/", {"version": 1, "magnitude": 0.2}, **HTMX
    ).content.decode()
    (tag,) = _autofocused(stale)
    assert 'id="builder-messages"' in tag


def test_a_refused_lever_combination_is_explained_inside_the_edit_form(
    analyst_client, draft, analyst
):
    _add_frontier_line(draft, analyst, key="w", item="model-weights")
    response = analyst_client.post(
        f"/drafts/{draft.pk}/lines/w/edit/",
        {"version": 2, "magnitude": 0.4, "access_mode": "weights", "monitoring": "realtime"},
        **HTMX,
    )
    form = _edit_form(response.content.decode(), "line-w")
    assert "<details open>" in form
    assert 'class="form-errors"' in form and "cannot be monitored or throttled" in form
    assert re.search(r'value="realtime"\s+selected', form)


def test_a_forked_draft_names_its_source_with_one_query_more(
    analyst_client,
    draft,
    analyst,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):  # scored, as the source is
        fork = services.agreement_fork(agreement=draft, author=analyst, title="Variant")
    with django_assert_max_num_queries(13) as plain:
        analyst_client.get(f"/drafts/{draft.pk}/")
    with django_assert_max_num_queries(len(plain.captured_queries) + 1):
        page = analyst_client.get(f"/drafts/{fork.pk}/").content.decode()
    assert (
        f'· forked from <a href="/drafts/{draft.pk}/">{html.escape(draft.title)}</a> revision 1'
        in page
    )
    assert "forked from" not in analyst_client.get(f"/drafts/{draft.pk}/").content.decode()
