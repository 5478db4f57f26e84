"""The draft list: paged by cursor ("Load more"), searchable and filterable through one
FilterSet shared by the dashboard and the API, with a query count that does not grow with
the team."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from agreements import services
from agreements.models import Agreement, Party, Revision
from scoring.models import RunStatus, ScoreRun
from tests.factories import MembershipFactory, TeamFactory, make_draft

pytestmark = pytest.mark.django_db


def _drafts(team, author, count: int, **changes) -> list[Agreement]:
    drafts = []
    for n in range(count):
        draft = make_draft(team=team, author=author, title=f"Draft {n:03d}")
        if changes:
            services.agreement_update(
                agreement_id=draft.pk,
                expected_version=draft.version,
                author=author,
                changes=changes,
            )
        drafts.append(draft)
    return drafts


def _bulk_drafts(team, author, count: int, *, start: int = 0) -> list[Agreement]:
    """``count`` copies of one stored draft (rows and revision 1, saved in bulk; no parts,
    which lists do not read), each updated a second after the one before."""
    model = make_draft(team=team, author=author, title="Model draft")
    revision = model.revisions.get()
    run = ScoreRun.objects.get(agreement=model)
    drafts = Agreement.objects.bulk_create(
        Agreement(
            team=team, title=f"Draft {n:03d}", version=1, created_by=author, updated_by=author
        )
        for n in range(start, start + count)
    )
    Agreement.objects.filter(pk=model.pk).delete()
    base = timezone.now()
    for n, draft in enumerate(drafts):  # auto_now: set afterwards
        draft.updated_at = base + timedelta(seconds=n)
    Agreement.objects.bulk_update(drafts, ["updated_at"])
    revisions = Revision.objects.bulk_create(
        Revision(agreement=d, number=1, document=revision.document, author=author, message="x")
        for d in drafts
    )
    ScoreRun.objects.bulk_create(
        ScoreRun(
            agreement=d,
            revision=r,
            revision_number=1,
            status=RunStatus.DONE,
            label="borderline",
            parameter_version=run.parameter_version,
            n_samples=run.n_samples,
            seed=1,
        )
        for d, r in zip(drafts, revisions, strict=True)
    )
    return drafts


def _titles(response) -> list[str]:
    return [a.title for a in response.context["agreements"]]


def _more_url(response) -> str:
    page = response.content.decode()
    match = re.search(r'id="drafts-more">\s*<td[^>]*>\s*<a href="([^"]+)"', page)
    return html.unescape(match.group(1)) if match else ""


def _all_titles(client, url: str = "/", *, htmx: bool = True) -> list[list[str]]:
    """Every page of the dashboard, following "Load more" (as htmx does, or as a link)."""
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(url)
    pages = [_titles(response)]
    while more := _more_url(response):
        response = client.get(f"/{more}", headers=headers)
        assert response.status_code == 200
        pages.append(_titles(response))
    return pages


def test_dashboard_loads_more_drafts_25_at_a_time(analyst_client, team, analyst):
    _drafts(team, analyst, 30)
    first = analyst_client.get("/")
    assert _titles(first) == [f"Draft {n:03d}" for n in range(29, 4, -1)]  # newest first
    page = first.content.decode()
    assert "Load more drafts" in page
    assert "Page 1 of" not in page  # no count of the whole list
    more = analyst_client.get(f"/{_more_url(first)}", headers={"HX-Request": "true"})
    assert _titles(more) == [f"Draft {n:03d}" for n in range(4, -1, -1)]
    assert "<html" not in more.content.decode()  # only the rows, for htmx to append
    assert _more_url(more) == ""  # the last page has no "Load more"
    assert more["Vary"] == "HX-Request" or "HX-Request" in more["Vary"]
    plain = analyst_client.get(f"/{_more_url(first)}")  # without JavaScript: a whole page
    assert _titles(plain) == _titles(more)
    assert "Back to the newest" in plain.content.decode()


def test_a_cursor_the_site_did_not_write_shows_the_newest(analyst_client, team, analyst):
    _drafts(team, analyst, 3)
    for cursor in ("nonsense", "MjAyNi0xMi0wMg", "%00", "a" * 200):
        response = analyst_client.get(f"/?cursor={cursor}")
        assert response.status_code == 200
        assert _titles(response) == ["Draft 002", "Draft 001", "Draft 000"]


def test_pages_neither_repeat_nor_skip_drafts_saved_at_the_same_moment(
    analyst_client, team, analyst
):
    drafts = _bulk_drafts(team, analyst, 60)
    moment = timezone.now()
    Agreement.objects.filter(pk__in=[d.pk for d in drafts[10:50]]).update(updated_at=moment)
    pages = _all_titles(analyst_client)
    assert [len(p) for p in pages] == [25, 25, 10]
    listed = [title for p in pages for title in p]
    assert sorted(listed) == sorted(d.title for d in drafts)
    assert len(set(listed)) == 60
    assert _all_titles(analyst_client, htmx=False) == pages


def test_drafts_of_two_teams_come_in_one_order_and_no_other_team(analyst_client, team, analyst):
    other_team = TeamFactory()
    MembershipFactory(team=other_team, user=analyst, role=Role.VIEWER)
    stranger = TeamFactory()
    mine = _drafts(team, analyst, 20) + [
        make_draft(team=other_team, author=analyst, title=f"Other {n:02d}") for n in range(20)
    ]
    make_draft(team=stranger, author=analyst, title="Not yours")
    # Interleave the two teams in time.
    base = timezone.now()
    for n, draft in enumerate(mine):
        minutes = 2 * (n % 20) + (1 if draft.team_id == other_team.pk else 0)
        Agreement.objects.filter(pk=draft.pk).update(updated_at=base + timedelta(minutes=minutes))
    expected = [
        a.title
        for a in sorted(
            Agreement.objects.filter(pk__in=[d.pk for d in mine]),
            key=lambda a: (a.updated_at, a.pk),
            reverse=True,
        )
    ]
    pages = _all_titles(analyst_client)
    assert [title for p in pages for title in p] == expected
    api = api_pages(analyst)
    assert [row["title"] for row in api] == expected


def api_pages(user, query: str = "page_size=7") -> list[dict]:
    client = APIClient()
    client.force_authenticate(user)
    url = f"/api/v1/agreements/?{query}"
    rows: list[dict] = []
    while url:
        body = client.get(url).json()
        assert set(body) == {"next", "results"}
        rows += body["results"]
        url = body["next"]
    return rows


@pytest.mark.parametrize(
    "query", ["", "?status=draft", "?q=draft", "?label=borderline", "?archived=any"]
)
def test_dashboard_query_count_does_not_grow_with_the_team(
    analyst_client, team, analyst, django_assert_max_num_queries, query
):
    _drafts(team, analyst, 3)
    ScoreRun.objects.update(status=RunStatus.DONE, label="borderline")
    with django_assert_max_num_queries(14) as few:
        analyst_client.get(f"/{query}")
    baseline = len(few.captured_queries)  # now: the query log is a bounded deque
    _bulk_drafts(team, analyst, 57, start=3)
    first = analyst_client.get(f"/{query}")
    assert len(_titles(first)) == 25
    with django_assert_max_num_queries(baseline):
        analyst_client.get(f"/{query}")
    with django_assert_max_num_queries(8):  # "Load more": the rows alone
        more = analyst_client.get(f"/{_more_url(first)}", headers={"HX-Request": "true"})
    assert len(_titles(more)) == 25


def test_filters_are_kept_by_load_more(analyst_client, team, analyst):
    _drafts(team, analyst, 27, status="in_review")
    _drafts(team, analyst, 3)
    first = analyst_client.get("/?status=in_review")
    assert "status=in_review" in _more_url(first)
    more = analyst_client.get(f"/{_more_url(first)}", headers={"HX-Request": "true"})
    assert len(_titles(more)) == 2


def test_archived_drafts_are_hidden_unless_asked_for(analyst_client, team, analyst):
    (kept,) = _drafts(team, analyst, 1)
    archived = make_draft(team=team, author=analyst, title="Old one")
    services.agreement_update(
        agreement_id=archived.pk, expected_version=1, author=analyst, changes={"status": "archived"}
    )
    hidden = analyst_client.get("/")
    assert _titles(hidden) == [kept.title]
    page = hidden.content.decode()
    assert re.search(r'value="any"\s+id="filter-archived"\s*>', page)  # the box, unticked
    assert 'href="?archived=any">Show them too' in page
    assert _titles(analyst_client.get("/?archived=true")) == ["Old one"]
    shown = analyst_client.get("/?archived=any")
    assert set(_titles(shown)) == {kept.title, "Old one"}
    assert re.search(r'id="filter-archived"\s*checked', shown.content.decode())
    # Asking for the archived status is asking to see archived drafts.
    assert _titles(analyst_client.get("/?status=archived")) == ["Old one"]
    assert set(_titles(analyst_client.get("/?status=archived&status=draft"))) == {
        kept.title,
        "Old one",
    }


def test_search_finds_drafts_by_a_partys_name(analyst_client, api_client, team, analyst):
    named = make_draft(team=team, author=analyst, title="Coalition A")
    make_draft(team=team, author=analyst, title="Coalition B")
    Party.objects.filter(agreement=named, key="br").update(name="Federative Republic")
    Party.objects.filter(agreement=named, key="cn").update(actor=None, name="Nippon")
    other = Agreement.objects.get(title="Coalition B")
    Party.objects.filter(agreement=other, key="jp").update(name="Someone else")
    cases = {
        "q=federative": ["Coalition A"],
        "q=nippon+coalition": ["Coalition A"],
        "q=japan": ["Coalition A"],  # the actor's name, where the party has none of its own
        "q=brazil": ["Coalition B"],  # Coalition A renamed its Brazil party
        "q=nippon+brazil": [],
    }
    for query, expected in cases.items():
        assert sorted(_titles(analyst_client.get(f"/?{query}"))) == expected, query
        api = api_client.get(f"/api/v1/agreements/?{query}").json()
        assert sorted(row["title"] for row in api["results"]) == expected, query


def test_the_htmx_filter_form_gets_only_the_list(analyst_client, team, analyst):
    make_draft(team=team, author=analyst, title="Chips deal")
    make_draft(team=team, author=analyst, title="Aid package")
    page = analyst_client.get("/").content.decode()
    assert 'hx-get="/"' in page and 'hx-target="#draft-list"' in page
    response = analyst_client.get(
        "/?q=chips&status=", headers={"HX-Request": "true", "HX-Target": "draft-list"}
    )
    body = response.content.decode()
    assert _titles(response) == ["Chips deal"]
    assert body.lstrip().startswith('<div id="draft-list">')
    assert "<html" not in body and "Start a blank draft" not in body
    plain = analyst_client.get("/?q=chips&status=")  # the same form without JavaScript
    assert _titles(plain) == ["Chips deal"] and "<html" in plain.content.decode()


def test_search_status_purpose_template_and_label(analyst_client, api_client, team, analyst):
    chips = make_draft(team=team, author=analyst, title="Chips deal for India")
    other = make_draft(team=team, author=analyst, title="Aid package")
    Agreement.objects.filter(pk=chips.pk).update(template_slug="chips-for-peace")
    services.agreement_update(
        agreement_id=other.pk, expected_version=1, author=analyst, changes={"purpose": "welfare"}
    )
    ScoreRun.objects.filter(agreement=chips).update(status=RunStatus.DONE, label="borderline")
    ScoreRun.objects.filter(agreement=other).update(status=RunStatus.DONE, label="benefit_sharing")
    cases = {
        "q=india+chips": ["Chips deal for India"],
        "q=nothing+like+this": [],
        "purpose=welfare": ["Aid package"],
        "template=chips-for-peace": ["Chips deal for India"],
        "label=borderline": ["Chips deal for India"],
        "label=borderline&label=benefit_sharing": ["Aid package", "Chips deal for India"],
    }
    for query, expected in cases.items():
        assert sorted(_titles(analyst_client.get(f"/?{query}"))) == expected, query
        api = api_client.get(f"/api/v1/agreements/?{query}").json()
        assert sorted(row["title"] for row in api["results"]) == expected, query
    assert "No drafts match these filters." in analyst_client.get("/?q=zzz").content.decode()


def test_bad_filter_values_are_a_clear_error(analyst_client, api_client, team, analyst):
    make_draft(team=team, author=analyst)
    page = analyst_client.get("/?status=bogus&label=nope")
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()
    assert _titles(page) == []
    response = api_client.get("/api/v1/agreements/?status=bogus")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]
