"""Edges the schema promises: JSON errors everywhere under /api/, strict JSON types,
pagination and filters that refuse what they cannot read, 404 for a missing part,
unknown levers named, and a repeated comparison id counted once."""

import pytest

from agreements import services
from agreements.models import Agreement
from tests.factories import make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(team, analyst):
    return make_draft(team=team, author=analyst, lines=2)


def version_of(draft) -> int:
    return Agreement.objects.get(pk=draft.pk).version


@pytest.mark.parametrize(
    "path", ["/api/v1/nope/", "/api/v1/agreements/abc/", "/api/v1/agreements/1/lines/UP/"]
)
def test_an_unmatched_api_url_is_a_json_404(api_client, path):
    response = api_client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_pages_still_get_the_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_method_the_endpoint_lacks_is_a_json_405(api_client, draft):
    response = api_client.put(f"/api/v1/agreements/{draft.pk}/", {}, format="json")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "PUT" not allowed.'}


def test_a_form_body_is_a_415(api_client, draft):
    response = api_client.post(f"/api/v1/agreements/{draft.pk}/fork/", {"title": "x"})
    assert response.status_code == 415
    assert Agreement.objects.count() == 1


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("cursor=abc", 400, "cursor"),
        ("cursor=", 400, "cursor"),
        ("cursor=" + "9" * 40, 400, "cursor"),
        ("page_size=0", 400, "page_size"),
        ("page_size=" + "9" * 40, 200, None),
        ("page=2", 200, None),  # not a parameter of this list: ignored
    ],
)
def test_cursor_parameters_refuse_what_they_cannot_read(api_client, draft, query, status, field):
    response = api_client.get(f"/api/v1/agreements/?{query}")
    assert response.status_code == status
    if field:
        assert set(response.json()["errors"]) == {field}


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("page=abc", 400, "page"),
        ("page=0", 400, "page"),
        ("page=last", 400, "page"),
        ("page_size=0", 400, "page_size"),
        ("page_size=1.5", 400, "page_size"),
        ("page=2", 404, None),
        ("page=" + "9" * 40, 404, None),
        ("page_size=" + "9" * 40, 200, None),
    ],
)
def test_page_parameters_refuse_what_they_cannot_read(api_client, draft, query, status, field):
    response = api_client.get(f"/api/v1/agreements/{draft.pk}/revisions/?{query}")
    assert response.status_code == status
    if field:
        assert set(response.json()["errors"]) == {field}


@pytest.mark.parametrize(
    "query", ["levers_apply=maybe", "levers_apply=", "cluster=", "tangibility=extreme"]
)
def test_catalog_filters_refuse_what_they_cannot_read(api_client, query):
    response = api_client.get(f"/api/v1/catalog/items/?{query}")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {query.split("=")[0]}


