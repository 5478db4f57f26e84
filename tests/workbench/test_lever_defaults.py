"""Every way of adding a line of a frontier-AI item applies the item's default levers,
except the ones the writer chose (issue 10: search-added "Monitored API access" used to
be scored as unrestricted access)."""

from __future__ import annotations

import copy

import pytest

from agreements import services
from agreements.models import ReferenceTemplate, Revision
from catalog.models import BenefitItem
from tests.factories import draft_document, make_draft

ITEM = "monitored-api-access"


@pytest.fixture
def defaults(catalog) -> dict:
    levers = BenefitItem.objects.get(slug=ITEM).default_levers
    assert levers["monitoring"] == "realtime"  # the shipped default this test relies on
    assert levers["output_controls"] == "filtered"
    return levers


@pytest.fixture
def draft(team, analyst, catalog):
    return make_draft(team=team, author=analyst)


def _stored_levers(draft, key: str = "l2") -> dict:
    draft.refresh_from_db()
    document = Revision.objects.get(agreement=draft, number=draft.version).document
    return next(line for line in document["lines"] if line["key"] == key)["levers"]


@pytest.mark.django_db
def test_builder_search_add(analyst_client, draft, defaults):
    """The search result's Add form posts item, recipient and magnitude only."""
    response = analyst_client.post(
        f"/drafts/{draft.pk}/lines/add/",
        {"version": draft.version, "item": ITEM, "recipient": "jp", "magnitude": "0.5"},
    )
    assert response.status_code in (200, 302)
    assert _stored_levers(draft) == defaults


@pytest.mark.django_db
def test_builder_full_form_keeps_chosen_levers_and_defaults_the_rest(
    analyst_client, draft, defaults
):
    blank = dict.fromkeys(
        ["scope", "output_controls", "monitoring", "throttling", "disclosure", "generation_lag"],
        "",
    )
    response = analyst_client.post(
        f"/drafts/{draft.pk}/lines/add/",
        {
            "version": draft.version,
            "item": ITEM,
            "recipient": "jp",
            "magnitude": "0.5",
            **blank,
            "access_mode": "compute_inference",
        },
    )
    assert response.status_code in (200, 302)
    assert _stored_levers(draft) == {**defaults, "access_mode": "compute_inference"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "levers", ["absent", None, {"scope": "narrow"}, {"access_mode": "weights"}]
)
def test_api_add(api_client, draft, defaults, levers):
    body = {"version": draft.version, "item": ITEM, "recipient": "jp", "magnitude": 0.5}
    if levers != "absent":
        body["levers"] = levers
    response = api_client.post(f"/api/v1/agreements/{draft.pk}/lines/", body, format="json")
    assert response.status_code == 201, response.content
    stored = _stored_levers(draft)
    if isinstance(levers, dict) and levers.get("access_mode") == "weights":
        # Weights cannot be monitored or throttled, so those defaults give way.
        assert stored == {**defaults, "access_mode": "weights", "monitoring": "none"}
    else:
        assert stored == {**defaults, **(levers if isinstance(levers, dict) else {})}


@pytest.mark.django_db
def test_import_and_template_fill_missing_levers(team, analyst, defaults):
    document = draft_document()
    document["lines"].append(
        {"key": "l2", "item": ITEM, "recipient": "jp", "magnitude": 0.5, "levers": None}
    )
    imported = services.agreement_import(team=team, author=analyst, document=document)
    assert _stored_levers(imported) == defaults

    template = ReferenceTemplate.objects.create(
        slug="t", title="T", summary="T", rationale="T", document=copy.deepcopy(document)
    )
    started = services.agreement_start_from_template(template=template, team=team, author=analyst)
    assert _stored_levers(started) == defaults


@pytest.mark.django_db
def test_given_levers_are_kept_exactly_on_import_and_fork(team, analyst, defaults):
    """An exported document round-trips: levers it names are not touched."""
    chosen = {**defaults, "monitoring": "none", "output_controls": "none"}
    document = draft_document()
    document["lines"].append(
        {"key": "l2", "item": ITEM, "recipient": "jp", "magnitude": 0.5, "levers": chosen}
    )
    imported = services.agreement_import(team=team, author=analyst, document=document)
    assert _stored_levers(imported) == chosen
    fork = services.agreement_fork(agreement=imported, author=analyst)
    assert _stored_levers(fork) == chosen
