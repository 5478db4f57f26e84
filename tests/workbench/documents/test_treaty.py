"""The treaty text: articles assembled from clause templates kept as data."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from catalog.models import ClauseTemplate
from catalog.services import entry_version
from tests.workbench.documents.conftest import TEMPLATE_SLUGS, with_quantities
from workbench.documents.treaty import (
    Treaty,
    access_terms,
    duration_words,
    quantity_words,
    treaty_for_document,
)

pytestmark = pytest.mark.django_db

FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?")
HEADINGS = (
    "Definitions",
    "Parties and objective",
    "Verification and reporting",
    "Entry into force",
    "Settlement of disputes",
    "Withdrawal and consequences of breach",
    "Final clauses",
)


def _supplied(document: dict) -> set[float]:
    """Every figure the draft supplies: amounts, durations, the threshold."""
    figures = {float(document["scenario"].get("min_participation") or 0)}
    for row in (*document["lines"], *document["conditions"], *document["phases"]):
        for name in ("amount", "duration_months"):
            if row.get(name) is not None:
                figures.add(float(row[name]))
    return figures


def _figures(treaty: Treaty) -> list[tuple[str, float]]:
    found = []
    for article in treaty.articles:
        for text in (article.title, *article.paragraphs):
            found += [(text, float(m.replace(",", ""))) for m in FIGURE.findall(text)]
    return found


def _article_refs(text: str) -> set[float]:
    return {float(n) for n in re.findall(r"\bArticles? (\d+)", text)}


@pytest.mark.parametrize("slug", TEMPLATE_SLUGS)
@pytest.mark.parametrize("quantities", [False, True], ids=["as-shipped", "with-quantities"])
def test_no_article_has_a_figure_the_draft_does_not_supply(templates, slug, quantities):
    document = with_quantities(templates[slug]) if quantities else templates[slug]
    treaty = treaty_for_document(document)
    numbers = {float(a.number) for a in treaty.articles}
    allowed = _supplied(document) | numbers
    for text, figure in _figures(treaty):
        refs = _article_refs(text)
        assert figure in allowed, f"{figure:g} is not from the draft: {text}"
        if figure not in _supplied(document):
            assert figure in refs, f"{figure:g} is not an article reference: {text}"
    assert [a.number for a in treaty.articles] == list(range(1, len(treaty.articles) + 1))
    titles = [a.title for a in treaty.articles]
    assert all(h in titles for h in HEADINGS)
    assert ("Phased implementation" in titles) == bool(document["phases"])
    assert all(a.paragraphs for a in treaty.articles), [a.title for a in treaty.articles]


def test_quantities_units_and_durations_reach_the_obligations(templates):
    document = with_quantities(templates["marshall-plan"])
    treaty = treaty_for_document(document)
    text = treaty.text()
    provider = next(a for a in treaty.articles if a.key == "provider")
    assert any("13,300,000,000 USD" in p and "48 months" in p for p in provider.paragraphs)
    assert "12 inspections a year" in text and "36 months" in text
    assert "once 25 Recipient Parties have consented" in text
    assert "shall last 12.5 months" in text


@pytest.mark.parametrize("slug", TEMPLATE_SLUGS)
def test_every_shipped_template_states_its_quantities_in_its_obligations(templates, slug):
    """The shipped templates carry amounts, units and durations, and each one reaches the
    article of the party it binds (lines: the provider's; conditions: the recipient's)."""
    document = templates[slug]
    treaty = treaty_for_document(document)
    by_key = {a.key: a.paragraphs for a in treaty.articles}
    rows = [("provider", line) for line in document["lines"]]
    rows += [(f"recipient:{c['recipient']}", c) for c in document["conditions"]]
    stated = [(key, row) for key, row in rows if row.get("amount") is not None]
    assert stated, "the template states no amount"
    for key, row in rows:
        quantity = quantity_words(row.get("amount"), row.get("unit"))
        duration = duration_words(row.get("duration_months"))
        if quantity or duration:
            assert any(quantity in p and duration in p for p in by_key[key]), (row["key"], key)
    phases = " ".join(by_key["phases"])
    for phase in document["phases"]:
        assert phase.get("duration_months"), phase["key"]
        assert f"shall last {duration_words(phase['duration_months'])}" in phases


def test_every_used_commitment_and_benefit_kind_is_defined(templates):
    treaty = treaty_for_document(templates["narrow-models-for-restraint"])
    definitions = " ".join(treaty.articles[0].paragraphs)
    for term in ('"Frontier development"', '"Hardware-enabled governance"', '"Escrow Account"'):
        assert term in definitions
    marshall = treaty_for_document(templates["marshall-plan"])
    assert '"Frontier development"' not in " ".join(marshall.articles[0].paragraphs)


def test_mechanisms_feed_verification_entry_into_force_and_breach(templates):
    treaty = treaty_for_document(templates["narrow-models-for-restraint"])
    by_key = {a.key: " ".join(a.paragraphs) for a in treaty.articles}
    assert "Verification Body" in by_key["verification"]
    assert "ratification" in by_key["entry_into_force"]
    assert "Escrow Account" in by_key["breach"]
    # strength 0.1 escrow and 0.45 verification body: words from the bands, no numbers
    assert "a limited share" in by_key["breach"]
    assert "shall be moderate" in by_key["verification"]
    assert "reversible step" in by_key["recipient:cn"]
    assert "A reversible step taken by China" in by_key["phases"]


def _admin_data(clause: ClauseTemplate, **changes: object) -> dict[str, object]:
    data = {
        name: getattr(clause, name)
        for name in (
            "slug",
            "name",
            "kind",
            "subject",
            "article",
            "condition",
            "position",
            "definition",
            "body",
        )
    }
    data["loaded_version"] = entry_version(clause)
    data.update(changes)
    return data


def test_a_curators_edit_appears_in_the_next_treaty_text(templates, curator):
    client = Client()
    client.force_login(curator)
    clause = ClauseTemplate.objects.get(slug="standard-disputes")
    body = "Disputes go first to a joint commission of {{ parties }}."
    response = client.post(
        f"/admin/catalog/clausetemplate/{clause.pk}/change/", _admin_data(clause, body=body)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    clause.refresh_from_db()
    assert clause.locally_modified and clause.history.first().history_user == curator
    treaty = treaty_for_document(templates["marshall-plan"])
    disputes = next(a for a in treaty.articles if a.key == "disputes")
    assert disputes.paragraphs == (
        "Disputes go first to a joint commission of the United States, the United Kingdom, "
        "France and Germany.",
    )


def test_a_template_with_a_syntax_error_is_refused_naming_the_line(templates, curator):
    client = Client()
    client.force_login(curator)
    clause = ClauseTemplate.objects.get(slug="standard-final-clauses")
    body = "The Parties shall review it.\n\n{% if phase_count %}And before each phase.\n"
    response = client.post(
        f"/admin/catalog/clausetemplate/{clause.pk}/change/", _admin_data(clause, body=body)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Line 3:" in page and "endif" in page
    clause.refresh_from_db()
    assert not clause.locally_modified and "The Parties shall review it." not in clause.body
    response = client.post(
        f"/admin/catalog/clausetemplate/{clause.pk}/change/",
        _admin_data(clause, body='Text.\n{% include "base.html" %}'),
    )
    assert "Line 2:" in response.content.decode()


def test_a_clause_with_conditions_appears_only_when_they_hold(templates):
    document = templates["cern-for-ai"]
    text = treaty_for_document(document).text()
    assert "cannot be recalled" not in text
    document["lines"][0]["levers"] = {**(document["lines"][0].get("levers") or {})}
    weighted = next((line for line in document["lines"] if line.get("levers") is not None), None)
    if weighted is not None:
        weighted["levers"]["access_mode"] = "weights"
        assert "cannot be recalled" in treaty_for_document(document).text()


API_LEVERS = {
    "scope": "general",
    "generation_lag": 1,
    "output_controls": "filtered",
    "monitoring": "realtime",
    "access_mode": "api",
    "throttling": "moderate",
    "disclosure": "partial",
}


@pytest.mark.parametrize(
    ("levers", "expected"),
    [
        (
            API_LEVERS,
            "through a monitored API, with real-time monitoring and filtered outputs, "
            "one generation behind the frontier, with moderate throttling; "
            "partial disclosure of model information",
        ),
        (
            {"access_mode": "weights", "generation_lag": 2, "scope": "narrow"},
            "restricted to narrow models for specific uses, two generations behind the "
            "frontier, as model weights, which cannot be withdrawn once shared",
        ),
        (None, ""),
        ({}, ""),
        ("not a mapping", ""),
        (
            {"scope": "general", "generation_lag": 0, "monitoring": "none", "access_mode": "api"},
            "through an API",
        ),
        (
            {"access_mode": "compute_inference", "monitoring": "periodic_audit"},
            "as compute for running existing models, not for training new ones, "
            "with periodic audits",
        ),
        (
            {"access_mode": "api", "monitoring": "realtime", "output_controls": "both"},
            "through a monitored API, with real-time monitoring, fine-tuned safeguards and "
            "filtered outputs",
        ),
        (
            {"throttling": "strict", "disclosure": "full"},
            "with strict throttling; full disclosure of model information",
        ),
        ({"disclosure": "partial"}, "partial disclosure of model information"),
        ({"generation_lag": "two", "monitoring": "bogus"}, ""),
    ],
)
def test_access_levers_in_words(levers, expected):
    assert access_terms(levers) == expected


def test_a_frontier_ai_benefit_states_its_access_terms(templates):
    document = templates["chips-for-peace"]
    line = next(line for line in document["lines"] if line.get("levers") is not None)
    line["levers"] = dict(API_LEVERS)
    text = " ".join(treaty_for_document(document).text().split())
    assert f"Access shall be provided {access_terms(API_LEVERS)}." in text
