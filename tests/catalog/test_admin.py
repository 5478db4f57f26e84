"""Curators edit the catalog in the admin, with validation, history and import/export."""

import pytest
from django.test import Client

from accounts.services import curator_grant
from catalog.models import BenefitItem
from catalog.services import entry_version
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGE_URL = "/admin/catalog/benefititem/{}/"


def _form_data(item: BenefitItem, **overrides: object) -> dict[str, object]:
    data = {
        field.name: getattr(item, field.name)
        for field in BenefitItem._meta.concrete_fields
        if field.editable and field.name not in {"id", "default_levers", "levers_apply"}
    }
    if item.levers_apply:
        data["levers_apply"] = "on"
    data["default_levers"] = (
        "null" if item.default_levers is None else __import__("json").dumps(item.default_levers)
    )
    data["loaded_version"] = entry_version(item)  # the version the curator opened
    data.update(overrides)
    return data


def test_curator_edit_is_saved_flagged_and_recorded_with_who(client, curator):
    client.force_login(curator)
    item = BenefitItem.objects.get(slug="datasets")
    response = client.post(CHANGE_URL.format(item.pk) + "change/", _form_data(item, v=0.42))
    assert response.status_code == 302, response.content[:2000]
    item.refresh_from_db()
    assert item.v == 0.42 and item.locally_modified
    latest = item.history.first()
    assert latest.history_user == curator and latest.v == 0.42


def test_a_curator_saving_over_a_newer_version_is_refused_naming_who_changed_it(client, curator):
    other = UserFactory(username="bea")
    curator_grant(user=other)
    item = BenefitItem.objects.get(slug="datasets")
    page = client_for(client, curator).get(CHANGE_URL.format(item.pk) + "change/")
    assert f'name="loaded_version" value="{entry_version(item)}"' in page.content.decode()
    opened = _form_data(item)  # both curators open version 1

    first = client_for(Client(), other).post(
        CHANGE_URL.format(item.pk) + "change/", {**opened, "v": 0.11}
    )
    assert first.status_code == 302
    second = client.post(CHANGE_URL.format(item.pk) + "change/", {**opened, "v": 0.99})
    assert second.status_code == 200
    assert "was changed by bea" in second.content.decode()
    item.refresh_from_db()
    assert item.v == 0.11


def client_for(client, user):
    client.force_login(user)
    return client


def test_out_of_range_value_gets_a_clear_message_and_changes_nothing(client, curator):
    client.force_login(curator)
    item = BenefitItem.objects.get(slug="datasets")
    response = client.post(CHANGE_URL.format(item.pk) + "change/", _form_data(item, t=1.5))
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 1.0." in response.content.decode()
    item.refresh_from_db()
    assert item.t != 1.5 and not item.locally_modified


def test_weights_with_monitoring_is_refused(client, curator):
    client.force_login(curator)
    item = BenefitItem.objects.get(slug="model-weights")
    bad = '{"access_mode": "weights", "monitoring": "realtime"}'
    response = client.post(
        CHANGE_URL.format(item.pk) + "change/", _form_data(item, default_levers=bad)
    )
    assert response.status_code == 200
    assert "Shared weights cannot be monitored or throttled" in response.content.decode()


def test_admin_changelist_filters_by_label_and_shows_history(client, curator):
    client.force_login(curator)
    response = client.get("/admin/catalog/benefititem/?label__exact=power_sharing")
    assert response.status_code == 200
    assert "Frontier model weights" in response.content.decode()
    assert "Monetary aid" not in response.content.decode()
    item = BenefitItem.objects.get(slug="datasets")
    assert client.get(CHANGE_URL.format(item.pk) + "history/").status_code == 200


def test_analyst_cannot_reach_catalog_admin(client, analyst):
    client.force_login(analyst)
    item = BenefitItem.objects.get(slug="datasets")
    response = client.post(CHANGE_URL.format(item.pk) + "change/", _form_data(item, v=0.1))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    item.refresh_from_db()
    assert item.v != 0.1


def test_export_csv_has_every_item(client, curator):
    client.force_login(curator)
    response = client.post(
        "/admin/catalog/benefititem/export/",
        {"format": "0", **{f"benefititemresource_{f}": "on" for f in ("slug", "name", "p")}},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("\n") >= BenefitItem.objects.count()
    assert "model-weights" in body


def test_reverting_to_an_older_record_from_the_history_works(client, curator):
    client.force_login(curator)
    item = BenefitItem.objects.get(slug="datasets")
    for v in (0.21, 0.22):
        item.refresh_from_db()
        response = client.post(CHANGE_URL.format(item.pk) + "change/", _form_data(item, v=v))
        assert response.status_code == 302
    item.refresh_from_db()
    older = item.history.get(v=0.21)
    url = CHANGE_URL.format(item.pk) + f"history/{older.history_id}/"
    page = client.get(url).content.decode()
    assert f'name="loaded_version" value="{entry_version(item)}"' in page
    response = client.post(url, _form_data(item, v=0.21))
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert item.v == 0.21


def test_admin_shows_and_checks_the_model_2027_inputs(client, curator):
    from catalog.models import Actor, Commitment, MechanismType

    client.force_login(curator)
    proliferation = Commitment.objects.get(slug="non-proliferation")
    pages = {
        f"/admin/catalog/actor/{Actor.objects.get(slug='tw').pk}/change/": [
            "need", "u_need", "rationale_need", "threat", "u_threat", "rationale_threat",
            "outside_option", "u_outside_option", "rationale_outside_option",
        ],
        f"/admin/catalog/commitment/{proliferation.pk}/change/": [
            "provider_value", "rationale_provider_value", "capability_scaled",
            "rationale_capability_scaled",
        ],
        f"/admin/catalog/mechanismtype/{MechanismType.objects.get(slug='escrow').pk}/change/": [
            "cost", "u_cost", "rationale",
        ],
    }  # fmt: skip
    for url, fields in pages.items():
        page = client.get(url).content.decode()
        for name in fields:
            assert f'name="{name}"' in page, (url, name)
    for path in ("actor", "commitment", "mechanismtype"):
        listing = client.get(f"/admin/catalog/{path}/")
        assert listing.status_code == 200
    assert "Outside option" in client.get("/admin/catalog/actor/").content.decode()


def test_signed_q_is_accepted_down_to_minus_one_and_no_further(client, curator):
    client.force_login(curator)
    item = BenefitItem.objects.get(slug="datasets")
    response = client.post(CHANGE_URL.format(item.pk) + "change/", _form_data(item, q=-1.5))
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to -1.0." in response.content.decode()
    item.refresh_from_db()
    response = client.post(CHANGE_URL.format(item.pk) + "change/", _form_data(item, q=-0.4))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.q == -0.4
