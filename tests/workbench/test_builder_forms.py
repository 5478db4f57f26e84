"""The builder's forms load on demand: the page carries a placeholder per form, each form's
address answers htmx with the form alone (at the version the page shows) and a plain
browser with the builder and that form open; rendering looks up no missing names."""

from __future__ import annotations

import re

import pytest
from django.template import base
from django.urls import reverse

from agreements import selectors, services
from tests.factories import make_draft
from workbench.builder_rows import prepare_rows

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
SECTIONS = ("parties", "phases", "lines", "conditions", "mechanisms")


@pytest.fixture
def draft(team, analyst, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_draft(team=team, author=analyst, lines=3)


@pytest.fixture
def failed_lookups(monkeypatch) -> list[str]:
    """Names a template looked up and did not find, while the test runs."""
    failed: list[str] = []
    resolve = base.Variable._resolve_lookup

    def counted(self, context):
        try:
            return resolve(self, context)
        except base.VariableDoesNotExist:
            failed.append(self.var)
            raise

    monkeypatch.setattr(base.Variable, "_resolve_lookup", counted)
    return failed


def _forms(page: str) -> list[str]:
    return re.findall(r"<form\b[^>]*>", page)


def test_the_page_carries_a_placeholder_per_form_and_only_small_forms(analyst_client, draft):
    page = analyst_client.get(f"/drafts/{draft.pk}/").content.decode()
    slots = re.findall(r'data-form-for="([^"]+)"', page)
    base_url = f"/drafts/{draft.pk}/"
    for key in ("l1", "l2", "l3"):
        assert f"{base_url}lines/{key}/edit/" in slots
    assert f"{base_url}settings/" in slots
    assert {f"{base_url}{section}/add/" for section in SECTIONS} <= set(slots)
    assert 'name="magnitude"' not in page  # no Edit or add form is on the page itself
    assert 'hx-trigger="toggle from:closest details once"' in page


def test_an_edit_form_loads_alone_at_the_version_the_page_shows(analyst_client, draft, analyst):
    url = f"/drafts/{draft.pk}/lines/l2/edit/"
    form = analyst_client.get(url, **HTMX).content.decode()
    assert form.lstrip().startswith("<form")
    assert f'action="{url}"' in form
    assert re.search(r'id="line-l2-magnitude"\s+value="0.5"', form)
    assert 'name="version" value="1"' in form

    services.part_update(
        agreement_id=draft.pk,
        expected_version=1,
        author=analyst,
        section="lines",
        key="l2",
        changes={"magnitude": 0.8},
    )
    older = analyst_client.get(url, {"version": 1}, **HTMX).content.decode()
    assert re.search(r'id="line-l2-magnitude"\s+value="0.5"', older)
    assert 'name="version" value="1"' in older  # a save from it is refused as stale
    latest = analyst_client.get(url, {"version": "x"}, **HTMX).content.decode()
    assert re.search(r'id="line-l2-magnitude"\s+value="0.8"', latest)
    assert 'name="version" value="2"' in latest


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("parties/jp/edit/", 'id="party-jp-trust"'),
        ("phases/p1/edit/", 'id="phase-p1-name"'),
        ("conditions/c1/edit/", 'id="condition-c1-burden"'),
        ("mechanisms/m1/edit/", 'id="mechanism-m1-strength"'),
        ("lines/add/", 'id="id_lines_magnitude"'),
        ("parties/add/", 'id="id_parties_actor"'),
        ("settings/", 'id="id_settings_title"'),
    ],
)
def test_every_form_loads_alone_without_missing_names(
    analyst_client, draft, failed_lookups, path, field
):
    response = analyst_client.get(f"/drafts/{draft.pk}/{path}", **HTMX)
    form = response.content.decode()
    assert response.status_code == 200
    assert field in form
    assert len(_forms(form)) == 1
    assert failed_lookups == []


def test_without_javascript_a_form_address_shows_the_builder_with_that_form_open(
    analyst_client, draft
):
    url = f"/drafts/{draft.pk}/lines/l2/edit/"
    page = analyst_client.get(url).content.decode()
    assert 'id="builder"' in page
    row = page[page.index('id="line-l2"') :]
    row = row[: row.index("</tbody>")]
    assert "<details open>" in row
    assert f'action="{url}"' in row and 'id="line-l2-magnitude"' in row
    assert 'id="line-l1-magnitude"' not in page  # the others still load on demand
    settings = analyst_client.get(f"/drafts/{draft.pk}/settings/").content.decode()
    assert 'id="id_settings_title"' in settings


def test_form_addresses_are_team_scoped_and_for_analysts(client, outsider, viewer, draft):
    client.force_login(outsider)
    for path in ("lines/l1/edit/", "lines/add/", "settings/"):
        assert client.get(f"/drafts/{draft.pk}/{path}", **HTMX).status_code == 404
    client.force_login(viewer)
    assert client.get(f"/drafts/{draft.pk}/lines/l1/edit/", **HTMX).status_code == 403


@pytest.mark.parametrize(
    "path", ["lines/l99/edit/", "nonsense/l1/edit/", "nonsense/add/", "lines/l99/edit/?version=1"]
)
def test_a_form_of_nothing_is_404(analyst_client, draft, path):
    for headers in ({}, HTMX):
        assert analyst_client.get(f"/drafts/{draft.pk}/{path}", **headers).status_code == 404


def test_an_edit_form_costs_the_same_queries_for_any_draft_size(
    analyst_client, team, analyst, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        small = make_draft(team=team, author=analyst, lines=1)
        large = make_draft(team=team, author=analyst, lines=40)
    with django_assert_max_num_queries(14) as baseline:
        analyst_client.get(f"/drafts/{small.pk}/lines/l1/edit/", **HTMX)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        analyst_client.get(f"/drafts/{large.pk}/lines/l40/edit/", {"version": 1}, **HTMX)


def test_the_builder_and_its_answers_look_up_no_missing_names(
    analyst_client, draft, failed_lookups
):
    pages = [
        analyst_client.get(f"/drafts/{draft.pk}/"),
        analyst_client.post(
            f"/drafts/{draft.pk}/lines/l1/edit/", {"version": 1, "magnitude": 0.6}, **HTMX
        ),
        analyst_client.post(
            f"/drafts/{draft.pk}/lines/l2/edit/", {"version": 2, "magnitude": 7}, **HTMX
        ),
        analyst_client.post(f"/drafts/{draft.pk}/lines/add/", {"version": 2}, **HTMX),
        analyst_client.get(f"/drafts/{draft.pk}/catalog-search/", {"q": "aid"}, **HTMX),
    ]
    assert [p.status_code for p in pages] == [200] * len(pages)
    assert failed_lookups == []


def test_row_addresses_are_the_reversed_ones(draft):
    document = selectors.document_for_display(selectors.revision_latest(agreement=draft).document)
    prepare_rows(document, pk=draft.pk, open_forms=set())
    for section in SECTIONS:
        for row in document[section]:
            args = [draft.pk, section, row["key"]]
            assert row["edit_url"] == reverse("workbench:part-update", args=args)
            assert row["remove_url"] == reverse("workbench:part-remove", args=args)
            assert row["form_open"] is False
    line = document["lines"][0]
    assert line["item_url"] == reverse("catalog:item-detail", args=[line["item"]])
    phase = document["phases"][0]
    assert phase["down_url"] == reverse("workbench:phase-move", args=[draft.pk, "p1", "down"])
