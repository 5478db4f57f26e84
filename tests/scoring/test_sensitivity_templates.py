"""Sweeps on the shipped templates (engine output, not the chart)."""

from __future__ import annotations

import copy
import itertools

import pytest

from agreements import services
from agreements.models import ReferenceTemplate
from scoring.adapters import catalog_values_from_db, snapshot_from_document
from scoring.engine.sensitivity import sweep

pytestmark = pytest.mark.django_db


def _snapshot(slug: str):
    services.templates_load()
    document = copy.deepcopy(ReferenceTemplate.objects.get(slug=slug).document)
    return snapshot_from_document(document, catalog_values_from_db([document]))


def test_credibility_of_the_competitor_restraint_deal_falls_as_dsa_rises(catalog):
    result = sweep(_snapshot("narrow-models-for-restraint"), axis="dsa", n_samples=2000, seed=1)
    points = result.scores["credibility"]
    assert len(points) == 11
    values = [p.value for p in points]
    means = [p.mean for p in points]
    assert all(b < a for a, b in itertools.pairwise(values)), values
    assert all(b < a for a, b in itertools.pairwise(means)), means
    assert values[0] - values[-1] > 5
