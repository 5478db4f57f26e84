"""Optional quantities of lines and conditions: amount, unit and duration."""

from __future__ import annotations

import copy

import pytest

from agreements import selectors, services
from agreements.document import DocumentError, validate_document
from agreements.models import Line
from agreements.storage import document_read
from tests.factories import draft_document, make_draft

pytestmark = pytest.mark.django_db


def _errors(document: dict) -> dict[str, list[str]]:
    with pytest.raises(DocumentError) as info:
        validate_document(document)
    return info.value.errors


def test_a_document_without_quantities_still_loads_with_them_unset(catalog):
    clean = validate_document(draft_document(lines=2))
    for row in (*clean["lines"], *clean["conditions"]):
        assert (row["amount"], row["unit"], row["duration_months"]) == (None, "", None)


def test_quantities_are_kept_and_stored_in_their_columns(team, analyst):
    document = draft_document(lines=1)
    document["lines"][0].update(amount=2_500_000_000, unit="USD", duration_months=48)
    document["conditions"][0].update(amount=12, unit="inspections a year", duration_months=24)
    agreement = services.agreement_import(team=team, author=analyst, document=document)
    line = Line.objects.get(agreement=agreement, key="l1")
    assert (line.amount, line.unit, line.duration_months) == (2.5e9, "USD", 48.0)
    stored = document_read(agreement)
    assert stored["conditions"][0]["unit"] == "inspections a year"
    assert selectors.revision_latest(agreement=agreement).document == stored


@pytest.mark.parametrize(
    ("changes", "path", "fragment"),
    [
        ({"amount": 0, "unit": "USD"}, "lines[0].amount", "Must be in"),
        ({"amount": -5, "unit": "USD"}, "lines[0].amount", "Must be in"),
        ({"amount": 5e16, "unit": "USD"}, "lines[0].amount", "Must be in"),
        ({"amount": "lots", "unit": "USD"}, "lines[0].amount", "Must be a number"),
        ({"amount": 5}, "lines[0].unit", "Give the unit"),
        ({"unit": "USD"}, "lines[0].amount", "Give an amount"),
        ({"unit": "x" * 41, "amount": 1}, "lines[0].unit", "at most 40"),
        ({"duration_months": 601}, "lines[0].duration_months", "Must be in"),
        ({"duration_months": -1}, "lines[0].duration_months", "Must be in"),
    ],
)
def test_bad_quantities_are_refused_by_field(catalog, changes, path, fragment):
    document = draft_document(lines=1)
    document["lines"][0].update(changes)
    errors = _errors(document)
    assert any(fragment in m for m in errors[path]), errors


def test_a_condition_amount_needs_its_unit_too(catalog):
    document = draft_document(lines=1)
    document["conditions"][1]["amount"] = 3
    assert "conditions[1].unit" in _errors(document)


def test_the_api_takes_quantities_and_refuses_bad_ones_by_field(api_client, team, analyst):
    agreement = make_draft(team=team, author=analyst)
    url = f"/api/v1/agreements/{agreement.pk}/lines/"
    body = {
        "version": 1,
        "item": "datasets",
        "recipient": "br",
        "magnitude": 0.5,
        "amount": 40,
        "unit": "datasets",
        "duration_months": 36,
    }
    created = api_client.post(url, body, format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["amount"], created.json()["duration_months"]) == (40, 36)
    for bad, field in (({"amount": -1}, "amount"), ({"duration_months": 900}, "duration_months")):
        response = api_client.patch(f"{url}l1/", {"version": 2, **bad}, format="json")
        assert response.status_code == 400
        assert field in response.json()["errors"]
    response = api_client.patch(f"{url}l1/", {"version": 2, "amount": 5}, format="json")
    assert response.status_code == 400
    assert "unit" in str(response.json()["errors"])


def test_the_builder_edit_form_shows_quantity_errors_beside_the_field(
    analyst_client, team, analyst
):
    agreement = make_draft(team=team, author=analyst)
    response = analyst_client.post(
        f"/drafts/{agreement.pk}/lines/l1/edit/",
        {"version": 1, "magnitude": "0.5", "amount": "-3", "unit": "USD"},
    )
    page = response.content.decode()
    assert 'id="line-l1-amount_error"' in page
    response = analyst_client.post(
        f"/drafts/{agreement.pk}/lines/l1/edit/",
        {"version": 1, "magnitude": "0.5", "amount": "3", "unit": ""},
    )
    assert 'id="line-l1-unit_error"' in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.version == 1
    response = analyst_client.post(
        f"/drafts/{agreement.pk}/lines/l1/edit/",
        {
            "version": 1,
            "magnitude": "0.5",
            "amount": "3000000",
            "unit": "USD",
            "duration_months": "12",
        },
    )
    agreement.refresh_from_db()
    assert agreement.version == 2
    line = Line.objects.get(agreement=agreement, key="l1")
    assert (line.amount, line.unit, line.duration_months) == (3e6, "USD", 12)
    assert "3,000,000 USD" in analyst_client.get(f"/drafts/{agreement.pk}/").content.decode()


def test_a_revision_from_before_quantities_shows_no_change_in_the_diff(team, analyst):
    from agreements.diff import document_diff

    agreement = make_draft(team=team, author=analyst)
    new = selectors.revision_latest(agreement=agreement).document
    old = copy.deepcopy(new)
    for row in (*old["lines"], *old["conditions"]):
        for name in ("amount", "unit", "duration_months"):
            row.pop(name)
    assert document_diff(old, new) == []
