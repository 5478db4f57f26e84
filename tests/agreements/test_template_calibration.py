"""The shipped templates under model 2027.1: the calibration checks of the scoring model
(section 13) and every number a template's "What the scores say" text quotes.

A template file lists the numbers its text quotes under ``quotes``: where the number
comes from in the engine's answer and how the text shows it. The test recomputes each
one, checks the text shows it, and checks the text quotes no number it does not list.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

import pytest
import yaml

from agreements import services
from agreements.models import ReferenceTemplate
from agreements.services import TEMPLATES_DIR
from scoring import engine
from scoring.adapters import catalog_values_from_db, snapshot_from_document

pytestmark = pytest.mark.django_db

SLUGS = [
    "marshall-plan",
    "atoms-for-peace",
    "nato-security-umbrella",
    "chips-for-peace",
    "supply-chain-compact",
    "narrow-models-for-restraint",
    "cern-for-ai",
]
RESTRAINT = "narrow-models-for-restraint"
SEED = 1
"""Texts quote Monte Carlo figures at this seed (2,000 samples); a stored run with another
seed may differ in their last digit."""


@pytest.fixture(autouse=True)
def templates(catalog):
    services.templates_load()


def _result(document: dict[str, Any]) -> dict[str, Any]:
    snapshot = snapshot_from_document(document, catalog_values_from_db([document]))
    return engine.simulate(snapshot, seed=SEED).to_dict()


@cache
def _file(slug: str) -> dict[str, Any]:
    return yaml.safe_load((TEMPLATES_DIR / f"{slug}.yaml").read_text(encoding="utf-8"))


def _document(slug: str) -> dict[str, Any]:
    return copy.deepcopy(ReferenceTemplate.objects.get(slug=slug).document)


@pytest.fixture(scope="module")
def results(django_db_setup, django_db_blocker) -> dict[str, dict[str, Any]]:
    with django_db_blocker.unblock():
        from django.core.management import call_command

        call_command("catalog_load", verbosity=0)
        services.templates_load()
        return {slug: _result(_document(slug)) for slug in SLUGS}


def _score(result: dict[str, Any], name: str, stat: str = "value") -> float:
    return float(result["scores"][name][stat])


# --- Section 13: calibration checks --------------------------------------------------------


def test_credibility_discriminates_between_the_templates(results):
    credibility = {slug: _score(r, "credibility") for slug, r in results.items()}
    assert max(credibility.values()) - min(credibility.values()) >= 25, credibility
    assert all(value < 100 for value in credibility.values()), credibility
    for slug, result in results.items():
        width = _score(result, "credibility", "p95") - _score(result, "credibility", "p5")
        assert width >= 2, f"{slug}: 90% interval only {width:.1f} points wide"


def test_each_template_leads_on_the_risk_it_is_known_for(results):
    def leader(name: str) -> str:
        return max(results, key=lambda slug: _score(results[slug], name))

    assert min(results, key=lambda slug: _score(results[slug], "credibility")) == RESTRAINT
    assert leader("risk_perverse") == RESTRAINT
    assert leader("risk_proliferation") == "atoms-for-peace"
    assert leader("risk_instability") == "nato-security-umbrella"


def test_a_provider_that_could_defect_freely_makes_the_marshall_plan_far_less_credible():
    scores = []
    for dsa in (0.0, 1.0):
        document = _document("marshall-plan")
        document["scenario"].update(dsa=dsa, dsa_uncertainty=0)
        scores.append(_score(_result(document), "credibility"))
    assert scores[0] - scores[1] >= 20, scores


@pytest.mark.parametrize("phasing", ["as shipped", "one phase", "no phases", "reversed"])
def test_the_marshall_plan_without_mechanisms_is_much_less_credible_however_phased(phasing):
    document = _document("marshall-plan")
    document["mechanisms"] = []
    parts = [*document["lines"], *document["conditions"]]
    if phasing == "one phase":
        for part in parts:
            part["phase"] = document["phases"][0]["key"]
    elif phasing == "no phases":
        document["phases"] = []
        for part in parts:
            part["phase"] = None
    elif phasing == "reversed":
        first, last = document["phases"][0]["key"], document["phases"][-1]["key"]
        for part in parts:
            part["phase"] = last if part["phase"] == first else first
    assert _score(_result(document), "credibility") < 75


@pytest.mark.parametrize("slug", [s for s in SLUGS if s != RESTRAINT])
def test_every_other_template_is_viable_and_pays_the_provider(results, slug):
    assert _score(results[slug], "viability", "mean") >= 0.5
    assert _score(results[slug], "provider_surplus") > 0


def test_the_restraint_deal_says_why_it_is_not_viable(results):
    result = results[RESTRAINT]
    if _score(result, "viability", "mean") >= 0.5:
        return
    text = _what_the_scores_say(RESTRAINT)
    assert "not viable" in text
    china = next(r for r in result["recipients"] if r["key"] == "cn")
    assert not china["would_sign"]
    assert "would not sign" in text


# --- Every quoted number ---------------------------------------------------------------------


def _what_the_scores_say(slug: str) -> str:
    rationale = _file(slug)["rationale"]
    paragraph = next(p for p in rationale.split("\n\n") if p.startswith("What the scores say"))
    return " ".join(paragraph.split())


def _engine_value(result: dict[str, Any], where: str) -> float:
    """The engine's number at ``where`` (``scores.<name>[.<stat>]``,
    ``recipients.<key>.<field>``, ``mechanisms.<key>.<field>``, ``coalition.<field>``)."""
    kind, *path = where.split(".")
    if kind == "scores":
        name, stat = [*path, "value"][:2]
        return _score(result, name, stat)
    if kind == "recipients":
        key, field = path
        return float(next(r for r in result["recipients"] if r["key"] == key)[field])
    if kind == "mechanisms":
        key, field = path
        return float(next(m for m in result["mechanism_effects"] if m["key"] == key)[field])
    if kind == "coalition":
        (field,) = path
        return float(result["coalition"][field])
    raise ValueError(f"unknown quote source {where!r}")


def _style(shown: str) -> str:
    """How a text shows a number: as a percentage, or with so many decimals."""
    if shown.endswith("%"):
        return "percent"
    return str(len(shown.split(".")[1]) if "." in shown else 0)


def _formatted(value: float, style: str) -> str:
    if style == "percent":
        return f"{round(value * 100):d}%"
    text = f"{value:.{int(style)}f}"
    return "0" if text == "-0" else text.replace("-0.00", "0.00")


NUMBER = re.compile(r"-?\d+(?:\.\d+)?%?")


@pytest.mark.parametrize("slug", SLUGS)
def test_every_number_a_template_text_quotes_is_the_engines(results, slug):
    quotes = _file(slug).get("quotes") or []
    assert quotes, f"{slug}: list the numbers its text quotes under `quotes`"
    text = _what_the_scores_say(slug)
    for quote in quotes:
        where, shown = quote["at"], str(quote["shown"])
        assert re.search(rf"(?<![\d.]){re.escape(shown)}(?![\d%]|\.\d)", text), (
            f"{slug}: the text does not show {shown} ({where})"
        )
        value = _engine_value(results[slug], where)
        assert _formatted(value, _style(shown)) == shown, (
            f"{slug}: {where} is {value}, the text says {shown}"
        )
    listed = {str(q["shown"]) for q in quotes}
    words = text.replace("90% interval", "interval")  # the name of the interval, no quote
    unlisted = [n for n in NUMBER.findall(words) if n not in listed]
    assert not unlisted, f"{slug}: the text quotes numbers it does not list: {unlisted}"
