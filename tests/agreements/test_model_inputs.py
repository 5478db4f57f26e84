"""The draft inputs of model 2027.1: a party's need, threat, outside option and valuation
multipliers, a phase's duration, the phase a mechanism enters into force in.

Old documents (without these fields) still load; every new field has bounds that are
refused by name in documents, the API and the builder's forms, and changes nothing.
"""

import re

import pytest

from agreements import services
from agreements.document import DocumentError, validate_document
from agreements.models import Mechanism, Party
from agreements.shape import UNSTATED_PARTY_VALUES
from agreements.storage import document_read
from scoring.adapters import catalog_values_from_db, snapshot_from_document
from tests.factories import draft_document, make_draft

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(team, analyst):
    return make_draft(team=team, author=analyst, lines=3)


def _errors(document: dict) -> dict[str, list[str]]:
    with pytest.raises(DocumentError) as caught:
        validate_document(document)
    return caught.value.errors


def test_an_old_document_without_the_new_fields_loads_with_documented_defaults(catalog):
    document = validate_document(draft_document(lines=2))
    party = document["parties"][1]
    assert (party["need"], party["threat"], party["outside_option"], party["multipliers"]) == (
        None,
        None,
        None,
        None,
    )
    assert all(p["duration_months"] is None for p in document["phases"])
    assert document["mechanisms"][0]["phase"] is None

    snapshot = snapshot_from_document(document, catalog_values_from_db([document]))
    assert snapshot.mechanisms[0].phase is None
    assert snapshot.phases[0].duration_months is None
    assert all(p.multipliers == {} for p in snapshot.parties)


def test_a_party_without_a_profile_is_scored_with_the_unstated_values(catalog):
    raw = draft_document()
    raw["parties"].append(
        {
            "key": "xx",
            "name": "Another state",
            "role": "recipient",
            "alignment": "neutral",
            "trust": 0.4,
            "capability": 0.2,
            "security": 0.3,
        }
    )
    raw["lines"].append({"key": "lx", "item": "datasets", "recipient": "xx", "magnitude": 0.5})
    document = validate_document(raw)
    snapshot = snapshot_from_document(document, catalog_values_from_db([document]))
    custom = next(p for p in snapshot.parties if p.key == "xx")
    assert {name: getattr(custom, name) for name in UNSTATED_PARTY_VALUES} == UNSTATED_PARTY_VALUES


def test_new_fields_reach_the_engine_and_survive_storage(team, analyst):
    raw = draft_document(lines=2)
    raw["parties"][1].update(
        need=0.8, threat=0.3, outside_option=-0.5, multipliers={"frontier_ai": 1.6}
    )
    raw["phases"][1]["duration_months"] = 18
    raw["mechanisms"][0]["phase"] = "p2"
    agreement = services.agreement_import(team=team, author=analyst, document=raw)

    stored = document_read(agreement)
    assert stored["parties"][1]["multipliers"] == {"frontier_ai": 1.6}
    assert stored["phases"][1]["duration_months"] == 18
    assert stored["mechanisms"][0]["phase"] == "p2"

    snapshot = snapshot_from_document(stored, catalog_values_from_db([stored]))
    japan = next(p for p in snapshot.parties if p.key == "jp")
    assert (japan.need, japan.threat, japan.outside_option) == (0.8, 0.3, -0.5)
    assert japan.multipliers == {"frontier_ai": 1.6}
    assert snapshot.mechanisms[0].phase == "p2"
    assert snapshot.phases[1].duration_months == 18


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (("parties", 1, "need", 1.5), "parties[1].need", "Must be in [0.0, 1.0], got 1.5."),
        (("parties", 1, "threat", -0.1), "parties[1].threat", "Must be in [0.0, 1.0], got -0.1."),
        (
            ("parties", 1, "outside_option", 11),
            "parties[1].outside_option",
            "Must be in [-5.0, 10.0], got 11.",
        ),
        (("parties", 1, "need", "high"), "parties[1].need", "Must be a number."),
        (
            ("parties", 1, "multipliers", {"frontier_ai": 3}),
            "parties[1].multipliers.frontier_ai",
            "Must be in [0.25, 2.0], got 3.",
        ),
        (
            ("parties", 1, "multipliers", {"weapons": 1}),
            "parties[1].multipliers",
            "Must map benefit clusters (financial_resource, frontier_ai, national_security, "
            "seats_at_table, other) to numbers.",
        ),
        (
            ("phases", 0, "duration_months", -3),
            "phases[0].duration_months",
            "Must be in [0.0, 600.0], got -3.",
        ),
        (
            ("mechanisms", 0, "phase", "p9"),
            "mechanisms[0].phase",
            "Must be the key of a phase; got 'p9'.",
        ),
    ],
)
def test_each_new_field_is_refused_by_name_out_of_bounds(catalog, change, path, message):
    section, index, name, value = change
    raw = draft_document()
    raw[section][index][name] = value
    assert _errors(raw) == {path: [message]}


def test_removing_a_phase_moves_its_mechanisms_to_the_first_phase(draft, analyst):
    services.part_update(
        agreement_id=draft.pk,
        author=analyst,
        section="mechanisms",
        key="m1",
        changes={"phase": "p2"},
        expected_version=1,
    )
    assert Mechanism.objects.get(agreement=draft).phase.key == "p2"
    services.part_remove(
        agreement_id=draft.pk, author=analyst, section="phases", key="p2", expected_version=2
    )
    assert Mechanism.objects.get(agreement=draft).phase is None


