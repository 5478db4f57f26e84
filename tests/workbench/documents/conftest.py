"""Fixtures of the documents tests: the seven shipped templates as documents."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from agreements import services
from agreements.models import ReferenceTemplate

TEMPLATE_SLUGS = (
    "marshall-plan",
    "atoms-for-peace",
    "nato-security-umbrella",
    "chips-for-peace",
    "supply-chain-compact",
    "narrow-models-for-restraint",
    "cern-for-ai",
)


@pytest.fixture
def templates(catalog) -> dict[str, dict[str, Any]]:
    """Each shipped reference template's document, by slug."""
    services.templates_load()
    return {
        t.slug: copy.deepcopy(t.document)
        for t in ReferenceTemplate.objects.filter(slug__in=TEMPLATE_SLUGS)
    }


def with_quantities(document: dict[str, Any]) -> dict[str, Any]:
    """The document with an amount, unit and duration on its first line and condition,
    durations on its phases, and a participation threshold."""
    document = copy.deepcopy(document)
    document["lines"][0].update(amount=13_300_000_000, unit="USD", duration_months=48)
    if document["conditions"]:
        document["conditions"][0].update(amount=12, unit="inspections a year", duration_months=36)
    for number, phase in enumerate(document["phases"], start=1):
        phase["duration_months"] = 6 * number + 0.5 * (number == 2)
    document["scenario"]["min_participation"] = 25
    return document


@pytest.fixture
def start_scored(templates, team, analyst, django_capture_on_commit_callbacks):
    """Start a draft from a template and score it (in-process), returning the draft."""

    def start(slug: str):
        template = ReferenceTemplate.objects.get(slug=slug)
        with django_capture_on_commit_callbacks(execute=True):
            agreement = services.agreement_start_from_template(
                template=template, team=team, author=analyst
            )
        agreement.refresh_from_db()
        return agreement

    return start
