"""The catalog browser: faceted filters, search-as-you-type, item detail."""

import pytest

from catalog.models import BenefitItem

pytestmark = pytest.mark.django_db


def test_catalog_requires_sign_in(client):
    assert client.get("/catalog/").status_code == 302


def test_catalog_lists_every_item_with_label_and_attributes(analyst_client):
    response = analyst_client.get("/catalog/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="item-card"') == BenefitItem.objects.count()
    assert "Power-sharing" in page and "Tangibility" in page and "Revocability" in page


def test_facets_filter_and_count(analyst_client):
    response = analyst_client.get("/catalog/", {"cluster": "frontier_ai", "label": "power_sharing"})
    items = list(response.context["items"])
    assert [i.slug for i in items] == ["model-weights"]
    facets = {f["name"]: f for f in response.context["facets"]}
    cluster_counts = {o["value"]: o["count"] for o in facets["cluster"]["options"]}
    assert cluster_counts["frontier_ai"] == 1
    selected = [o["value"] for o in facets["cluster"]["options"] if o["selected"]]
    assert selected == ["frontier_ai"]


def test_band_facet_filters_by_attribute(analyst_client):
    response = analyst_client.get("/catalog/", {"revocability": "high"})
    assert all(item.r >= 0.67 for item in response.context["items"])
    assert response.context["items"]


def test_search_as_you_type_returns_only_the_results_partial(analyst_client):
    response = analyst_client.get(
        "/catalog/", {"q": "insurance"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="item-results"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="item-results"')
    assert "Disaster insurance" in page
    assert "<html" not in page
    assert 'hx-swap-oob="true"' in page  # facet counts refreshed out of band
    assert "HX-Request" in response["Vary"]


def test_invalid_filter_shows_an_error_and_no_500(analyst_client):
    response = analyst_client.get("/catalog/", {"cluster": "nonsense"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_list_query_count_is_constant(analyst_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        analyst_client.get("/catalog/")
    with django_assert_max_num_queries(5):
        analyst_client.get("/catalog/", {"q": "model", "cluster": "frontier_ai"})


def test_item_detail_shows_every_attribute_uncertainty_and_rationale(analyst_client):
    item = BenefitItem.objects.get(slug="missile-defence")
    response = analyst_client.get(f"/catalog/items/{item.slug}/")
    page = response.content.decode()
    assert response.status_code == 200
    for attribute in item.attributes():
        assert attribute["name"] in page
        assert attribute["rationale"].replace("'", "&#x27;") in page
    assert "Borderline" in page


def test_unknown_item_is_404(analyst_client):
    assert analyst_client.get("/catalog/items/no-such-thing/").status_code == 404


def test_reference_page_lists_commitments_mechanisms_risks_actors(
    analyst_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(7):
        response = analyst_client.get("/catalog/reference/")
    page = response.content.decode()
    for text in (
        "Domestic safety regulation",
        "International verification body",
        "Proliferation",
        "Taiwan",
    ):
        assert text in page


def test_reference_page_shows_the_model_2027_inputs_with_rationales(analyst_client):
    from django.utils.html import escape

    from catalog.models import Actor, Commitment, MechanismType

    page = analyst_client.get("/catalog/reference/").content.decode()
    for heading in ("Provider value", "Capability-scaled", "Provider cost", "Need", "Threat"):
        assert heading in page
    taiwan = Actor.objects.get(slug="tw")
    assert escape(taiwan.rationale_threat) in page and "0.95 ± 0.05" in page
    halt = Commitment.objects.get(slug="halt-frontier-development")
    assert escape(halt.rationale_provider_value) in page
    assert "Staged reciprocity" in page and MechanismType.objects.get(slug="escrow").cost > 0


def test_item_detail_says_whether_q_stabilises(analyst_client):
    page = analyst_client.get("/catalog/items/space-early-warning/").content.decode()
    assert "-0.30" in page and "stabilising" in page
    page = analyst_client.get("/catalog/items/missile-defence/").content.decode()
    assert "destabilising" in page
