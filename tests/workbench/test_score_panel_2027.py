"""The score panel explains every number of model 2027.1 it shows: credibility with its
doubt discount, viability and each recipient's chance of signing, the provider's cost,
value and surplus, what each mechanism is worth, and for coalitions the largest stable
subset; its words match its numbers."""

import re

import pytest

from agreements import services
from agreements.models import ReferenceTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def templates(catalog):
    services.templates_load()


def _started(slug, team, analyst, capture):
    template = ReferenceTemplate.objects.get(slug=slug)
    with capture(execute=True):
        return services.agreement_start_from_template(template=template, team=team, author=analyst)


def _panel(client, draft) -> str:
    return client.get(f"/drafts/{draft.pk}/").content.decode()


def _result(draft) -> dict:
    return draft.score_runs.get().result


def test_a_deal_china_would_not_sign_says_so_in_numbers_and_words(
    analyst_client, team, analyst, django_capture_on_commit_callbacks
):
    draft = _started(
        "narrow-models-for-restraint", team, analyst, django_capture_on_commit_callbacks
    )
    result = _result(draft)
    page = _panel(analyst_client, draft)
    china = next(r for r in result["recipients"] if r["key"] == "cn")
    viability = round(100 * result["scores"]["viability"]["mean"])

    row = re.search(r'<tr id="recipient-cn".*?</tr>', page, re.S).group(0)
    assert 'class="differs"' in row
    assert "would not sign: it gains less than it gives up" in row
    assert f"{round(100 * china['sign_probability'])}%" in row
    assert f"{china['believed_value']:.2f}" in row and f"{china['burden']:.2f}" in row
    assert f"enters into force in {viability}% of samples" in page
    assert "a deal nobody signs is not low-risk" in page  # viability under one half
    doubt = round(100 * result["credibility_explanation"]["doubt_discount"])
    assert re.search(rf'id="doubt-discount">\s*recipients write off {doubt}% for doubt', page)
    assert 'id="score-viability"' in page and 'id="score-provider_surplus"' in page

    table = re.search(r'<table class="small" id="mechanism-effects">.*?</table>', page, re.S)
    for effect in result["mechanism_effects"]:
        assert effect["label"] in table.group(0)
        assert f"\u2212{effect['credibility_drop']:.1f}" in table.group(0)


def test_the_provider_side_and_a_stable_coalition_are_spelled_out(
    analyst_client, team, analyst, django_capture_on_commit_callbacks
):
    draft = _started("chips-for-peace", team, analyst, django_capture_on_commit_callbacks)
    result = _result(draft)
    page = _panel(analyst_client, draft)
    scores = result["scores"]
    provider = re.search(r'id="provider-side">(.*?)</p>', page, re.S).group(1)
    assert f"pays {scores['provider_cost']['value']:.2f}" in provider
    assert f"at {scores['provider_value']['value']:.2f}" in provider
    assert f"surplus of {scores['provider_surplus']['value']:.2f}" in provider
    subset = result["coalition"]["largest_stable_subset"]
    assert f"All {subset['size']} members form a stable coalition." in page
    for recipient in result["recipients"]:
        assert recipient["would_sign"]
        row = re.search(rf'<tr id="recipient-{recipient["key"]}".*?</tr>', page, re.S).group(0)
        assert "would sign" in row and "would not sign" not in row


def test_no_recipient_is_told_it_doubts_the_provider_when_its_credibility_is_high(
    analyst_client, team, analyst, django_capture_on_commit_callbacks
):
    draft = _started("marshall-plan", team, analyst, django_capture_on_commit_callbacks)
    result = _result(draft)
    assert result["scores"]["credibility"]["value"] >= 75
    assert not [w for w in result["warnings"] if w["code"] == "credibility_gap"]
    assert "doubt the provider" not in _panel(analyst_client, draft)


def test_the_compare_page_weighs_viability_and_shows_confidence_factors(
    analyst_client, team, analyst, django_capture_on_commit_callbacks
):
    chips = _started("chips-for-peace", team, analyst, django_capture_on_commit_callbacks)
    restraint = _started(
        "narrow-models-for-restraint", team, analyst, django_capture_on_commit_callbacks
    )
    query = f"ids={chips.pk}&ids={restraint.pk}&viability=5"
    page = analyst_client.get(f"/compare/?{query}").content.decode()
    assert 'name="viability"' in page and 'value="5"' in page
    assert "of samples enter into force" in page
    assert "Confidence" in page
    data = analyst_client.get(f"/compare/?{query}&format=json").json()
    assert "viability" in data["criteria"]
    assert data["weights"]["viability"] > data["weights"]["credibility"]
    top = data["drafts"][data["labels"].index(data["top"])]
    assert top["confidence_factor"] is not None
    assert data["top"] == data["labels"][0]  # the viable coalition beats the unsigned deal


def test_pair_explanations_name_the_mechanisms(
    analyst_client, team, analyst, django_capture_on_commit_callbacks
):
    chips = _started("chips-for-peace", team, analyst, django_capture_on_commit_callbacks)
    cern = _started("cern-for-ai", team, analyst, django_capture_on_commit_callbacks)
    page = analyst_client.get(f"/compare/?ids={chips.pk}&ids={cern.pk}").content.decode()
    assert "Credibility each mechanism carries" in page
    assert re.search(r"Hardware-enabled governance[^<]*:[^<]*has none", page)


def test_the_negotiation_view_shows_what_would_make_china_sign(
    analyst_client, client, outsider, team, analyst, django_capture_on_commit_callbacks
):
    draft = _started(
        "narrow-models-for-restraint", team, analyst, django_capture_on_commit_callbacks
    )
    builder = _panel(analyst_client, draft)
    assert f'hx-get="/drafts/{draft.pk}/negotiation/"' in builder
    part = analyst_client.get(f"/drafts/{draft.pk}/negotiation/", HTTP_HX_REQUEST="true")
    page = part.content.decode()
    assert part.status_code == 200 and page.lstrip().startswith('<section id="negotiation"')
    row = re.search(r'<tr id="bargain-cn".*?</tr>\s*<tr>.*?</tr>', page, re.S).group(0)
    assert "China signs for at least" in row
    assert "Bargaining range for extra Monetary aid to governments" in page
    plain = analyst_client.get(f"/drafts/{draft.pk}/negotiation/?transfer_item=datasets")
    assert plain.status_code == 200 and "<html" in plain.content.decode()
    assert re.search(r'value="datasets"\s+selected', plain.content.decode())
    bad = analyst_client.get(f"/drafts/{draft.pk}/negotiation/?transfer_item=gold")
    assert bad.status_code == 400 and "Unknown benefit item" in bad.content.decode()
    client.force_login(outsider)
    assert client.get(f"/drafts/{draft.pk}/negotiation/").status_code == 404
