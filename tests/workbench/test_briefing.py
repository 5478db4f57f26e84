"""Plain-language agreement text for the briefing page (no database needed)."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml

from workbench.briefing import Article, access_terms, agreement_articles, articles_text

NAMES = {
    "us": "United States",
    "jp": "Japan",
    "uk": "United Kingdom",
    "cn": "China",
    "ru": "Russia",
    "monitored-api-access": "Monitored API access to a general model",
    "model-weights": "Frontier model weights",
    "education-investment": "Investment in education",
    "domestic-safety-regulation": "Domestic safety regulation",
    "halt-frontier-development": "Halt frontier development",
    "non-proliferation": "Non-proliferation of high-risk capabilities",
    "verification_body": "International verification body",
    "treaty": "Legally binding treaty",
    "prespecified_consequences": "Pre-specified consequences",
    "track_record": "Track record of honouring commitments",
}

API_LEVERS = {
    "scope": "general",
    "generation_lag": 1,
    "output_controls": "filtered",
    "monitoring": "realtime",
    "access_mode": "api",
    "throttling": "moderate",
    "disclosure": "partial",
}


def _document(**overrides: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "format": "windfall.agreement/1",
        "title": "Test deal",
        "purpose": "coalition",
        "scenario": {"dsa": 0.3, "min_participation": 0},
        "parties": [
            {"key": "us", "actor": "us", "role": "provider"},
            {"key": "jp", "actor": "jp", "role": "recipient"},
            {"key": "uk", "actor": "uk", "role": "recipient"},
            {"key": "cn", "actor": "cn", "role": "observer"},
            {"key": "ru", "actor": "ru", "role": "excluded"},
        ],
        "phases": [
            {"key": "p2", "order": 2, "name": "Full deal", "reversible": False},
            {"key": "p1", "order": 1, "name": "Trial", "reversible": True},
        ],
        "lines": [
            {
                "key": "l1",
                "item": "monitored-api-access",
                "recipient": "jp",
                "magnitude": 0.5,
                "phase": "p2",
                "levers": API_LEVERS,
            },
            {
                "key": "l2",
                "item": "education-investment",
                "recipient": "jp",
                "magnitude": 0.2,
                "phase": "p1",
                "levers": None,
            },
            {
                "key": "l3",
                "item": "model-weights",
                "recipient": "uk",
                "magnitude": 1.0,
                "phase": "p2",
                "levers": {"access_mode": "weights", "generation_lag": 2},
            },
        ],
        "conditions": [
            {
                "key": "c1",
                "commitment": "halt-frontier-development",
                "recipient": "jp",
                "burden": None,
                "reversible": True,
                "phase": "p1",
            },
            {
                "key": "c2",
                "commitment": "domestic-safety-regulation",
                "recipient": "uk",
                "burden": 0.3,
                "reversible": False,
                "phase": "p2",
            },
        ],
        "mechanisms": [
            {"key": "m1", "type": "verification_body", "strength": 0.8, "covers": "both"},
            {"key": "m2", "type": "treaty", "strength": 0.5, "covers": "provider"},
        ],
    }
    document.update(overrides)
    return document


def _minimal(**overrides: Any) -> dict[str, Any]:
    """A provider and one recipient with one line: only the required articles."""
    document: dict[str, Any] = {
        "parties": [
            {"key": "us", "actor": "us", "role": "provider"},
            {"key": "jp", "actor": "jp", "role": "recipient"},
        ],
        "lines": [
            {"key": "l1", "item": "education-investment", "recipient": "jp", "magnitude": 0.8}
        ],
    }
    document.update(overrides)
    return document


def _by_title(articles: list[Article]) -> dict[str, Article]:
    return {article.title: article for article in articles}


def _text(article: Article) -> str:
    return "\n".join(article.paragraphs)


def test_full_document_has_every_article_in_order():
    articles = agreement_articles(_document(), NAMES)
    assert [a.title for a in articles] == [
        "Parties and purpose",
        "Benefits to Japan",
        "Benefits to the United Kingdom",
        "Credibility mechanisms",
        "Phases and entry into force",
        "Review and withdrawal",
    ]
    assert [a.number for a in articles] == [1, 2, 3, 4, 5, 6]
    assert all(a.paragraphs for a in articles)


def test_numbering_skips_empty_articles():
    document = _minimal(scenario=None)
    articles = agreement_articles(document, NAMES)
    # No mechanisms, no phases and no scenario: articles 3 and 4 of the scheme are empty.
    assert [(a.number, a.title) for a in articles] == [
        (1, "Parties and purpose"),
        (2, "Benefits to Japan"),
        (3, "Review and withdrawal"),
    ]


def test_recipient_without_lines_or_conditions_gets_no_article():
    document = _document()
    document["parties"].append({"key": "kr", "name": "South Korea", "role": "recipient"})
    articles = agreement_articles(document, NAMES)
    titles = [a.title for a in articles]
    assert "Benefits to South Korea" not in titles
    assert [a.number for a in articles] == list(range(1, len(articles) + 1))
    # It is still named as a recipient.
    assert "Japan, the United Kingdom and South Korea" in articles[0].paragraphs[0]


def test_parties_and_purpose():
    first = agreement_articles(_document(), NAMES)[0]
    text = _text(first)
    assert first.title == "Parties and purpose"
    assert '"Test deal"' in text
    assert "the United States, as the provider" in text
    assert "the following recipients: Japan and the United Kingdom." in text
    assert "Russia is excluded from this agreement" in text
    assert "China takes part as an observer" in text
    assert "to build a coalition on safe AI development" in text


@pytest.mark.parametrize(
    ("purpose", "phrase"),
    [
        ("coalition", "to build a coalition on safe AI development"),
        ("secure_lead", "to secure a lead that leaves room for safety work"),
        ("welfare", "to improve welfare"),
        ("other", "to share benefits of advanced AI in return for the commitments"),
        (None, "to share benefits of advanced AI in return for the commitments"),
        ("unknown", "to share benefits of advanced AI in return for the commitments"),
    ],
)
def test_purpose_in_words(purpose, phrase):
    text = _text(agreement_articles(_minimal(purpose=purpose), NAMES)[0])
    assert f"The purpose of this agreement is {phrase}" in text


def test_each_recipient_gets_its_own_lines_and_conditions():
    articles = _by_title(agreement_articles(_document(), NAMES))
    japan = _text(articles["Benefits to Japan"])
    britain = _text(articles["Benefits to the United Kingdom"])
    assert "Monitored API access to a general model: the United States shall provide" in japan
    assert "Investment in education" in japan
    assert "In return, Japan undertakes to honour the following commitments:" in japan
    assert "halt frontier development" in japan
    assert "weights" not in japan
    assert "domestic safety regulation" not in japan
    assert "Frontier model weights" in britain
    assert "domestic safety regulation in Phase 2 (Full deal)" in britain
    assert "halt frontier development" not in britain
    assert "Investment in education" not in britain


def test_lines_are_ordered_by_phase_with_magnitude_in_words():
    paragraphs = _by_title(agreement_articles(_document(), NAMES))["Benefits to Japan"].paragraphs
    assert paragraphs[0] == (
        "Investment in education: the United States shall provide this benefit to Japan "
        "to a limited extent (0.2) in Phase 1 (Trial)."
    )
    assert paragraphs[1].startswith(
        "Monitored API access to a general model: the United States shall provide this "
        "benefit to Japan to a moderate extent (0.5) in Phase 2 (Full deal)."
    )


@pytest.mark.parametrize(
    ("magnitude", "words"),
    [
        (0.05, "to a minimal extent (0.05)"),
        (0.2, "to a limited extent (0.2)"),
        (0.5, "to a moderate extent (0.5)"),
        (0.8, "to a substantial extent (0.8)"),
        (1.0, "to the full extent (1)"),
        (None, "to an extent not yet set"),
    ],
)
def test_magnitude_words(magnitude, words):
    document = _minimal()
    document["lines"][0]["magnitude"] = magnitude
    benefit = agreement_articles(document, NAMES)[1].paragraphs[0]
    assert words in benefit


def test_api_levers_in_words():
    assert access_terms(API_LEVERS) == (
        "through a monitored API, with real-time monitoring and filtered outputs, "
        "one generation behind the frontier, with moderate throttling; "
        "partial disclosure of model information"
    )
    japan = _text(_by_title(agreement_articles(_document(), NAMES))["Benefits to Japan"])
    assert f"Access terms: {access_terms(API_LEVERS)}." in japan


def test_weights_levers_in_words():
    terms = access_terms({"access_mode": "weights", "generation_lag": 2, "scope": "narrow"})
    assert terms == (
        "restricted to narrow models for specific uses, two generations behind the frontier, "
        "as model weights, which cannot be withdrawn once shared"
    )
    articles = _by_title(agreement_articles(_document(), NAMES))
    britain = _text(articles["Benefits to the United Kingdom"])
    assert "as model weights, which cannot be withdrawn once shared" in britain
    assert "to the full extent (1)" in britain
    review = _text(articles["Review and withdrawal"])
    assert "Model weights already shared cannot be recalled" in review


@pytest.mark.parametrize(
    ("levers", "expected"),
    [
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
def test_access_terms_cases(levers, expected):
    assert access_terms(levers) == expected


def test_lines_without_levers_have_no_access_terms():
    japan = _by_title(agreement_articles(_document(), NAMES))["Benefits to Japan"]
    assert "Access terms" not in japan.paragraphs[0]


def test_reversible_condition_is_described_as_a_step_that_can_be_undone():
    articles = _by_title(agreement_articles(_document(), NAMES))
    japan = articles["Benefits to Japan"].paragraphs
    assert japan[-1] == (
        "(a) halt frontier development in Phase 1 (Trial), as a reversible step that can be "
        "undone if the agreement breaks down (halting, but not dismantling, what it covers)."
    )
    britain = articles["Benefits to the United Kingdom"].paragraphs
    assert "reversible" not in britain[-1]
    # A burden set on the condition is noted; a default (None) burden is not.
    assert britain[-1] == (
        "(a) domestic safety regulation in Phase 2 (Full deal), with an assessed burden of 0.3."
    )
    assert "burden" not in japan[-1]


def test_several_conditions_form_a_lettered_list():
    document = _document()
    document["conditions"].append(
        {"key": "c3", "commitment": "non-proliferation", "recipient": "jp", "phase": "p2"}
    )
    document["conditions"].append(
        {"key": "c4", "commitment": "domestic-safety-regulation", "recipient": "jp"}
    )
    japan = _by_title(agreement_articles(document, NAMES))["Benefits to Japan"].paragraphs
    items = [p for p in japan if p.startswith("(")]
    assert items == [
        "(a) domestic safety regulation from entry into force;",
        "(b) halt frontier development in Phase 1 (Trial), as a reversible step that can be "
        "undone if the agreement breaks down (halting, but not dismantling, what it covers); and",
        "(c) non-proliferation of high-risk capabilities in Phase 2 (Full deal).",
    ]


def test_recipient_with_conditions_only():
    document = _document()
    document["lines"] = [line for line in document["lines"] if line["recipient"] != "uk"]
    britain = _by_title(agreement_articles(document, NAMES))["Benefits to the United Kingdom"]
    assert britain.paragraphs[0] == "No benefits to the United Kingdom are set out yet."
    assert britain.paragraphs[1] == (
        "The United Kingdom undertakes to honour the following commitments:"
    )


def test_mechanisms_in_words_with_phased_sentence():
    mechanisms = _by_title(agreement_articles(_document(), NAMES))["Credibility mechanisms"]
    assert mechanisms.paragraphs[1] == (
        "(a) a strong (0.8) international verification body, covering both sides' promises; and"
    )
    assert mechanisms.paragraphs[2] == (
        "(b) a moderate (0.5) legally binding treaty, covering the promises of the United States."
    )
    assert mechanisms.paragraphs[-1].startswith("The agreement is carried out in two phases")


def test_mechanism_strengths_covers_and_plural_names():
    document = _minimal(
        mechanisms=[
            {"key": "m1", "type": "prespecified_consequences", "strength": 0.2},
            {"key": "m2", "type": "track_record", "strength": 0.95, "covers": "recipients"},
            {"key": "m3", "type": "escrow", "strength": None, "covers": None},
        ]
    )
    mechanisms = _by_title(agreement_articles(document, NAMES))["Credibility mechanisms"]
    assert mechanisms.paragraphs[1:] == (
        "(a) weak (0.2) pre-specified consequences, covering both sides' promises;",
        "(b) a very strong (0.95) track record of honouring commitments, covering the "
        "recipients' promises; and",
        "(c) an escrow, covering both sides' promises.",
    )


def test_staged_reciprocity_is_named_when_a_reversible_commitment_follows_a_benefit():
    phases = [
        {"key": "a", "order": 1, "name": "One", "reversible": True},
        {"key": "b", "order": 2, "name": "Two", "reversible": True},
    ]
    later = {
        "key": "c1",
        "commitment": "domestic-safety-regulation",
        "recipient": "jp",
        "phase": "b",
        "reversible": True,
    }
    document = _minimal(phases=phases, conditions=[later])
    document["lines"][0]["phase"] = "a"
    mechanisms = _by_title(agreement_articles(document, NAMES))["Credibility mechanisms"]
    assert mechanisms.paragraphs == (
        "The agreement is carried out in two phases. Japan takes on commitments that it can "
        "reverse only after receiving its first benefits, so it can step back if the provider "
        "breaks its promises. This staged reciprocity is itself a credibility mechanism.",
    )


def test_phasing_without_staged_reciprocity_says_it_adds_no_credibility():
    phases = [
        {"key": "a", "order": 1, "name": "One", "reversible": True},
        {"key": "b", "order": 2, "name": "Two", "reversible": False},
    ]
    # Reversible, but in the same phase as the benefit: nothing to step back from.
    same = {"key": "c1", "commitment": "non-proliferation", "recipient": "jp", "reversible": True}
    mechanisms = _by_title(agreement_articles(_minimal(phases=phases, conditions=[same]), NAMES))[
        "Credibility mechanisms"
    ]
    assert "adds no credibility of its own" in mechanisms.paragraphs[0]
    assert "itself a credibility mechanism" not in mechanisms.paragraphs[0]


def test_a_mechanism_in_a_later_phase_says_when_it_enters_into_force():
    phases = [
        {"key": "a", "order": 1, "name": "One"},
        {"key": "b", "order": 2, "name": "Two"},
    ]
    escrow = {"key": "m1", "type": "escrow", "strength": 0.5, "covers": "provider", "phase": "b"}
    mechanisms = _by_title(agreement_articles(_minimal(phases=phases, mechanisms=[escrow]), NAMES))[
        "Credibility mechanisms"
    ]
    assert mechanisms.paragraphs[1].endswith(", in force from Phase 2 (Two).")


def test_single_phase_has_no_phased_sentence():
    phases = [{"key": "a", "order": 1, "name": "Only"}]
    titles = [a.title for a in agreement_articles(_minimal(phases=phases), NAMES)]
    assert "Credibility mechanisms" not in titles
    assert "Phases and entry into force" in titles


def test_phases_and_entry_into_force():
    document = _document(scenario={"dsa": 0.3, "min_participation": 3})
    phases = _by_title(agreement_articles(document, NAMES))["Phases and entry into force"]
    assert phases.paragraphs[0] == "The agreement is implemented in two phases, in the order below."
    assert phases.paragraphs[1].startswith("Phase 1 (Trial) is reversible")
    assert phases.paragraphs[2].startswith("Phase 2 (Full deal) is irreversible")
    assert "enters into force once at least three recipients have joined it." in _text(phases)
    assert (
        "drafted for a world in which a decisive strategic advantage of the United States is "
        "unlikely"
    ) in _text(phases)


def test_phase_description_is_included():
    phases = [{"key": "a", "name": "Pilot", "description": "Small steps first"}]
    article = _by_title(agreement_articles(_minimal(phases=phases), NAMES))[
        "Phases and entry into force"
    ]
    assert article.paragraphs[1] == (
        "Phase 1 (Pilot) is reversible: its steps can be undone if the agreement breaks down. "
        "Small steps first."
    )


@pytest.mark.parametrize(
    ("participation", "expected"),
    [
        (0, None),
        (None, None),
        (1, "enters into force once at least one recipient has joined it."),
        (12, "enters into force once at least 12 recipients have joined it."),
    ],
)
def test_min_participation(participation, expected):
    document = _minimal(scenario={"min_participation": participation})
    articles = agreement_articles(document, NAMES)
    text = articles_text(articles)
    if expected is None:
        assert "enters into force" not in text
    else:
        assert expected in text


@pytest.mark.parametrize(("dsa", "word"), [(0.1, "unlikely"), (0.5, "possible"), (0.9, "likely")])
def test_dsa_in_words(dsa, word):
    document = _minimal(scenario={"dsa": dsa})
    phases = _by_title(agreement_articles(document, NAMES))["Phases and entry into force"]
    assert f"of the United States is {word} (assessed at {dsa:g}" in phases.paragraphs[-1]


def test_names_fall_back_to_humanised_slugs():
    document = {
        "parties": [
            {"key": "zz", "actor": "zz", "role": "provider"},
            {"key": "atlantis", "name": "", "role": "recipient"},
            {"key": "custom", "name": "Republic of Somewhere", "role": "recipient"},
        ],
        "lines": [
            {"key": "l1", "item": "space-mining-rights", "recipient": "atlantis", "magnitude": 0.5}
        ],
        "conditions": [{"key": "c1", "commitment": "open_borders", "recipient": "custom"}],
        "mechanisms": [{"key": "m1", "type": "moon_court", "strength": 0.5}],
    }
    articles = _by_title(agreement_articles(document, {}))
    assert "Benefits to Atlantis" in articles
    assert "Benefits to Republic of Somewhere" in articles
    atlantis = articles["Benefits to Atlantis"].paragraphs[0]
    assert atlantis.startswith("Space mining rights: ZZ shall provide this benefit to Atlantis")
    assert "open borders" in _text(articles["Benefits to Republic of Somewhere"])
    assert "a moderate (0.5) moon court" in _text(articles["Credibility mechanisms"])


def test_custom_party_name_wins_over_catalog_name():
    document = _minimal()
    document["parties"][1]["name"] = "Nippon"
    titles = [a.title for a in agreement_articles(document, NAMES)]
    assert "Benefits to Nippon" in titles


@pytest.mark.parametrize(
    "document",
    [{}, {"parties": []}, {"parties": None}, {"parties": "nonsense"}, None, {"parties": [{}]}],
)
def test_blank_document(document):
    articles = agreement_articles(document, NAMES)
    assert len(articles) == 1
    assert articles[0].number == 1
    assert "does not name any parties yet" in articles[0].paragraphs[0]


def test_deterministic():
    document = _document()
    first = agreement_articles(document, NAMES)
    second = agreement_articles(copy.deepcopy(document), dict(reversed(list(NAMES.items()))))
    assert first == second
    assert articles_text(first) == articles_text(second)


def test_document_is_not_modified():
    document = _document()
    before = copy.deepcopy(document)
    agreement_articles(document, NAMES)
    assert document == before


def test_optional_fields_missing_or_none():
    document = {
        "title": None,
        "purpose": None,
        "scenario": None,
        "parties": [
            {"key": "us", "actor": None, "name": None, "role": "provider"},
            {"key": "jp", "actor": "jp", "role": "recipient", "name": None},
            "not a row",
        ],
        "phases": [{"key": "p1", "order": None, "name": None, "reversible": None}, None],
        "lines": [
            {"key": "l1", "item": None, "recipient": "jp", "magnitude": None, "phase": None},
            {"item": "education-investment", "recipient": "jp", "phase": "missing"},
            {"key": "l3", "item": "model-weights", "recipient": "nobody"},
            42,
        ],
        "conditions": [
            {"key": "c1", "commitment": None, "recipient": "jp", "burden": None, "phase": None}
        ],
        "mechanisms": [{"key": "m1", "type": None, "strength": None, "covers": "odd"}],
    }
    articles = agreement_articles(document, NAMES)
    assert [a.number for a in articles] == list(range(1, len(articles) + 1))
    text = articles_text(articles)
    assert "This agreement is concluded between US" in text
    assert "Benefits to Japan" in text
    assert "from entry into force" in text
    assert "Phase 1 is reversible" in text


def test_no_provider_and_no_recipients():
    only_recipient = agreement_articles(
        {"parties": [{"key": "jp", "actor": "jp", "role": "recipient"}]}, NAMES
    )
    assert "no provider has been named yet" in only_recipient[0].paragraphs[0]
    only_provider = agreement_articles(
        {"parties": [{"key": "us", "actor": "us", "role": "provider"}]}, NAMES
    )
    assert "no recipient has joined it yet" in only_provider[0].paragraphs[0]
    only_observer = agreement_articles(
        {"parties": [{"key": "cn", "actor": "cn", "role": "observer"}]}, NAMES
    )
    assert "does not yet name a provider or any recipient" in only_observer[0].paragraphs[0]


def test_article_is_frozen_and_renders_text():
    article = Article(2, "Review and withdrawal", ("First.", "Second."))
    with pytest.raises(dataclasses.FrozenInstanceError):
        article.number = 3  # type: ignore[misc]
    assert article.heading == "Article 2. Review and withdrawal"
    assert article.to_text() == "Article 2. Review and withdrawal\n\nFirst.\n\nSecond."


def test_articles_text_joins_articles():
    articles = agreement_articles(_document(), NAMES)
    text = articles_text(articles)
    assert text.startswith("Article 1. Parties and purpose\n\n")
    assert text.endswith("\n")
    assert text.count("\n\n\nArticle ") == len(articles) - 1
    for article in articles:
        assert article.to_text() in text
    assert articles_text([]) == ""


def test_shipped_template_reads_well():
    """Every reference template renders without a database (names from the catalog files)."""
    root = Path(__file__).resolve().parents[2]
    names: dict[str, str] = {}
    for path in sorted((root / "catalog" / "data").glob("*.yaml")):
        for row in yaml.safe_load(path.read_text()) or []:
            if isinstance(row, dict) and "slug" in row and "name" in row:
                names[row["slug"]] = row["name"]
    templates = sorted((root / "agreements" / "data" / "templates").glob("*.yaml"))
    assert templates
    for path in templates:
        document = yaml.safe_load(path.read_text())["document"]
        articles = agreement_articles(document, names)
        assert articles[0].title == "Parties and purpose"
        assert articles[-1].title == "Review and withdrawal"
        text = articles_text(articles)
        assert "_" not in text.replace(document.get("title", ""), "")
        assert "None" not in text