def test_catalog_filters_still_filter(api_client):
    frontier = api_client.get("/api/v1/catalog/items/?levers_apply=true").json()["results"]
    assert frontier
    assert all(item["levers_apply"] for item in frontier)
    restraint = api_client.get("/api/v1/catalog/commitments/?restraint=true").json()
    assert all(c["restraint"] for c in restraint["results"])


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"p": "0.5"}, "p", "Must be a number."),
        ({"levers_apply": 1}, "levers_apply", "Must be true or false."),
        ({"name": 7}, "name", "Must be text."),
        ({"name": " \u3000"}, "name", "This field may not be blank."),
        ({"slug": " datasets"}, "slug", "Must be letters, digits, - or _."),
    ],
)
def test_catalog_bodies_take_json_types_as_the_schema_states(curator, body, field, message):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(curator)
    item = api.get("/api/v1/catalog/items/datasets/").json()
    fields = {k: v for k, v in item.items() if k not in {"url", "label_display", "power_index"}}
    response = api.post("/api/v1/catalog/items/", {**fields, "slug": "copy", **body}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"magnitude": "0.5"}, "magnitude", "Must be a number."),
        ({"magnitude": 0}, "magnitude", "Must be greater than 0."),
        ({"magnitude": 10**400}, "magnitude", "Must be a finite number."),
        ({"note": 5}, "note", "Must be text."),
        ({"version": "1"}, "version", "Must be a whole number."),
        ({"phase": " p1"}, "phase", None),
    ],
)
def test_a_value_of_the_wrong_json_type_is_refused_not_coerced(
    api_client, draft, body, field, message
):
    response = api_client.patch(
        f"/api/v1/agreements/{draft.pk}/lines/l1/", {"version": 1, **body}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {field}
    if message:
        assert errors[field] == [message]
    assert version_of(draft) == 1


def test_text_is_trimmed_but_its_length_counts_as_sent(api_client, draft):
    base = f"/api/v1/agreements/{draft.pk}/"
    long = api_client.patch(base, {"version": 1, "title": "x" * 200 + " "}, format="json")
    assert long.status_code == 400
    assert long.json()["errors"] == {
        "title": ["Ensure this field has no more than 200 characters."]
    }
    blank = api_client.patch(base, {"version": 1, "title": " \u3000"}, format="json")
    assert blank.json()["errors"] == {"title": ["This field may not be blank."]}
    trimmed = api_client.patch(base, {"version": 1, "title": "  Tidy  "}, format="json")
    assert trimmed.json()["title"] == "Tidy"


def test_an_unknown_lever_is_refused_by_name(api_client, draft):
    response = api_client.post(
        f"/api/v1/agreements/{draft.pk}/lines/",
        {
            "version": 1,
            "item": "monitored-api-access",
            "recipient": "jp",
            "magnitude": 0.3,
            "levers": {"scope": "narrow", "speed": "fast"},
        },
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["levers"]
    assert list(errors["levers"]) == ["speed"]
    assert errors["levers"]["speed"][0].startswith("Unknown lever; the levers are access_mode")
    assert version_of(draft) == 1


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_write_to_a_part_the_draft_lacks_is_a_404(api_client, draft, method):
    url = f"/api/v1/agreements/{draft.pk}/lines/l9/?version=1"
    response = getattr(api_client, method)(url, {"version": 1, "note": "x"}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert version_of(draft) == 1


def test_adding_a_phase_early_in_the_timeline_answers_with_that_phase(api_client, draft):
    response = api_client.post(
        f"/api/v1/agreements/{draft.pk}/phases/",
        {"version": 1, "name": "Warm-up", "order": 1},
        format="json",
    )
    assert response.status_code == 201, response.json()
    # Phases are sorted by order (ties keep their place), so the new one is not last.
    assert (response.json()["key"], response.json()["name"], response.json()["order"]) == (
        "p3",
        "Warm-up",
        2,
    )


@pytest.mark.parametrize(
    ("header", "status"),
    [("", 400), ('"1', 400), ("1", 400), ('W/"1"', 412), ('"0"', 412), ('"1"', 200)],
)
def test_if_match_must_be_a_strong_etag(api_client, draft, header, status):
    """If-Match compares strongly: a weak ETag never matches (RFC 9110, 13.1.1)."""
    response = api_client.patch(
        f"/api/v1/agreements/{draft.pk}/", {"notes": "x"}, format="json", HTTP_IF_MATCH=header
    )
    assert response.status_code == status
    draft.refresh_from_db()
    assert draft.notes == ("x" if status == 200 else "")


def test_revisions_filter_by_author_and_time(api_client, draft, analyst, curator):
    services.part_update(
        agreement_id=draft.pk,
        expected_version=1,
        author=curator,
        section="lines",
        key="l1",
        changes={"magnitude": 0.2},
    )
    base = f"/api/v1/agreements/{draft.pk}/revisions/"
    by_author = api_client.get(base, {"author": "cura"}).json()["results"]
    assert [r["number"] for r in by_author] == [2]
    first = api_client.get(base).json()["results"][-1]["created_at"]
    after = api_client.get(base, {"created_after": first.replace("+00:00", "Z")}).json()
    assert [r["number"] for r in after["results"]] == [2, 1]
    before = api_client.get(base, {"created_before": first}).json()
    assert before["results"] == []
    for bad in ("yesterday", "2026-11-28", "2026-11-28T07:25:07"):
        response = api_client.get(base, {"created_after": bad})
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"created_after"}


def test_score_runs_filter_by_status_reason_revision_and_staleness(
    api_client, draft, analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(f"/api/v1/agreements/{draft.pk}/score/", {"n_samples": 100}, format="json")
    base = f"/api/v1/agreements/{draft.pk}/score-runs/"

    def runs(**query):
        response = api_client.get(base, query)
        assert response.status_code == 200, response.json()
        return [(r["status"], r["reason"]) for r in response.json()["results"]]

    assert runs() == [("done", "requested"), ("queued", "revision")]
    assert runs(status=["done", "failed"]) == [("done", "requested")]
    assert runs(reason="revision") == [("queued", "revision")]
    assert runs(revision=1, stale="false") == runs()
    assert runs(revision=2) == []
    assert runs(stale="true") == []
    for query in ("stale=maybe", "stale=", "revision=0.5", "revision=-1", "status=late"):
        response = api_client.get(f"{base}?{query}")
        assert response.status_code == 400, query
        assert set(response.json()["errors"]) == {query.split("=")[0]}


def test_a_repeated_comparison_id_counts_once(api_client, team, analyst):
    drafts = [make_draft(team=team, author=analyst, title=f"D{n}") for n in range(6)]
    ids = [d.pk for d in drafts]
    seven = api_client.post(
        "/api/v1/comparisons/", {"agreements": [*ids, ids[0]], "n_samples": 100}, format="json"
    )
    assert seven.status_code == 200, seven.json()
    assert [a["id"] for a in seven.json()["agreements"]] == ids
    one = api_client.post("/api/v1/comparisons/", {"agreements": [ids[0], ids[0]]}, format="json")
    assert one.json()["errors"] == {"agreements": ["Name 2 to 6 different drafts; got 1."]}
    extra = make_draft(team=team, author=analyst, title="D6")
    too_many = api_client.post(
        "/api/v1/comparisons/", {"agreements": [*ids, extra.pk]}, format="json"
    )
    assert too_many.json()["errors"] == {"agreements": ["Name 2 to 6 different drafts; got 7."]}


def test_the_compare_page_drops_repeats_before_keeping_six(analyst_client, team, analyst):
    drafts = [make_draft(team=team, author=analyst, title=f"Page draft {n}") for n in range(6)]
    ids = [d.pk for d in drafts]
    query = "&".join(f"ids={pk}" for pk in [ids[0], *ids])
    page = analyst_client.get(f"/compare/?{query}")
    assert page.status_code == 200
    assert [d.pk for d in page.context["drafts"]] == ids


def test_an_import_reports_shape_and_content_problems_at_once(api_client, team):
    from tests.factories import draft_document

    document = draft_document(lines=2)
    document["lines"][0]["magnitude"] = "big"
    document["lines"][1]["item"] = "no-such-item"
    document["scenario"] = ""
    response = api_client.post(
        "/api/v1/agreements/import/", {"team": team.slug, "document": document}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"lines[0].magnitude", "lines[1].item", "scenario"}
    assert errors["lines[1].item"] == ["Unknown benefit item 'no-such-item'."]
    assert not Agreement.objects.exists()


@pytest.mark.parametrize("query", ["status=", "status=gone", "purpose=", "purpose=peace"])
def test_draft_list_filters_refuse_what_they_cannot_read(api_client, draft, query):
    response = api_client.get(f"/api/v1/agreements/?{query}")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {query.split("=")[0]}


def test_the_phase_key_order_is_reserved_and_the_schema_says_so(api_client, draft):
    response = api_client.post(
        f"/api/v1/agreements/{draft.pk}/phases/",
        {"version": 1, "name": "Later", "key": "order"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["key"][0].endswith("`order` is reserved.")
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    key = schema["components"]["schemas"]["PhaseCreateRequest"]["properties"]["key"]
    assert key["pattern"].startswith("^(?!order$)")
    assert version_of(draft) == 1