def test_the_api_refuses_bad_new_fields_with_field_messages_and_changes_nothing(api_client, draft):
    url = f"/api/v1/agreements/{draft.pk}/"
    response = api_client.patch(f"{url}parties/jp/", {"version": 1, "need": 2}, format="json")
    assert response.status_code == 400
    assert "need" in response.json()["errors"]

    response = api_client.patch(
        f"{url}parties/jp/", {"version": 1, "multipliers": {"weapons": 1.0}}, format="json"
    )
    assert response.status_code == 400
    assert "multipliers" in response.json()["errors"]

    response = api_client.post(
        f"{url}mechanisms/",
        {"version": 1, "type": "escrow", "strength": 0.5, "phase": "p9"},
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert "phase" in response.json()["errors"]
    draft.refresh_from_db()
    assert draft.version == 1

    response = api_client.patch(
        f"{url}parties/jp/",
        {"version": 1, "need": 0.9, "multipliers": {"financial_resource": 1.5}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    party = Party.objects.get(agreement=draft, key="jp")
    assert (party.need, party.multipliers) == (0.9, {"financial_resource": 1.5})


def test_the_party_form_shows_the_new_fields_with_their_profile_values(analyst_client, draft):
    # The builder loads each edit form from its own address when it is opened.
    page = analyst_client.get(f"/drafts/{draft.pk}/parties/jp/edit/", **HTMX).content.decode()
    for name in ("need", "threat", "outside_option"):
        assert f'name="{name}"' in page
    add = analyst_client.get(f"/drafts/{draft.pk}/parties/add/", **HTMX).content.decode()
    assert 'name="multiplier_frontier_ai"' in add
    assert 'id="party-jp-need"' in page
    assert "Need (blank: profile)" in page


def test_a_bad_party_value_in_the_page_is_a_form_error_and_changes_nothing(analyst_client, draft):
    response = analyst_client.post(
        f"/drafts/{draft.pk}/parties/add/",
        {"version": 1, "actor": "in", "role": "recipient", "need": "1.4", "multiplier_other": "9"},
        **HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 1.0." in page
    assert "Ensure this value is less than or equal to 2." in page
    draft.refresh_from_db()
    assert draft.version == 1


def test_the_page_adds_a_party_with_multipliers_and_a_mechanism_in_a_later_phase(
    analyst_client, draft
):
    response = analyst_client.post(
        f"/drafts/{draft.pk}/parties/add/",
        {
            "version": 1,
            "actor": "in",
            "role": "recipient",
            "need": "0.9",
            "multiplier_other": "1.5",
        },
        **HTMX,
    )
    assert response.status_code == 200
    india = Party.objects.get(agreement=draft, actor__slug="in")
    assert (india.need, india.multipliers) == (0.9, {"other": 1.5})

    response = analyst_client.post(
        f"/drafts/{draft.pk}/mechanisms/add/",
        {"version": 2, "type": "escrow", "strength": "0.4", "covers": "provider", "phase": "p2"},
        **HTMX,
    )
    assert response.status_code == 200
    added = Mechanism.objects.get(agreement=draft, mechanism_type__slug="escrow")
    assert added.phase.key == "p2"
    assert "In force from" in response.content.decode()


def test_the_parties_table_shows_each_partys_need_threat_and_outside_option(
    analyst_client, draft, analyst
):
    services.part_update(
        agreement_id=draft.pk,
        author=analyst,
        section="parties",
        key="jp",
        changes={"need": 0.85},
        expected_version=1,
    )
    page = analyst_client.get(f"/drafts/{draft.pk}/").content.decode()
    row = page[page.index('id="party-jp"') :]
    row = row[: row.index("</tr>")]
    assert "0.85" in row and "set</span>" in row  # the draft's own value, marked
    brazil = page[page.index('id="party-br"') :]
    brazil = brazil[: brazil.index("</tr>")]
    assert "0.60" in brazil  # Brazil's profile need, shown when the draft sets none


def test_a_partys_multipliers_are_edited_in_its_edit_form(analyst_client, draft):
    url = f"/drafts/{draft.pk}/parties/jp/edit/"
    form = analyst_client.get(url, **HTMX).content.decode()
    assert 'id="party-jp-multiplier_frontier_ai"' in form
    fields = {"version": 1, "role": "recipient", "multiplier_frontier_ai": "1.5"}
    assert analyst_client.post(url, fields, **HTMX).status_code == 200
    party = Party.objects.get(agreement=draft, key="jp")
    assert party.multipliers == {"frontier_ai": 1.5}
    form = analyst_client.get(url, **HTMX).content.decode()
    assert re.search(r'id="party-jp-multiplier_frontier_ai"\s+value="1.5"', form)

    refused = analyst_client.post(
        url, {"version": 2, "role": "recipient", "multiplier_other": "9"}, **HTMX
    ).content.decode()
    assert "Ensure this value is less than or equal to 2." in refused
    assert re.search(r'id="party-jp-multiplier_other"\s+value="9"', refused)  # kept as typed
    party.refresh_from_db()
    assert party.multipliers == {"frontier_ai": 1.5}  # nothing changed

    cleared = {"version": 2, "role": "recipient", "multiplier_frontier_ai": ""}
    assert analyst_client.post(url, cleared, **HTMX).status_code == 200
    party.refresh_from_db()
    assert party.multipliers in (None, {})
