"""The drafts API: CRUD with nested parts, scoping, versions, revisions, export/import."""

import pytest
from rest_framework.test import APIClient

from agreements.models import Agreement, Line
from agreements.storage import document_read
from scoring.models import ScoreRun
from scoring.services import score_run_execute
from tests.factories import MembershipFactory, UserFactory, draft_document, make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(team, analyst):
    return make_draft(team=team, author=analyst, lines=3)


def client_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_create_returns_the_draft_with_version_and_etag(api_client, team):
    response = api_client.post(
        "/api/v1/agreements/",
        {"team": team.slug, "title": "New deal", "purpose": "welfare"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["title"], body["version"], body["team"]) == ("New deal", 1, team.slug)
    assert response["ETag"] == '"1"'
    assert body["document"]["parties"] == []


def test_create_in_a_team_you_are_not_an_analyst_of_is_refused(api_client, outsider):
    other_team = outsider.memberships.get().team
    response = api_client.post(
        "/api/v1/agreements/", {"team": other_team.slug, "title": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "team" in response.json()["errors"]


def test_list_shows_only_my_teams_drafts(api_client, draft, outsider):
    make_draft(team=outsider.memberships.get().team, author=outsider, title="Secret")
    titles = [a["title"] for a in api_client.get("/api/v1/agreements/").json()["results"]]
    assert titles == ["Test draft"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ""),
        ("patch", ""),
        ("delete", "?version=1"),
        ("get", "revisions/"),
        ("get", "revisions/1/"),
        ("get", "diff/?from=1"),
        ("post", "fork/"),
        ("get", "export/"),
        ("post", "score/"),
        ("get", "lines/"),
        ("get", "lines/l1/"),
        ("patch", "lines/l1/"),
        ("post", "lines/"),
        ("delete", "lines/l1/?version=1"),
        ("get", "score-runs/"),
    ],
)
def test_another_teams_draft_is_a_404_everywhere(draft, outsider, method, path):
    response = (
        getattr(client_for(outsider), method)(
            f"/api/v1/agreements/{draft.pk}/{path}", {"version": 1}, format="json"
        )
        if method in ("post", "patch")
        else getattr(client_for(outsider), method)(f"/api/v1/agreements/{draft.pk}/{path}")
    )
    assert response.status_code == 404
    assert Agreement.objects.get(pk=draft.pk).version == 1


def test_viewers_read_but_cannot_write(draft, viewer):
    api = client_for(viewer)
    assert api.get(f"/api/v1/agreements/{draft.pk}/").status_code == 200
    response = api.patch(
        f"/api/v1/agreements/{draft.pk}/", {"version": 1, "title": "x"}, format="json"
    )
    assert response.status_code == 403


def test_writes_must_name_a_version(api_client, draft):
    response = api_client.patch(f"/api/v1/agreements/{draft.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()["errors"]


def test_two_clients_editing_the_same_version_one_wins_one_is_refused(draft, analyst, team):
    colleague = UserFactory(username="bea")
    team.memberships.create(user=colleague, role="analyst")
    first, second = client_for(analyst), client_for(colleague)
    won = first.patch(
        f"/api/v1/agreements/{draft.pk}/lines/l1/", {"version": 1, "magnitude": 0.3}, format="json"
    )
    lost = second.patch(
        f"/api/v1/agreements/{draft.pk}/lines/l1/", {"version": 1, "magnitude": 0.9}, format="json"
    )
    assert won.status_code == 200
    assert won.json()["agreement_version"] == 2
    assert lost.status_code == 409
    body = lost.json()
    assert body["current_version"] == 2
    assert body["changes"][0]["author"] == "ana"
    assert "Changed magnitude of benefit “" in body["detail"]
    assert Line.objects.get(agreement=draft, key="l1").magnitude == 0.3


def test_if_match_mismatch_is_a_412(api_client, draft):
    response = api_client.patch(
        f"/api/v1/agreements/{draft.pk}/", {"title": "x"}, format="json", HTTP_IF_MATCH='"0"'
    )
    assert response.status_code == 412
    ok = api_client.patch(
        f"/api/v1/agreements/{draft.pk}/", {"title": "x"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert ok.status_code == 200
    assert ok["ETag"] == '"2"'


def test_nested_parts_crud(api_client, draft):
    base = f"/api/v1/agreements/{draft.pk}"
    added = api_client.post(
        f"{base}/conditions/",
        {"version": 1, "commitment": "accept-inspections", "recipient": "jp", "burden": 0.2},
        format="json",
    )
    assert added.status_code == 201, added.json()
    assert added.json()["key"] == "c3"
    changed = api_client.patch(
        f"{base}/conditions/c3/", {"version": 2, "reversible": True}, format="json"
    )
    assert changed.json()["reversible"] is True
    assert api_client.delete(f"{base}/conditions/c3/?version=3").status_code == 204
    keys = [c["key"] for c in api_client.get(f"{base}/conditions/").json()]
    assert keys == ["c1", "c2"]


def test_invalid_part_gets_field_messages_and_changes_nothing(api_client, draft):
    response = api_client.post(
        f"/api/v1/agreements/{draft.pk}/lines/",
        {"version": 1, "item": "no-such-item", "recipient": "cn", "magnitude": 0.5},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"item", "recipient"}
    assert Agreement.objects.get(pk=draft.pk).version == 1


def test_revisions_diff_and_restore(api_client, draft):
    base = f"/api/v1/agreements/{draft.pk}"
    api_client.patch(f"{base}/lines/l1/", {"version": 1, "magnitude": 0.1}, format="json")
    revisions = api_client.get(f"{base}/revisions/").json()["results"]
    assert [r["number"] for r in revisions] == [2, 1]
    diff = api_client.get(f"{base}/diff/", {"from": 1, "to": 2}).json()
    change = diff["changes"][0]
    assert change["label"].startswith("Benefit: Monetary aid to governments for Japan")
    assert change["fields"] == [
        {"field": "magnitude", "old": 0.5, "new": 0.1, "old_text": "0.50", "new_text": "0.10"}
    ]
    restored = api_client.post(f"{base}/restore/", {"version": 2, "revision": 1}, format="json")
    assert restored.json()["version"] == 3
    assert restored.json()["document"]["lines"][0]["magnitude"] == 0.5


def test_export_and_import_round_trip(api_client, draft, team):
    exported = api_client.get(f"/api/v1/agreements/{draft.pk}/export/").json()
    created = api_client.post(
        "/api/v1/agreements/import/", {"team": team.slug, "document": exported}, format="json"
    )
    assert created.status_code == 201, created.json()
    again = api_client.get(f"/api/v1/agreements/{created.json()['id']}/export/").json()
    assert again == exported


def test_import_of_a_bad_document_is_a_400_with_paths(api_client, team):
    document = draft_document(lines=2)
    document["lines"][0]["magnitude"] = 3
    document["lines"][1]["recipient"] = "nobody"
    response = api_client.post(
        "/api/v1/agreements/import/", {"team": team.slug, "document": document}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"lines[0].magnitude", "lines[1].recipient"}


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["parties"][1].update(actor=["jp"]), "parties[1].actor"),
        (lambda d: d["lines"][0].update(item={"slug": "datasets"}), "lines[0].item"),
        (lambda d: d["lines"][0].update(recipient=["jp"]), "lines[0].recipient"),
        (lambda d: d["lines"][0].update(phase={"key": "p1"}), "lines[0].phase"),
        (lambda d: d["conditions"][0].update(commitment=[1]), "conditions[0].commitment"),
        (lambda d: d["mechanisms"][0].update(type=["x"]), "mechanisms[0].type"),
        (lambda d: d["lines"][0].update(magnitude=10**400), "lines[0].magnitude"),
        (lambda d: d["scenario"].update(dsa=-(10**400)), "scenario.dsa"),
        (lambda d: d["parties"][0].update(note="nul \x00 inside"), "parties[0].note"),
        (lambda d: d.update(title="\x00"), "title"),
        (lambda d: d["lines"][0].update(key="l1\n"), "lines[0].key"),
    ],
)
def test_import_with_wrong_types_or_extreme_values_is_a_400_naming_the_field(
    api_client, team, change, path
):
    document = draft_document(lines=2)
    change(document)
    response = api_client.post(
        "/api/v1/agreements/import/", {"team": team.slug, "document": document}, format="json"
    )
    assert response.status_code == 400
    assert path in response.json()["errors"]
    assert not Agreement.objects.exists()


def test_deeply_nested_json_is_a_400(api_client, team):
    response = api_client.generic(
        "POST",
        "/api/v1/agreements/import/",
        "[" * 100_000 + "]" * 100_000,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_oversized_body_is_a_413_in_json(api_client, team, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_client.generic(
        "POST",
        "/api/v1/agreements/import/",
        '{"team": "x", "document": {"notes": "' + "x" * 2000 + '"}}',
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("get", "/api/v1/agreements/%C2%B2/", {}, 404),
        ("get", "/api/v1/score-runs/%C2%B2/", {}, 404),
        ("patch", "/api/v1/agreements/{pk}/", {"HTTP_IF_MATCH": '"\u00b2"'}, 400),
        ("delete", "/api/v1/agreements/{pk}/?version=%C2%B2", {}, 400),
        ("delete", "/api/v1/agreements/{pk}/lines/l1/?version=%C2%B2", {}, 400),
        ("get", "/api/v1/agreements/" + "9" * 5000 + "/", {}, 404),
        ("get", "/api/v1/score-runs/" + "9" * 5000 + "/", {}, 404),
        ("patch", "/api/v1/agreements/{pk}/", {"HTTP_IF_MATCH": '"' + "7" * 5000 + '"'}, 400),
    ],
)
def test_non_ascii_digits_in_ids_and_versions_are_refused_cleanly(
    api_client, draft, method, path, headers, status
):
    body = {"title": "x"} if method == "patch" else None
    response = getattr(api_client, method)(path.format(pk=draft.pk), body, format="json", **headers)
    assert response.status_code == status
    draft.refresh_from_db()
    assert draft.version == 1


def test_fork_through_the_api(api_client, draft):
    response = api_client.post(
        f"/api/v1/agreements/{draft.pk}/fork/", {"title": "Variant B"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "Variant B"
    assert body["forked_from"] == {"agreement": draft.pk, "revision": 1}


def test_detail_and_list_query_counts_stay_constant_as_lines_grow(
    api_client, team, analyst, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # score every draft
        small = make_draft(team=team, author=analyst, lines=1)
        large = make_draft(team=team, author=analyst, lines=40, title="Large")
    for agreement in (small, large):
        # The draft with its team, latest score, newest run and document: one query.
        with django_assert_max_num_queries(1):
            body = api_client.get(f"/api/v1/agreements/{agreement.pk}/").json()
        assert body["latest_score"]["revision"] == 1
        with django_assert_max_num_queries(2):
            assert api_client.get(f"/api/v1/agreements/{agreement.pk}/lines/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            make_draft(team=team, author=analyst, lines=20)
    # The user's team ids, the page's ids, those rows with their latest scores and runs.
    with django_assert_max_num_queries(3):
        body = api_client.get("/api/v1/agreements/").json()
    assert all(a["latest_score"]["current"] for a in body["results"])


def test_a_line_edit_runs_a_constant_number_of_queries(
    api_client, team, analyst, django_assert_max_num_queries
):
    """Whatever the draft's size: claim the version and write the draft's fields in one
    UPDATE, validate against the catalog once, update the one changed row in place,
    record the revision and queue its score run."""
    counts = []
    for lines in (1, 60):
        draft = make_draft(team=team, author=analyst, lines=lines)
        rows = dict(Line.objects.filter(agreement=draft).values_list("key", "pk"))
        with django_assert_max_num_queries(15) as captured:
            response = api_client.patch(
                f"/api/v1/agreements/{draft.pk}/lines/l1/",
                {"magnitude": 0.77, "version": 1},
                format="json",
            )
        assert response.status_code == 200
        counts.append(len(captured))
        sql = [q["sql"] for q in captured.captured_queries]
        assert sum(q.startswith('UPDATE "agreements_agreement"') for q in sql) == 1
        assert not any(q.startswith(("DELETE", 'INSERT INTO "agreements_line"')) for q in sql)
        assert dict(Line.objects.filter(agreement=draft).values_list("key", "pk")) == rows
        assert Line.objects.get(agreement=draft, key="l1").magnitude == 0.77
        assert document_read(Agreement.objects.get(pk=draft.pk)) == (
            draft.revisions.get(number=2).document
        )
    assert counts[0] == counts[1]


def test_teams_endpoint_lists_my_roles(api_client, team):
    body = api_client.get("/api/v1/teams/").json()
    assert body["results"] == [{"team": team.slug, "name": team.name, "role": "analyst"}]


def test_phases_can_be_reordered_through_the_api(api_client, draft):
    response = api_client.post(
        f"/api/v1/agreements/{draft.pk}/phases/order/",
        {"version": 1, "keys": ["p2", "p1"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [p["key"] for p in response.json()["document"]["phases"]] == ["p2", "p1"]


def test_risk_weights_can_be_changed(api_client, draft):
    response = api_client.patch(
        f"/api/v1/agreements/{draft.pk}/",
        {"version": 1, "risk_weights": {"proliferation": 1.0, "framing": 0.5}},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["document"]["scenario"]["risk_weights"] == {
        "proliferation": 1.0,
        "framing": 0.5,
    }


def test_requests_without_credentials_get_401():
    response = APIClient().get("/api/v1/agreements/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_detail_read_answers_304_while_nothing_it_shows_changed(
    api_client, team, analyst, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    draft = make_draft(team=team, author=analyst, lines=3)  # its score run is queued
    url = f"/api/v1/agreements/{draft.pk}/"
    first = api_client.get(url)
    tag = first["ETag"]
    assert tag.startswith('"1.') and first.json()["latest_run_status"] == "queued"
    with django_assert_max_num_queries(1):
        again = api_client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert (again.status_code, again["ETag"], again.content) == (304, tag, b"")
    assert api_client.get(url, HTTP_IF_NONE_MATCH=f'"x", W/{tag}').status_code == 304
    assert api_client.get(url, HTTP_IF_NONE_MATCH='"1"').status_code == 200
    # The score finishes: same version, but the copy would hide it.
    run = ScoreRun.objects.get(agreement=draft)
    score_run_execute(run_id=run.pk)
    scored = api_client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert scored.status_code == 200
    assert scored.json()["latest_score"]["current"] is True
    assert scored["ETag"] != tag
    # The detail's ETag is good for If-Match (only its version counts).
    patched = api_client.patch(
        url, {"title": "Renamed"}, format="json", HTTP_IF_MATCH=scored["ETag"]
    )
    assert patched.status_code == 200
    assert api_client.get(url, HTTP_IF_NONE_MATCH=scored["ETag"]).status_code == 200
    # Another team's draft is a 404, not a 304.
    outsider_api = APIClient()
    outsider_api.force_authenticate(MembershipFactory(role="analyst").user)
    assert outsider_api.get(url, HTTP_IF_NONE_MATCH="*").status_code == 404


def _serialized(agreements, *, detail):
    """What the drafts serializers give for ``agreements`` (the schema's reference)."""
    from rest_framework.renderers import JSONRenderer
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from agreements.selectors import revision_latest
    from scoring.selectors import score_runs_by_id
    from workbench.api import serializers as api_serializers
    from workbench.selectors import with_latest_runs

    request = Request(APIRequestFactory().get("/api/v1/agreements/"))
    rows = with_latest_runs(
        Agreement.objects.filter(pk__in=[a.pk for a in agreements]).select_related(
            "team", "updated_by", "forked_from"
        )
    ).order_by("-updated_at", "-pk")
    context = {"request": request, "scores": score_runs_by_id(r.latest_score_id for r in rows)}
    if not detail:
        data = api_serializers.AgreementListSerializer(rows, many=True, context=context).data
        return JSONRenderer().render(data)
    bodies = {}
    for row in rows:
        context["document"] = revision_latest(agreement=row).document
        data = api_serializers.AgreementDetailSerializer(row, context=context).data
        bodies[row.pk] = JSONRenderer().render(data)
    return bodies


def test_list_and_detail_bodies_are_the_serializers_bodies(
    api_client, team, analyst, catalog, django_capture_on_commit_callbacks
):
    """The list and the detail build their bodies from one hand-written query; byte for
    byte they are what the serializers the schema documents give: scored, re-edited
    (an older score, a newer queued run), stale, never scored, forked, from a template,
    edited by a user since deleted, with a non-ASCII title."""
    from agreements import services
    from agreements.models import ReferenceTemplate

    with django_capture_on_commit_callbacks(execute=True):
        scored = make_draft(team=team, author=analyst, lines=3, title="Scored «déjà» 北京")
        edited = make_draft(team=team, author=analyst, lines=2, title="Edited")
        stale = make_draft(team=team, author=analyst, title="Stale")
        forked = services.agreement_fork(agreement=scored, author=analyst, title="Forked")
        services.templates_load()
        template = ReferenceTemplate.objects.order_by("position").first()
        started = services.agreement_start_from_template(
            template=template, team=team, author=analyst
        )
    services.agreement_update(
        agreement_id=edited.pk,
        expected_version=1,
        author=analyst,
        changes={"title": "Edited again"},
        message="",
    )  # its run is queued, not executed: the latest score is revision 1's
    ScoreRun.objects.filter(agreement=stale).update(stale=True)
    unscored = make_draft(team=team, author=analyst, title="Unscored")
    ScoreRun.objects.filter(agreement=unscored).delete()
    gone = UserFactory(username="gone")
    Agreement.objects.filter(pk=unscored.pk).update(updated_by=gone)
    gone.delete()
    drafts = [scored, edited, stale, forked, started, unscored]

    listed = api_client.get("/api/v1/agreements/")
    assert listed.content == b'{"next":null,"results":' + _serialized(drafts, detail=False) + b"}"
    body = listed.json()["results"]
    assert [row["title"] for row in body] == [
        "Unscored",
        "Edited again",
        template.title,
        "Forked",
        "Stale",
        "Scored «déjà» 北京",
    ]
    assert body[0]["updated_by"] is None and body[0]["latest_run_status"] is None
    assert body[1]["latest_score"]["current"] is False and body[1]["latest_run_status"] == "queued"
    assert body[4]["latest_score"]["stale"] is True
    assert [row["url"] for row in body] == [
        f"http://testserver/api/v1/agreements/{row['id']}/" for row in body
    ]
    for pk, expected in _serialized(drafts, detail=True).items():
        assert api_client.get(f"/api/v1/agreements/{pk}/").content == expected
    detail = api_client.get(f"/api/v1/agreements/{forked.pk}/").json()
    assert detail["forked_from"] == {"agreement": scored.pk, "revision": 1}
    assert api_client.get(f"/api/v1/agreements/{started.pk}/").json()["template_slug"]
